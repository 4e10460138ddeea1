#!/usr/bin/env node
// Runs the Node (non-browser) tests with node's test runner: every test/**/*.test.mjs (browser
// tests are *.test.ts and run in test/browsers.mjs). Succeeds with a note when there are none yet.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

function walk(dir, match, out = []) {
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') walk(p, match, out);
    } else if (match(entry.name)) out.push(p);
  }
  return out;
}

// Node tests are test/**/*.test.mjs (browser tests are *.test.ts); fixtures hold none.
const targets = walk(join(ROOT, 'test'), (n) => n.endsWith('.test.mjs'))
  .filter((p) => !p.includes(`${join('test', 'fixtures')}`))
  .map((p) => relative(ROOT, p));

if (targets.length === 0) {
  console.log('node tests: none yet (test/**/*.test.mjs)');
  process.exit(0);
}
const r = spawnSync(process.execPath, ['--test', ...process.argv.slice(2), ...targets], {
  cwd: ROOT,
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
