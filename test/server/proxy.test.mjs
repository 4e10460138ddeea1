// createProxyHandler(): /mfe/<name>/<version>/<path> streamed from two real upstream services
// on 127.0.0.1 — pass-through, streaming, failures and every malicious path.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// A handle on the garbage collector, so the memory check measures live buffers, not garbage
// the collector has not got round to yet.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');
import { createProxyHandler, loadRemotes } from '../../dist/server/index.js';
import { BIG_SIZE, closedPort, listen, raw, upstreamService, withServer } from './_helpers.mjs';

const billingFiles = { '/billing/1.0.0/mfe.js': 'export const billing = 1;\n', '/billing/1.0.0/range.txt': '0123456789' };
const inventoryFiles = {
  '/inventory/1.4.0/mfe.js': 'export const inventory = 140;\n',
  '/inventory/1.5.0-rc.1/mfe.js': 'export const inventory = 150;\n',
  '/plain/mfe.js': 'export const plain = true;\n',
};

let billing, inventory, evil, remotes, down;
const billingService = upstreamService(billingFiles);
const inventoryService = upstreamService(inventoryFiles);
const evilService = upstreamService({ '/x': 'pwned' });

before(async () => {
  billing = await listen(billingService.listener);
  inventory = await listen(inventoryService.listener);
  evil = await listen(evilService.listener);
  down = await closedPort();
  remotes = loadRemotes({
    env: {},
    remotes: {
      billing: { entry: `${billing.base}/billing/1.0.0/mfe.js`, version: '1.0.0' },
      inventory: {
        entry: `${inventory.base}/inventory/1.4.0/mfe.js`,
        version: '1.4.0',
        canary: { entry: `${inventory.base}/inventory/1.5.0-rc.1/mfe.js`, version: '1.5.0-rc.1', weight: 0.1 },
      },
      plain: `${inventory.base}/plain/mfe.js`,
      down: { entry: `http://127.0.0.1:${down}/down/2.0.0/mfe.js`, version: '2.0.0' },
    },
  });
});

after(async () => {
  await Promise.all([billing.close(), inventory.close(), evil.close()]);
});

const proxy = (options = {}) => createProxyHandler({ remotes, ...options });

describe('pass-through', () => {
  test('GET: body, status, content type, length, ETag, Last-Modified from the right remote and folder', async () => {
    await withServer(proxy(), async (base) => {
      const res = await fetch(`${base}/mfe/billing/1.0.0/mfe.js`);
      assert.equal(res.status, 200);
      assert.equal(await res.text(), billingFiles['/billing/1.0.0/mfe.js']);
      assert.equal(res.headers.get('content-type'), 'text/javascript');
      assert.equal(res.headers.get('content-length'), String(billingFiles['/billing/1.0.0/mfe.js'].length));
      assert.match(res.headers.get('etag'), /^"/);
      assert.equal(res.headers.get('last-modified'), 'Wed, 01 Jan 2025 00:00:00 GMT');
      assert.equal(billingService.requests.at(-1).url, '/billing/1.0.0/mfe.js');
    });
  });

  test('versioned assets get Cache-Control: public, max-age=31536000, immutable unless upstream says otherwise', async () => {
    await withServer(proxy(), async (base) => {
      const versioned = await fetch(`${base}/mfe/billing/1.0.0/mfe.js`);
      assert.equal(versioned.headers.get('cache-control'), 'public, max-age=31536000, immutable');
      const upstreamSays = await fetch(`${base}/mfe/billing/1.0.0/no-store.js`);
      assert.equal(upstreamSays.headers.get('cache-control'), 'no-store');
      const unversioned = await fetch(`${base}/mfe/plain/_/mfe.js`);
      assert.equal(await unversioned.text(), inventoryFiles['/plain/mfe.js']);
      assert.equal(unversioned.headers.get('cache-control'), null, 'no version: its files may change');
      const missing = await fetch(`${base}/mfe/billing/1.0.0/nope.js`);
      assert.equal(missing.headers.get('cache-control'), null, 'errors are never cached as immutable');
    });
  });

  test('the canary version is served from the canary folder', async () => {
    await withServer(proxy(), async (base) => {
      assert.equal(await (await fetch(`${base}/mfe/inventory/1.5.0-rc.1/mfe.js`)).text(), inventoryFiles['/inventory/1.5.0-rc.1/mfe.js']);
      assert.equal(await (await fetch(`${base}/mfe/inventory/1.4.0/mfe.js`)).text(), inventoryFiles['/inventory/1.4.0/mfe.js']);
    });
  });

  test('a 404 from upstream stays a 404', async () => {
    await withServer(proxy(), async (base) => {
      const res = await fetch(`${base}/mfe/billing/1.0.0/nope.js`);
      assert.equal(res.status, 404);
      assert.equal(await res.text(), 'upstream: no such file');
    });
  });

  test('Range: 206 with Content-Range passed through', async () => {
    await withServer(proxy(), async (base) => {
      const res = await fetch(`${base}/mfe/billing/1.0.0/range.txt`, { headers: { range: 'bytes=2-5' } });
      assert.equal(res.status, 206);
      assert.equal(res.headers.get('content-range'), 'bytes 2-5/10');
      assert.equal(res.headers.get('accept-ranges'), 'bytes');
      assert.equal(await res.text(), '2345');
    });
  });

  test('If-None-Match goes upstream and its 304 comes back (cache off; with it, see proxy-cache.test.mjs)', async () => {
    await withServer(proxy({ cache: false }), async (base) => {
      const first = await fetch(`${base}/mfe/billing/1.0.0/mfe.js`);
      const etag = first.headers.get('etag');
      const res = await fetch(`${base}/mfe/billing/1.0.0/mfe.js`, { headers: { 'if-none-match': etag } });
      assert.equal(res.status, 304);
      assert.equal(res.headers.get('etag'), etag);
      assert.equal(billingService.requests.at(-1).headers['if-none-match'], etag, 'the conditional reached the remote');
    });
  });

  test('HEAD: headers, no body, HEAD upstream', async () => {
    await withServer(proxy(), async (base) => {
      const res = await raw(base, '/mfe/billing/1.0.0/mfe.js', { method: 'HEAD' });
      assert.equal(res.status, 200);
      assert.equal(res.headers['content-length'], String(billingFiles['/billing/1.0.0/mfe.js'].length));
      assert.equal(res.body.length, 0);
      assert.equal(billingService.requests.at(-1).method, 'HEAD');
    });
  });

  test('the query string goes upstream with the path', async () => {
    await withServer(proxy(), async (base) => {
      const res = await fetch(`${base}/mfe/billing/1.0.0/echo.json?v=2`);
      assert.equal((await res.json()).url, '/billing/1.0.0/echo.json?v=2');
    });
  });

  test('405 with Allow for other methods', async () => {
    await withServer(proxy(), async (base) => {
      const res = await fetch(`${base}/mfe/billing/1.0.0/mfe.js`, { method: 'POST', body: 'x' });
      assert.equal(res.status, 405);
      assert.equal(res.headers.get('allow'), 'GET, HEAD');
    });
  });

  test('other paths go to next(), or 404 without next', async () => {
    await withServer(proxy(), async (base) => assert.equal((await fetch(`${base}/other`)).status, 404));
    const mw = proxy();
    await withServer((req, res) => mw(req, res, () => res.end('next')), async (base) => {
      assert.equal(await (await fetch(`${base}/other`)).text(), 'next');
    });
  });
});

describe('streaming', () => {
  test('a 32 MB asset streams: first bytes reach the client before upstream finished, memory stays bounded', async (t) => {
    // The proof that nothing buffers the whole body: upstream holds back everything after the
    // first MB until the client has seen bytes. The memory bound is a second check: after a
    // forced GC every 2 MB, live arrayBuffers (where socket chunks live) must stay under half
    // the body. In flight are only socket and stream buffers of three hops (a few 64 KB
    // high-water marks each), so 16 MB is far above normal and far below a buffered 32 MB.
    await withServer(proxy(), async (base) => {
      gc();
      const baseline = process.memoryUsage().arrayBuffers;
      let nextSample = 0;
      let peak = 0;
      let received = 0;
      let sawBytesBeforeUpstreamFinished = false;
      await new Promise((resolve, reject) => {
        request(`${base}/mfe/billing/1.0.0/big.bin`, (res) => {
          assert.equal(res.headers['content-length'], String(BIG_SIZE));
          res.on('data', (chunk) => {
            if (received === 0) {
              sawBytesBeforeUpstreamFinished = !billingService.state.bigFinished;
              billingService.state.release();
            }
            received += chunk.length;
            if (received >= nextSample) {
              nextSample += 2 * 1024 * 1024;
              gc();
              peak = Math.max(peak, process.memoryUsage().arrayBuffers - baseline);
            }
          });
          res.on('end', resolve);
          res.on('error', reject);
        })
          .on('error', reject)
          .end();
      });
      assert.ok(sawBytesBeforeUpstreamFinished, 'the proxy forwarded bytes while upstream was still held back');
      assert.equal(received, BIG_SIZE);
      t.diagnostic(`live arrayBuffers peak: +${(peak / 1048576).toFixed(1)} MB`);
      assert.ok(peak < 16 * 1024 * 1024, `arrayBuffers grew by ${(peak / 1048576).toFixed(1)} MB`);
    });
  });
});

describe('failures', () => {
  test('upstream down → 502 naming the remote', async () => {
    await withServer(proxy(), async (base) => {
      const res = await fetch(`${base}/mfe/down/2.0.0/mfe.js`);
      assert.equal(res.status, 502);
      assert.equal(await res.text(), 'remote &#34;down&#34; is unreachable\n');
    });
  });

  test('upstream slower than the timeout → 504 naming the remote, upstream request abandoned', async () => {
    await withServer(proxy({ timeout: 200 }), async (base) => {
      const res = await fetch(`${base}/mfe/billing/1.0.0/hang.js`);
      assert.equal(res.status, 504);
      assert.equal(await res.text(), 'remote &#34;billing&#34; timed out\n');
      await billingService.state.hangClosed;
    });
  });

  test('unknown name or version → 404, and no upstream is contacted', async () => {
    await withServer(proxy(), async (base) => {
      const before = billingService.requests.length + inventoryService.requests.length;
      for (const path of ['/mfe/nope/1.0.0/mfe.js', '/mfe/billing/9.9.9/mfe.js', '/mfe/billing/latest/mfe.js', '/mfe/billing/1.0.0/', '/mfe/billing', '/mfe/toString/1/x', '/mfe/__proto__/1/x']) {
        assert.equal((await raw(base, path)).status, 404, path);
      }
      assert.equal(billingService.requests.length + inventoryService.requests.length, before);
    });
  });

  test('a client that disconnects aborts the upstream request', async () => {
    await withServer(proxy(), async (base) => {
      await new Promise((resolve) => {
        const req = request(`${base}/mfe/billing/1.0.0/slow.js`, (res) => {
          res.once('data', () => {
            req.destroy();
            resolve();
          });
        });
        req.on('error', () => {});
        req.on('close', resolve);
        req.end();
      });
      await billingService.state.slowClosed; // resolves only when upstream's socket closes
    });
  });

  test('many failures at once: no unhandled rejection, no crash, the server still answers', async () => {
    const unhandled = [];
    const onUnhandled = (reason) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      await withServer(proxy({ timeout: 100 }), async (base) => {
        const aborted = Array.from({ length: 10 }, () => {
          const controller = new AbortController();
          const p = fetch(`${base}/mfe/billing/1.0.0/hang.js`, { signal: controller.signal }).catch(() => 'aborted');
          setImmediate(() => controller.abort());
          return p;
        });
        const statuses = await Promise.all([
          ...Array.from({ length: 20 }, () => fetch(`${base}/mfe/down/2.0.0/mfe.js`).then((r) => r.status)),
          ...Array.from({ length: 20 }, () => fetch(`${base}/mfe/billing/1.0.0/hang.js`).then((r) => r.status)),
          ...aborted,
        ]);
        assert.deepEqual(new Set(statuses), new Set([502, 504, 'aborted']));
        assert.equal((await fetch(`${base}/mfe/billing/1.0.0/mfe.js`)).status, 200);
      });
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

describe('security', () => {
  const malicious = [
    ['..', '/mfe/billing/1.0.0/../../evil'],
    ['encoded ..', '/mfe/billing/1.0.0/%2e%2e/%2E%2E/x'],
    ['mixed ..', '/mfe/billing/1.0.0/.%2e/x'],
    ['encoded slash', '/mfe/billing/1.0.0/..%2F..%2Fx'],
    ['backslash', '/mfe/billing/1.0.0/..\\..\\x'],
    ['encoded backslash', '/mfe/billing/1.0.0/..%5c..%5cx'],
    ['absolute URL', '/mfe/billing/1.0.0/http://127.0.0.1:EVIL/x'],
    ['scheme-relative URL', '/mfe/billing/1.0.0//127.0.0.1:EVIL/x'],
    ['NUL byte', '/mfe/billing/1.0.0/mfe.js%00.css'],
    ['malformed encoding', '/mfe/billing/1.0.0/%E0%A4%A'],
    // Servlet containers drop `;` parameters before resolving: to Tomcat and Jetty these are `..`/`.`.
    ['..;', '/mfe/billing/1.0.0/..;/..;/evil'],
    ['..;foo', '/mfe/billing/1.0.0/..;foo/x'],
    ['.;', '/mfe/billing/1.0.0/.;/x'],
    ['.;x=y', '/mfe/billing/1.0.0/.;x=y/x'],
    ['encoded ..;', '/mfe/billing/1.0.0/%2e%2e%3b/x'],
    ['..; as the last segment', '/mfe/billing/1.0.0/x/..;'],
  ];
  for (const [what, path] of malicious) {
    test(`should 400 on ${what} and contact no one`, async () => {
      await withServer(proxy(), async (base) => {
        const before = billingService.requests.length + evilService.requests.length;
        const res = await raw(base, path.replace('EVIL', evil.port));
        assert.equal(res.status, 400);
        assert.match(res.body.toString(), /^Bad Request: /);
        assert.equal(billingService.requests.length + evilService.requests.length, before);
      });
    });
  }

  test('the Host header and absolute-form targets never pick the upstream', async () => {
    await withServer(proxy(), async (base) => {
      const viaHost = await raw(base, '/mfe/billing/1.0.0/echo.json', { headers: { host: `127.0.0.1:${evil.port}` } });
      assert.equal(viaHost.status, 200);
      assert.equal(JSON.parse(viaHost.body).headers.host, `127.0.0.1:${billing.port}`);
      const absoluteForm = await raw(base, `http://127.0.0.1:${evil.port}/mfe/billing/1.0.0/mfe.js`);
      assert.equal(absoluteForm.status, 200);
      assert.equal(absoluteForm.body.toString(), billingFiles['/billing/1.0.0/mfe.js']);
      assert.equal(evilService.requests.length, 0);
    });
  });

  test('cookies, Authorization and hop-by-hop headers are not forwarded; safe ones are', async () => {
    await withServer(proxy(), async (base) => {
      const res = await raw(base, '/mfe/billing/1.0.0/echo.json', {
        headers: {
          cookie: 'sid=secret',
          authorization: 'Bearer secret',
          'proxy-authorization': 'Basic secret',
          te: 'trailers',
          'keep-alive': 'timeout=5',
          'x-forwarded-for': '6.6.6.6',
          'x-tenant': 'acme',
          'accept-language': 'de',
          'user-agent': 'test-agent',
        },
      });
      const { headers } = JSON.parse(res.body);
      for (const name of ['cookie', 'authorization', 'proxy-authorization', 'te', 'keep-alive', 'x-forwarded-for', 'x-tenant']) {
        assert.equal(headers[name], undefined, name);
      }
      assert.equal(headers['accept-language'], 'de');
      assert.equal(headers['user-agent'], 'test-agent');
    });
  });

  test('passthroughHeaders are forwarded', async () => {
    await withServer(proxy({ passthroughHeaders: ['X-Tenant', 'Authorization', 'cookie'] }), async (base) => {
      const res = await raw(base, '/mfe/billing/1.0.0/echo.json', { headers: { cookie: 'sid=1', authorization: 'Bearer t', 'x-tenant': 'acme', 'x-other': 'no' } });
      const { headers } = JSON.parse(res.body);
      assert.equal(headers.cookie, 'sid=1');
      assert.equal(headers.authorization, 'Bearer t');
      assert.equal(headers['x-tenant'], 'acme');
      assert.equal(headers['x-other'], undefined);
    });
  });

  test('upstream Set-Cookie and other headers are dropped by default, Set-Cookie kept with forwardSetCookie', async () => {
    await withServer(proxy(), async (base) => {
      const res = await raw(base, '/mfe/billing/1.0.0/echo.json');
      assert.equal(res.headers['set-cookie'], undefined);
      assert.equal(res.headers['x-internal'], undefined);
      // What the remote allows cross-origin passes (an isolation="iframe" MFE imports from an opaque origin).
      assert.equal(res.headers['access-control-allow-origin'], '*');
    });
    await withServer(proxy({ forwardSetCookie: true }), async (base) => {
      const res = await raw(base, '/mfe/billing/1.0.0/echo.json');
      assert.deepEqual(res.headers['set-cookie'], ['sid=upstream; Path=/']);
    });
  });

  test('invalid options throw at creation', () => {
    assert.throws(() => createProxyHandler({}), TypeError);
    assert.throws(() => createProxyHandler({ remotes, timeout: 0 }), TypeError);
  });
});

/**
 * A remote whose answers the test picks: `?cc=` sets Cache-Control, `?cookie=1` adds Set-Cookie,
 * `/redirect?to=` answers 302 with that Location, `/big.bin` sends SIZE bytes at once.
 */
const SIZE = 6 * 1024 * 1024;
const bigBody = Buffer.alloc(SIZE, 0x62);
function pickyService() {
  const requests = [];
  const listener = (req, res) => {
    requests.push({ url: req.url, headers: { ...req.headers } });
    const url = new URL(req.url, 'http://x');
    if (url.pathname.endsWith('/redirect')) {
      res.writeHead(Number(url.searchParams.get('status') ?? 302), { location: url.searchParams.get('to') });
      res.end();
      return;
    }
    if (url.pathname.endsWith('/big.bin')) {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': SIZE });
      res.end(bigBody);
      return;
    }
    const headers = { 'content-type': 'text/javascript' };
    if (url.searchParams.has('cc')) headers['cache-control'] = url.searchParams.get('cc');
    if (url.searchParams.has('cookie')) headers['set-cookie'] = 'sid=abc; Path=/; HttpOnly';
    res.writeHead(200, headers);
    res.end('export const x = 1;\n');
  };
  return { listener, requests };
}

describe('personal responses are never public or immutable (credentials or Set-Cookie)', () => {
  let picky, service, pickyRemotes;
  before(async () => {
    service = pickyService();
    picky = await listen(service.listener);
    pickyRemotes = loadRemotes({ env: {}, remotes: { acct: { entry: `${picky.base}/acct/3.1.0/mfe.js`, version: '3.1.0' } } });
  });
  after(() => picky.close());
  const withProxy = (options, fn) => withServer(createProxyHandler({ remotes: pickyRemotes, ...options }), fn);

  for (const [header, value] of [['authorization', 'Bearer alice'], ['cookie', 'sid=alice'], ['x-api-key', 'k-alice']]) {
    test(`${header} forwarded: private, no-cache instead of the added immutable; upstream public/immutable/s-maxage stripped`, async () => {
      await withProxy({ passthroughHeaders: [header] }, async (base) => {
        const none = await raw(base, '/mfe/acct/3.1.0/a.js', { headers: { [header]: value } });
        assert.equal(none.status, 200);
        assert.equal(service.requests.at(-1).headers[header], value, 'the header went upstream');
        assert.equal(none.headers['cache-control'], 'private, no-cache');

        const cc = encodeURIComponent('public, max-age=600, s-maxage=900, immutable, must-revalidate');
        const upstreamPublic = await raw(base, `/mfe/acct/3.1.0/a.js?cc=${cc}`, { headers: { [header]: value } });
        assert.equal(upstreamPublic.headers['cache-control'], 'private, max-age=600, must-revalidate');

        const noStore = await raw(base, `/mfe/acct/3.1.0/a.js?cc=no-store`, { headers: { [header]: value } });
        assert.equal(noStore.headers['cache-control'], 'private, no-store');

        // The same handler, a request without the header: nothing personal went upstream.
        const anonymous = await raw(base, '/mfe/acct/3.1.0/a.js');
        assert.equal(anonymous.headers['cache-control'], 'public, max-age=31536000, immutable');
      });
    });
  }

  test('a personal response is not stored by the proxy cache: the next request goes upstream again', async () => {
    await withProxy({ passthroughHeaders: ['x-api-key'] }, async (base) => {
      const before = service.requests.length;
      for (let i = 0; i < 2; i++) {
        const res = await raw(base, '/mfe/acct/3.1.0/keyed.js', { headers: { 'x-api-key': 'k-alice' } });
        assert.equal(res.headers.age, undefined, 'not a cache hit');
      }
      assert.equal(service.requests.length - before, 2);
    });
  });

  test('Set-Cookie forwarded (forwardSetCookie): private, never public or immutable', async () => {
    await withProxy({ forwardSetCookie: true }, async (base) => {
      const added = await raw(base, '/mfe/acct/3.1.0/a.js?cookie=1');
      assert.deepEqual(added.headers['set-cookie'], ['sid=abc; Path=/; HttpOnly']);
      assert.equal(added.headers['cache-control'], 'private, no-cache');
      const upstreamPublic = await raw(base, `/mfe/acct/3.1.0/a.js?cookie=1&cc=${encodeURIComponent('public, max-age=31536000, immutable')}`);
      assert.equal(upstreamPublic.headers['cache-control'], 'private, max-age=31536000');
      const noCookie = await raw(base, '/mfe/acct/3.1.0/a.js');
      assert.equal(noCookie.headers['cache-control'], 'public, max-age=31536000, immutable', 'no Set-Cookie: nothing personal');
    });
    await withProxy({}, async (base) => {
      const dropped = await raw(base, '/mfe/acct/3.1.0/a.js?cookie=1');
      assert.equal(dropped.headers['set-cookie'], undefined);
      assert.equal(dropped.headers['cache-control'], 'public, max-age=31536000, immutable', 'the cookie was dropped, so the response is not personal');
    });
  });
});

describe('upstream redirects and upgrades', () => {
  let picky, service, pickyRemotes;
  before(async () => {
    service = pickyService();
    picky = await listen(service.listener);
    pickyRemotes = loadRemotes({
      env: {},
      remotes: {
        acct: { entry: `${picky.base}/acct/3.1.0/mfe.js`, version: '3.1.0' },
        other: { entry: `${picky.base}/other/1.0.0/mfe.js`, version: '1.0.0' },
      },
    });
  });
  after(() => picky.close());
  const redirect = (base, to, status = 302) => raw(base, `/mfe/acct/3.1.0/redirect?status=${status}&to=${encodeURIComponent(to)}`);

  test('a Location inside the route folder is rewritten to the same-origin /mfe/<name>/<version>/ URL', async () => {
    await withServer(createProxyHandler({ remotes: pickyRemotes }), async (base) => {
      const cases = [
        ['mfe.2.js', '/mfe/acct/3.1.0/mfe.2.js'],
        ['./sub/x.js?v=2#h', '/mfe/acct/3.1.0/sub/x.js?v=2#h'],
        ['/acct/3.1.0/abs.js', '/mfe/acct/3.1.0/abs.js'],
        [`${picky.base}/acct/3.1.0/full/y.css`, '/mfe/acct/3.1.0/full/y.css'],
      ];
      for (const [to, expected] of cases) {
        for (const status of [301, 302, 307, 308]) {
          const res = await redirect(base, to, status);
          assert.equal(res.status, status, to);
          assert.equal(res.headers.location, expected, `${status} ${to}`);
        }
      }
    });
  });

  test('a Location outside the route folder is a 502 naming the remote and the URL', async () => {
    await withServer(createProxyHandler({ remotes: pickyRemotes }), async (base) => {
      const cases = [
        ['http://evil.example/x.js', 'http://evil.example/x.js'],
        ['../3.0.0/mfe.js', `${picky.base}/acct/3.0.0/mfe.js`],
        ['/other/1.0.0/mfe.js', `${picky.base}/other/1.0.0/mfe.js`],
        [`https://127.0.0.1:${picky.port}/acct/3.1.0/mfe.js`, `https://127.0.0.1:${picky.port}/acct/3.1.0/mfe.js`],
        ['//evil.example/acct/3.1.0/x', 'http://evil.example/acct/3.1.0/x'],
      ];
      for (const [to, url] of cases) {
        const res = await redirect(base, to);
        assert.equal(res.status, 502, to);
        const body = res.body.toString();
        assert.match(body, /remote &#34;acct&#34; redirected outside its folder/, to);
        assert.ok(body.includes(url), `${body} names ${url}`);
        assert.equal(res.headers.location, undefined);
      }
      const invalid = await redirect(base, 'http://[::1');
      assert.equal(invalid.status, 502);
      assert.match(invalid.body.toString(), /remote &#34;acct&#34; redirected to an invalid URL/);
    });
  });

  test('an upstream 101 Switching Protocols is a 502 at once, with or without Connection: upgrade', { timeout: 10_000 }, async () => {
    for (const head of ['HTTP/1.1 101 Switching Protocols\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n', 'HTTP/1.1 101 Switching Protocols\r\n\r\n']) {
      const closed = [];
      const sockets = new Set();
      const tcp = createTcpServer((socket) => {
        sockets.add(socket);
        closed.push(new Promise((resolve) => socket.once('close', resolve)));
        socket.once('data', () => socket.write(head));
      });
      await new Promise((resolve) => tcp.listen(0, '127.0.0.1', resolve));
      const up = { base: `http://127.0.0.1:${tcp.address().port}` };
      try {
        const upgradeRemotes = loadRemotes({ env: {}, remotes: { ws: { entry: `${up.base}/ws/1.0.0/mfe.js`, version: '1.0.0' } } });
        // The timeout is far longer than the test's: a 502 proves nobody waited for it.
        await withServer(createProxyHandler({ remotes: upgradeRemotes, timeout: 60_000 }), async (base) => {
          const res = await raw(base, '/mfe/ws/1.0.0/mfe.js');
          assert.equal(res.status, 502, head);
          assert.match(res.body.toString(), /remote &#34;ws&#34; answered 101 Switching Protocols for \/mfe\/ws\/1\.0\.0\/mfe\.js/);
          await Promise.all(closed); // the upstream connection is closed, not kept
        });
      } finally {
        for (const socket of sockets) socket.destroy();
        await new Promise((resolve) => tcp.close(resolve));
      }
    }
  });
});

describe('stall timer: the client\'s pace is not the upstream\'s silence', () => {
  let picky, pickyRemotes;
  before(async () => {
    picky = await listen(pickyService().listener);
    pickyRemotes = loadRemotes({ env: {}, remotes: { acct: { entry: `${picky.base}/acct/3.1.0/mfe.js`, version: '3.1.0' } } });
  });
  after(() => picky.close());

  test('a slow but steady client gets all of a 6 MB file, though it reads for many times the timeout', async () => {
    // The upstream sends everything at once; the client takes 32 KB every 10 ms, so for seconds
    // the proxy waits on the client, with socket buffers full and no 'drain' for longer than
    // the 200 ms timeout.
    await withServer(createProxyHandler({ remotes: pickyRemotes, timeout: 200, cache: false }), async (base) => {
      const { received, ended } = await new Promise((resolve, reject) => {
        request(`${base}/mfe/acct/3.1.0/big.bin`, (res) => {
          assert.equal(res.statusCode, 200);
          res.pause();
          let received = 0;
          const pace = setInterval(() => {
            const chunk = res.read(Math.min(32 * 1024, res.readableLength));
            if (chunk) received += chunk.length;
          }, 10);
          res.once('end', () => (clearInterval(pace), resolve({ received, ended: true })));
          res.once('error', () => (clearInterval(pace), resolve({ received, ended: false })));
          res.once('aborted', () => (clearInterval(pace), resolve({ received, ended: false })));
          // 'end' is only emitted once the buffer is read: keep reading after the last chunk arrived.
        })
          .on('error', reject)
          .end();
      });
      assert.equal(received, SIZE);
      assert.ok(ended, 'the response ended normally');
    });
  });

  test('an upstream that stops mid-body is still cut after the timeout, the client reading eagerly', async () => {
    await withServer(proxy({ timeout: 200 }), async (base) => {
      const outcome = await new Promise((resolve, reject) => {
        request(`${base}/mfe/billing/1.0.0/slow.js`, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c) => (body += c));
          res.once('end', () => resolve({ how: 'end', body }));
          res.once('aborted', () => resolve({ how: 'aborted', body }));
          res.once('error', () => resolve({ how: 'error', body }));
        })
          .on('error', reject)
          .end();
      });
      assert.notEqual(outcome.how, 'end', 'a truncated body is not a complete one');
      assert.equal(outcome.body, '// first bytes\n');
      await billingService.state.slowClosed; // and the upstream request was abandoned
    });
  });
});
