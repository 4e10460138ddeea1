// mfe-host/dev-server: a real @web/dev-server with the plugin, in front of fake remotes on
// 127.0.0.1 that serve a real mfe-host/rollup build of test/fixtures/toolkit — the merged
// manifest, overrides, proxied bytes, what is refused, refresh after a redeploy.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rollup } from 'rollup';
import { startDevServer } from '@web/dev-server';
import { mfe } from '../../dist/build/rollup.js';
import { mfeDevServer } from '../../dist/build/dev-server.js';
import { createStaticHandler } from '../../dist/server/index.js';
import { closedPort, listen, raw } from '../server/_helpers.mjs';

const FIXTURE = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/toolkit');
const sri = (bytes) => `sha384-${createHash('sha384').update(bytes).digest('base64')}`;

let work, dist, built, remote, requests, catalogDoc;
const servers = [];

/** Starts a dev server with the plugin (and `config`), rooted in the work folder; returns its base URL and the plugin. */
async function devServer(pluginOptions, config = {}) {
  const plugin = mfeDevServer(pluginOptions);
  const started = performance.now();
  const server = await startDevServer({
    config: { port: 0, hostname: '127.0.0.1', rootDir: join(work, 'shell'), nodeResolve: true, plugins: [plugin], ...config },
    readCliArgs: false,
    readFileConfig: false,
    logStartMessage: false,
    autoExitProcess: false,
  });
  const ms = performance.now() - started;
  servers.push(server);
  return { base: `http://127.0.0.1:${server.server.address().port}`, plugin, ms };
}

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'mfe-dev-'));
  dist = join(work, 'dist');
  // The MFE, built for real.
  const bundle = await rollup({ input: join(FIXTURE, 'src/mfe.js'), plugins: [mfe({ cwd: FIXTURE, styles: ['src/billing.css'], shared: ['lit'] })], onwarn: () => {} });
  await bundle.write({ dir: dist });
  await bundle.close();
  built = JSON.parse(readFileSync(join(dist, 'mfe.json'), 'utf8')).billing;

  // The shell project the dev server serves: a page, and a file of its own under /mfe/.
  mkdirSync(join(work, 'shell/mfe/local'), { recursive: true });
  mkdirSync(join(work, 'shell/src'), { recursive: true });
  writeFileSync(join(work, 'shell/index.html'), '<!doctype html><mfe-host name="billing"></mfe-host>');
  writeFileSync(join(work, 'shell/mfe/local/readme.txt'), 'the shell\'s own file');
  writeFileSync(join(work, 'shell/src/inventory.js'), 'export const mount = () => {};');

  // The remote: the build under /billing/1.4.2/, a secret beside it, a catalog entry, a shell manifest.
  requests = [];
  const billing = createStaticHandler({ root: dist, prefix: '/billing/1.4.2/' });
  catalogDoc = { catalog: { entry: './3.1.0/mfe.js', version: '3.1.0' } };
  remote = await listen((req, res) => {
    requests.push(req.url);
    if (req.url === '/secret.txt') return res.end('SECRET');
    if (req.url === '/catalog/mfe.json') return res.end(JSON.stringify(catalogDoc));
    if (req.url.startsWith('/catalog/')) return res.end(`export const at = ${JSON.stringify(req.url)};`);
    if (req.url === '/shell/mfe-manifest.json') {
      return res.end(JSON.stringify({
        search: { entry: '../search/5.0.0/mfe.js', version: '5.0.0', styles: ['../search/5.0.0/s.css'] },
        inventory: '../inventory/2.0.0/mfe.js',
        profile: { entry: '../profile/1.0.0/mfe.js', version: '1.0.0', integrity: 'sha384-abc', styles: ['../profile/1.0.0/p.css'] },
      }));
    }
    if (req.url === '/profile/1.0.0/p.css') return res.end('.profile { color: teal }');
    if (req.url === '/two/mfe.json') return res.end(JSON.stringify({ a: './a.js', b: './b.js' }));
    if (req.url === '/renamed/mfe.json') return res.end(JSON.stringify({ 'old-name': { entry: './r.js', version: '1.0.0' } }));
    billing(req, res);
  });
});

after(async () => {
  for (const s of servers) await s.stop();
  await remote?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('manifest, overrides and proxy', () => {
  let base, plugin, entryFile;
  before(async () => {
    entryFile = built.entry.slice(2);
    let ms;
    ({ base, plugin, ms } = await devServer({
      manifest: `${remote.base}/shell/mfe-manifest.json`,
      remotes: {
        billing: `${remote.base}/billing/1.4.2/mfe.json`,
        renamed: `${remote.base}/renamed/mfe.json`,
        two: `${remote.base}/two/mfe.json`,
        payments: { entry: `${remote.base}/payments/7.0.0/mfe.js`, version: '7.0.0', integrity: 'sha384-abc' },
      },
      overrides: { inventory: '/src/inventory.js', account: 'http://127.0.0.1:9/account.js', payments: 'http://127.0.0.1:4001/src/mfe.js', profile: '/src/profile.js' },
      env: { MFE_OVERRIDES: JSON.stringify({ account: '/src/account.js' }) },
    }));
    console.log(`# dev server with mfeDevServer() started in ${ms.toFixed(0)} ms`);
  });

  test('GET /mfe-manifest.json: remotes merged and rewritten to /mfe/<name>/<version>/, ETag and 304', async () => {
    const res = await fetch(`${base}/mfe-manifest.json`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^application\/json/);
    assert.equal(res.headers.get('cache-control'), 'public, max-age=0');
    const etag = res.headers.get('etag');
    assert.ok(etag);
    const json = await res.json();
    assert.deepEqual(json.billing, {
      entry: `/mfe/billing/1.4.2/${entryFile}`,
      version: '1.4.2',
      integrity: built.integrity,
      styles: [`/mfe/billing/1.4.2/${built.styles[0].slice(2)}`],
      shared: { lit: { requiredVersion: '^3.3.0' } },
    });
    // From the shell manifest (relative URLs resolved against it), and an mfe.json under another name.
    assert.deepEqual(json.search, { entry: '/mfe/search/5.0.0/mfe.js', version: '5.0.0', styles: ['/mfe/search/5.0.0/s.css'] });
    assert.deepEqual(json.renamed, { entry: '/mfe/renamed/1.0.0/r.js', version: '1.0.0' });
    // An mfe.json with several entries and none of that name is left out.
    assert.equal(json.two, undefined);

    const again = await fetch(`${base}/mfe-manifest.json`, { headers: { 'if-none-match': etag } });
    assert.equal(again.status, 304);
    assert.equal(again.headers.get('etag'), etag);
    assert.deepEqual(await plugin.manifest(), json, 'plugin.manifest() is what the page gets');
  });

  test('overrides replace entries (MFE_OVERRIDES wins), drop version/integrity, keep styles (proxied)', async () => {
    const json = await (await fetch(`${base}/mfe-manifest.json`)).json();
    assert.deepEqual(json.inventory, { entry: '/src/inventory.js' });
    assert.deepEqual(json.account, { entry: '/src/account.js' });
    assert.deepEqual(json.payments, { entry: 'http://127.0.0.1:4001/src/mfe.js' });
    assert.deepEqual(json.profile, { entry: '/src/profile.js', styles: ['/mfe/profile/1.0.0/p.css'] });
    // The override is the dev server's own file; the replaced remote's files are still proxied.
    assert.equal(await (await fetch(`${base}/src/inventory.js`)).text(), 'export const mount = () => {};');
    assert.equal(await (await fetch(`${base}/mfe/profile/1.0.0/p.css`)).text(), '.profile { color: teal }');
  });

  test('proxied files are byte-equal to the build, untouched by the dev server\'s transforms', async () => {
    const res = await fetch(`${base}/mfe/billing/1.4.2/${entryFile}`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /javascript/);
    const bytes = Buffer.from(await res.arrayBuffer());
    assert.deepEqual(bytes, readFileSync(join(dist, entryFile)));
    assert.equal(sri(bytes), built.integrity);
    // nodeResolve is on, so a transform would have rewritten the bare `lit` import.
    assert.match(bytes.toString(), /from 'lit'/);

    const lazy = bytes.toString().match(/import\('\.\/(details-[\w-]{8}\.js)'\)/)[1];
    assert.deepEqual(Buffer.from(await (await fetch(`${base}/mfe/billing/1.4.2/${lazy}`)).arrayBuffer()), readFileSync(join(dist, lazy)));
    const css = await (await fetch(`${base}/mfe/billing/1.4.2/${built.styles[0].slice(2)}`)).text();
    assert.equal(css, readFileSync(join(dist, built.styles[0]), 'utf8'));
    const logo = css.match(/url\("(logo-[\w-]{8}\.svg)"\)/)[1];
    const img = await fetch(`${base}/mfe/billing/1.4.2/assets/${logo}`);
    assert.equal(img.headers.get('content-type'), 'image/svg+xml');
    assert.deepEqual(Buffer.from(await img.arrayBuffer()), readFileSync(join(dist, 'assets', logo)));
  });

  test('unconfigured names and versions are 404, other /mfe/ paths are the dev server\'s files', async () => {
    assert.equal((await fetch(`${base}/mfe/unknown/1.0.0/mfe.js`)).status, 404);
    assert.equal((await fetch(`${base}/mfe/billing/9.9.9/${entryFile}`)).status, 404);
    assert.equal((await fetch(`${base}/mfe/local/readme.txt`)).status, 200);
    const page = await fetch(`${base}/index.html`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<mfe-host name="billing">/);
  });

  test('path traversal is refused before the remote is contacted', async () => {
    const before = requests.length;
    for (const path of [
      '/mfe/billing/1.4.2/../../secret.txt',
      '/mfe/billing/1.4.2/%2e%2e/%2e%2e/secret.txt',
      '/mfe/billing/1.4.2/..%2f..%2fsecret.txt',
      '/mfe/billing/1.4.2/%5c..%5csecret.txt',
      '/mfe/billing/1.4.2//127.0.0.1/secret.txt',
    ]) {
      const res = await raw(base, path);
      assert.equal(res.status, 400, path);
      assert.doesNotMatch(res.body.toString(), /SECRET/);
    }
    assert.deepEqual(requests.slice(before), []);
  });

  test('non-GET methods on proxied paths are 405', async () => {
    const res = await fetch(`${base}/mfe/billing/1.4.2/${entryFile}`, { method: 'POST', body: 'x' });
    assert.equal(res.status, 405);
  });
});

describe('options', () => {
  test('path, proxy: false (absolute URLs, resolved against mfe.json), cors', async () => {
    const { base } = await devServer({ path: '/config/mfes.json', proxy: false, cors: true, remotes: { billing: `${remote.base}/billing/1.4.2/mfe.json` } });
    const res = await fetch(`${base}/config/mfes.json`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    const json = await res.json();
    assert.equal(json.billing.entry, `${remote.base}/billing/1.4.2/${built.entry.slice(2)}`);
    assert.equal(json.billing.styles[0], `${remote.base}/billing/1.4.2/${built.styles[0].slice(2)}`);
    assert.equal((await fetch(`${base}/mfe-manifest.json`)).status, 404);
    assert.equal((await fetch(`${base}/mfe/billing/1.4.2/${built.entry.slice(2)}`)).status, 404, 'no proxy');
    const page = await fetch(`${base}/index.html`);
    assert.equal(page.headers.get('access-control-allow-origin'), '*');
    assert.equal(page.headers.get('cross-origin-resource-policy'), 'cross-origin');
  });

  test('an unreachable remote is left out; the others are served', async () => {
    const port = await closedPort();
    const { base, plugin } = await devServer({
      remotes: { down: `http://127.0.0.1:${port}/down/mfe.json`, billing: `${remote.base}/billing/1.4.2/mfe.json` },
    });
    const json = await (await fetch(`${base}/mfe-manifest.json`)).json();
    assert.deepEqual(Object.keys(json), ['billing']);
    assert.deepEqual(Object.keys(await plugin.manifest()), ['billing']);
    assert.equal((await fetch(`${base}/mfe/down/_/mfe.js`)).status, 404);
  });

  test('a redeployed remote shows at the next manifest request (refresh: 0); the old version stops being proxied', async () => {
    const { base } = await devServer({ refresh: 0, remotes: { catalog: `${remote.base}/catalog/mfe.json` } });
    const first = await fetch(`${base}/mfe-manifest.json`);
    assert.equal((await first.json()).catalog.entry, '/mfe/catalog/3.1.0/mfe.js');
    assert.equal(await (await fetch(`${base}/mfe/catalog/3.1.0/mfe.js`)).text(), 'export const at = "/catalog/3.1.0/mfe.js";');

    catalogDoc = { catalog: { entry: './3.2.0/mfe.js', version: '3.2.0' } };
    const second = await fetch(`${base}/mfe-manifest.json`, { headers: { 'if-none-match': first.headers.get('etag') } });
    assert.equal(second.status, 200, 'a new ETag');
    assert.equal((await second.json()).catalog.entry, '/mfe/catalog/3.2.0/mfe.js');
    assert.equal(await (await fetch(`${base}/mfe/catalog/3.2.0/mfe.js`)).text(), 'export const at = "/catalog/3.2.0/mfe.js";');
    assert.equal((await fetch(`${base}/mfe/catalog/3.1.0/mfe.js`)).status, 404);
  });

  test('problems are logged once each, naming the source, remote and field; bad remotes are left out', async () => {
    const port = await closedPort();
    const plugin = mfeDevServer({
      remotes: {
        bad: { entry: 'relative.js' },
        two: `${remote.base}/two/mfe.json`,
        down: `http://127.0.0.1:${port}/down/mfe.json`,
        billing: `${remote.base}/billing/1.4.2/mfe.json`,
      },
    });
    const warnings = [];
    const logs = [];
    const app = { middleware: [], callback: () => () => {} };
    await plugin.serverStart({ app, logger: { warn: (m) => warnings.push(m), log: (m) => logs.push(m) } });
    assert.equal(app.middleware.length, 1, 'the middleware is put in the Koa stack');
    assert.deepEqual(Object.keys(await plugin.manifest()), ['billing']);
    assert.equal(warnings.length, 3, warnings.join('\n'));
    assert.match(warnings.join('\n'), new RegExp(`cannot load http://127\\.0\\.0\\.1:${port}/down/mfe\\.json: fetch failed`));
    assert.match(warnings.join('\n'), /\/two\/mfe\.json: no entry "two" \(it has "a", "b"\)/);
    assert.match(warnings.join('\n'), /Invalid MFE remotes: the "remotes" option: remote "bad": "entry" must be an absolute http\(s\) URL, got "relative.js"/);
    assert.deepEqual(logs, ['mfe-host: /mfe-manifest.json with billing']);
  });

  test('bad options are TypeErrors naming the option', () => {
    assert.throws(() => mfeDevServer({ remotes: { billing: 'billing.js' } }), { name: 'TypeError', message: /remote "billing" must be an absolute http\(s\) URL, got "billing.js"/ });
    assert.throws(() => mfeDevServer({ remotes: { billing: 42 } }), /remote "billing" must be a URL string or an entry object/);
    assert.throws(() => mfeDevServer({ manifest: ['file:///etc/passwd'] }), /"manifest"\[0\] must be an absolute http\(s\) URL/);
    assert.throws(() => mfeDevServer({ overrides: { billing: 'javascript:alert(1)' } }), /"overrides": "billing" must be an http\(s\) URL or a path starting with "\/"/);
    assert.throws(() => mfeDevServer({ overrides: { billing: '//evil.example/x.js' } }), /"billing" must be an http\(s\) URL or a path/);
    assert.throws(() => mfeDevServer({ env: { MFE_OVERRIDES: '{billing' } }), /MFE_OVERRIDES is not JSON/);
    assert.throws(() => mfeDevServer({ env: { MFE_OVERRIDES: '["x"]' } }), /MFE_OVERRIDES must be an object of name → entry URL, got an array/);
    assert.throws(() => mfeDevServer({ path: 'manifest.json' }), /"path" must start with "\/"/);
    assert.throws(() => mfeDevServer({ timeout: 0 }), /"timeout" must be a positive number/);
  });
});
