// createProxyHandler()'s in-memory cache against a real upstream on 127.0.0.1: what is stored
// and what never is, HEAD/304/Age from memory, keys, expiry on an injected clock, LRU by bytes,
// one upstream fetch for concurrent misses, and failures that must neither be stored nor strand
// a waiting request. Every test counts the requests the upstream actually received.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { createProxyHandler, createShellHandler, createShellServer, loadRemotes } from '../../dist/server/index.js';
import { listen, raw, withServer } from './_helpers.mjs';

// --- the upstream: one handler per path, set by each test ----------------------------------------

/** Every request the upstream received: { path, method, headers }. */
const received = [];
/** path → (req, res) => void. */
const routes = new Map();
let upstream, remotes;

before(async () => {
  upstream = await listen((req, res) => {
    const path = req.url.split('?')[0];
    received.push({ url: req.url, path, method: req.method, headers: { ...req.headers } });
    const handler = routes.get(path);
    if (handler) return handler(req, res);
    res.writeHead(404, { 'content-type': 'text/plain', 'cache-control': 'public, max-age=60' });
    res.end('upstream: no such file');
  });
  remotes = loadRemotes({
    env: {},
    remotes: {
      app: { entry: `${upstream.base}/app/1.0.0/mfe.js`, version: '1.0.0' },
      plain: `${upstream.base}/plain/mfe.js`,
    },
  });
});

after(() => upstream.close());

let unique = 0;
/**
 * Serves a fresh file of the versioned remote: `{ status, headers, body }` or a function of the
 * request returning them. Returns its proxy path and a counter of upstream requests for it.
 */
function file(spec = {}, { folder = '/app/1.0.0/', mount = '/mfe/app/1.0.0/' } = {}) {
  const name = `f${++unique}.js`;
  routes.set(`${folder}${name}`, (req, res) => {
    const { status = 200, headers = { 'cache-control': 'public, max-age=60' }, body = `body of ${name}` } = typeof spec === 'function' ? spec(req) : spec;
    res.writeHead(status, { 'content-type': 'text/javascript', 'content-length': Buffer.byteLength(body), ...headers });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  return { path: `${mount}${name}`, hits: () => received.filter((r) => r.path === `${folder}${name}`).length };
}

/** A fresh path whose upstream handler is `handler`. */
function custom(handler) {
  const name = `c${++unique}.js`;
  routes.set(`/app/1.0.0/${name}`, handler);
  return { path: `/mfe/app/1.0.0/${name}`, hits: () => received.filter((r) => r.path === `/app/1.0.0/${name}`).length };
}

const proxy = (options = {}) => createProxyHandler({ remotes, ...options });

/** Response headers without the ones every hop sets for itself, and without `age`. */
function described(headers) {
  const { date, connection, 'keep-alive': keepAlive, age, ...rest } = headers;
  return rest;
}

/**
 * A GET that may be cut: `{ req, first, done }`; `first` resolves at the first bytes, `done`
 * with `{ status, body }`, or `{ error }` when the response was cut or destroyed.
 */
function open(base, path, headers = {}) {
  let gotFirst;
  const first = new Promise((resolve) => (gotFirst = resolve));
  let req;
  const done = new Promise((resolve) => {
    req = request(`${base}${path}`, { headers, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => {
        chunks.push(c);
        gotFirst();
      });
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks) }));
      res.on('error', (error) => resolve({ error }));
      res.on('close', () => resolve({ error: new Error('closed before the end') }));
    });
    req.on('error', (error) => resolve({ error }));
    req.end();
  });
  return { req, first, done };
}

// --- tests ----------------------------------------------------------------------------------------

describe('hits', () => {
  test('a second GET is answered from memory: the same headers plus Age, upstream asked once', async () => {
    const f = file({
      headers: {
        'cache-control': 'public, max-age=60',
        etag: '"v1"',
        'last-modified': 'Wed, 01 Jan 2025 00:00:00 GMT',
        'access-control-allow-origin': '*',
        'x-internal': 'secret',
      },
      body: 'export const a = 1;\n',
    });
    await withServer(proxy(), async (base) => {
      const miss = await raw(base, f.path);
      const hit = await raw(base, f.path);
      assert.equal(f.hits(), 1);
      assert.equal(hit.status, 200);
      assert.equal(hit.body.toString(), 'export const a = 1;\n');
      assert.equal(miss.headers.age, undefined, 'the first answer came from upstream');
      assert.equal(hit.headers.age, '0');
      assert.deepEqual(described(hit.headers), described(miss.headers));
      assert.equal(hit.headers['x-internal'], undefined);
    });
  });

  test('no Cache-Control upstream: the immutable one the proxy adds, kept for a year', async () => {
    let clock = 0;
    const f = file({ headers: {} });
    await withServer(proxy({ cache: { now: () => clock } }), async (base) => {
      assert.equal((await raw(base, f.path)).headers['cache-control'], 'public, max-age=31536000, immutable');
      clock = 364 * 86_400_000;
      const hit = await raw(base, f.path);
      assert.equal(hit.headers['cache-control'], 'public, max-age=31536000, immutable');
      assert.equal(hit.headers.age, String(364 * 86_400));
      assert.equal(f.hits(), 1);
      clock = 365 * 86_400_000;
      await raw(base, f.path);
      assert.equal(f.hits(), 2, 'expired after a year');
    });
  });

  test('a chunked answer (no Content-Length) is stored and served with its length', async () => {
    const f = custom((req, res) => {
      res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'max-age=60' });
      res.write('part one;');
      res.end('part two;');
    });
    await withServer(proxy(), async (base) => {
      assert.equal((await raw(base, f.path)).body.toString(), 'part one;part two;');
      const hit = await raw(base, f.path);
      assert.equal(hit.body.toString(), 'part one;part two;');
      assert.equal(hit.headers['content-length'], '18');
      assert.equal(f.hits(), 1);
    });
  });

  test('HEAD is answered from a stored GET: headers, no body; a HEAD that misses goes upstream and stores nothing', async () => {
    const f = file({ body: '0123456789' });
    await withServer(proxy(), async (base) => {
      await raw(base, f.path);
      const head = await raw(base, f.path, { method: 'HEAD' });
      assert.equal(head.status, 200);
      assert.equal(head.headers['content-length'], '10');
      assert.equal(head.headers.age, '0');
      assert.equal(head.body.length, 0);
      assert.equal(f.hits(), 1);

      const g = file({ body: 'abc' });
      await raw(base, g.path, { method: 'HEAD' });
      assert.equal(received.at(-1).method, 'HEAD');
      await raw(base, g.path);
      assert.equal(g.hits(), 2, 'the HEAD stored nothing');
      await raw(base, g.path);
      assert.equal(g.hits(), 2);
    });
  });

  test('If-None-Match matching the stored ETag (weakly, in a list, or *) → 304 from memory', async () => {
    const f = file({ headers: { 'cache-control': 'public, max-age=60', etag: 'W/"v1"', 'last-modified': 'Wed, 01 Jan 2025 00:00:00 GMT' }, body: 'abc' });
    await withServer(proxy(), async (base) => {
      await raw(base, f.path);
      for (const inm of ['"v1"', 'W/"v1"', '"other", W/"v1"', '"a","v1"', '*']) {
        const res = await raw(base, f.path, { headers: { 'if-none-match': inm } });
        assert.equal(res.status, 304, inm);
        assert.equal(res.headers.etag, 'W/"v1"');
        assert.equal(res.headers['cache-control'], 'public, max-age=60');
        assert.equal(res.headers.age, '0');
        assert.equal(res.body.length, 0);
      }
      const changed = await raw(base, f.path, { headers: { 'if-none-match': '"v2"' } });
      assert.equal(changed.status, 200);
      assert.equal(changed.body.toString(), 'abc');
      // If-None-Match wins over If-Modified-Since; without it, the date decides.
      const both = await raw(base, f.path, { headers: { 'if-none-match': '"v2"', 'if-modified-since': 'Thu, 01 Jan 2026 00:00:00 GMT' } });
      assert.equal(both.status, 200);
      assert.equal((await raw(base, f.path, { headers: { 'if-modified-since': 'Wed, 01 Jan 2025 00:00:00 GMT' } })).status, 304);
      assert.equal((await raw(base, f.path, { headers: { 'if-modified-since': 'Tue, 31 Dec 2024 23:59:59 GMT' } })).status, 200);
      assert.equal(f.hits(), 1);
    });
  });

  test('a conditional GET that misses goes upstream as it is, and its 304 is not stored', async () => {
    const f = custom((req, res) => {
      if (req.headers['if-none-match'] === '"v1"') return res.writeHead(304, { etag: '"v1"' }).end();
      res.writeHead(200, { 'cache-control': 'max-age=60', etag: '"v1"' }).end('full');
    });
    await withServer(proxy(), async (base) => {
      assert.equal((await raw(base, f.path, { headers: { 'if-none-match': '"v1"' } })).status, 304);
      assert.equal(received.at(-1).headers['if-none-match'], '"v1"');
      const res = await raw(base, f.path);
      assert.equal(res.status, 200);
      assert.equal(res.body.toString(), 'full');
      assert.equal(f.hits(), 2);
    });
  });

  test('the key is the target URL: the query is part of it, the Host header and absolute-form targets are not', async () => {
    const f = file({ body: 'same' });
    await withServer(proxy(), async (base) => {
      await raw(base, f.path, { headers: { host: 'evil.example.com' } });
      await raw(base, f.path, { headers: { host: 'other.example.com' } });
      const absolute = await raw(base, `http://evil.example.com${f.path}`);
      assert.equal(absolute.body.toString(), 'same');
      assert.equal(f.hits(), 1);
      await raw(base, `${f.path}?v=2`);
      await raw(base, `${f.path}?v=2`);
      assert.equal(f.hits(), 2);
      assert.equal(received.at(-1).url.endsWith('?v=2'), true);
    });
  });
});

describe('never stored', () => {
  test('unversioned routes (their files may change)', async () => {
    const f = file({}, { folder: '/plain/', mount: '/mfe/plain/_/' });
    await withServer(proxy(), async (base) => {
      assert.equal((await raw(base, f.path)).status, 200);
      await raw(base, f.path);
      assert.equal(f.hits(), 2);
    });
  });

  const refused = [
    ['Cache-Control: no-store', { headers: { 'cache-control': 'public, max-age=60, no-store' } }],
    ['Cache-Control: private', { headers: { 'cache-control': 'private, max-age=60' } }],
    ['Cache-Control: no-cache', { headers: { 'cache-control': 'public, no-cache, max-age=60' } }],
    ['Cache-Control: no-cache="set-cookie"', { headers: { 'cache-control': 'max-age=60, no-cache="set-cookie"' } }],
    ['Set-Cookie', { headers: { 'cache-control': 'public, max-age=60', 'set-cookie': 'sid=1' } }],
    ['Vary: Cookie', { headers: { 'cache-control': 'public, max-age=60', vary: 'Cookie' } }],
    ['Vary: *', { headers: { 'cache-control': 'public, max-age=60', vary: '*' } }],
    ['Vary: Accept-Encoding, Accept-Language', { headers: { 'cache-control': 'public, max-age=60', vary: 'Accept-Encoding, Accept-Language' } }],
    ['max-age=0', { headers: { 'cache-control': 'public, max-age=0' } }],
    ['s-maxage=0 (it wins over max-age)', { headers: { 'cache-control': 'public, max-age=60, s-maxage=0' } }],
    ['Cache-Control without a lifetime', { headers: { 'cache-control': 'public' } }],
    ['a malformed max-age', { headers: { 'cache-control': 'max-age=soon' } }],
    ['max-age used up by the upstream Age', { headers: { 'cache-control': 'max-age=60', age: '60' } }],
    ['404', { status: 404, headers: { 'cache-control': 'public, max-age=60' } }],
    ['500', { status: 500, headers: { 'cache-control': 'public, max-age=60' } }],
    ['203 (only 200 is stored)', { status: 203, headers: { 'cache-control': 'public, max-age=60' } }],
  ];
  for (const [what, spec] of refused) {
    test(what, async () => {
      const f = file({ ...spec, body: `answer: ${what}` });
      await withServer(proxy(), async (base) => {
        for (let i = 1; i <= 2; i++) {
          const res = await raw(base, f.path);
          assert.equal(res.status, spec.status ?? 200);
          assert.equal(res.body.toString(), `answer: ${what}`);
          assert.equal(res.headers.age, undefined);
        }
        assert.equal(f.hits(), 2);
      });
    });
  }

  test('s-maxage wins over max-age=0: a shared cache may keep it', async () => {
    const f = file({ headers: { 'cache-control': 'public, max-age=0, s-maxage=60' } });
    await withServer(proxy(), async (base) => {
      await raw(base, f.path);
      assert.equal((await raw(base, f.path)).headers['cache-control'], 'public, max-age=0, s-maxage=60');
      assert.equal(f.hits(), 1);
    });
  });

  test('Range and If-Range bypass the cache both ways', async () => {
    const f = custom((req, res) => {
      const body = '0123456789';
      if (req.headers.range === 'bytes=2-5') return res.writeHead(206, { 'cache-control': 'max-age=60', 'content-range': 'bytes 2-5/10' }).end('2345');
      res.writeHead(200, { 'cache-control': 'max-age=60', etag: '"r"' }).end(body);
    });
    await withServer(proxy(), async (base) => {
      const part = await raw(base, f.path, { headers: { range: 'bytes=2-5' } });
      assert.equal(part.status, 206);
      assert.equal(part.body.toString(), '2345');
      assert.equal((await raw(base, f.path)).body.toString(), '0123456789');
      assert.equal(f.hits(), 2, 'the 206 was not stored');
      const again = await raw(base, f.path, { headers: { range: 'bytes=2-5' } });
      assert.equal(again.status, 206, 'a range is not answered from the stored whole');
      await raw(base, f.path, { headers: { 'if-range': '"r"' } });
      assert.equal(f.hits(), 4);
      await raw(base, f.path);
      assert.equal(f.hits(), 4, 'the plain GET is still a hit');
    });
  });

  test('credentials that go upstream (passthroughHeaders) bypass the cache entirely', async () => {
    const f = file({ body: 'per user?' });
    await withServer(proxy({ passthroughHeaders: ['cookie', 'authorization'] }), async (base) => {
      await raw(base, f.path, { headers: { cookie: 'sid=1' } });
      await raw(base, f.path, { headers: { cookie: 'sid=1' } });
      assert.equal(f.hits(), 2);
      await raw(base, f.path, { headers: { authorization: 'Bearer t' } });
      assert.equal(f.hits(), 3);
      await raw(base, f.path);
      await raw(base, f.path);
      assert.equal(f.hits(), 4, 'without credentials: stored');
      const withCookie = await raw(base, f.path, { headers: { cookie: 'sid=2' } });
      assert.equal(withCookie.headers.age, undefined, 'not answered from memory either');
      assert.equal(f.hits(), 5);
      assert.equal(received.at(-1).headers.cookie, 'sid=2');
    });
  });

  test('any passthrough header on the request (x-api-key) bypasses the cache: one key never answers another', async () => {
    // The upstream answers per key without saying so in Vary, as API gateways do.
    const f = custom((req, res) => {
      const body = `key=${req.headers['x-api-key'] ?? 'none'}`;
      res.writeHead(200, { 'cache-control': 'public, max-age=60', 'content-length': Buffer.byteLength(body) }).end(body);
    });
    await withServer(proxy({ passthroughHeaders: ['X-Api-Key'] }), async (base) => {
      const one = await raw(base, f.path, { headers: { 'x-api-key': 'k1' } });
      assert.equal(one.body.toString(), 'key=k1');
      const none = await raw(base, f.path);
      assert.equal(none.body.toString(), 'key=none', "a response fetched with k1 is not served to a request without a key");
      assert.equal(none.headers.age, undefined);
      const two = await raw(base, f.path, { headers: { 'x-api-key': 'k2' } });
      assert.equal(two.body.toString(), 'key=k2', 'nor to one with another key');
      assert.equal(two.headers.age, undefined, 'not answered from the entry stored without a key either');
      assert.equal(f.hits(), 3);
      const again = await raw(base, f.path, { headers: { 'x-api-key': 'k1' } });
      assert.equal(again.body.toString(), 'key=k1');
      assert.equal(f.hits(), 4, 'a keyed request was never stored');
      assert.equal((await raw(base, f.path)).headers.age, '0', 'the keyless answer was stored and is shared');
      assert.equal(f.hits(), 4);
    });
  });

  test('a passthrough header the request does not carry leaves it cacheable; a header that is not forwarded does not matter', async () => {
    const f = file();
    await withServer(proxy({ passthroughHeaders: ['x-api-key', 'x-tenant'] }), async (base) => {
      await raw(base, f.path, { headers: { 'x-other': 'a' } });
      const hit = await raw(base, f.path, { headers: { 'x-other': 'b' } });
      assert.equal(hit.headers.age, '0');
      assert.equal(f.hits(), 1);
      assert.equal((await raw(base, f.path, { headers: { 'x-tenant': 't1' } })).headers.age, undefined);
      assert.equal(f.hits(), 2);
      assert.equal(received.at(-1).headers['x-tenant'], 't1');
    });
  });

  test('credentials that are not forwarded do not matter: the upstream never sees them', async () => {
    const f = file();
    await withServer(proxy(), async (base) => {
      await raw(base, f.path, { headers: { cookie: 'sid=1', authorization: 'Bearer t' } });
      await raw(base, f.path, { headers: { cookie: 'sid=2' } });
      assert.equal(f.hits(), 1);
      assert.equal(received.at(-1).headers.cookie, undefined);
    });
  });
});

describe('Vary: Accept-Encoding', () => {
  const byEncoding = (extra) => (req) => ({
    headers: { 'cache-control': 'max-age=60', ...extra },
    body: `encoding: ${req.headers['accept-encoding'] ?? 'none'}`,
  });

  test("the request's Accept-Encoding is part of the key", async () => {
    const f = file(byEncoding({ vary: 'Accept-Encoding' }));
    await withServer(proxy(), async (base) => {
      const get = async (ae) => (await raw(base, f.path, { headers: ae ? { 'accept-encoding': ae } : {} })).body.toString();
      assert.equal(await get('gzip'), 'encoding: gzip');
      assert.equal(await get('br'), 'encoding: br');
      assert.equal(await get(undefined), 'encoding: none');
      assert.equal(f.hits(), 3);
      assert.equal(await get('gzip'), 'encoding: gzip');
      assert.equal(await get('br'), 'encoding: br');
      assert.equal(await get(undefined), 'encoding: none');
      assert.equal(f.hits(), 3);
    });
  });

  test('a Content-Encoding without Vary is keyed by Accept-Encoding all the same', async () => {
    const f = file(byEncoding({ 'content-encoding': 'x-test' }));
    await withServer(proxy(), async (base) => {
      await raw(base, f.path, { headers: { 'accept-encoding': 'x-test' } });
      const plain = await raw(base, f.path);
      assert.equal(plain.body.toString(), 'encoding: none');
      assert.equal(f.hits(), 2);
    });
  });

  test('without Vary, one entry serves every Accept-Encoding', async () => {
    const f = file({ body: 'identity' });
    await withServer(proxy(), async (base) => {
      await raw(base, f.path, { headers: { 'accept-encoding': 'gzip' } });
      assert.equal((await raw(base, f.path, { headers: { 'accept-encoding': 'br' } })).body.toString(), 'identity');
      assert.equal(f.hits(), 1);
    });
  });
});

describe('expiry and memory', () => {
  test('max-age counts on the injected monotonic clock; Age grows with it', async () => {
    let clock = 1000;
    const f = file({ headers: { 'cache-control': 'max-age=10' } });
    await withServer(proxy({ cache: { now: () => clock } }), async (base) => {
      await raw(base, f.path);
      clock += 5_999;
      assert.equal((await raw(base, f.path)).headers.age, '5');
      clock += 3_999;
      assert.equal((await raw(base, f.path)).headers.age, '9');
      assert.equal(f.hits(), 1);
      clock += 2;
      const refetched = await raw(base, f.path);
      assert.equal(refetched.headers.age, undefined);
      assert.equal(f.hits(), 2, 'expired: fetched again');
      assert.equal((await raw(base, f.path)).headers.age, '0', 'and stored afresh');
      assert.equal(f.hits(), 2);
    });
  });

  test("the upstream's Age is counted in: max-age=60 at Age 50 leaves 10 s", async () => {
    let clock = 0;
    const f = file({ headers: { 'cache-control': 'max-age=60', age: '50' } });
    await withServer(proxy({ cache: { now: () => clock } }), async (base) => {
      await raw(base, f.path);
      clock = 9_999;
      assert.equal((await raw(base, f.path)).headers.age, '59');
      clock = 10_000;
      await raw(base, f.path);
      assert.equal(f.hits(), 2);
    });
  });

  test('least recently used entries are evicted past maxBytes', async () => {
    // Two 10 kB bodies (plus headers and keys) fit in 25 kB, three do not.
    const [a, b, c] = [file({ body: 'a'.repeat(10_000) }), file({ body: 'b'.repeat(10_000) }), file({ body: 'c'.repeat(10_000) })];
    await withServer(proxy({ cache: { maxBytes: 25_000 } }), async (base) => {
      await raw(base, a.path);
      await raw(base, b.path);
      await raw(base, a.path); // a is now the most recently used
      assert.deepEqual([a.hits(), b.hits()], [1, 1]);
      await raw(base, c.path); // evicts b, not a
      await raw(base, a.path);
      await raw(base, c.path);
      assert.deepEqual([a.hits(), b.hits(), c.hits()], [1, 1, 1]);
      assert.equal((await raw(base, b.path)).body.toString(), 'b'.repeat(10_000));
      assert.equal(b.hits(), 2, 'b was evicted');
    });
  });

  test('maxEntries caps the number of entries whatever their size: the least recently used goes', async () => {
    const [a, b, c] = [file(), file(), file()];
    await withServer(proxy({ cache: { maxEntries: 2 } }), async (base) => {
      await raw(base, a.path);
      await raw(base, b.path);
      await raw(base, a.path); // a is now the most recently used
      await raw(base, c.path); // a third entry: b goes
      assert.equal((await raw(base, a.path)).headers.age, '0');
      assert.equal((await raw(base, c.path)).headers.age, '0');
      assert.deepEqual([a.hits(), b.hits(), c.hits()], [1, 1, 1]);
      assert.equal((await raw(base, b.path)).headers.age, undefined, 'b was evicted');
      assert.equal(b.hits(), 2);
    });
  });

  test('each entry counts at its real cost, not just its body: 100 one-byte files do not fit in 50 kB', async () => {
    const files = Array.from({ length: 100 }, () => file({ body: 'x' }));
    // No entry cap, so only the bytes counted decide.
    await withServer(proxy({ cache: { maxBytes: 50_000, maxEntries: 1_000 } }), async (base) => {
      for (const f of files) await raw(base, f.path);
      // Newest first: every hit is an entry that was kept (a miss only evicts ones already counted).
      let stored = 0;
      for (const f of files.toReversed()) if ((await raw(base, f.path)).headers.age !== undefined) stored++;
      // Some 700 B each with the bookkeeping measured in proxy-cache-memory.test.mjs.
      assert.ok(stored > 40 && stored < 80, `${stored} of 100 stored`);
    });
  });

  test('a body over maxEntryBytes is served in full but not stored; one at the limit is', async () => {
    const big = file({ body: 'x'.repeat(5_000) });
    const chunkedBig = custom((req, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=60' });
      for (let i = 0; i < 5; i++) res.write('y'.repeat(1_000));
      res.end();
    });
    const atLimit = file({ body: 'z'.repeat(1_000) });
    await withServer(proxy({ cache: { maxEntryBytes: 1_000 } }), async (base) => {
      for (const f of [big, chunkedBig]) {
        for (let i = 0; i < 2; i++) {
          const res = await raw(base, f.path);
          assert.equal(res.status, 200);
          assert.equal(res.body.length, 5_000);
        }
        assert.equal(f.hits(), 2);
      }
      await raw(base, atLimit.path);
      assert.equal((await raw(base, atLimit.path)).body.length, 1_000);
      assert.equal(atLimit.hits(), 1);
    });
  });
});

describe('failures are not stored', () => {
  /** The first answer is cut after `sent` bytes (of a declared 1000, or chunked), later ones are whole. */
  const cutOnce = ({ chunked }) => {
    let calls = 0;
    return custom((req, res) => {
      calls++;
      res.writeHead(200, { 'cache-control': 'max-age=60', ...(chunked ? {} : { 'content-length': 1000 }) });
      if (calls === 1) {
        res.write('q'.repeat(500), () => res.socket.destroy());
        return;
      }
      res.end('q'.repeat(1000));
    });
  };

  for (const chunked of [false, true]) {
    test(`upstream fails mid-body (${chunked ? 'chunked' : 'Content-Length'}): the client sees the truncation, nothing is stored`, async () => {
      const f = cutOnce({ chunked });
      await withServer(proxy(), async (base) => {
        const cut = await open(base, f.path).done;
        assert.ok(cut.error, 'the response was cut, not completed');
        const whole = await raw(base, f.path);
        assert.equal(whole.body.length, 1000);
        assert.equal(whole.headers.age, undefined);
        assert.equal(f.hits(), 2);
        assert.equal((await raw(base, f.path)).headers.age, '0', 'the whole answer was stored');
      });
    });
  }

  test('upstream stalls mid-body past the timeout: cut, not stored', async () => {
    let calls = 0;
    const f = custom((req, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=60', 'content-length': 1000 });
      if (++calls === 1) res.write('s'.repeat(500)); // and nothing more
      else res.end('s'.repeat(1000));
    });
    await withServer(proxy({ timeout: 100 }), async (base) => {
      assert.ok((await open(base, f.path).done).error);
      assert.equal((await raw(base, f.path)).body.length, 1000);
      assert.equal(f.hits(), 2);
    });
  });
});

describe('concurrent misses', () => {
  const SIZE = 100 * 1024;

  /**
   * A proxy server that reports when `n` requests have been handed to the handler (the handler
   * registers a waiter synchronously, so they are then all waiting or fetching).
   */
  async function arrivals(handler, n) {
    let count = 0;
    let allIn;
    const all = new Promise((resolve) => (allIn = resolve));
    /** The server side of every response, in order of arrival. */
    const responses = [];
    const server = await listen((req, res) => {
      responses.push(res);
      handler(req, res);
      if (++count === n) allIn();
    });
    return { ...server, all, responses };
  }

  /**
   * The first upstream answer sends its head and 16 kB, then waits for `gate`, then does
   * `finish(res)`; later ones answer with `later` headers in full at once.
   */
  function held({ headers = { 'cache-control': 'max-age=60' }, finish = (res) => res.end(Buffer.alloc(SIZE - 16 * 1024, 0x62)), later = headers } = {}) {
    let open;
    const gate = new Promise((resolve) => (open = resolve));
    let calls = 0;
    const f = custom(async (req, res) => {
      if (++calls > 1) return res.writeHead(200, { 'content-length': SIZE, ...later }).end(Buffer.concat([Buffer.alloc(16 * 1024, 0x61), Buffer.alloc(SIZE - 16 * 1024, 0x62)]));
      res.writeHead(200, { 'content-length': SIZE, ...headers });
      res.write(Buffer.alloc(16 * 1024, 0x61));
      await gate;
      finish(res);
    });
    return { ...f, open };
  }

  /**
   * The first client gets its first bytes (it streams before the upstream has finished), then
   * four more ask; once all five are in the handler, the upstream's gate opens. With
   * `abortLeader` the first client goes away instead, and the gate opens only once the others
   * are done: they must not depend on the abandoned fetch.
   */
  async function race(f, { abortLeader = false } = {}) {
    // Waiters give up on a fetch after `timeout`: a minute, so only a release can free them in
    // time (the tests' own 5 s limit catches a stranded one).
    const server = await arrivals(proxy({ timeout: 60_000 }), 5);
    try {
      const leader = open(server.base, f.path);
      await leader.first;
      const rest = Array.from({ length: 4 }, () => open(server.base, f.path).done);
      await server.all;
      if (abortLeader) {
        leader.req.destroy();
        const done = await Promise.all(rest);
        f.open();
        return { leader: await leader.done, rest: done };
      }
      f.open();
      return { leader: await leader.done, rest: await Promise.all(rest) };
    } finally {
      await server.close();
    }
  }

  const isWhole = (r) => r.status === 200 && r.body.length === SIZE && r.body[0] === 0x61 && r.body.at(-1) === 0x62;

  test('share one upstream request; every client gets the whole body', { timeout: 5_000 }, async () => {
    const f = held();
    const { leader, rest } = await race(f);
    assert.ok(isWhole(leader));
    for (const r of rest) assert.ok(isWhole(r), JSON.stringify(r.error ?? r.status));
    assert.equal(f.hits(), 1);
  });

  test('an answer that turns out uncacheable: each waiter fetches on its own', { timeout: 5_000 }, async () => {
    const f = held({ headers: { 'cache-control': 'no-store' } });
    const { leader, rest } = await race(f);
    assert.ok(isWhole(leader));
    for (const r of rest) assert.ok(isWhole(r));
    assert.equal(f.hits(), 5);
  });

  test('a fetch that fails mid-body: the first client sees the cut, the waiters fetch on their own', { timeout: 5_000 }, async () => {
    const f = held({ finish: (res) => res.socket.destroy() });
    const { leader, rest } = await race(f);
    assert.ok(leader.error, 'the first response was cut');
    for (const r of rest) assert.ok(isWhole(r));
    assert.equal(f.hits(), 5);
  });

  test('the first client goes away: the waiters fetch on their own', { timeout: 5_000 }, async () => {
    const f = held();
    const { rest } = await race(f, { abortLeader: true });
    for (const r of rest) assert.ok(isWhole(r));
    assert.equal(f.hits(), 5);
  });

  test('a waiting client that goes away costs no upstream request', { timeout: 5_000 }, async () => {
    const f = held({ finish: (res) => res.socket.destroy() });
    const server = await arrivals(proxy({ timeout: 60_000 }), 3);
    try {
      const leader = open(server.base, f.path);
      await leader.first;
      const staying = open(server.base, f.path);
      const leaving = open(server.base, f.path);
      await server.all;
      // Only the leaving client's response can close now: the others wait for the gate.
      const closed = Promise.race(server.responses.map((res) => new Promise((resolve) => res.once('close', resolve))));
      leaving.req.destroy();
      await closed;
      f.open(); // the first fetch fails: the waiter that stayed fetches on its own
      assert.ok(isWhole(await staying.done));
      assert.ok((await leader.done).error);
      assert.equal(f.hits(), 2);
    } finally {
      await server.close();
    }
  });

  test('a fetch that trickles on: waiters stop waiting after `timeout` and fetch on their own', { timeout: 5_000 }, async () => {
    let calls = 0;
    let openGate;
    const gate = new Promise((resolve) => (openGate = resolve));
    const f = custom(async (req, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=60' });
      if (++calls > 1) return res.end('whole');
      // A byte every 20 ms keeps the stall timer from firing; the body ends only at the gate.
      const trickle = setInterval(() => res.write('.'), 20);
      await gate;
      clearInterval(trickle);
      res.end('end');
    });
    const server = await arrivals(proxy({ timeout: 200 }), 3);
    try {
      const leader = open(server.base, f.path);
      await leader.first;
      const rest = await Promise.all([open(server.base, f.path).done, open(server.base, f.path).done]);
      for (const r of rest) assert.equal(r.body.toString(), 'whole');
      assert.equal(f.hits(), 3);
      openGate();
      assert.match((await leader.done).body.toString(), /^\.+end$/);
    } finally {
      await server.close();
    }
  });

  test('an upstream that never answers the first request: 504 for it, the waiters are released', async () => {
    let calls = 0;
    const f = custom((req, res) => {
      if (++calls === 1) return; // never answers
      res.writeHead(200, { 'cache-control': 'max-age=60' }).end('late but whole');
    });
    await withServer(proxy({ timeout: 100 }), async (base) => {
      const all = await Promise.all(Array.from({ length: 4 }, () => open(base, f.path).done));
      assert.deepEqual(all.map((r) => r.status).sort(), [200, 200, 200, 504]);
      for (const r of all.filter((r) => r.status === 200)) assert.equal(r.body.toString(), 'late but whole');
      // One fetch timed out and released its waiters (or their own bound did); each then fetched.
      assert.equal(f.hits(), 4);
    });
  });
});

describe('options', () => {
  test('cache: false streams every request from upstream', async () => {
    const f = file();
    await withServer(proxy({ cache: false }), async (base) => {
      await raw(base, f.path);
      assert.equal((await raw(base, f.path)).headers.age, undefined);
      assert.equal(f.hits(), 2);
    });
  });

  test('createShellHandler: on by default, proxyCache: false turns it off', async () => {
    const on = file();
    await withServer(createShellHandler({ remotes, proxy: true }), async (base) => {
      await raw(base, on.path);
      await raw(base, on.path);
    });
    assert.equal(on.hits(), 1);
    const off = file();
    await withServer(createShellHandler({ remotes, proxy: true, proxyCache: false }), async (base) => {
      await raw(base, off.path);
      await raw(base, off.path);
    });
    assert.equal(off.hits(), 2);
  });

  test('createShellServer: MFE_PROXY_CACHE=false turns it off unless proxyCache is given', async () => {
    const cases = [
      [{ env: { MFE_PROXY_CACHE: 'false' } }, 2],
      [{ env: { MFE_PROXY_CACHE: ' FALSE ' } }, 2],
      [{ env: { MFE_PROXY_CACHE: 'true' } }, 1],
      [{ env: {} }, 1],
      [{ env: { MFE_PROXY_CACHE: 'false' }, proxyCache: { maxBytes: 1_000_000 } }, 1],
    ];
    for (const [options, hits] of cases) {
      const f = file();
      const s = await listen(createShellServer({ remotes, proxy: true, ...options }));
      try {
        await raw(s.base, f.path);
        await raw(s.base, f.path);
      } finally {
        await s.close();
      }
      assert.equal(f.hits(), hits, JSON.stringify(options));
    }
  });

  test('bad cache options throw a TypeError naming the option', () => {
    const bad = [
      [true, /"cache" must be false or \{ maxBytes\?, maxEntryBytes\?, maxEntries\? \}, got boolean true/],
      [null, /"cache" must be false or/],
      ['yes', /"cache" must be false or .*got string "yes"/],
      [[], /"cache" must be false or .*got an array/],
      [{ maxBytes: 0 }, /"cache.maxBytes" must be a positive integer number of bytes, got number 0/],
      [{ maxBytes: -1 }, /"cache.maxBytes"/],
      [{ maxBytes: 1.5 }, /"cache.maxBytes"/],
      [{ maxBytes: NaN }, /"cache.maxBytes"/],
      [{ maxBytes: Infinity }, /"cache.maxBytes"/],
      [{ maxBytes: '1000' }, /"cache.maxBytes" .*got string "1000"/],
      [{ maxEntryBytes: 0 }, /"cache.maxEntryBytes"/],
      [{ maxBytes: 100, maxEntryBytes: 200 }, /"cache.maxEntryBytes" \(200\) must not exceed "cache.maxBytes" \(100\)/],
      [{ maxEntries: 0 }, /"cache.maxEntries" must be a positive integer, got number 0/],
      [{ maxEntries: 2.5 }, /"cache.maxEntries"/],
      [{ maxEntries: '10' }, /"cache.maxEntries" .*got string "10"/],
    ];
    for (const [cache, message] of bad) {
      assert.throws(() => createProxyHandler({ remotes, cache }), (err) => err instanceof TypeError && message.test(err.message), JSON.stringify(cache));
    }
    assert.throws(() => createShellHandler({ remotes, proxy: true, proxyCache: { maxBytes: -1 } }), TypeError);
    // Good ones: maxEntryBytes defaults to min(8 MiB, maxBytes).
    for (const cache of [undefined, false, {}, { maxBytes: 100 }, { maxBytes: 100, maxEntryBytes: 100 }, { maxEntries: 1 }]) {
      assert.equal(typeof createProxyHandler({ remotes, cache }), 'function');
    }
  });
});
