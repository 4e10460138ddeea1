// Three `mfe-host serve` processes behind Debian's nginx (upstream keepalive, retries on the next
// replica), bounded load on loopback from keep-alive clients, one replica stopped with SIGTERM
// mid-run and started again: zero failed requests, and every replica served. The stopped one
// drains as in Kubernetes: not ready (/readyz 503) while still serving, then closing (no new
// connections, keep-alive connections closed after their response), then exit 0.
// Every step waits on an event: a printed line, a response count, a process exit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, prologue, skipWithoutNginx, startNginx } from './_nginx.mjs';

const BIN = fileURLToPath(new URL('../../dist/server/bin.js', import.meta.url));

const CLIENTS = 8; // concurrent keep-alive connections to nginx
const TOTAL = 1500; // requests at least
const STOP_AFTER = 300; // responses before the SIGTERM
const SERVED_WHILE_NOT_READY = 20; // responses the draining replica gives before it is told to close
const SERVED_AFTER_RESTART = 30; // responses from the restarted replica before the load may end
const CAP = 20_000; // requests at most: the load ends, and the test fails, if the conditions never hold

/** The files the load asks for, and how to tell a right answer. */
function site(dir) {
  const staticDir = join(dir, 'public');
  mkdirSync(staticDir);
  const files = {
    '/index.html': '<!doctype html><title>shell</title><script type="module" src="/app.js"></script>\n',
    '/app.js': 'import "mfe-host";\n',
    '/big.bin': 'x'.repeat(256 * 1024), // long enough to be in flight when the SIGTERM lands
  };
  for (const [path, body] of Object.entries(files)) writeFileSync(join(staticDir, path.slice(1)), body);
  const remotes = join(dir, 'remotes.json');
  writeFileSync(remotes, JSON.stringify({ billing: 'https://cdn.example.com/mfe/billing/1.4.2/mfe.js', inventory: { entry: 'https://cdn.example.com/mfe/inventory/1.4.0/mfe.js', version: '1.4.0' } }));
  const checks = [
    ['/', (b) => b === files['/index.html']],
    ['/app.js', (b) => b === files['/app.js']],
    ['/big.bin', (b) => b.length === files['/big.bin'].length],
    ['/mfe-manifest.json', (b) => JSON.parse(b).billing.entry === 'https://cdn.example.com/mfe/billing/1.4.2/mfe.js'],
    ['/healthz', (b) => b === 'ok\n'],
  ];
  return { staticDir, remotes, checks };
}

/** Starts one replica on `port` (0: any); resolves once it printed "listening". */
function startReplica({ staticDir, remotes, dir }, port, args = []) {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('MFE_')) delete env[key];
  const child = spawn(process.execPath, [BIN, 'serve', '--host', '127.0.0.1', '--port', String(port), '--remotes', remotes, '--static', staticDir, ...args], {
    cwd: dir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = { stdout: '', stderr: '' };
  const exited = new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal, ...out })));
  const stderrLine = (re) =>
    new Promise((resolve, reject) => {
      const check = () => {
        if (!re.test(out.stderr)) return;
        child.stderr.off('data', check);
        resolve();
      };
      child.stderr.on('data', check);
      exited.then((r) => reject(new Error(`replica exited (${r.code}) before printing ${re}:\n${r.stderr}`)));
      check();
    });
  child.stderr.setEncoding('utf8').on('data', (c) => (out.stderr += c));
  return new Promise((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (c) => {
      out.stdout += c;
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+) \(shell host: 2 remotes\)/.exec(out.stdout);
      if (m) resolve({ child, port: Number(m[1]), addr: `127.0.0.1:${m[1]}`, exited, stderrLine, out });
    });
    exited.then((r) => reject(new Error(`replica exited (${r.code}) before listening:\n${r.stdout}${r.stderr}`)));
  });
}

function conf(dir, port, replicas) {
  const { main, httpTemp } = prologue(dir);
  return `${main}
http {
  access_log off;
  ${httpTemp}
  upstream shell {
    # A refused connection marks a replica down for 1 s, then nginx tries it again.
${replicas.map((r) => `    server ${r.addr} max_fails=1 fail_timeout=1s;`).join('\n')}
    keepalive 16;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://shell;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_next_upstream error timeout http_502 http_503;
      proxy_connect_timeout 2s;
      add_header X-Upstream $upstream_addr always;
    }
  }
}
`;
}

/** GET through nginx: { status, upstream, body } (the replica that answered last, after retries). */
function get(port, path, agent) {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, upstream: String(res.headers['x-upstream'] ?? '').split(', ').at(-1), body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** A direct request to one replica, on a connection of its own. */
function direct(replica, path) {
  return get(replica.port, path, false);
}

test('three replicas behind nginx: one stopped with SIGTERM and restarted mid-load, zero failed requests', { skip: skipWithoutNginx, timeout: 20_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mfe-replicas-'));
  const fixture = { ...site(dir), dir };
  const replicas = [];
  let nginx;
  let load;
  const stop = { now: false }; // set when the test ends early: the clients stop at once
  try {
    for (let i = 0; i < 3; i++) replicas.push(await startReplica(fixture, 0, i === 1 ? ['--drain-delay', '300'] : []));
    const port = await freePort();
    nginx = await startNginx(dir, conf(dir, port, replicas), port);

    const served = new Map(replicas.map((r) => [r.addr, 0]));
    const failures = [];
    let sent = 0;
    let completed = 0;
    const victim = replicas[1];
    const phase = { name: 'before', servedWhileNotReady: 0, servedWhileClosing: 0, servedAfterRestart: 0 };
    const waiters = [];
    /** Resolves once `cond()` holds after some response. */
    const when = (cond) => new Promise((resolve) => waiters.push({ cond, resolve }));

    const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
    const client = async () => {
      while (!stop.now && sent < CAP && !(sent >= TOTAL && phase.name === 'restarted' && phase.servedAfterRestart >= SERVED_AFTER_RESTART)) {
        const [path, ok] = fixture.checks[sent++ % fixture.checks.length];
        try {
          const r = await get(port, path, agent);
          if (r.status !== 200 || !ok(r.body)) failures.push(`${path}: ${r.status} from ${r.upstream}: ${r.body.slice(0, 200)}`);
          served.set(r.upstream, (served.get(r.upstream) ?? 0) + 1);
          if (r.upstream === victim.addr && phase.name === 'not ready') phase.servedWhileNotReady++;
          if (r.upstream === victim.addr && phase.name === 'closing') phase.servedWhileClosing++;
          if (r.upstream === victim.addr && phase.name === 'restarted') phase.servedAfterRestart++;
        } catch (err) {
          failures.push(`${path}: ${err.code ?? err.message}`);
        }
        completed++;
        for (const w of waiters.splice(0)) (w.cond() || sent >= CAP ? w.resolve : () => waiters.push(w))();
      }
    };
    load = Promise.all(Array.from({ length: CLIENTS }, client));

    // Mid-run: SIGTERM. The replica turns not ready at once and keeps serving (its drain delay).
    await when(() => completed >= STOP_AFTER);
    victim.child.kill('SIGTERM');
    await victim.stderrLine(/SIGTERM: not ready \(\/readyz answers 503\), closing in 300 s/);
    phase.name = 'not ready';
    const readyz = await direct(victim, '/readyz');
    assert.equal(readyz.status, 503, 'the draining replica says it is not ready');
    assert.equal(readyz.body, 'draining: shutting down (SIGTERM)\n');
    assert.equal((await direct(replicas[0], '/readyz')).status, 200, 'the others are ready');

    // nginx (no active health checks) still sends it traffic: served while not ready, then told
    // to close now (a second SIGTERM skips the rest of the delay).
    await when(() => phase.servedWhileNotReady >= SERVED_WHILE_NOT_READY);
    victim.child.kill('SIGTERM');
    await victim.stderrLine(/SIGTERM: closing: no new connections/);
    phase.name = 'closing';
    const stopped = await victim.exited;
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.match(stopped.stderr, /SIGTERM: closing: no new connections/);
    assert.doesNotMatch(stopped.stderr, /deadline/, 'no request had to be cut');
    phase.name = 'stopped';
    // Once closing, a replica answers only what was in flight (at most one request per nginx
    // connection, so at most CLIENTS): its keep-alive connections are closed after their
    // response instead of being reused by nginx until they time out.
    assert.ok(phase.servedWhileClosing <= CLIENTS, `served ${phase.servedWhileClosing} responses after closing began`);

    // Started again on the same port: nginx finds it once its fail_timeout is over.
    replicas[1] = await startReplica(fixture, victim.port);
    phase.name = 'restarted';
    await load;

    assert.deepEqual(failures, [], `failed requests (nginx log:\n${nginx.log()})`);
    assert.ok(sent >= TOTAL && sent < CAP, `the load ended on its conditions (${sent} requests)`);
    for (const [addr, n] of served) assert.ok(n > 0, `${addr} served traffic (${JSON.stringify(Object.fromEntries(served))})`);
    assert.ok(phase.servedAfterRestart >= SERVED_AFTER_RESTART, 'the restarted replica served again');
    assert.equal(completed, sent);
    t.diagnostic(`requests: ${sent}; by replica: ${JSON.stringify(Object.fromEntries(served))}; served while closing ${phase.servedWhileClosing}, restarted replica served ${phase.servedAfterRestart}`);
  } finally {
    stop.now = true;
    await load;
    await nginx?.stop();
    for (const r of replicas) {
      r.child.kill('SIGTERM');
      await r.exited;
    }
    rmSync(dir, { recursive: true, force: true });
  }
});
