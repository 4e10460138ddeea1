// fetchManifests() and `mfe-host serve --remote-manifests`: remotes' mfe.json files (as
// mfe-host/rollup writes them, URLs relative to the file) merged into the shell's manifest.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createManifestFetcher, fetchManifests, loadRemotes, mergeManifests } from '../../dist/server/index.js';
import { closedPort, listen } from './_helpers.mjs';

let remote;
const docs = {
  '/billing/1.4.2/mfe.json': {
    billing: {
      entry: './mfe-AbC123xy.js',
      version: '1.4.2',
      integrity: 'sha384-x',
      styles: ['./assets/billing-Q1w2e3r4.css'],
      shared: { lit: { requiredVersion: '^3.3.0', singleton: true, fallback: './vendor/lit.js' } },
    },
  },
  '/shell/mfe-manifest.json': { search: '../search/5.0.0/mfe.js', billing: 'https://old.example/billing.js' },
};
before(async () => {
  remote = await listen((req, res) => {
    const doc = docs[req.url];
    if (!doc) return res.writeHead(404).end();
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(doc));
  });
});
after(() => remote.close());

test('URLs resolved against each document; later documents win by name; shared kept for the browser', async () => {
  const raw = await fetchManifests([`${remote.base}/shell/mfe-manifest.json`, `${remote.base}/billing/1.4.2/mfe.json`]);
  const remotes = loadRemotes({ env: {}, remotes: raw });
  assert.equal(remotes.search.entry, `${remote.base}/search/5.0.0/mfe.js`);
  assert.deepEqual(JSON.parse(JSON.stringify(remotes.billing)), {
    entry: `${remote.base}/billing/1.4.2/mfe-AbC123xy.js`,
    version: '1.4.2',
    integrity: 'sha384-x',
    styles: [`${remote.base}/billing/1.4.2/assets/billing-Q1w2e3r4.css`],
    shared: { lit: { requiredVersion: '^3.3.0', singleton: true, fallback: './vendor/lit.js' } },
  });
});

test('every failing document is named with why', async () => {
  const port = await closedPort();
  await assert.rejects(fetchManifests([`${remote.base}/nope/mfe.json`, `http://127.0.0.1:${port}/x/mfe.json`]), (err) => {
    assert.match(err.message, /^Cannot load remote manifests:\n- http:\/\/127\.0\.0\.1:\d+\/nope\/mfe\.json: HTTP 404\n- http:\/\/127\.0\.0\.1:\d+\/x\/mfe\.json: fetch failed/);
    return true;
  });
});

test('createManifestFetcher: revalidates with If-None-Match and If-Modified-Since; a 304 (or the same bytes) is no change', async () => {
  const seen = [];
  let billing = { billing: { entry: './mfe.js', version: '1.0.0' } };
  let status = 200;
  const server = await listen((req, res) => {
    seen.push({ url: req.url, inm: req.headers['if-none-match'], ims: req.headers['if-modified-since'] });
    if (status !== 200) return res.writeHead(status).end();
    if (req.url === '/plain/mfe.json') {
      // No validators at all: the fetcher compares the bytes.
      res.setHeader('content-type', 'application/json');
      return res.end(JSON.stringify({ search: './search.js' }));
    }
    const body = JSON.stringify(billing);
    const etag = `"${body.length}-${billing.billing.version}"`;
    if (req.headers['if-none-match'] === etag) return res.writeHead(304, { etag }).end();
    res.writeHead(200, { 'content-type': 'application/json', etag, 'last-modified': 'Mon, 07 Dec 2026 10:00:00 GMT' });
    res.end(body);
  });
  try {
    const urls = [`${server.base}/billing/mfe.json`, `${server.base}/plain/mfe.json`];
    const fetcher = createManifestFetcher(urls);
    assert.equal(fetcher.cached(), undefined);
    const first = await fetcher.fetch();
    assert.equal(first.changed, true);
    assert.equal(first.documents[0].url, urls[0]);
    assert.equal(first.documents[0].remotes.billing.entry, `${server.base}/billing/mfe.js`);
    assert.equal(first.documents[1].remotes.search, `${server.base}/plain/search.js`);
    assert.deepEqual(seen.map((r) => [r.inm, r.ims]), [[undefined, undefined], [undefined, undefined]]);

    seen.length = 0;
    const second = await fetcher.fetch();
    assert.equal(second.changed, false);
    assert.equal(second.documents[0], first.documents[0], 'the same document object after a 304');
    assert.equal(second.documents[1], first.documents[1], 'the same document object for the same bytes');
    const billingReq = seen.find((r) => r.url === '/billing/mfe.json');
    assert.equal(billingReq.inm, '"50-1.0.0"');
    assert.equal(billingReq.ims, 'Mon, 07 Dec 2026 10:00:00 GMT');

    billing = { billing: { entry: './mfe.js', version: '1.0.1' } };
    const third = await fetcher.fetch();
    assert.equal(third.changed, true);
    assert.equal(third.documents[0].remotes.billing.version, '1.0.1');
    assert.equal(third.documents[1], first.documents[1]);
    assert.deepEqual(mergeManifests([{ url: 'a', remotes: { x: 1, y: 1 } }, { url: 'b', remotes: { y: 2 } }]), Object.assign(Object.create(null), { x: 1, y: 2 }));

    status = 500;
    await assert.rejects(fetcher.fetch(), (err) => {
      assert.match(err.message, /^Cannot load remote manifests:\n- http:\/\/127\.0\.0\.1:\d+\/billing\/mfe\.json: HTTP 500\n- /);
      assert.deepEqual(err.failures, urls.map((url) => ({ url, why: 'HTTP 500' })));
      return true;
    });
    assert.equal(fetcher.cached(), third.documents, 'a failed refresh keeps the last good documents');

    // Back up, nothing changed since the last good fetch: no change.
    status = 200;
    assert.equal((await fetcher.fetch()).changed, false);
  } finally {
    await server.close();
  }
});

test('loadRemotes validates shared', () => {
  assert.throws(
    () => loadRemotes({ env: {}, remotes: { a: { entry: 'https://x.example/a.js', shared: { react: { singleton: true } } } } }),
    /remote "a": "shared\.react\.requiredVersion" must be a semver range string, got undefined/,
  );
});

test('mfe-host serve --remote-manifests: published mfe.json merged, MFE_REMOTES wins by name, proxied', async () => {
  const { spawn } = await import('node:child_process');
  const bin = new URL('../../dist/server/bin.js', import.meta.url).pathname;
  const env = { PATH: process.env.PATH, MFE_REMOTES: JSON.stringify({ search: 'https://pinned.example/search/4.0.0/mfe.js' }) };
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--proxy', '--remote-manifests', `${remote.base}/shell/mfe-manifest.json,${remote.base}/billing/1.4.2/mfe.json`], { env, cwd: new URL('.', import.meta.url).pathname });
  try {
    let out = '';
    const base = await new Promise((resolve, reject) => {
      child.stdout.on('data', (d) => {
        out += d;
        const m = /listening on (\S+) \((.*)\)/.exec(out);
        if (m) resolve(m[1]);
      });
      child.once('close', (code) => reject(new Error(`exited ${code}`)));
    });
    assert.match(out, /shell host: 2 remotes, proxy on/);
    const manifest = await (await fetch(`${base}/mfe-manifest.json`)).json();
    assert.equal(manifest.billing.entry, '/mfe/billing/1.4.2/mfe-AbC123xy.js');
    assert.deepEqual(manifest.billing.styles, ['/mfe/billing/1.4.2/assets/billing-Q1w2e3r4.css']);
    assert.equal(manifest.billing.shared.lit.requiredVersion, '^3.3.0');
    assert.equal(manifest.search.entry, '/mfe/search/4.0.0/mfe.js', 'MFE_REMOTES pinned search (its version taken from the URL)');
    const proxied = await fetch(`${base}/mfe/billing/1.4.2/mfe.json`);
    assert.equal(proxied.status, 200);
  } finally {
    child.kill('SIGTERM');
  }
});

test('mfe-host serve: an unreachable remote manifest stops the start (exit 1), naming the flag and URL', async () => {
  const { spawn } = await import('node:child_process');
  const bin = new URL('../../dist/server/bin.js', import.meta.url).pathname;
  const port = await closedPort();
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0'], { env: { PATH: process.env.PATH, MFE_REMOTE_MANIFESTS: `http://127.0.0.1:${port}/billing/mfe.json` } });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const code = await new Promise((resolve) => child.once('close', resolve));
  assert.equal(code, 1);
  assert.match(err, new RegExp(`^mfe-host: MFE_REMOTE_MANIFESTS: Cannot load a remote manifest: http://127\\.0\\.0\\.1:${port}/billing/mfe\\.json: fetch failed`));
});
