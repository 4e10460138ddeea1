// Live reconfiguration (issue 17 §2): the configuration holder in-process, then `mfe-host serve`
// as a real process on real files in a temp folder: an edit, a Kubernetes ConfigMap symlink
// swap, invalid JSON (the last good configuration stays, the problem is logged once, the status
// says so), SIGHUP, remote manifests revalidated with If-None-Match (304 changes nothing), and a
// request in flight during a swap. Every wait polls a condition with a deadline or waits for an
// event; nothing sleeps.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLiveStatusHandler, createShellHandler, createShellServer, loadRemotes, problemsOf, startLiveConfig } from '../../dist/server/index.js';
import { listen } from './_helpers.mjs';

const BIN = fileURLToPath(new URL('../../dist/server/bin.js', import.meta.url));

/** Polls `fn` until it returns a truthy value; fails with `what` after `ms`. */
async function until(what, fn, ms = 10_000) {
  const deadline = Date.now() + ms;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${last instanceof Error ? last.stack : JSON.stringify(last)}`);
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 20)); // a polling period, not a synchronisation
  }
}

async function inTempDir(fn) {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'mfe-live-')));
  try {
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function envWith(extra = {}) {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('MFE_')) delete env[key];
  return { ...env, ...extra };
}

/** `mfe-host serve …` in `cwd`; resolves once it printed "listening", with its URL and output so far. */
function serve(args, { cwd, env = envWith() }) {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '' };
  child.stdout.setEncoding('utf8').on('data', (s) => (out.stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s) => (out.stderr += s));
  const exited = new Promise((resolve) => child.once('close', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const onData = () => {
      const m = /listening on (http:\/\/\S+)/.exec(out.stdout);
      if (!m) return;
      child.stdout.off('data', onData);
      resolve({
        child,
        out,
        url: m[1],
        async stop() {
          child.kill('SIGTERM');
          assert.equal(await exited, 0, out.stderr);
        },
      });
    };
    child.stdout.on('data', onData);
    exited.then((code) => reject(new Error(`exited (${code}) before listening:\n${out.stdout}${out.stderr}`)));
  });
}

async function manifestOf(base) {
  const res = await fetch(`${base}/mfe-manifest.json`);
  assert.equal(res.status, 200);
  return { etag: res.headers.get('etag'), body: await res.json() };
}

async function statusOf(base) {
  const res = await fetch(`${base}/mfe-status.json`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('cache-control'), 'no-store');
  return res.json();
}

/** Writes `file` as an editor or the kubelet does: a new file renamed over it (never seen half-written). */
function replaceFile(file, text) {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

/** A manifest entry's URL (a string entry is served as `{ entry }`). */
const entryOf = (e) => e?.entry ?? e;
const count = (text, part) => text.split(part).length - 1;
const entry = (name, version) => `https://cdn.example.com/mfe/${name}/${version}/mfe.js`;

describe('the holder (startLiveConfig)', () => {
  test('a refused configuration changes nothing, is logged once however often it is seen again, and shows in status()', async () => {
    const lines = [];
    let next = { value: 'one', version: 'v1' };
    const config = await startLiveConfig({ source: 'test', log: (l) => lines.push(l), load: () => (next instanceof Error ? Promise.reject(next) : next) });
    try {
      assert.equal(config.current, 'one');
      assert.equal(config.status().ok, true);
      assert.equal(config.status().stale, false);

      next = new Error('Invalid MFE remotes (2 problems):\n- --remotes (/etc/mfe/remotes.json): remote "billing": "entry" must be an absolute http(s) URL, got "b.js"\n- MFE_REMOTES: invalid JSON: Unexpected token');
      for (let i = 0; i < 3; i++) assert.equal(await config.reload('interval'), 'refused');
      assert.equal(config.current, 'one', 'the last good configuration stays');
      const s = config.status();
      assert.equal(s.stale, true);
      assert.equal(s.ok, true, 'still ready: a valid configuration is in service');
      assert.equal(s.version, 'v1');
      assert.equal(s.attempts, 4);
      assert.deepEqual(
        s.errors.map(({ source, file, key, why }) => ({ source, file, key, why })),
        [
          { source: '--remotes (/etc/mfe/remotes.json)', file: '/etc/mfe/remotes.json', key: 'billing.entry', why: '"entry" must be an absolute http(s) URL, got "b.js"' },
          { source: 'MFE_REMOTES', file: undefined, key: undefined, why: 'invalid JSON: Unexpected token' },
        ],
      );
      assert.equal(s.lastFailure.trigger, 'interval');
      assert.equal(count(lines.join('\n'), 'must be an absolute http(s) URL'), 1, lines.join('\n'));
      assert.equal(count(lines.join('\n'), 'Unexpected token'), 1);

      // One problem fixed, the other still there: nothing new to log.
      next = new Error('Invalid MFE remotes: MFE_REMOTES: invalid JSON: Unexpected token');
      assert.equal(await config.reload(), 'refused');
      assert.equal(count(lines.join('\n'), 'Unexpected token'), 1);

      next = { value: 'one again', version: 'v1' };
      assert.equal(await config.reload(), 'unchanged', 'the same version is not swapped');
      assert.equal(config.current, 'one');
      assert.equal(config.status().stale, false);
      assert.deepEqual(config.status().errors, []);
      assert.match(lines.at(-1), /configuration valid again \(api\), unchanged: version v1/);

      // The same problem coming back after a good load is logged again: it is news.
      next = new Error('Invalid MFE remotes: MFE_REMOTES: invalid JSON: Unexpected token');
      await config.reload();
      assert.equal(count(lines.join('\n'), 'Unexpected token'), 2);

      next = { value: 'two', version: 'v2', details: { manifestEtag: '"x"' } };
      assert.equal(await config.reload('signal'), 'swapped');
      assert.equal(config.current, 'two');
      assert.equal(config.status().reloads, 1);
      assert.deepEqual(config.status().details, { manifestEtag: '"x"' });
      assert.match(lines.at(-1), /configuration reloaded \(signal\): version v2/);
    } finally {
      config.close();
    }
    assert.equal(config.status().ok, false);
  });

  test('the first load failing rejects: there is nothing to keep', async () => {
    await assert.rejects(startLiveConfig({ source: 't', log: () => {}, load: () => { throw new Error('no'); } }), /^Error: no$/);
  });

  test('reloads never overlap; those asked for while one runs make one more', async () => {
    let running = 0;
    let maxRunning = 0;
    let calls = 0;
    let release;
    let version = 0;
    const config = await startLiveConfig({
      source: 't',
      log: () => {},
      async load() {
        calls++;
        running++;
        maxRunning = Math.max(maxRunning, running);
        if (calls === 2) await new Promise((resolve) => (release = resolve));
        running--;
        return { value: version, version: String(version++) };
      },
    });
    const first = config.reload();
    await until('the second load to start', () => release);
    const queued = [config.reload(), config.reload(), config.reload()];
    assert.equal(queued[0], queued[1], 'one queued reload for all three');
    release();
    assert.deepEqual(await Promise.all([first, ...queued]), ['swapped', 'swapped', 'swapped', 'swapped']);
    assert.equal(calls, 3);
    assert.equal(maxRunning, 1);
    config.close();
  });

  test('problemsOf splits loadRemotes errors into source, file, key and why', () => {
    let err;
    try {
      loadRemotes({ env: { MFE_REMOTES: '{"a": {"entry": "x.js"}, "b": {"entry": "https://x.example/b.js", "canary": {"entry": "https://x.example/c.js", "weight": 2}}}' } });
    } catch (e) {
      err = e;
    }
    assert.ok(err, 'loadRemotes threw');
    const problems = problemsOf(err);
    assert.deepEqual(
      problems.map((p) => [p.source, p.key]),
      [
        ['MFE_REMOTES', 'a.entry'],
        ['MFE_REMOTES', 'b.canary.weight'],
      ],
    );
    assert.match(problems[1].why, /^"canary\.weight" must be a number from 0 to 1, got number 2/);
  });

  test('GET /mfe-status.json: JSON, no-store; HEAD without a body; other methods 405; other paths passed on', async () => {
    const handler = createLiveStatusHandler({ status: () => ({ ok: true, version: '"v"' }) });
    await using_(await listen((req, res) => handler(req, res, () => res.writeHead(418).end())), async (s) => {
      const res = await fetch(`${s.base}/mfe-status.json`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
      assert.equal(res.headers.get('cache-control'), 'no-store');
      assert.deepEqual(await res.json(), { ok: true, version: '"v"' });
      const head = await fetch(`${s.base}/mfe-status.json`, { method: 'HEAD' });
      assert.equal(head.status, 200);
      assert.equal(await head.text(), '');
      const post = await fetch(`${s.base}/mfe-status.json`, { method: 'POST' });
      assert.equal(post.status, 405);
      assert.equal(post.headers.get('allow'), 'GET, HEAD');
      assert.equal((await fetch(`${s.base}/other`)).status, 418);
    });
  });
});

/** Runs `fn(s)` and closes the listening `s` afterwards. */
async function using_(s, fn) {
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

describe('createShellServer({ config }): each request keeps the configuration it started with', () => {
  test('a proxied request in flight during a swap completes on the old routes; new requests get the new ones', async () => {
    // Upstream A holds /billing/1.0.0/slow.js until released; upstream B serves 2.0.0.
    let release;
    let arrived;
    const arrivedAtA = new Promise((resolve) => (arrived = resolve));
    const a = await listen((req, res) => {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.write('// from A, ');
      arrived(req.url);
      new Promise((resolve) => (release = resolve)).then(() => res.end('1.0.0\n'));
    });
    const b = await listen((req, res) => {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(`// from B ${req.url}\n`);
    });
    let remotes = { billing: { entry: `${a.base}/billing/1.0.0/mfe.js`, version: '1.0.0' } };
    const config = await startLiveConfig({
      source: 'test',
      log: () => {},
      load() {
        const handler = createShellHandler({ remotes: loadRemotes({ env: {}, remotes }), proxy: true });
        return { value: handler, version: handler.manifestEtag };
      },
    });
    const shell = await listen(createShellServer({ config }));
    try {
      const inFlight = fetch(`${shell.base}/mfe/billing/1.0.0/slow.js`).then(async (r) => ({ status: r.status, body: await r.text() }));
      assert.equal(await arrivedAtA, '/billing/1.0.0/slow.js');

      remotes = { billing: { entry: `${b.base}/billing/2.0.0/mfe.js`, version: '2.0.0' } };
      assert.equal(await config.reload(), 'swapped');
      assert.equal((await manifestOf(shell.base)).body.billing.entry, '/mfe/billing/2.0.0/mfe.js');
      assert.equal((await fetch(`${shell.base}/mfe/billing/1.0.0/other.js`)).status, 404, 'the old route is gone for new requests');
      assert.equal(await (await fetch(`${shell.base}/mfe/billing/2.0.0/mfe.js`)).text(), '// from B /billing/2.0.0/mfe.js\n');

      release();
      assert.deepEqual(await inFlight, { status: 200, body: '// from A, 1.0.0\n' });
      const status = await statusOf(shell.base);
      assert.equal(status.reloads, 1);
    } finally {
      release?.();
      config.close();
      await shell.close();
      await a.close();
      await b.close();
    }
  });
});

describe('mfe-host serve --remotes FILE: watched', () => {
  test('an edit serves the new manifest; the same content again keeps the ETag and swaps nothing', async () => {
    await inTempDir(async (cwd) => {
      const file = join(cwd, 'remotes.json');
      writeFileSync(file, JSON.stringify({ billing: entry('billing', '1.0.0') }));
      const s = await serve(['--remotes', file], { cwd, env: envWith() });
      try {
        const before = await manifestOf(s.url);
        assert.equal(entryOf(before.body.billing), entry('billing', '1.0.0'));
        const status0 = await statusOf(s.url);
        assert.equal(status0.source, `--remotes (${file})`);
        assert.equal(status0.details.manifestEtag, before.etag);

        // An editor's save: a new file renamed over the old one.
        writeFileSync(`${file}.tmp`, JSON.stringify({ billing: entry('billing', '1.1.0'), search: entry('search', '2.0.0') }));
        renameSync(`${file}.tmp`, file);
        const after = await until('the new manifest', async () => {
          const m = await manifestOf(s.url);
          return m.body.search ? m : undefined;
        });
        assert.notEqual(after.etag, before.etag);
        const status1 = await statusOf(s.url);
        assert.equal(status1.reloads, 1);
        assert.equal(status1.details.manifestEtag, after.etag);
        assert.match(s.out.stderr, /configuration reloaded \(file\): version "/);

        // Written in place with the same content (keys in another order): the same ETag, no swap.
        writeFileSync(file, JSON.stringify({ search: entry('search', '2.0.0'), billing: entry('billing', '1.1.0') }));
        await until('the rewrite to be read', async () => (await statusOf(s.url)).attempts > status1.attempts);
        const again = await manifestOf(s.url);
        assert.equal(again.etag, after.etag);
        const status2 = await statusOf(s.url);
        assert.equal(status2.reloads, 1);
        assert.equal(status2.loadedAt, status1.loadedAt);
        const revalidated = await fetch(`${s.url}/mfe-manifest.json`, { headers: { 'if-none-match': after.etag } });
        assert.equal(revalidated.status, 304, 'browsers and CDNs revalidate across the reload');
      } finally {
        await s.stop();
      }
    });
  });

  test('the Kubernetes ConfigMap volume swap (..data symlink renamed over) serves the new manifest', async () => {
    await inTempDir(async (cwd) => {
      // What the kubelet lays out: remotes.json → ..data/remotes.json, ..data → ..<timestamp>/.
      const vol = join(cwd, 'config');
      mkdirSync(join(vol, '..2026_12_07_10_00_00.1'), { recursive: true });
      writeFileSync(join(vol, '..2026_12_07_10_00_00.1/remotes.json'), JSON.stringify({ billing: entry('billing', '1.0.0') }));
      symlinkSync('..2026_12_07_10_00_00.1', join(vol, '..data'));
      symlinkSync('..data/remotes.json', join(vol, 'remotes.json'));
      const s = await serve([], { cwd, env: envWith({ MFE_REMOTES_FILE: join(vol, 'remotes.json') }) });
      try {
        assert.equal(entryOf((await manifestOf(s.url)).body.billing), entry('billing', '1.0.0'));

        // The kubelet's update: a new timestamped folder, a ..data_tmp symlink to it, renamed over ..data, the old folder removed.
        mkdirSync(join(vol, '..2026_12_07_10_05_00.2'));
        writeFileSync(join(vol, '..2026_12_07_10_05_00.2/remotes.json'), JSON.stringify({ billing: entry('billing', '0.9.0') }));
        symlinkSync('..2026_12_07_10_05_00.2', join(vol, '..data_tmp'));
        renameSync(join(vol, '..data_tmp'), join(vol, '..data'));
        rmSync(join(vol, '..2026_12_07_10_00_00.1'), { recursive: true });

        await until('the rolled-back manifest', async () => entryOf((await manifestOf(s.url)).body.billing) === entry('billing', '0.9.0'));
        const status = await statusOf(s.url);
        assert.equal(status.source, `MFE_REMOTES_FILE (${join(vol, 'remotes.json')})`);
        assert.equal(status.reloads, 1);

        // And a second swap, now that the folder the file first resolved to is gone.
        mkdirSync(join(vol, '..2026_12_07_10_10_00.3'));
        writeFileSync(join(vol, '..2026_12_07_10_10_00.3/remotes.json'), JSON.stringify({ billing: entry('billing', '1.0.1') }));
        symlinkSync('..2026_12_07_10_10_00.3', join(vol, '..data_tmp'));
        renameSync(join(vol, '..data_tmp'), join(vol, '..data'));
        await until('the second swap', async () => entryOf((await manifestOf(s.url)).body.billing) === entry('billing', '1.0.1'));
      } finally {
        await s.stop();
      }
    });
  });

  test('a file that links into another folder and is edited in place there is seen (that folder is watched too)', async () => {
    await inTempDir(async (cwd) => {
      mkdirSync(join(cwd, 'etc'));
      mkdirSync(join(cwd, 'srv'));
      writeFileSync(join(cwd, 'srv/remotes.json'), JSON.stringify({ billing: entry('billing', '1.0.0') }));
      symlinkSync('../srv/remotes.json', join(cwd, 'etc/remotes.json'));
      const s = await serve(['--remotes', 'etc/remotes.json', '--refresh-interval', '0'], { cwd, env: envWith() });
      try {
        writeFileSync(join(cwd, 'srv/remotes.json'), JSON.stringify({ billing: entry('billing', '1.0.1') }));
        await until('the edit behind the link', async () => entryOf((await manifestOf(s.url)).body.billing) === entry('billing', '1.0.1'));
      } finally {
        await s.stop();
      }
    });
  });

  test('invalid JSON, then an invalid entry: the last good manifest stays, the status names file, key and why, each problem is logged once', async () => {
    await inTempDir(async (cwd) => {
      const file = join(cwd, 'remotes.json');
      replaceFile(file, JSON.stringify({ billing: entry('billing', '1.0.0') }));
      const s = await serve(['--remotes', file, '--refresh-interval', '0.05'], { cwd, env: envWith() });
      try {
        const good = await manifestOf(s.url);

        replaceFile(file, '{"billing": "https://cdn.example.com/mfe/billing/2.0.0/mfe.js",');
        const refused = await until('the refusal in the status', async () => {
          const st = await statusOf(s.url);
          return st.stale ? st : undefined;
        });
        assert.equal(refused.ok, true);
        assert.equal(refused.errors.length, 1);
        assert.equal(refused.errors[0].file, file);
        assert.equal(refused.errors[0].source, `--remotes (${file})`);
        assert.match(refused.errors[0].why, /^invalid JSON: /);
        assert.equal(refused.version, (await statusOf(s.url)).version);
        assert.deepEqual(await manifestOf(s.url), good, 'the old manifest, same ETag');

        // The interval re-reads the file every 50 ms: many more refusals, one log line.
        await until('ten more attempts', async () => (await statusOf(s.url)).attempts >= refused.attempts + 10);
        s.child.kill('SIGHUP');
        await until('the SIGHUP attempt', async () => s.out.stderr.includes('SIGHUP: reloading'));
        assert.equal(count(s.out.stderr, 'invalid JSON'), 1, s.out.stderr);
        assert.match(s.out.stderr, new RegExp(`configuration not reloaded \\((file|interval)\\), still serving version "[^"]+" from \\S+:\\n.*  --remotes \\(${file.replace(/[.]/g, '\\.')}\\): invalid JSON: `));

        replaceFile(file, JSON.stringify({ billing: { entry: entry('billing', '2.0.0'), canary: { entry: entry('billing', '2.1.0'), weight: 7 } } }));
        const entryRefused = await until('the entry problem', async () => {
          const st = await statusOf(s.url);
          return st.errors[0]?.key ? st : undefined;
        });
        assert.equal(entryRefused.errors[0].key, 'billing.canary.weight');
        assert.match(entryRefused.errors[0].why, /"canary\.weight" must be a number from 0 to 1, got number 7/);
        assert.deepEqual(await manifestOf(s.url), good);
        await until('ten more attempts', async () => (await statusOf(s.url)).attempts >= entryRefused.attempts + 10);
        assert.equal(count(s.out.stderr, 'canary.weight'), 1, s.out.stderr);

        replaceFile(file, JSON.stringify({ billing: entry('billing', '2.0.0') }));
        await until('the fixed manifest', async () => entryOf((await manifestOf(s.url)).body.billing) === entry('billing', '2.0.0'));
        const fixed = await statusOf(s.url);
        assert.equal(fixed.stale, false);
        assert.deepEqual(fixed.errors, []);
        assert.equal(fixed.lastFailure.errors[0].key, 'billing.canary.weight', 'the last failure is kept for the record');
      } finally {
        await s.stop();
      }
    });
  });

  test('SIGHUP reloads (with --no-watch and no refresh, nothing else would)', async () => {
    await inTempDir(async (cwd) => {
      const file = join(cwd, 'remotes.json');
      writeFileSync(file, JSON.stringify({ billing: entry('billing', '1.0.0') }));
      const s = await serve(['--remotes', file, '--no-watch', '--refresh-interval', '0'], { cwd, env: envWith() });
      try {
        writeFileSync(file, JSON.stringify({ billing: entry('billing', '1.2.0') }));
        assert.equal(entryOf((await manifestOf(s.url)).body.billing), entry('billing', '1.0.0'));
        assert.equal((await statusOf(s.url)).attempts, 1, 'nothing read the file');
        s.child.kill('SIGHUP');
        await until('the reloaded manifest', async () => entryOf((await manifestOf(s.url)).body.billing) === entry('billing', '1.2.0'));
        assert.match(s.out.stderr, /SIGHUP: reloading the configuration\n.*configuration reloaded \(signal\)/);
        s.child.kill('SIGHUP');
        await until('the unchanged answer', async () => s.out.stderr.includes('configuration unchanged'));
        assert.equal((await statusOf(s.url)).reloads, 1);
      } finally {
        await s.stop();
      }
    });
  });

  test('a request in flight when the file changes finishes on the old routes (real process, slow proxied upstream)', async () => {
    let release;
    let arrived;
    const arrivedAtA = new Promise((resolve) => (arrived = resolve));
    const a = await listen((req, res) => {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.write('// old ');
      arrived();
      new Promise((resolve) => (release = resolve)).then(() => res.end('routes\n'));
    });
    try {
      await inTempDir(async (cwd) => {
        const file = join(cwd, 'remotes.json');
        writeFileSync(file, JSON.stringify({ billing: `${a.base}/mfe/billing/1.0.0/mfe.js` }));
        const s = await serve(['--remotes', file, '--proxy'], { cwd, env: envWith() });
        try {
          const old = (await manifestOf(s.url)).body.billing.entry;
          const inFlight = fetch(new URL(old.replace(/mfe\.js$/, 'slow.js'), s.url)).then(async (r) => ({ status: r.status, body: await r.text() }));
          await arrivedAtA;
          writeFileSync(file, JSON.stringify({ billing: { entry: 'https://cdn.example.com/mfe/billing/3.0.0/mfe.js', version: '3.0.0' } }));
          await until('the new manifest', async () => (await manifestOf(s.url)).body.billing.entry === '/mfe/billing/3.0.0/mfe.js');
          release();
          assert.deepEqual(await inFlight, { status: 200, body: '// old routes\n' });
        } finally {
          release?.();
          await s.stop();
        }
      });
    } finally {
      await a.close();
    }
  });
});

describe('mfe-host serve --proxy: the proxy cache outlives a reload', () => {
  test('a versioned file cached before an edit is still served from the cache after it', async () => {
    let hits = 0;
    const a = await listen((req, res) => {
      hits += 1;
      res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'public, max-age=31536000, immutable' });
      res.end('export const v = 1;\n');
    });
    try {
      await inTempDir(async (cwd) => {
        const file = join(cwd, 'remotes.json');
        writeFileSync(file, JSON.stringify({ billing: `${a.base}/mfe/billing/1.0.0/mfe.js` }));
        const s = await serve(['--remotes', file, '--proxy'], { cwd, env: envWith() });
        try {
          const url = new URL((await manifestOf(s.url)).body.billing.entry, s.url);
          for (let i = 0; i < 2; i++) assert.equal(await (await fetch(url)).text(), 'export const v = 1;\n');
          assert.equal(hits, 1, 'the second request was a cache hit');
          // One more remote: a new configuration (and handler) in service.
          replaceFile(file, JSON.stringify({ billing: `${a.base}/mfe/billing/1.0.0/mfe.js`, search: `${a.base}/mfe/search/2.0.0/mfe.js` }));
          await until('the new manifest', async () => (await manifestOf(s.url)).body.search !== undefined);
          assert.equal(await (await fetch(url)).text(), 'export const v = 1;\n');
          assert.equal(hits, 1, 'after the swap the file still came from the cache, not from upstream');
        } finally {
          await s.stop();
        }
      });
    } finally {
      await a.close();
    }
  });
});

describe('mfe-host serve --remote-manifests: refreshed with conditional requests', () => {
  test('a 304 changes nothing; a changed document is served; an unreachable one keeps the last good, logged once', async () => {
    let doc = { billing: { entry: './mfe.js', version: '1.0.0' } };
    let failing = false;
    const requests = [];
    const remote = await listen((req, res) => {
      const body = JSON.stringify(doc);
      const etag = `"${Buffer.from(body).toString('base64url').slice(-16)}"`;
      requests.push({ inm: req.headers['if-none-match'], ims: req.headers['if-modified-since'], answered: failing ? 503 : req.headers['if-none-match'] === etag ? 304 : 200 });
      if (failing) return res.writeHead(503).end();
      if (req.headers['if-none-match'] === etag) return res.writeHead(304, { etag }).end();
      res.writeHead(200, { 'content-type': 'application/json', etag, 'last-modified': 'Mon, 07 Dec 2026 10:00:00 GMT' });
      res.end(body);
    });
    try {
      await inTempDir(async (cwd) => {
        const url = `${remote.base}/billing/mfe.json`;
        const s = await serve(['--remote-manifests', url, '--refresh-interval', '0.05'], { cwd, env: envWith() });
        try {
          const first = await manifestOf(s.url);
          assert.equal(first.body.billing.entry, `${remote.base}/billing/mfe.js`);

          await until('three revalidations', () => requests.filter((r) => r.answered === 304).length >= 3);
          assert.equal(requests[0].inm, undefined, 'the first fetch is unconditional');
          const etag = requests[1].inm;
          assert.ok(etag, 'If-None-Match sent');
          for (const r of requests.slice(1)) {
            assert.equal(r.inm, etag);
            assert.equal(r.ims, 'Mon, 07 Dec 2026 10:00:00 GMT');
          }
          assert.equal(requests.filter((r) => r.answered === 200).length, 1, 'only the first fetch had a body');
          const st = await statusOf(s.url);
          assert.equal(st.reloads, 0);
          assert.equal(st.source, `--remote-manifests ${url}`);
          assert.deepEqual(await manifestOf(s.url), first);

          doc = { billing: { entry: './mfe.js', version: '1.1.0' } };
          await until('the changed document', async () => (await manifestOf(s.url)).body.billing.version === '1.1.0');
          const changed = await manifestOf(s.url);
          assert.notEqual(changed.etag, first.etag);

          failing = true;
          const seen = requests.length;
          await until('ten failed refreshes', () => requests.length >= seen + 10);
          const st2 = await statusOf(s.url);
          assert.equal(st2.stale, true);
          assert.deepEqual(st2.errors.map((e) => [e.source, e.file, e.why]), [['--remote-manifests', url, 'HTTP 503']]);
          assert.deepEqual(await manifestOf(s.url), changed, 'the last good manifest stays');
          assert.equal(count(s.out.stderr, 'HTTP 503'), 1, s.out.stderr);

          // A document that answers again but with an invalid entry: named by its URL and key.
          failing = false;
          doc = { billing: { entry: './mfe.js', version: '1.2.0', format: 'amd' } };
          const bad = await until('the invalid entry', async () => {
            const x = await statusOf(s.url);
            return x.errors[0]?.key === 'billing.format' ? x : undefined;
          });
          assert.equal(bad.errors[0].source, `--remote-manifests (${url})`);
          assert.equal(bad.errors[0].file, url);
          assert.deepEqual(await manifestOf(s.url), changed);
        } finally {
          await s.stop();
        }
      });
    } finally {
      await remote.close();
    }
  });
});
