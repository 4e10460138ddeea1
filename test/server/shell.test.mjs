// createShellHandler() / createShellServer() / koaAdapter(): the manifest (rewritten or not),
// /mfe/… from the proxy or local MFEs, a static folder — from node:http, a Connect-style chain
// and a real @web/dev-server.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createShellHandler, createShellServer, koaAdapter, loadRemotes, rewriteManifest } from '../../dist/server/index.js';
import { connectLike, listen, raw, upstreamService, withServer } from './_helpers.mjs';

const billingService = upstreamService({ '/billing/1.0.0/mfe.js': 'export const billing = 1;\n' });
const inventoryService = upstreamService({ '/inventory/1.4.0/mfe.js': 'export const inventory = 1;\n', '/inventory/1.4.0/extra.css': 'a{}' });
let billing, inventory, remotes, dir;

before(async () => {
  billing = await listen(billingService.listener);
  inventory = await listen(inventoryService.listener);
  remotes = loadRemotes({
    env: {},
    remotes: {
      billing: { entry: `${billing.base}/billing/1.0.0/mfe.js`, version: '1.0.0', integrity: 'sha384-x' },
      inventory: {
        entry: `${inventory.base}/inventory/1.4.0/mfe.js`,
        version: '1.4.0',
        fallback: `${billing.base}/old/inventory/1.3.9/mfe.js`,
        styles: ['inventory.css', `${inventory.base}/inventory/1.4.0/extra.css`, 'https://fonts.example.com/f.css'],
        canary: { entry: `${inventory.base}/inventory/1.5.0-rc.1/mfe.js`, version: '1.5.0-rc.1', weight: 0.05 },
      },
      plain: `${inventory.base}/plain/mfe.js?v=3`,
    },
  });
  dir = mkdtempSync(join(tmpdir(), 'mfe-shell-'));
  mkdirSync(join(dir, 'public'));
  writeFileSync(join(dir, 'public', 'index.html'), '<mfe-host name="billing"></mfe-host>');
  mkdirSync(join(dir, 'search', 'dist'), { recursive: true });
  writeFileSync(join(dir, 'search', 'dist', 'mfe.js'), 'export const search = 1;\n');
});

after(async () => {
  await Promise.all([billing.close(), inventory.close()]);
  rmSync(dir, { recursive: true, force: true });
});

const local = () => ({
  search: { version: '0.3.0', dir: join(dir, 'search'), entry: './dist/mfe.js' },
  billing: { version: '0.0.1', dir: join(dir, 'search'), entry: 'dist/mfe.js' }, // overridden by the remote
});

describe('manifest', () => {
  test('proxy off: remotes as configured, local MFEs as /mfe/ URLs, remotes override locals', async () => {
    await withServer(createShellHandler({ remotes, local: local() }), async (base) => {
      const manifest = await (await fetch(`${base}/mfe-manifest.json`)).json();
      assert.equal(manifest.billing.entry, remotes.billing.entry);
      assert.equal(manifest.inventory.entry, remotes.inventory.entry);
      assert.deepEqual(manifest.search, { entry: '/mfe/search/0.3.0/dist/mfe.js', version: '0.3.0' });
    });
  });

  test('proxy on: every entry rewritten to same-origin /mfe/<name>/<version>/<file>', () => {
    const rewritten = rewriteManifest(remotes);
    assert.deepEqual({ ...rewritten.billing }, { entry: '/mfe/billing/1.0.0/mfe.js', version: '1.0.0', integrity: 'sha384-x' });
    assert.equal(rewritten.inventory.entry, '/mfe/inventory/1.4.0/mfe.js');
    assert.equal(rewritten.inventory.canary.entry, '/mfe/inventory/1.5.0-rc.1/mfe.js');
    assert.equal(rewritten.inventory.canary.weight, 0.05);
    assert.equal(rewritten.inventory.fallback, '/mfe/inventory/1.3.9/mfe.js', 'a fallback in another versioned folder gets its version');
    assert.deepEqual(rewritten.inventory.styles, ['inventory.css', '/mfe/inventory/1.4.0/extra.css', 'https://fonts.example.com/f.css']);
    assert.equal(rewritten.plain.entry, '/mfe/plain/_/mfe.js?v=3', 'no version: the segment is "_"');
  });

  test('MFE_PROXY_ENABLED=true: the server serves the rewritten manifest with ETag, 304 and max-age', async () => {
    await withServer(createShellServer({ remotes, env: { MFE_PROXY_ENABLED: 'true' }, maxAge: 30 }), async (base) => {
      const res = await fetch(`${base}/mfe-manifest.json`);
      assert.equal(res.headers.get('cache-control'), 'public, max-age=30');
      assert.equal((await res.json()).billing.entry, '/mfe/billing/1.0.0/mfe.js');
      const again = await fetch(`${base}/mfe-manifest.json`, { headers: { 'if-none-match': res.headers.get('etag') } });
      assert.equal(again.status, 304);
      // …and every rewritten URL is served by the proxy.
      assert.equal(await (await fetch(`${base}/mfe/billing/1.0.0/mfe.js`)).text(), 'export const billing = 1;\n');
      assert.equal(await (await fetch(`${base}/mfe/inventory/1.4.0/extra.css`)).text(), 'a{}');
    });
    await withServer(createShellServer({ remotes, env: {} }), async (base) => {
      assert.equal((await (await fetch(`${base}/mfe-manifest.json`)).json()).billing.entry, remotes.billing.entry);
    });
  });
});

describe('/mfe/ files', () => {
  test('local MFEs are served from their dir with immutable caching; a remote of the same name wins', async () => {
    await withServer(createShellHandler({ remotes, local: local(), proxy: true }), async (base) => {
      const res = await fetch(`${base}/mfe/search/0.3.0/dist/mfe.js`);
      assert.equal(await res.text(), 'export const search = 1;\n');
      assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable');
      assert.equal((await fetch(`${base}/mfe/search/9.9.9/dist/mfe.js`)).status, 404);
      assert.equal((await fetch(`${base}/mfe/billing/0.0.1/dist/mfe.js`)).status, 404, 'the local billing is overridden');
      assert.equal(await (await fetch(`${base}/mfe/billing/1.0.0/mfe.js`)).text(), 'export const billing = 1;\n');
      assert.equal((await raw(base, '/mfe/search/0.3.0/%2e%2e/%2e%2e/public/index.html')).status, 400);
    });
  });

  test('proxy off: remote files are 404 here (the browser loads them from their origin)', async () => {
    await withServer(createShellHandler({ remotes }), async (base) => {
      const before = billingService.requests.length;
      assert.equal((await fetch(`${base}/mfe/billing/1.0.0/mfe.js`)).status, 404);
      assert.equal(billingService.requests.length, before);
    });
  });
});

describe('createShellServer', () => {
  test('serves the static folder and the manifest; unknown paths 404', async () => {
    await withServer(createShellServer({ remotes, static: join(dir, 'public'), env: {} }), async (base) => {
      assert.equal(await (await fetch(`${base}/`)).text(), '<mfe-host name="billing"></mfe-host>');
      assert.equal((await fetch(`${base}/mfe-manifest.json`)).status, 200);
      assert.equal((await fetch(`${base}/nope`)).status, 404);
    });
  });

  test('garbage on the socket gets a 400 and the server keeps serving', async () => {
    await withServer(createShellServer({ remotes, env: {} }), async (base, { port }) => {
      const reply = await new Promise((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => socket.write('NOT HTTP AT ALL\r\n\r\n'));
        let text = '';
        socket.on('data', (d) => (text += d));
        socket.on('end', () => resolve(text));
        socket.on('error', reject);
      });
      assert.match(reply, /^HTTP\/1\.1 400 Bad Request/);
      assert.equal((await fetch(`${base}/mfe-manifest.json`)).status, 200);
    });
  });

  /** Writes `text` on a raw socket to `port` and resolves with everything the server sent before closing. */
  const rawExchange = (port, text) =>
    new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.write(text));
      let reply = '';
      socket.setEncoding('utf8');
      socket.on('data', (d) => (reply += d));
      socket.on('close', () => resolve(reply));
      socket.on('error', (err) => (err.code === 'ECONNRESET' || err.code === 'EPIPE' ? resolve(reply) : reject(err)));
    });

  test('request headers over maxHeaderSize get a 431 and the server keeps serving', async () => {
    await withServer(createShellServer({ remotes, env: {} }), async (base, { port }) => {
      const reply = await rawExchange(port, `GET /mfe-manifest.json HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(32 * 1024)}\r\n\r\n`);
      assert.match(reply, /^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
      assert.match(reply, /\r\nConnection: close\r\n/);
      assert.equal((await fetch(`${base}/mfe-manifest.json`)).status, 200);
    });
  });

  test('request headers slower than headersTimeout get a 408', async () => {
    const server = createShellServer({ remotes, env: {} });
    // Node checks for expired heads every connectionsCheckingInterval (read when it starts listening).
    server.headersTimeout = 200;
    server.requestTimeout = 200;
    server.connectionsCheckingInterval = 20;
    await withServer(server, async (base, { port }) => {
      // The head never ends (no blank line): the server must give up on it.
      const reply = await rawExchange(port, 'GET /mfe-manifest.json HTTP/1.1\r\nHost: x\r\n');
      assert.match(reply, /^HTTP\/1\.1 408 Request Timeout\r\n/);
      assert.equal((await fetch(`${base}/mfe-manifest.json`)).status, 200);
    });
  });

  test('other malformed requests still get a 400', async () => {
    await withServer(createShellServer({ remotes, env: {} }), async (base, { port }) => {
      for (const text of ['GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n', 'GET / HTTP/9.9\r\n\r\n', 'GET / HTTP/1.1\r\nContent-Length: x\r\n\r\n']) {
        assert.match(await rawExchange(port, text), /^HTTP\/1\.1 400 Bad Request\r\n/, JSON.stringify(text));
      }
    });
  });
});

describe('frameworks', () => {
  test('Connect/Express-style chain: handled paths answered, others passed on', async () => {
    const app = connectLike()
      .use(createShellHandler({ remotes, proxy: true }))
      .use((req, res) => res.end(`app: ${req.url}`));
    await withServer(app, async (base) => {
      assert.equal((await fetch(`${base}/mfe-manifest.json`)).status, 200);
      assert.equal(await (await fetch(`${base}/mfe/billing/1.0.0/mfe.js`)).text(), 'export const billing = 1;\n');
      assert.equal(await (await fetch(`${base}/api/orders`)).text(), 'app: /api/orders');
    });
  });

  test('@web/dev-server through koaAdapter: manifest and proxy answered, the rest served by the dev server', async () => {
    const { startDevServer } = await import('@web/dev-server');
    writeFileSync(join(dir, 'public', 'hello.txt'), 'from wds');
    const server = await startDevServer({
      config: { rootDir: join(dir, 'public'), hostname: '127.0.0.1', middleware: [koaAdapter(createShellHandler({ remotes, proxy: true }))] },
      readCliArgs: false,
      readFileConfig: false,
      autoExitProcess: false,
      logStartMessage: false,
    });
    try {
      const base = `http://127.0.0.1:${server.config.port}`;
      const manifest = await fetch(`${base}/mfe-manifest.json`);
      assert.equal(manifest.status, 200);
      assert.equal((await manifest.json()).billing.entry, '/mfe/billing/1.0.0/mfe.js');
      const mfe = await fetch(`${base}/mfe/billing/1.0.0/mfe.js`);
      assert.equal(await mfe.text(), 'export const billing = 1;\n');
      assert.equal((await fetch(`${base}/mfe/nope/1/x.js`)).status, 404);
      assert.equal(await (await fetch(`${base}/hello.txt`)).text(), 'from wds');
    } finally {
      await server.stop();
    }
  });
});
