#!/usr/bin/env node
/**
 * The `mfe-host` executable (`"bin"` in package.json): `mfe-host serve [options]`, see ./cli.ts.
 * The exit code is set rather than forced, so pending output is flushed before Node exits.
 */
import { main } from './cli.js';

process.exitCode = await main(process.argv.slice(2), process.env);
