// The version segment of /mfe/<name>/<version>/: taken from `version`, else from the entry URL's
// last semver folder (the seed's MFE_REMOTES format), else `_`. Rules read as a table through
// rewriteManifest, then the seed's own configuration end to end against a real upstream: the
// rewritten manifest, immutable caching and the proxy cache, for the entry and the canary.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createShellHandler, createShellServer, loadRemotes, rewriteManifest } from '../../dist/server/index.js';
import { listen, upstreamService, withServer } from './_helpers.mjs';

const IMMUTABLE = 'public, max-age=31536000, immutable';

/** The rewritten entry of one remote `{ x: config }`. */
const rewritten = (config) => rewriteManifest(loadRemotes({ env: {}, remotes: { x: config } })).x;

describe('the version segment of an entry without "version"', () => {
  const cases = [
    // [entry URL, rewritten entry, version]
    ['http://billing-service:8888/mfe/billing/1.0.0/remoteEntry.js', '/mfe/x/1.0.0/remoteEntry.js', '1.0.0'],
    ['https://cdn.example.com/billing/v2.0.1/remoteEntry.js', '/mfe/x/2.0.1/remoteEntry.js', '2.0.1'],
    ['https://cdn.example.com/2.0.1/x.js', '/mfe/x/2.0.1/x.js', '2.0.1'],
    ['https://cdn.example.com/b/1.5.0-rc.1/mfe.js', '/mfe/x/1.5.0-rc.1/mfe.js', '1.5.0-rc.1'],
    ['https://cdn.example.com/b/1.0.0+build.7/mfe.js', '/mfe/x/1.0.0%2Bbuild.7/mfe.js', '1.0.0+build.7'],
    // the last semver directory; the folder served is still the entry's own folder
    ['https://cdn.example.com/9.9.9/billing/1.0.0/assets/mfe.js', '/mfe/x/1.0.0/mfe.js', '1.0.0'],
    ['https://cdn.example.com/billing/1.0.0/v2/mfe.js?x=1', '/mfe/x/1.0.0/mfe.js?x=1', '1.0.0'],
    // not versions: the segment stays "_"
    ['https://cdn.example.com/billing/1.0/mfe.js', '/mfe/x/_/mfe.js', undefined],
    ['https://cdn.example.com/billing/latest/mfe.js', '/mfe/x/_/mfe.js', undefined],
    ['https://cdn.example.com/billing/01.0.0/mfe.js', '/mfe/x/_/mfe.js', undefined],
    ['https://cdn.example.com/billing/1.0.0.0/mfe.js', '/mfe/x/_/mfe.js', undefined],
    ['https://cdn.example.com/billing/1.0.0.js', '/mfe/x/_/1.0.0.js', undefined],
    ['https://cdn.example.com/billing/mfe.js', '/mfe/x/_/mfe.js', undefined],
    ['https://cdn.example.com/billing/vv1.0.0/mfe.js', '/mfe/x/_/mfe.js', undefined],
    ['https://cdn.example.com/mfe.js?v=1.0.0', '/mfe/x/_/mfe.js?v=1.0.0', undefined],
  ];
  for (const [url, entry, version] of cases) {
    test(`${new URL(url).pathname}${new URL(url).search} → ${entry}`, () => {
      const r = rewritten(url);
      assert.equal(r.entry, entry);
      assert.equal(r.version, version, 'the version taken from the URL is written into the served manifest');
    });
  }

  test('an explicit "version" wins over the URL', () => {
    const r = rewritten({ entry: 'https://cdn.example.com/billing/1.0.0/mfe.js', version: '1.0.0-hotfix' });
    assert.equal(r.entry, '/mfe/x/1.0.0-hotfix/mfe.js');
    assert.equal(r.version, '1.0.0-hotfix');
  });

  test('canary: its own version from its URL; "_canary" when it has none or the stable one took it', () => {
    const base = 'https://cdn.example.com/billing';
    let r = rewritten({ entry: `${base}/1.0.0/mfe.js`, canary: { entry: `${base}/1.1.0-rc.1/mfe.js`, weight: 0.1 } });
    assert.equal(r.canary.entry, '/mfe/x/1.1.0-rc.1/mfe.js');
    assert.equal(r.canary.version, '1.1.0-rc.1');
    r = rewritten({ entry: `${base}/1.0.0/mfe.js`, canary: { entry: `${base}/next/mfe.js`, weight: 0.1 } });
    assert.equal(r.canary.entry, '/mfe/x/_canary/mfe.js');
    assert.equal(r.canary.version, undefined);
    r = rewritten({ entry: `${base}/1.0.0/mfe.js`, canary: { entry: 'https://other.example.com/billing/1.0.0/mfe.js', weight: 0.1 } });
    assert.equal(r.canary.entry, '/mfe/x/_canary/mfe.js', 'the same version in another folder: one segment names one folder');
    r = rewritten({ entry: `${base}/1.0.0/mfe.js`, canary: { entry: `${base}/v1.1.0/mfe.js`, version: '1.1.0-canary', weight: 0.1 } });
    assert.equal(r.canary.entry, '/mfe/x/1.1.0-canary/mfe.js', 'canary.version wins');
  });

  test('fallback: its version segment from its URL, else "_fallback"; the same folder shares the entry route', () => {
    const base = 'https://cdn.example.com/billing';
    assert.equal(rewritten({ entry: `${base}/2.0.0/mfe.js`, fallback: `${base}/1.9.0/mfe.js` }).fallback, '/mfe/x/1.9.0/mfe.js');
    assert.equal(rewritten({ entry: `${base}/2.0.0/mfe.js`, fallback: `${base}/stable/mfe.js` }).fallback, '/mfe/x/_fallback/mfe.js');
    assert.equal(rewritten({ entry: `${base}/2.0.0/mfe.js`, fallback: 'https://mirror.example.com/billing/2.0.0/mfe.js' }).fallback, '/mfe/x/_fallback/mfe.js', 'collision');
    assert.equal(rewritten({ entry: `${base}/2.0.0/mfe.js`, fallback: `${base}/2.0.0/legacy.js` }).fallback, '/mfe/x/2.0.0/legacy.js');
  });
});

describe('names and versions of a manifest built in code', () => {
  // loadRemotes refuses them at load (remotes.test.mjs); a manifest written in code is refused
  // when the proxy's URLs are made from it, instead of URLs the proxy would answer 400.
  const entry = 'https://cdn.example.com/billing/1.0.0/mfe.js';
  test('a bad name or version: createShellHandler({ proxy: true }) throws, naming the remote, the key and why', () => {
    assert.throws(() => createShellHandler({ remotes: { 'a/b': { entry } }, proxy: true }), {
      name: 'TypeError',
      message: 'rewriteManifest: remote "a/b": the name must be letters, digits, ".", "_" or "-" (a URL segment), starting with a letter or digit',
    });
    assert.throws(() => rewriteManifest({ billing: { entry, version: '../../x' } }), {
      name: 'TypeError',
      message: /^rewriteManifest: remote "billing": "version" must be a version string such as "1\.2\.0" .*, got "\.\.\/\.\.\/x"$/,
    });
    assert.throws(() => rewriteManifest({ billing: { entry, canary: { entry, weight: 1, version: '..' } } }), { message: /remote "billing": "canary\.version" must be/ });
  });
});

describe('the seed configuration through the proxy, against a real upstream', () => {
  const files = {
    '/mfe/billing/1.0.0/remoteEntry.js': 'export const init = () => {}; export const get = () => {};\n',
    '/mfe/billing/1.1.0-rc.1/remoteEntry.js': 'export const canary = 1;\n',
    '/mfe/plain/remoteEntry.js': 'export const plain = 1;\n',
  };
  const service = upstreamService(files);
  let upstream;
  before(async () => (upstream = await listen(service.listener)));
  after(() => upstream.close());

  /** How many requests for `path` reached the upstream. */
  const hits = (path) => service.requests.filter((r) => r.url === path).length;

  test('MFE_REMOTES with a plain URL: /mfe/billing/1.0.0/remoteEntry.js in the manifest, immutable, from the proxy cache', async () => {
    const entry = `${upstream.base}/mfe/billing/1.0.0/remoteEntry.js`;
    const remotes = loadRemotes({ env: { MFE_REMOTES: `{"billing":"${entry}"}` } });
    await withServer(createShellServer({ remotes, proxy: true, env: {} }), async (base) => {
      const manifest = await (await fetch(`${base}/mfe-manifest.json`)).json();
      assert.deepEqual(manifest.billing, { entry: '/mfe/billing/1.0.0/remoteEntry.js', version: '1.0.0' });
      const before = hits('/mfe/billing/1.0.0/remoteEntry.js');
      for (let i = 0; i < 2; i++) {
        const res = await fetch(`${base}/mfe/billing/1.0.0/remoteEntry.js`);
        assert.equal(res.status, 200);
        assert.equal(await res.text(), files['/mfe/billing/1.0.0/remoteEntry.js']);
        assert.equal(res.headers.get('cache-control'), IMMUTABLE);
      }
      assert.equal(hits('/mfe/billing/1.0.0/remoteEntry.js') - before, 1, 'the second request is answered from the proxy cache');
      assert.equal((await fetch(`${base}/mfe/billing/_/remoteEntry.js`)).status, 404, 'no unversioned alias');
    });
  });

  test('the canary likewise', async () => {
    const remotes = loadRemotes({
      env: {},
      remotes: {
        billing: {
          entry: `${upstream.base}/mfe/billing/1.0.0/remoteEntry.js`,
          canary: { entry: `${upstream.base}/mfe/billing/1.1.0-rc.1/remoteEntry.js`, weight: 0.5 },
        },
      },
    });
    await withServer(createShellServer({ remotes, proxy: true, env: {} }), async (base) => {
      const manifest = await (await fetch(`${base}/mfe-manifest.json`)).json();
      assert.deepEqual(manifest.billing.canary, { entry: '/mfe/billing/1.1.0-rc.1/remoteEntry.js', version: '1.1.0-rc.1', weight: 0.5 });
      const path = '/mfe/billing/1.1.0-rc.1/remoteEntry.js';
      const before = hits(path);
      for (let i = 0; i < 2; i++) {
        const res = await fetch(`${base}${path}`);
        assert.equal(await res.text(), files[path]);
        assert.equal(res.headers.get('cache-control'), IMMUTABLE);
      }
      assert.equal(hits(path) - before, 1, 'the second request is answered from the proxy cache');
    });
  });

  test('a URL without a version keeps "_": not immutable, every request goes upstream', async () => {
    const remotes = loadRemotes({ env: { MFE_REMOTES: `{"plain":"${upstream.base}/mfe/plain/remoteEntry.js"}` } });
    await withServer(createShellServer({ remotes, proxy: true, env: {} }), async (base) => {
      const manifest = await (await fetch(`${base}/mfe-manifest.json`)).json();
      assert.deepEqual(manifest.plain, { entry: '/mfe/plain/_/remoteEntry.js' });
      const before = hits('/mfe/plain/remoteEntry.js');
      for (let i = 0; i < 2; i++) {
        const res = await fetch(`${base}/mfe/plain/_/remoteEntry.js`);
        assert.equal(await res.text(), files['/mfe/plain/remoteEntry.js']);
        assert.equal(res.headers.get('cache-control'), null);
      }
      assert.equal(hits('/mfe/plain/remoteEntry.js') - before, 2);
    });
  });
});
