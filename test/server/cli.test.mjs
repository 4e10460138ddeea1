// The `mfe-host` command (dist/server/bin.js) as a user runs it: help, strict flags (exit 2),
// configuration errors that name the variable (exit 1), provider mode with CORS for import(),
// indie and shell host modes, and a clean exit 0 on SIGTERM/SIGINT. Every wait is on the
// printed "listening" line or the process's exit, never a sleep.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../dist/server/bin.js', import.meta.url));

/** The test's environment without MFE_* variables, plus `extra`. */
function envWith(extra = {}) {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('MFE_')) delete env[key];
  return { ...env, ...extra };
}

/** An empty temp folder (no node_modules: no local MFEs) as the cwd; removed after `fn`. */
async function inTempDir(fn) {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'mfe-cli-')));
  try {
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Spawns the command; `exited` resolves with { code, signal, stdout, stderr }. */
function spawnCli(args, { env = envWith(), cwd } = {}) {
  const child = spawn(process.execPath, [BIN, ...args], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '' };
  child.stdout.setEncoding('utf8').on('data', (s) => (out.stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s) => (out.stderr += s));
  const exited = new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal, ...out })));
  return { child, out, exited };
}

/** Runs a command that is expected to exit by itself. */
const run = (args, opts) => spawnCli(args, opts).exited;

/** Starts `serve` and resolves once it printed its "listening" line (rejects if it exits first). */
function startServe(args, opts) {
  const proc = spawnCli(args, opts);
  return new Promise((resolve, reject) => {
    const onData = () => {
      const m = /mfe-host: listening on (http:\/\/\S+) \((.*)\)\n/.exec(proc.out.stdout);
      if (!m) return;
      proc.child.stdout.off('data', onData);
      resolve({ ...proc, url: m[1], mode: m[2] });
    };
    proc.child.stdout.on('data', onData);
    proc.exited.then((r) => reject(new Error(`exited (${r.code}) before listening:\n${r.stdout}${r.stderr}`)));
  });
}

describe('help and usage errors', () => {
  test('the built bin keeps its shebang and is executable', async () => {
    const { readFileSync } = await import('node:fs');
    assert.match(readFileSync(BIN, 'utf8'), /^#!\/usr\/bin\/env node\n/);
    assert.ok(statSync(BIN).mode & 0o111, 'executable bit set');
  });

  for (const args of [['--help'], ['-h'], ['serve', '--help'], ['help']]) {
    test(`${args.join(' ')}: usage on stdout, exit 0`, async () => {
      const r = await run(args);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^Usage: mfe-host serve \[options\]/);
      for (const flag of ['--port N', '--host H', '--static DIR', '--remotes FILE', '--proxy', '--no-proxy-cache', 'MFE_REMOTES', 'MFE_REMOTES_FILE', 'MFE_PROXY_ENABLED', 'MFE_PROXY_CACHE', 'SIGTERM', '--refresh-interval S', '--no-watch', 'MFE_REFRESH_INTERVAL', 'MFE_WATCH', 'SIGHUP', 'GET /mfe-status.json', 'If-None-Match']) {
        assert.ok(r.stdout.includes(flag), `help mentions ${flag}`);
      }
      assert.equal(r.stderr, '');
    });
  }

  const usage = [
    [[], 'missing command: mfe-host serve [options]'],
    [['start'], 'unknown command "start" (the only command is "serve")'],
    [['serv'], 'unknown command "serv" (did you mean serve?)'],
    [['serve', '--prot', '80'], 'unknown flag --prot (did you mean --port?)'],
    [['serve', '--remote=x.json'], 'unknown flag --remote (did you mean --remotes?)'],
    [['serve', '--verbose'], 'unknown flag --verbose'],
    [['serve', '-p', '80'], 'unknown flag -p'],
    [['serve', '--port', 'abc'], '--port must be a number from 0 to 65535, got "abc"'],
    [['serve', '--port=70000'], '--port must be a number from 0 to 65535, got "70000"'],
    [['serve', '--port', '-1'], '--port must be a number from 0 to 65535, got "-1"'],
    [['serve', '--port', '--proxy'], '--port needs a value'],
    [['serve', '--port'], '--port needs a value'],
    [['serve', '--static='], '--static needs a value, got ""'],
    [['serve', '--port', '1', '--port', '2'], '--port given twice'],
    [['serve', '--proxy=false'], '--proxy takes no value (leave it out to follow MFE_PROXY_ENABLED)'],
    [['serve', '--no-proxy-cache=true'], '--no-proxy-cache takes no value (leave it out to follow MFE_PROXY_CACHE)'],
    [['serve', '--no-proxy-cach'], 'unknown flag --no-proxy-cach (did you mean --no-proxy-cache?)'],
    [['serve', '--refresh-interval', 'soon'], '--refresh-interval must be a number of seconds (0: never), got "soon"'],
    [['serve', '--refresh-interval', '-1'], '--refresh-interval must be a number of seconds (0: never), got "-1"'],
    [['serve', '--refresh-interval'], '--refresh-interval needs a value'],
    [['serve', '--no-watch=true'], '--no-watch takes no value (leave it out to follow MFE_WATCH)'],
    [['serve', 'dist'], 'unexpected argument "dist"'],
    [['--port', '80'], 'missing command "serve" before the options'],
  ];
  for (const [args, message] of usage) {
    test(`${JSON.stringify(args.join(' '))}: exit 2, "${message}"`, async () => {
      const r = await run(args);
      assert.equal(r.code, 2);
      assert.equal(r.stderr, `mfe-host: ${message}\nRun "mfe-host --help" for usage.\n`);
      assert.equal(r.stdout, '');
    });
  }
});

describe('configuration errors: exit 1, naming the variable, key and why', () => {
  test('bad MFE_REMOTES', async () => {
    await inTempDir(async (cwd) => {
      const r = await run(['serve', '--port', '0'], { cwd, env: envWith({ MFE_REMOTES: '{"billing": 42}' }) });
      assert.equal(r.code, 1);
      assert.equal(r.stderr, 'mfe-host: Invalid MFE remotes: MFE_REMOTES: remote "billing": must be an entry URL string or an object with "entry", got number 42\n');
    });
  });

  test('MFE_REFRESH_INTERVAL that is not a number of seconds', async () => {
    const r = await run(['serve'], { env: envWith({ MFE_REMOTES: '{}', MFE_REFRESH_INTERVAL: '30s' }) });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'mfe-host: MFE_REFRESH_INTERVAL must be a number of seconds (0: never), got "30s"\n');
  });

  test('a file and a remote manifest both broken: every problem in one report', async () => {
    await inTempDir(async (cwd) => {
      writeFileSync(join(cwd, 'remotes.json'), '{"billing": ');
      const upstream = createServer((req, res) => res.writeHead(404).end());
      await new Promise((resolve) => upstream.listen(0, '127.0.0.1', resolve));
      try {
        const url = `http://127.0.0.1:${upstream.address().port}/search/mfe.json`;
        const r = await run(['serve', '--remotes', 'remotes.json', '--remote-manifests', url], { cwd });
        assert.equal(r.code, 1);
        assert.match(r.stderr, new RegExp(`^mfe-host: --remote-manifests: Cannot load a remote manifest: ${url.replace(/[.]/g, '\\.')}: HTTP 404\nInvalid MFE remotes: --remotes \\(.*remotes\\.json\\): invalid JSON: `));
      } finally {
        await new Promise((resolve) => upstream.close(resolve));
      }
    });
  });

  test('MFE_REMOTES that is neither JSON nor Base64', async () => {
    const r = await run(['serve'], { env: envWith({ MFE_REMOTES: 'billing=https://x' }) });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^mfe-host: Invalid MFE remotes: MFE_REMOTES: neither inline JSON/);
  });

  test('a bad key in MFE_REMOTES_FILE names the file and the field', async () => {
    await inTempDir(async (cwd) => {
      writeFileSync(join(cwd, 'remotes.json'), JSON.stringify({ billing: { entry: 'https://cdn.example.com/b/mfe.js', format: 'amd' } }));
      const r = await run(['serve'], { cwd, env: envWith({ MFE_REMOTES_FILE: 'remotes.json' }) });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /MFE_REMOTES_FILE \(.*remotes\.json\): remote "billing": "format" must be one of esm, single-spa, html, federation, got string "amd"/);
    });
  });

  test('--remotes FILE that does not exist is reported as --remotes', async () => {
    await inTempDir(async (cwd) => {
      const r = await run(['serve', '--remotes', 'nope.json'], { cwd });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^mfe-host: Invalid MFE remotes: --remotes \(.*nope\.json\): cannot read the file: ENOENT/);
    });
  });

  test('a bad "mfe" field in a local package names the package.json and the field', async () => {
    await inTempDir(async (cwd) => {
      mkdirSync(join(cwd, 'node_modules/billing'), { recursive: true });
      writeFileSync(join(cwd, 'node_modules/billing/package.json'), JSON.stringify({ name: 'billing', version: '1.0.0', mfe: { name: 'billing' } }));
      const r = await run(['serve'], { cwd });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^mfe-host: Invalid local MFE packages: .*node_modules\/billing\/package\.json \(billing\): "mfe\.entry" is missing\n$/);
    });
  });

  test('nothing to serve', async () => {
    await inTempDir(async (cwd) => {
      const r = await run(['serve'], { cwd });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^mfe-host: nothing to serve: no remotes configured \(MFE_REMOTES, MFE_REMOTES_FILE or --remotes\), no MFE package in .*, and no --static DIR\n$/);
    });
  });

  test('--static that is not a folder', async () => {
    await inTempDir(async (cwd) => {
      writeFileSync(join(cwd, 'file.txt'), 'x');
      let r = await run(['serve', '--static', 'missing'], { cwd });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^mfe-host: --static: cannot use "missing" \(.*missing\): no such folder\n$/);
      r = await run(['serve', '--static', 'file.txt'], { cwd });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^mfe-host: --static: "file\.txt" \(.*file\.txt\) is not a folder\n$/);
    });
  });

  test('a port already in use: exit 1 naming the address', async () => {
    const blocker = createServer();
    await new Promise((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    try {
      await inTempDir(async (cwd) => {
        mkdirSync(join(cwd, 'dist'));
        const port = blocker.address().port;
        const r = await run(['serve', '--static', 'dist', '--port', String(port)], { cwd });
        assert.equal(r.code, 1);
        assert.equal(r.stderr, `mfe-host: cannot listen on 127.0.0.1:${port}: the address is already in use\n`);
      });
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});

describe('serving', () => {
  test('provider mode: --static DIR for cross-origin import(), revalidated; SIGTERM exits 0', async () => {
    await inTempDir(async (cwd) => {
      mkdirSync(join(cwd, 'dist'));
      const source = 'export const mount = () => {};\n';
      writeFileSync(join(cwd, 'dist/mfe.js'), source);
      const server = await startServe(['serve', '--static', 'dist', '--port', '0', '--host', '127.0.0.1'], { cwd });
      try {
        assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
        assert.equal(server.mode, `provider mode: ${join(cwd, 'dist')}`);

        const res = await fetch(`${server.url}/mfe.js`, { headers: { Origin: 'https://shell.example.com' } });
        assert.equal(res.status, 200);
        assert.equal(await res.text(), source);
        assert.match(res.headers.get('content-type'), /^text\/javascript/);
        assert.equal(res.headers.get('access-control-allow-origin'), '*');
        assert.equal(res.headers.get('cross-origin-resource-policy'), 'cross-origin');
        assert.match(res.headers.get('cache-control'), /max-age=0/);
        assert.doesNotMatch(res.headers.get('cache-control'), /immutable/);

        const missing = await fetch(`${server.url}/nope.js`);
        assert.equal(missing.status, 404);
        assert.equal(missing.headers.get('access-control-allow-origin'), '*', 'errors carry CORS too, so the page sees the status');
        await missing.arrayBuffer();
      } finally {
        server.child.kill('SIGTERM');
      }
      const r = await server.exited;
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /SIGTERM: closing/);
    });
  });

  test('provider mode: SIGHUP is answered with a line, not the default exit', async () => {
    await inTempDir(async (cwd) => {
      mkdirSync(join(cwd, 'dist'));
      const server = await startServe(['serve', '--port', '0', '--static', 'dist'], { cwd });
      server.child.kill('SIGHUP');
      await new Promise((resolve) => {
        const check = () => server.out.stderr.includes('SIGHUP: nothing to reload') && resolve();
        server.child.stderr.on('data', check);
        check();
      });
      assert.equal((await fetch(`${server.url}/`)).status, 404, 'still serving');
      server.child.kill('SIGTERM');
      assert.equal((await server.exited).code, 0);
    });
  });

  test('indie mode: local MFE packages at /mfe/<name>/<version>/; SIGINT exits 0', async () => {
    await inTempDir(async (cwd) => {
      const pkg = join(cwd, 'node_modules/@acme/billing');
      mkdirSync(join(pkg, 'dist'), { recursive: true });
      writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: '@acme/billing', version: '1.2.0', mfe: { name: 'billing', entry: './dist/mfe.js' } }));
      writeFileSync(join(pkg, 'dist/mfe.js'), 'export const mount = () => {};\n');
      const server = await startServe(['serve', '--port', '0'], { cwd });
      try {
        assert.equal(server.mode, 'indie mode: billing@1.2.0');
        const res = await fetch(`${server.url}/mfe/billing/1.2.0/mfe.js`);
        assert.equal(res.status, 200);
        assert.equal(await res.text(), 'export const mount = () => {};\n');
        const manifest = await fetch(`${server.url}/mfe-manifest.json`);
        assert.equal(manifest.status, 200);
        assert.match(JSON.stringify(await manifest.json()), /\/mfe\/billing\/1\.2\.0\/mfe\.js/);
      } finally {
        server.child.kill('SIGINT');
      }
      assert.equal((await server.exited).code, 0);
    });
  });

  test('shell host mode: MFE_REMOTES, a local MFE of the same name is replaced by the remote', async () => {
    await inTempDir(async (cwd) => {
      const pkg = join(cwd, 'node_modules/billing');
      mkdirSync(pkg, { recursive: true });
      writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'billing', version: '0.0.1', mfe: { name: 'billing', entry: 'mfe.js' } }));
      const remotes = { billing: 'https://cdn.example.com/mfe/billing/1.4.2/mfe.js' };
      const server = await startServe(['serve', '--port', '0'], { cwd, env: envWith({ MFE_REMOTES: JSON.stringify(remotes) }) });
      try {
        assert.equal(server.mode, 'shell host: 1 remote');
        const res = await fetch(`${server.url}/mfe-manifest.json`);
        assert.equal(res.status, 200);
        const body = await res.json();
        assert.equal(body.billing.entry ?? body.billing, remotes.billing);
      } finally {
        server.child.kill('SIGTERM');
      }
      assert.equal((await server.exited).code, 0);
    });
  });

  test('shell host with --proxy: versioned files answered from memory; --no-proxy-cache or MFE_PROXY_CACHE=false stream each one', async () => {
    let hits = 0;
    const upstream = createServer((req, res) => {
      hits++;
      res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'public, max-age=60' });
      res.end('export const mount = () => {};\n');
    });
    await new Promise((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const remotes = { billing: { entry: `http://127.0.0.1:${upstream.address().port}/billing/1.0.0/mfe.js`, version: '1.0.0' } };
    const cases = [
      [['--proxy'], {}, 1, 'shell host: 1 remote, proxy on'],
      [['--proxy', '--no-proxy-cache'], {}, 2, 'shell host: 1 remote, proxy on (no cache)'],
      [['--proxy'], { MFE_PROXY_CACHE: 'false' }, 2, 'shell host: 1 remote, proxy on (no cache)'],
    ];
    try {
      for (const [flags, env, expected, mode] of cases) {
        await inTempDir(async (cwd) => {
          hits = 0;
          const server = await startServe(['serve', '--port', '0', ...flags], { cwd, env: envWith({ MFE_REMOTES: JSON.stringify(remotes), ...env }) });
          try {
            assert.equal(server.mode, mode);
            for (let i = 0; i < 2; i++) {
              const res = await fetch(`${server.url}/mfe/billing/1.0.0/mfe.js`);
              assert.equal(res.status, 200);
              assert.equal(await res.text(), 'export const mount = () => {};\n');
            }
            assert.equal(hits, expected, flags.join(' ') + JSON.stringify(env));
          } finally {
            server.child.kill('SIGTERM');
          }
          assert.equal((await server.exited).code, 0);
        });
      }
    } finally {
      upstream.closeAllConnections();
      await new Promise((resolve) => upstream.close(resolve));
    }
  });

  test('shell host: the unversioned remotes are named at start, with what that costs', async () => {
    const remotes = {
      billing: { entry: 'http://billing-service:8888/mfe/billing/1.0.0/remoteEntry.js', canary: { entry: 'http://billing-service:8888/mfe/billing/next/remoteEntry.js', weight: 0.1 } },
      plain: 'http://plain-service:8888/remoteEntry.js',
      pinned: { entry: 'http://plain-service:8888/latest/remoteEntry.js', version: '3.1.0' },
    };
    const cost = 'without immutable caching or the proxy cache, every request revalidated upstream (put the version in the URL, /<name>/1.2.0/<file>, or set "version")';
    for (const [flags, how] of [[['--proxy'], 'proxied'], [[], 'with --proxy, proxied']]) {
      await inTempDir(async (cwd) => {
        const server = await startServe(['serve', '--port', '0', ...flags], { cwd, env: envWith({ MFE_REMOTES: JSON.stringify(remotes) }) });
        try {
          const line = server.out.stdout.split('\n').find((l) => l.includes('unversioned'));
          assert.equal(
            line,
            'mfe-host: unversioned (no "version", no /<semver>/ folder in the URL): ' +
              'billing canary.entry (http://billing-service:8888/mfe/billing/next/remoteEntry.js), plain (http://plain-service:8888/remoteEntry.js); ' +
              `${how} ${cost}`,
          );
        } finally {
          server.child.kill('SIGTERM');
        }
        assert.equal((await server.exited).code, 0);
      });
    }
    // Every remote versioned (by its URL or its "version"): nothing to say.
    await inTempDir(async (cwd) => {
      const versioned = { billing: remotes.billing.entry, pinned: remotes.pinned };
      const server = await startServe(['serve', '--port', '0', '--proxy'], { cwd, env: envWith({ MFE_REMOTES: JSON.stringify(versioned) }) });
      try {
        assert.equal(server.mode, 'shell host: 2 remotes, proxy on');
        assert.doesNotMatch(server.out.stdout, /unversioned/);
      } finally {
        server.child.kill('SIGTERM');
      }
      assert.equal((await server.exited).code, 0);
    });
  });
});
