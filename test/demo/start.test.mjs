// `npm start` (demo/start.mjs): builds the demo MFEs, serves the demo page and stops cleanly.
//
//   node --test test/demo/start.test.mjs
//
// Everything waits on the child's own signals (its URL line, its exit), never on sleeps; each
// wait is bounded so a hung server fails the test instead of stalling it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MFES = ['header', 'billing', 'inventory', 'route-info'];

/** `promise`, or a rejection naming `what` after `ms`. */
function within(ms, what, promise) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Runs `node demo/start.mjs` with `env`; collects stdout lines and stderr. */
function start(t, env) {
  const child = spawn(process.execPath, ['demo/start.mjs'], {
    cwd: ROOT,
    env: { ...process.env, HOST: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = { lines: [], stderr: '' };
  child.stderr.setEncoding('utf8').on('data', (d) => (out.stderr += d));
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => out.lines.push(line));
  const firstLine = once(lines, 'line').then(([line]) => line);
  // 'close', not 'exit': by then stdout and stderr are fully read.
  const exited = once(child, 'close').then(([code, signal]) => ({ code, signal }));
  // Never leave a server behind, whatever failed.
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return { child, out, firstLine, exited };
}

test('npm start serves the demo on a free port and stops cleanly on SIGTERM', { timeout: 20_000 }, async (t) => {
  const { child, out, firstLine, exited } = start(t, { PORT: '0' });

  const line = await within(15_000, 'waiting for the URL line', Promise.race([
    firstLine,
    exited.then(({ code, signal }) => {
      throw new Error(`demo/start.mjs exited before printing its URL (code ${code}, signal ${signal}):\n${out.stderr}`);
    }),
  ]));
  const match = /^mfe-host demo: (http:\/\/127\.0\.0\.1:(\d+)\/demo\/)$/.exec(line);
  assert.ok(match, `unexpected first line: ${JSON.stringify(line)}`);
  const [, url, port] = match;
  assert.notEqual(Number(port), 0, 'the printed URL carries the real port, not 0');

  const page = await fetch(url);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
  const html = await page.text();
  assert.ok(html.includes('<mfe-host name="header"'), 'the page mounts the header MFE');
  assert.match(html, /http-equiv="Content-Security-Policy"/);

  for (const name of MFES) {
    const res = await fetch(new URL(`build/${name}.js`, url));
    assert.equal(res.status, 200, `${name}.js`);
    assert.match(res.headers.get('content-type') ?? '', /javascript/, `${name}.js content type`);
    assert.ok((await res.text()).length > 0, `${name}.js is not empty`);
  }
  // The page's own TypeScript and the runtime source are served as JavaScript.
  // The README's quick start is served as written.
  const quick = await fetch(new URL('quickstart/', url));
  assert.equal(quick.status, 200, 'quickstart/');
  assert.ok((await quick.text()).includes('<mfe-host id="greet" name="hello">'));
  // The routed demo: a deep link is answered with its page (SPA fallback for /demo/routed/ only).
  for (const path of ['routed/', 'routed/billing/invoices/42?tab=items']) {
    const res = await fetch(new URL(path, url));
    assert.equal(res.status, 200, path);
    assert.ok((await res.text()).includes('<mfe-router'), `${path} is the routed shell`);
  }
  assert.equal((await fetch(new URL('routed/missing.js', url))).status, 404, 'no fallback for a missing file');
  for (const path of ['shell.ts', '../src/index.ts', 'quickstart/hello.js']) {
    const res = await fetch(new URL(path, url));
    assert.equal(res.status, 200, path);
    assert.match(res.headers.get('content-type') ?? '', /javascript/, `${path} content type`);
    await res.arrayBuffer();
  }

  assert.ok(child.kill('SIGTERM'));
  const { code, signal } = await within(5_000, 'waiting for the server to stop after SIGTERM', exited);
  assert.ok(code === 0 || (code === null && signal === 'SIGTERM'), `exit code ${code}, signal ${signal}`);
  assert.equal(out.stderr, '', 'no error output');
  assert.deepEqual(out.lines, [line], 'exactly one line on stdout');
});

test('npm start refuses a bad PORT', { timeout: 10_000 }, async (t) => {
  const { out, exited } = start(t, { PORT: 'eighty' });
  const { code } = await within(5_000, 'waiting for the exit', exited);
  assert.equal(code, 2);
  assert.match(out.stderr, /PORT/);
  assert.deepEqual(out.lines, []);
});
