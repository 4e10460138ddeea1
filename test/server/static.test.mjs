// createStaticHandler(): a folder served from disk over real HTTP — types, validators, 304,
// ranges, HEAD, 405, prefixes, Connect chains and every malicious path (symlinks included).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStaticHandler } from '../../dist/server/index.js';
import { connectLike, raw, withServer } from './_helpers.mjs';

let dir, root;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'mfe-static-'));
  root = join(dir, 'root');
  mkdirSync(join(root, 'sub'), { recursive: true });
  writeFileSync(join(dir, 'secret.txt'), 'outside the root');
  writeFileSync(join(root, 'app.js'), 'export default 42;\n');
  writeFileSync(join(root, 'app.mjs'), 'export {};\n');
  writeFileSync(join(root, 'style.css'), 'body{}');
  writeFileSync(join(root, 'data.json'), '{}');
  writeFileSync(join(root, 'app.js.map'), '{}');
  writeFileSync(join(root, 'index.html'), '<h1>home</h1>');
  writeFileSync(join(root, 'sub', 'index.html'), '<h1>sub</h1>');
  writeFileSync(join(root, 'digits.txt'), '0123456789');
  writeFileSync(join(root, 'mod.wasm'), Buffer.from([0, 0x61, 0x73, 0x6d]));
  writeFileSync(join(root, '.env'), 'SECRET=1');
  symlinkSync(join(dir, 'secret.txt'), join(root, 'escape.txt'));
  symlinkSync(dir, join(root, 'escape-dir'));
  symlinkSync(join(root, 'app.js'), join(root, 'alias.js'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const serve = (options = {}) => createStaticHandler({ root, ...options });

describe('serving files', () => {
  test('GET: body, Content-Type by extension, Content-Length, weak ETag, Last-Modified, max-age=0', async () => {
    await withServer(serve(), async (base) => {
      const res = await fetch(`${base}/app.js`);
      assert.equal(res.status, 200);
      assert.equal(await res.text(), 'export default 42;\n');
      assert.equal(res.headers.get('content-type'), 'text/javascript; charset=utf-8');
      assert.equal(res.headers.get('content-length'), '19');
      assert.match(res.headers.get('etag'), /^W\/"[0-9a-f]+-[0-9a-f]+"$/);
      assert.ok(res.headers.get('last-modified'));
      assert.equal(res.headers.get('cache-control'), 'public, max-age=0');
      const types = { 'app.mjs': 'text/javascript; charset=utf-8', 'style.css': 'text/css; charset=utf-8', 'data.json': 'application/json; charset=utf-8', 'app.js.map': 'application/json; charset=utf-8', 'index.html': 'text/html; charset=utf-8', 'mod.wasm': 'application/wasm' };
      for (const [file, type] of Object.entries(types)) assert.equal((await fetch(`${base}/${file}`)).headers.get('content-type'), type, file);
    });
  });

  test('immutable and cors options', async () => {
    await withServer(serve({ immutable: true, cors: true }), async (base) => {
      const res = await fetch(`${base}/app.js`);
      assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable');
      assert.equal(res.headers.get('access-control-allow-origin'), '*');
      assert.equal(res.headers.get('cross-origin-resource-policy'), 'cross-origin');
      const preflight = await fetch(`${base}/app.js`, { method: 'OPTIONS' });
      assert.equal(preflight.status, 204);
      assert.equal(preflight.headers.get('access-control-allow-methods'), 'GET, HEAD');
    });
  });

  test('304 on a matching If-None-Match (weak comparison) or a not-newer If-Modified-Since', async () => {
    await withServer(serve(), async (base) => {
      const first = await fetch(`${base}/app.js`);
      const etag = first.headers.get('etag');
      assert.equal((await fetch(`${base}/app.js`, { headers: { 'if-none-match': etag } })).status, 304);
      assert.equal((await fetch(`${base}/app.js`, { headers: { 'if-none-match': etag.slice(2) } })).status, 304);
      assert.equal((await fetch(`${base}/app.js`, { headers: { 'if-none-match': '"other"' } })).status, 200);
      assert.equal((await fetch(`${base}/app.js`, { headers: { 'if-modified-since': first.headers.get('last-modified') } })).status, 304);
      assert.equal((await fetch(`${base}/app.js`, { headers: { 'if-modified-since': 'Thu, 01 Jan 1970 00:00:00 GMT' } })).status, 200);
    });
  });

  test('Range: 206 with Content-Range, suffix and open ranges; 416 when unsatisfiable; several ranges give 200', async () => {
    await withServer(serve(), async (base) => {
      const get = (range) => fetch(`${base}/digits.txt`, { headers: { range } });
      let res = await get('bytes=2-5');
      assert.equal(res.status, 206);
      assert.equal(res.headers.get('content-range'), 'bytes 2-5/10');
      assert.equal(await res.text(), '2345');
      res = await get('bytes=-3');
      assert.equal(await res.text(), '789');
      res = await get('bytes=7-');
      assert.equal(await res.text(), '789');
      res = await get('bytes=20-30');
      assert.equal(res.status, 416);
      assert.equal(res.headers.get('content-range'), 'bytes */10');
      res = await get('bytes=0-1, 4-5');
      assert.equal(res.status, 200);
      assert.equal(await res.text(), '0123456789');
      res = await fetch(`${base}/digits.txt`, { headers: { range: 'bytes=0-1', 'if-range': '"stale"' } });
      assert.equal(res.status, 200, 'If-Range that does not match: the whole file');
    });
  });

  test('HEAD: headers, no body', async () => {
    await withServer(serve(), async (base) => {
      const res = await raw(base, '/app.js', { method: 'HEAD' });
      assert.equal(res.status, 200);
      assert.equal(res.headers['content-length'], '19');
      assert.equal(res.body.length, 0);
    });
  });

  test('directories: 301 to the slash URL, then index.html; index: false gives 404', async () => {
    await withServer(serve(), async (base) => {
      const redirect = await raw(base, '/sub?x=1');
      assert.equal(redirect.status, 301);
      assert.equal(redirect.headers.location, '/sub/?x=1');
      assert.equal(await (await fetch(`${base}/sub/`)).text(), '<h1>sub</h1>');
      assert.equal(await (await fetch(`${base}/`)).text(), '<h1>home</h1>');
    });
    await withServer(serve({ index: false }), async (base) => assert.equal((await fetch(`${base}/sub/`)).status, 404));
  });

  test('the 301 body is fixed text that does not echo the request path, with nosniff', async () => {
    await withServer(serve(), async (base) => {
      const path = '/sub?<script>alert(1)</script>';
      for (const method of ['GET', 'HEAD']) {
        const redirect = await raw(base, path, { method });
        assert.equal(redirect.status, 301);
        assert.equal(redirect.headers.location, '/sub/?<script>alert(1)</script>', 'Location keeps the query, where it belongs');
        assert.equal(redirect.headers['x-content-type-options'], 'nosniff');
        assert.equal(redirect.headers['content-type'], 'text/plain; charset=utf-8');
        if (method === 'GET') {
          const body = redirect.body.toString();
          assert.ok(!body.includes('sub') && !body.includes('script'), `the body does not echo the path: ${JSON.stringify(body)}`);
          assert.equal(redirect.headers['content-length'], String(redirect.body.length));
        }
      }
    });
  });

  test('should 404 on a file asked for as a folder (trailing slash)', async () => {
    await withServer(serve(), async (base) => {
      for (const path of ['/digits.txt/', '/app.js/', '/alias.js/', '/sub/index.html/']) {
        const res = await raw(base, path);
        assert.equal(res.status, 404, path);
        assert.ok(!res.body.toString().includes('0123456789'), 'the file is not served');
      }
      assert.equal((await fetch(`${base}/digits.txt`)).status, 200, 'without the slash it is served');
    });
    await withServer(serve({ prefix: '/mfe/x/1.0.0' }), async (base) => {
      assert.equal((await raw(base, '/mfe/x/1.0.0/app.js/')).status, 404);
      assert.equal((await raw(base, '/mfe/x/1.0.0/app.js')).status, 200);
    });
  });

  test('should 404 on missing files, dotfiles, and a root that does not exist', async () => {
    await withServer(serve(), async (base) => {
      assert.equal((await fetch(`${base}/nope.js`)).status, 404);
      assert.equal((await fetch(`${base}/.env`)).status, 404);
      assert.equal((await fetch(`${base}/app.js/x`)).status, 404);
    });
    await withServer(createStaticHandler({ root: join(dir, 'missing') }), async (base) => assert.equal((await fetch(`${base}/app.js`)).status, 404));
  });

  test('should 405 with Allow on other methods under the prefix', async () => {
    await withServer(serve(), async (base) => {
      const res = await fetch(`${base}/app.js`, { method: 'PUT', body: 'x' });
      assert.equal(res.status, 405);
      assert.equal(res.headers.get('allow'), 'GET, HEAD');
    });
  });
});

describe('malicious paths', () => {
  for (const [what, path] of [
    ['..', '/../secret.txt'],
    ['.. deeper', '/sub/../../secret.txt'],
    ['encoded ..', '/%2e%2e/secret.txt'],
    ['encoded slash', '/..%2fsecret.txt'],
    ['backslash', '/..\\secret.txt'],
    ['encoded backslash', '/..%5Csecret.txt'],
    ['NUL byte', '/app.js%00.css'],
    ['double slash', '//secret.txt'],
  ]) {
    test(`should 400 on ${what}`, async () => {
      await withServer(serve(), async (base) => {
        const res = await raw(base, path);
        assert.equal(res.status, 400);
        assert.doesNotMatch(res.body.toString(), /outside the root/);
      });
    });
  }

  test('should 404 on a symlink pointing outside the root, serve one pointing inside', async () => {
    await withServer(serve(), async (base) => {
      assert.equal((await fetch(`${base}/escape.txt`)).status, 404);
      assert.equal((await fetch(`${base}/escape-dir/secret.txt`)).status, 404);
      assert.equal(await (await fetch(`${base}/alias.js`)).text(), 'export default 42;\n');
    });
  });
});

describe('prefix and chains', () => {
  test('served under a prefix; paths outside it go to next()', async () => {
    const app = connectLike()
      .use(serve({ prefix: '/assets/' }))
      .use((req, res) => res.end(`next: ${req.url}`));
    await withServer(app, async (base) => {
      assert.equal(await (await fetch(`${base}/assets/app.js`)).text(), 'export default 42;\n');
      assert.equal(await (await fetch(`${base}/assetsx/app.js`)).text(), 'next: /assetsx/app.js');
      assert.equal(await (await fetch(`${base}/app.js`)).text(), 'next: /app.js');
    });
  });

  test('mounted under a Connect prefix (req.url stripped), redirects keep the mount', async () => {
    const app = connectLike().use('/static', serve());
    await withServer(app, async (base) => {
      assert.equal(await (await fetch(`${base}/static/app.js`)).text(), 'export default 42;\n');
      assert.equal((await raw(base, '/static/sub')).headers.location, '/static/sub/');
    });
  });

  test('invalid options throw at creation', () => {
    assert.throws(() => createStaticHandler({}), TypeError);
    assert.throws(() => createStaticHandler({ root, prefix: 'assets' }), TypeError);
    assert.throws(() => createStaticHandler({ root, maxAge: -1 }), TypeError);
  });
});
