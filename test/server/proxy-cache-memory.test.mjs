// The proxy cache's memory bound, counted: `maxBytes` must bound what a full cache adds to the
// process's heap (heapUsed + arrayBuffers, after gc()) within a factor of 1.5, however small and
// many the files. Each case runs in a child process (`node --expose-gc`, see
// _proxy-cache-memory.mjs) that fills a real proxy's cache from a real upstream with thousands of
// distinct small files, several times what fits, then measures. A memory bound, not a timing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./_proxy-cache-memory.mjs', import.meta.url));
/** The factor the README and `maxBytes`'s documentation state. */
const FACTOR = 1.5;
const MAX_BYTES = 2 * 1024 * 1024;

function fill({ requests, maxEntries = 'default', headers, pad = 0 }) {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--expose-gc', CHILD, String(MAX_BYTES), String(requests), String(maxEntries), headers, String(pad)], { maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`${err.message}\n${stderr}`));
      resolve(JSON.parse(stdout.trim().split('\n').at(-1)));
    });
  });
}

function check(t, result, label) {
  const ratio = result.grown / MAX_BYTES;
  const detail = `${label}: grew ${result.grown} B = ${ratio.toFixed(2)} × maxBytes (${JSON.stringify(result)})`;
  t.diagnostic(detail);
  assert.ok(ratio <= FACTOR, `over ${FACTOR} × maxBytes: ${detail}`);
  // Not vacuous: the cache really held files (a large share of its budget), the newest ones,
  // and evicted the oldest to stay within it.
  assert.ok(ratio >= 0.4, `the cache held little: ${detail}`);
  assert.equal(result.stored, 200, `the newest files are hits: ${detail}`);
  assert.equal(result.evicted, 200, `the oldest files were evicted: ${detail}`);
}

test(`${FACTOR} × maxBytes bounds the heap of a cache full of tiny files, with every default (maxEntries too)`, { timeout: 120_000 }, async (t) => {
  check(t, await fill({ requests: 5000, headers: 'many' }), 'tiny files, defaults');
});

test(`${FACTOR} × maxBytes bounds it by the bytes accounted alone (no entry cap), few or many headers, tiny or 1 KB bodies`, { timeout: 120_000 }, async (t) => {
  const cases = [
    { requests: 8000, maxEntries: 1e9, headers: 'few', label: 'tiny files, two headers' },
    { requests: 8000, maxEntries: 1e9, headers: 'many', label: 'tiny files, six headers' },
    { requests: 3000, maxEntries: 1e9, headers: 'many', pad: 1000, label: '1 KB files' },
  ];
  // At once: each child is a process of its own, so they do not share a heap.
  const results = await Promise.all(cases.map((c) => fill(c)));
  results.forEach((r, i) => check(t, r, cases[i].label));
});
