// `npm start` (demo/start.mjs): builds the demo MFEs, starts the three MFE services and the shell
// host (proxy on), serves the demo pages and stops cleanly. The browser side is
// test/e2e/showcase.e2e.mjs.
//
//   node --test test/demo/start.test.mjs
//
// Everything waits on the child's own signals (its URL line, its exit), never on sleeps; each
// wait is bounded so a hung server fails the test instead of stalling it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createHash } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { closed, within } from './_process.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MFES = ['header', 'billing', 'inventory', 'route-info'];

/** stderr without the notes of a runtime build (when dist/ was older than src/). */
const errorsIn = (stderr) => stderr.split('\n').filter((l) => l && !/^mfe-host demo: .*building the runtime/.test(l)).join('\n');

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

test('npm start serves the demo on a free port and stops cleanly on SIGTERM', { timeout: 240_000 }, async (t) => {
  const { child, out, firstLine, exited } = start(t, { PORT: '0' });

  // (Long: when dist/ is older than src/, demo/start.mjs builds it first.)
  const line = await within(200_000, 'waiting for the URL line', Promise.race([
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

  // The runtime the pages load is the built one.
  for (const path of ['/dist/browser/mfe-host.min.js', '/dist/browser/router.min.js', '/dist/browser/devtools.min.js']) {
    const res = await fetch(new URL(path, url));
    assert.equal(res.status, 200, path);
    assert.match(res.headers.get('content-type') ?? '', /javascript/, `${path} content type`);
    await res.arrayBuffer();
  }

  // Three MFE services, each on its own port, each serving only its own releases, with CORS.
  const services = await (await fetch(new URL('services.json', url))).json();
  assert.deepEqual(services.map((s) => s.name), ['header', 'billing', 'inventory']);
  const ports = [Number(port), ...services.map((s) => Number(new URL(s.url).port))];
  assert.equal(new Set(ports).size, 4, 'four ports');

  // The manifest: every entry rewritten to the shell's own /mfe/<name>/<version>/ path.
  const manifestRes = await fetch(new URL('/mfe-manifest.json', url));
  assert.equal(manifestRes.status, 200);
  const manifest = await manifestRes.json();
  assert.deepEqual(Object.keys(manifest).sort(), ['billing', 'header', 'inventory', 'recommendations']);
  assert.match(manifest.billing.entry, /^\/mfe\/billing\/1\.4\.2\/billing-[\w-]+\.js$/);
  assert.match(manifest.billing.canary.entry, /^\/mfe\/billing\/2\.0\.0-beta\.1\/billing-[\w-]+\.js$/);
  assert.equal(manifest.billing.canary.weight, 0.3);
  for (const service of services) {
    const { name } = service;
    const entry = manifest[name];
    assert.match(entry.entry, new RegExp(`^/mfe/${name}/${entry.version.replace(/\./g, '\\.')}/${name}-[\\w-]+\\.js$`), `${name} entry`);
    // Through the proxy: the very bytes the service has, matching the manifest's integrity.
    const proxied = Buffer.from(await (await fetch(new URL(entry.entry, url))).arrayBuffer());
    assert.equal(`sha384-${createHash('sha384').update(proxied).digest('base64')}`, entry.integrity, `${name} integrity`);
    // From the service itself: the same file, with CORS, and its mfe.json.
    const file = entry.entry.replace(`/mfe/${name}/`, '');
    const direct = await fetch(new URL(file, service.url), { headers: { origin: 'http://elsewhere.example' } });
    assert.equal(direct.status, 200, `${name} service serves ${file}`);
    assert.equal(direct.headers.get('access-control-allow-origin'), '*', `${name} service CORS`);
    assert.ok(Buffer.from(await direct.arrayBuffer()).equals(proxied));
    const fragment = await (await fetch(new URL(`${entry.version}/mfe.json`, service.url))).json();
    assert.equal(fragment[name].integrity, entry.integrity, `${name} mfe.json`);
    // Only its own folder: another team's release is not there.
    const other = services.find((s) => s.name !== name);
    const otherEntry = manifest[other.name].entry.replace(`/mfe/${other.name}/`, '');
    assert.equal((await fetch(new URL(otherEntry, service.url))).status, 404, `${name} service does not serve ${other.name}`);
  }
  // The release that was never deployed: a 404 from its service, through the proxy.
  assert.equal((await fetch(new URL(manifest.recommendations.entry, url))).status, 404);
  // The services' folders are not demo files.
  assert.equal((await fetch(new URL('build/services/header/', url))).status, 404);

  assert.ok(child.kill('SIGTERM'));
  const { code, signal } = await within(5_000, 'waiting for the server to stop after SIGTERM', exited);
  assert.ok(code === 0 || (code === null && signal === 'SIGTERM'), `exit code ${code}, signal ${signal}`);
  assert.equal(errorsIn(out.stderr), '', 'no error output');
  assert.deepEqual(out.lines, [line], 'exactly one line on stdout');
  for (const p of ports) assert.equal(await closed(p), true, `port ${p} closed`);
});

test('npm start refuses a bad PORT', { timeout: 10_000 }, async (t) => {
  const { out, exited } = start(t, { PORT: 'eighty' });
  const { code } = await within(5_000, 'waiting for the exit', exited);
  assert.equal(code, 2);
  assert.match(out.stderr, /PORT/);
  assert.deepEqual(out.lines, []);
});
