// createManifestHandler(): GET/HEAD /mfe-manifest.json, ETag + 304, 405, pass-through, 404,
// Connect-style chains and the error choke point, over real HTTP on 127.0.0.1.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createManifestHandler, loadRemotes } from '../../dist/server/index.js';
import { connectLike } from './_helpers.mjs';

const A = 'https://cdn.example.com/mfe/billing/1.2.0/mfe.js';
const B = 'https://inventory.internal/mfe/inventory/1.4.0/mfe.js';

const remotes = loadRemotes({
  env: {},
  remotes: { billing: A, inventory: { entry: B, version: '1.4.0', styles: ['inventory.css'], format: 'esm' } },
});

/**
 * Runs `fn(baseUrl)` against a server on 127.0.0.1 (port 0) answering with `listener`, and
 * always closes it (with its keep-alive connections) afterwards.
 */
async function withServer(listener, fn) {
  const server = createServer(listener);
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  try {
    const { port } = server.address();
    return await fn(`http://127.0.0.1:${port}`);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}


describe('GET and HEAD /mfe-manifest.json', () => {
  test('GET: the JSON with content type, short public cache and a strong sha-256 ETag', async () => {
    await withServer(createManifestHandler({ remotes }), async (base) => {
      const res = await fetch(`${base}/mfe-manifest.json`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
      assert.equal(res.headers.get('cache-control'), 'public, max-age=60');
      assert.match(res.headers.get('etag'), /^"[A-Za-z0-9_-]{43}"$/, 'strong (no W/), quoted, 256 bits base64url');
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      const text = await res.text();
      assert.equal(res.headers.get('content-length'), String(Buffer.byteLength(text)));
      assert.deepEqual(JSON.parse(text), {
        billing: { entry: A },
        inventory: { entry: B, format: 'esm', styles: ['inventory.css'], version: '1.4.0' },
      });
    });
  });

  test('stable serialization: keys sorted at every level, so equal manifests give equal bytes and ETags', async () => {
    const one = loadRemotes({ env: {}, remotes: { zeta: { version: '1', entry: A }, alpha: B } });
    const two = loadRemotes({ env: {}, remotes: { alpha: B, zeta: { entry: A, version: '1' } } });
    const get = (handler) =>
      withServer(handler, async (base) => {
        const res = await fetch(`${base}/mfe-manifest.json`);
        return { etag: res.headers.get('etag'), text: await res.text() };
      });
    const [a, b] = [await get(createManifestHandler({ remotes: one })), await get(createManifestHandler({ remotes: two }))];
    assert.equal(a.text, `{"alpha":{"entry":"${B}"},"zeta":{"entry":"${A}","version":"1"}}`);
    assert.equal(b.text, a.text);
    assert.equal(b.etag, a.etag);
  });

  test('maxAge sets max-age (0 allowed); invalid options throw at creation', async () => {
    await withServer(createManifestHandler({ remotes, maxAge: 300 }), async (base) => {
      assert.equal((await fetch(`${base}/mfe-manifest.json`)).headers.get('cache-control'), 'public, max-age=300');
    });
    await withServer(createManifestHandler({ remotes, maxAge: 0 }), async (base) => {
      assert.equal((await fetch(`${base}/mfe-manifest.json`)).headers.get('cache-control'), 'public, max-age=0');
    });
    assert.throws(() => createManifestHandler({ remotes, maxAge: -1 }), { name: 'TypeError', message: /"maxAge" must be a non-negative integer.*-1/ });
    assert.throws(() => createManifestHandler({ remotes, maxAge: 1.5 }), { name: 'TypeError', message: /"maxAge"/ });
    assert.throws(() => createManifestHandler({ remotes: null }), { name: 'TypeError', message: /"remotes" must be a manifest object/ });
  });

  test('HEAD: same headers as GET, no body', async () => {
    await withServer(createManifestHandler({ remotes }), async (base) => {
      const get = await fetch(`${base}/mfe-manifest.json`);
      const getBody = await get.text();
      const head = await fetch(`${base}/mfe-manifest.json`, { method: 'HEAD' });
      assert.equal(head.status, 200);
      assert.equal(await head.text(), '');
      for (const h of ['content-type', 'cache-control', 'etag']) assert.equal(head.headers.get(h), get.headers.get(h), h);
      assert.equal(head.headers.get('content-length'), String(Buffer.byteLength(getBody)));
    });
  });

  test('a query string does not change the route', async () => {
    await withServer(createManifestHandler({ remotes }), async (base) => {
      const res = await fetch(`${base}/mfe-manifest.json?cache-bust=1`);
      assert.equal(res.status, 200);
      assert.deepEqual(Object.keys(await res.json()), ['billing', 'inventory']);
    });
  });
});

describe('ETag revalidation', () => {
  test('304 without body when If-None-Match holds the ETag: alone, in a list, weak, or *', async () => {
    await withServer(createManifestHandler({ remotes }), async (base) => {
      const url = `${base}/mfe-manifest.json`;
      const etag = (await fetch(url)).headers.get('etag');
      for (const inm of [etag, `"nope", ${etag}`, `"a","b",${etag},"c"`, `W/${etag}`, '*', ` * `]) {
        const res = await fetch(url, { headers: { 'If-None-Match': inm } });
        assert.equal(res.status, 304, `If-None-Match: ${inm}`);
        assert.equal(res.headers.get('etag'), etag);
        assert.equal(res.headers.get('cache-control'), 'public, max-age=60');
        assert.equal(await res.text(), '');
      }
      const head = await fetch(url, { method: 'HEAD', headers: { 'If-None-Match': etag } });
      assert.equal(head.status, 304);
    });
  });

  test('200 when If-None-Match does not hold the ETag', async () => {
    await withServer(createManifestHandler({ remotes }), async (base) => {
      const url = `${base}/mfe-manifest.json`;
      const etag = (await fetch(url)).headers.get('etag');
      const bare = etag.slice(1, -1);
      for (const inm of ['"other"', bare, `"${bare}x"`, `"x${bare}"`, '"a", "b"', '']) {
        const res = await fetch(url, { headers: { 'If-None-Match': inm } });
        assert.equal(res.status, 200, `If-None-Match: ${inm}`);
        assert.deepEqual(Object.keys(await res.json()), ['billing', 'inventory']);
      }
    });
  });

  test('a changed manifest gets a different ETag, and the old ETag no longer gives 304', async () => {
    const changed = loadRemotes({ env: {}, remotes: { billing: 'https://cdn.example.com/mfe/billing/1.3.0/mfe.js' } });
    const oldEtag = await withServer(createManifestHandler({ remotes }), async (base) => (await fetch(`${base}/mfe-manifest.json`)).headers.get('etag'));
    await withServer(createManifestHandler({ remotes: changed }), async (base) => {
      const res = await fetch(`${base}/mfe-manifest.json`, { headers: { 'If-None-Match': oldEtag } });
      assert.equal(res.status, 200);
      assert.notEqual(res.headers.get('etag'), oldEtag);
      assert.deepEqual(await res.json(), { billing: { entry: 'https://cdn.example.com/mfe/billing/1.3.0/mfe.js' } });
    });
  });
});

describe('other methods and paths', () => {
  test('405 with Allow: GET, HEAD for other methods on the manifest path', async () => {
    await withServer(createManifestHandler({ remotes }), async (base) => {
      for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
        const res = await fetch(`${base}/mfe-manifest.json`, { method, body: method === 'POST' ? '{}' : undefined });
        assert.equal(res.status, 405, method);
        assert.equal(res.headers.get('allow'), 'GET, HEAD');
        assert.equal(res.headers.get('content-type'), 'text/plain; charset=utf-8');
        assert.equal(res.headers.get('etag'), null, 'no validator on an error');
        assert.equal(await res.text(), 'Method Not Allowed\n');
      }
    });
  });

  test('404 for any other path without next: short text body, hardened headers', async () => {
    await withServer(createManifestHandler({ remotes }), async (base) => {
      for (const path of ['/', '/mfe-manifest.json/', '/mfe-manifest.jsonx', '/x/mfe-manifest.json', '/MFE-MANIFEST.JSON']) {
        const res = await fetch(`${base}${path}`);
        assert.equal(res.status, 404, path);
        assert.equal(res.headers.get('content-type'), 'text/plain; charset=utf-8');
        assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
        assert.equal(res.headers.get('content-security-policy'), "default-src 'none'");
        assert.equal(await res.text(), 'Not Found\n');
      }
      const head = await fetch(`${base}/elsewhere`, { method: 'HEAD' });
      assert.equal(head.status, 404);
      assert.equal(head.headers.get('content-length'), String(Buffer.byteLength('Not Found\n')));
      assert.equal(await head.text(), '');
    });
  });

  test('other paths go to next() when given, untouched; the manifest path never does', async () => {
    const handler = createManifestHandler({ remotes });
    const calls = [];
    await withServer(
      (req, res) =>
        handler(req, res, (...args) => {
          calls.push({ url: req.url, args, headersSent: res.headersSent });
          res.statusCode = 418;
          res.end('downstream');
        }),
      async (base) => {
        const other = await fetch(`${base}/app/page?x=1`);
        assert.equal(other.status, 418);
        assert.equal(await other.text(), 'downstream');
        const post = await fetch(`${base}/api/items`, { method: 'POST', body: 'x' });
        assert.equal(post.status, 418);
        await post.text();
        const manifest = await fetch(`${base}/mfe-manifest.json`);
        assert.equal(manifest.status, 200);
        await manifest.text();
      },
    );
    assert.deepEqual(calls, [
      { url: '/app/page?x=1', args: [], headersSent: false },
      { url: '/api/items', args: [], headersSent: false },
    ]);
  });
});

describe('Connect-style usage', () => {
  test('in a chain, mounted at the root and under a prefix', async () => {
    const seen = [];
    const app = connectLike()
      .use((req, res, next) => {
        seen.push(req.url);
        res.setHeader('Access-Control-Allow-Origin', '*');
        res.setHeader('Cache-Control', 'public, max-age=999'); // a default an error must not keep
        next();
      })
      .use('/shell', createManifestHandler({ remotes, maxAge: 5 }))
      .use((req, res) => {
        res.statusCode = 200;
        res.end(`app: ${req.url}`);
      });
    await withServer(app, async (base) => {
      const mounted = await fetch(`${base}/shell/mfe-manifest.json`);
      assert.equal(mounted.status, 200);
      assert.equal(mounted.headers.get('cache-control'), 'public, max-age=5');
      assert.equal(mounted.headers.get('access-control-allow-origin'), '*');
      assert.deepEqual(Object.keys(await mounted.json()), ['billing', 'inventory']);

      const notMounted = await fetch(`${base}/mfe-manifest.json`);
      assert.equal(await notMounted.text(), 'app: /mfe-manifest.json', 'outside the mount point the manifest is not served');

      const passedOn = await fetch(`${base}/shell/other`);
      assert.equal(await passedOn.text(), 'app: /shell/other', 'the next layer sees the original url');

      const wrongMethod = await fetch(`${base}/shell/mfe-manifest.json`, { method: 'DELETE' });
      assert.equal(wrongMethod.status, 405, 'the manifest path is answered, not passed on');
      assert.equal(wrongMethod.headers.get('cache-control'), null, 'body-describing headers are dropped from errors');
      assert.equal(wrongMethod.headers.get('access-control-allow-origin'), '*', 'headers of earlier layers are kept');
      assert.equal(await wrongMethod.text(), 'Method Not Allowed\n');
    });
    assert.deepEqual(seen, ['/shell/mfe-manifest.json', '/mfe-manifest.json', '/shell/other', '/shell/mfe-manifest.json']);
  });
});

describe('error choke point', () => {
  test('response already started, no next: no throw, the connection is cut, the error is logged', async (t) => {
    const logged = t.mock.method(console, 'error', () => {});
    const handler = createManifestHandler({ remotes });
    let outcome;
    const done = new Promise((resolve) => {
      outcome = resolve;
    });
    await withServer(
      (req, res) => {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.write('partial');
        try {
          handler(req, res);
          outcome({ threw: false, destroyed: res.destroyed });
        } catch (err) {
          outcome({ threw: true, err });
        }
      },
      async (base) => {
        await assert.rejects(async () => {
          const res = await fetch(`${base}/mfe-manifest.json`);
          await res.text();
        }, 'a response that cannot be completed must not look complete');
      },
    );
    assert.deepEqual(await done, { threw: false, destroyed: true });
    assert.equal(logged.mock.callCount(), 1);
    assert.equal(logged.mock.calls[0].arguments[1].code, 'ERR_HTTP_HEADERS_SENT');
  });

  test('response already started, with next: the error goes to next(err)', async () => {
    const app = connectLike()
      .use((_req, res, next) => {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        next();
      })
      .use(createManifestHandler({ remotes }))
      .use((err, _req, res, _next) => {
        res.end(`handled ${err.code}`);
      });
    await withServer(app, async (base) => {
      const res = await fetch(`${base}/mfe-manifest.json`);
      assert.equal(res.status, 200);
      assert.equal(await res.text(), 'handled ERR_HTTP_HEADERS_SENT');
    });
  });
});
