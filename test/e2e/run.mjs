#!/usr/bin/env node
// Runs the end-to-end tests (test/e2e/*.e2e.mjs) with node's test runner, after checking that
// Chromium is there. They start `npm start`'s processes (demo/start.mjs) themselves and drive
// the pages with playwright-core and the system Chromium (never a downloaded browser).
//
//   node test/e2e/run.mjs [node --test flags]
//
// Without Chromium: in CI (CI=true) this fails; elsewhere it skips, with a hint, and exits 0.
// Env: CHROMIUM_BIN (default /usr/bin/chromium), CI, MFE_E2E_HEADED=1.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const HERE = join(ROOT, 'test', 'e2e');
const IS_CI = /^(1|true|yes)$/i.test(process.env.CI ?? '');
const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';

try {
  accessSync(CHROMIUM, constants.X_OK);
} catch {
  const hint = `e2e: Chromium not found at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_BIN)`;
  if (IS_CI) {
    console.error(`${hint}: required in CI`);
    process.exit(1);
  }
  console.log(`${hint}: skipped`);
  process.exit(0);
}

const files = readdirSync(HERE)
  .filter((n) => n.endsWith('.e2e.mjs'))
  .sort()
  .map((n) => relative(ROOT, join(HERE, n)));
if (!files.length) {
  console.log('e2e: no test/e2e/*.e2e.mjs');
  process.exit(0);
}

const started = Date.now();
// One file at a time: each starts its own servers and browser, and the machine may be small.
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=1', ...process.argv.slice(2), ...files], {
  cwd: ROOT,
  stdio: 'inherit',
  env: { ...process.env, CHROMIUM_BIN: CHROMIUM },
});
console.log(`e2e: ${r.status === 0 ? 'passed' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(r.status ?? 1);
