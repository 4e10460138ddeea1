// deploy/nginx/mfe-cdn.conf, the CDN-style cache in front of the shell host: `nginx -t` accepts
// it (and rejects a broken copy), and run for real in front of a shell host it caches versioned
// files once, keeps the manifest briefly and revalidates it, stores nothing a remote marked
// no-store, never answers a credentialed request from the cache nor stores its answer, and
// does not expose the probes. The shipped file is used as is except for three lines a user
// changes for their site too, replaced below (each must occur exactly once).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createShellServer } from '../../dist/server/index.js';
import { listen, upstreamService } from '../server/_helpers.mjs';
import { NGINX, freePort, prologue, skipWithoutNginx as skip, startNginx } from '../server/_nginx.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SHIPPED = join(ROOT, 'deploy', 'nginx', 'mfe-cdn.conf');

/** The shipped file with its site-specific lines pointed into `dir` and at 127.0.0.1. */
function localCopy(dir, { port, upstream }) {
  let conf = readFileSync(SHIPPED, 'utf8');
  const replace = (from, to) => {
    assert.equal(conf.split(from).length - 1, 1, `${SHIPPED} has exactly one ${JSON.stringify(from)}`);
    conf = conf.replace(from, to);
  };
  replace('proxy_cache_path /var/cache/nginx/mfe ', `proxy_cache_path ${dir}/cache `); // the cache folder
  replace('server mfe-shell:80;', `server ${upstream};`); // where the shell host runs
  replace('listen 80;', `listen 127.0.0.1:${port};`); // where nginx listens
  return conf;
}

/** A complete nginx.conf around `http` (the shipped file goes in `http { }`, as in conf.d). */
function mainConf(dir, includeFile) {
  const { main, httpTemp } = prologue(dir);
  return `${main}\nhttp {\n  access_log off;\n  ${httpTemp}\n  include ${includeFile};\n}\n`;
}

/** `nginx -t` on a conf in `dir`: { status, output }. */
function nginxTest(dir, conf) {
  writeFileSync(join(dir, 'mfe-cdn.conf'), conf);
  writeFileSync(join(dir, 'nginx.conf'), mainConf(dir, join(dir, 'mfe-cdn.conf')));
  const r = spawnSync(NGINX, ['-t', '-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], { encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe('deploy/nginx/mfe-cdn.conf', { skip }, () => {
  let dir;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'mfe-cdn-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('nginx -t accepts the shipped configuration', () => {
    const r = nginxTest(dir, localCopy(dir, { port: 8080, upstream: '127.0.0.1:8081' }));
    assert.equal(r.status, 0, r.output);
    assert.match(r.output, /syntax is ok/);
    assert.match(r.output, /test is successful/);
  });

  test('nginx -t rejects a broken copy (so the check above can fail)', () => {
    const good = localCopy(dir, { port: 8080, upstream: '127.0.0.1:8081' });
    const missingSemicolon = good.replace('proxy_cache_lock on;', 'proxy_cache_lock on');
    const r = nginxTest(dir, missingSemicolon);
    assert.notEqual(r.status, 0);
    assert.match(r.output, /mfe-cdn\.conf:\d+/, 'names the file and line');
    const unknownZone = nginxTest(dir, good.replace('proxy_cache mfe;', 'proxy_cache mfee;'));
    assert.notEqual(unknownZone.status, 0);
    assert.match(unknownZone.output, /"mfee"/);
  });

  describe('in front of a shell host', () => {
    let shell;
    let remote;
    let nginx;
    let base;
    const seen = [];
    const source = 'export function mount(ctx) { ctx.root.textContent = "billing"; }\n';

    before(async () => {
      // A local MFE (immutable files) and a proxied remote (for a file its server marks no-store).
      const mfeDir = join(dir, 'billing-dist');
      mkdirSync(mfeDir);
      writeFileSync(join(mfeDir, 'mfe.js'), source);
      writeFileSync(join(mfeDir, 'other.js'), source);
      writeFileSync(join(mfeDir, 'third.js'), source);
      const publicDir = join(dir, 'public');
      mkdirSync(publicDir);
      writeFileSync(join(publicDir, 'index.html'), '<!doctype html><title>shell</title>\n');
      remote = await listen(upstreamService({}).listener);
      const server = createShellServer({
        remotes: { ext: { entry: `${remote.base}/ext/2.0.0/mfe.js`, version: '2.0.0' } },
        proxy: true,
        proxyCache: false,
        local: { billing: { version: '1.2.0', dir: mfeDir, entry: 'mfe.js' } },
        static: publicDir,
        env: {},
      });
      server.on('request', (req) => seen.push(req.url));
      shell = await listen(server);
      const port = await freePort();
      writeFileSync(join(dir, 'mfe-cdn.conf'), localCopy(dir, { port, upstream: `127.0.0.1:${shell.port}` }));
      // startNginx waits for any answer to /healthz (this configuration's is a 404).
      nginx = await startNginx(dir, mainConf(dir, join(dir, 'mfe-cdn.conf')), port);
      base = `http://127.0.0.1:${port}`;
    });
    after(async () => {
      await nginx?.stop();
      await shell?.close();
      await remote?.close();
    });

    const hits = (path) => seen.filter((u) => u === path).length;

    test('a versioned MFE file: fetched once, then answered from the cache', async () => {
      const path = '/mfe/billing/1.2.0/mfe.js';
      const first = await fetch(base + path);
      assert.equal(first.status, 200, nginx.log());
      assert.equal(await first.text(), source);
      assert.equal(first.headers.get('x-cache-status'), 'MISS');
      assert.match(first.headers.get('cache-control'), /immutable/);
      const second = await fetch(base + path);
      assert.equal(await second.text(), source);
      assert.equal(second.headers.get('x-cache-status'), 'HIT');
      assert.equal(hits(path), 1, 'the shell host saw it once');
    });

    test('credentials: a request with Cookie or Authorization bypasses the cache, and its answer is not stored', async () => {
      const cached = '/mfe/billing/1.2.0/mfe.js';
      await fetch(base + cached).then((r) => r.text()); // stored (or already)
      for (const headers of [{ cookie: 'sid=alice' }, { authorization: 'Bearer alice' }]) {
        const r = await fetch(base + cached, { headers });
        await r.text();
        assert.equal(r.headers.get('x-cache-status'), 'BYPASS', `${Object.keys(headers)[0]}: not served from the shared cache`);
      }
      const fresh = '/mfe/billing/1.2.0/other.js';
      const credentialed = await fetch(base + fresh, { headers: { authorization: 'Bearer alice' } });
      await credentialed.text();
      const anonymous = await fetch(base + fresh);
      await anonymous.text();
      assert.equal(anonymous.headers.get('x-cache-status'), 'MISS', 'the credentialed answer was not stored for others');
      assert.equal(hits(fresh), 2);
    });

    test('Cache-Control from the remote is respected: a no-store file is never stored', async () => {
      const path = '/mfe/ext/2.0.0/no-store.js';
      for (let i = 0; i < 2; i++) {
        const r = await fetch(base + path);
        assert.equal(r.status, 200, nginx.log());
        assert.equal(await r.text(), '1');
        assert.equal(r.headers.get('cache-control'), 'no-store');
        assert.equal(r.headers.get('x-cache-status'), 'MISS');
      }
      assert.equal(hits(path), 2, 'both reached the shell host');
    });

    test('the manifest: cached briefly, still carrying the host\'s validators', async () => {
      const first = await fetch(`${base}/mfe-manifest.json`);
      const manifest = await first.json();
      assert.equal(manifest.billing.entry, '/mfe/billing/1.2.0/mfe.js');
      assert.match(first.headers.get('x-cache-status'), /MISS|EXPIRED/);
      assert.ok(first.headers.get('etag'), 'the ETag passes through for browsers to revalidate');
      assert.equal(first.headers.get('cache-control'), 'public, max-age=60', "browsers get the host's max-age");
      const second = await fetch(`${base}/mfe-manifest.json`);
      await second.text();
      assert.equal(second.headers.get('x-cache-status'), 'HIT');
    });

    test('probes are not exposed; the shell page is proxied, not cached', async () => {
      for (const path of ['/healthz', '/readyz', '/mfe-status.json']) {
        const r = await fetch(base + path);
        await r.text();
        assert.equal(r.status, 404, path);
        assert.equal(hits(path), 0, `${path} never reached the shell host`);
      }
      const page = await fetch(`${base}/`);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<title>shell<\/title>/);
      assert.equal(page.headers.get('x-cache-status'), null);
    });

    test('JavaScript is compressed for clients that accept it', async () => {
      const r = await fetch(`${base}/mfe/billing/1.2.0/third.js`, { headers: { 'accept-encoding': 'gzip' } });
      assert.equal(r.headers.get('content-encoding'), 'gzip');
      assert.equal(await r.text(), source, 'fetch decodes it back to the file');
    });
  });
});
