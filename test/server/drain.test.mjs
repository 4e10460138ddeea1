// Graceful drain (src/server/drain.ts, and `mfe-host serve` on SIGTERM): not ready first while
// still serving, then no new connections, `Connection: close` for responses not yet started,
// idle keep-alive connections closed and busy ones once their response is complete, requests in
// flight finished, and a deadline that cuts what is left. Waits are on events (a socket's
// `close`, a response, a printed line), never on sleeps.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDrainer, createShellServer } from '../../dist/server/index.js';
import { listen, raw } from './_helpers.mjs';

const BIN = fileURLToPath(new URL('../../dist/server/bin.js', import.meta.url));

/** GET through `agent`; resolves { status, headers, body, socket } once the body is complete. */
function get(port, path, agent) {
  return new Promise((resolve, reject) => {
    let socket;
    const req = request({ host: '127.0.0.1', port, path, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body, socket }));
      res.on('error', reject);
    });
    req.on('socket', (s) => (socket = s));
    req.on('error', reject);
    req.end();
  });
}

/**
 * Resolves when `socket` has closed (at once if it already has). The agent unrefs the sockets
 * it keeps for reuse: ref it again, or the event loop could end before the close arrives.
 */
function closed(socket) {
  if (socket.closed) return Promise.resolve();
  socket.ref();
  return new Promise((resolve) => socket.once('close', resolve));
}

/** A promise and its resolve function. */
function deferred() {
  let resolve;
  const promise = new Promise((r) => (resolve = r));
  return { promise, resolve };
}

describe('createDrainer', () => {
  test('drain(): /readyz turns 503 at once while everything else (new connections too) is still served; a second call skips the delay', async () => {
    const lines = [];
    let drainer;
    const server = createShellServer({ remotes: {}, env: {}, health: { ready: () => drainer.reason ?? true } });
    drainer = createDrainer(server, { delayMs: 60_000, log: (l) => lines.push(l) });
    const s = await listen(server);
    try {
      assert.equal((await raw(s.base, '/readyz')).status, 200);
      assert.equal(drainer.reason, undefined);

      const finished = drainer.drain('SIGTERM');
      const r = await raw(s.base, '/readyz');
      assert.equal(r.status, 503);
      assert.equal(r.body.toString(), 'draining: shutting down (SIGTERM)\n');
      assert.equal((await raw(s.base, '/healthz')).status, 200, 'alive while draining');
      assert.equal((await raw(s.base, '/mfe-manifest.json')).status, 200, 'a new connection is still served during the delay');
      assert.equal(server.listening, true);
      assert.deepEqual(lines, ['SIGTERM: not ready (/readyz answers 503), closing in 60 s']);

      assert.equal(drainer.drain('SIGINT'), finished, 'the same drain');
      assert.deepEqual(await finished, { cut: 0 });
      assert.equal(server.listening, false);
      assert.deepEqual(lines.slice(1), ['SIGTERM: asked again, closing now', 'SIGTERM: closing: no new connections']);
    } finally {
      await s.close();
    }
  });

  test('closing: idle keep-alive connections close, a response not started gets Connection: close, a started one completes and then its connection closes', async () => {
    const held = { head: deferred(), stream: deferred() };
    let streamRes;
    const arrived = { hold: deferred(), stream: deferred() };
    const server = createServer((req, res) => {
      if (req.url === '/hold') {
        // Answers only when the test says so: its head is not out when closing starts.
        arrived.hold.resolve();
        held.head.promise.then(() => res.end('held body'));
        return;
      }
      if (req.url === '/stream') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('first half, ');
        streamRes = res;
        arrived.stream.resolve();
        held.stream.promise.then(() => res.end('second half'));
        return;
      }
      res.end('quick');
    });
    const lines = [];
    const drainer = createDrainer(server, { log: (l) => lines.push(l) });
    const s = await listen(server);
    const agent = new Agent({ keepAlive: true, maxSockets: 4 });
    const idleAgent = new Agent({ keepAlive: true }); // its connection is not reused by the others
    try {
      const idle = await get(s.port, '/quick', idleAgent);
      assert.equal(idle.headers.connection, 'keep-alive', 'before the drain, connections are kept alive');
      const holding = get(s.port, '/hold', agent);
      const streaming = get(s.port, '/stream', agent);
      await Promise.all([arrived.hold.promise, arrived.stream.promise]);
      assert.ok(streamRes.headersSent);

      const finished = drainer.drain('SIGTERM');
      await closed(idle.socket); // the idle keep-alive connection is closed at once
      assert.deepEqual(lines, ['SIGTERM: closing: no new connections, 2 requests in flight get up to 10 s']);
      await assert.rejects(get(s.port, '/quick', new Agent()), { code: 'ECONNREFUSED' }, 'no new connections');

      held.head.resolve();
      const h = await holding;
      assert.equal(h.status, 200);
      assert.equal(h.body, 'held body', 'the request in flight finished');
      assert.equal(h.headers.connection, 'close', 'its response tells the client not to reuse the connection');
      await closed(h.socket); 

      held.stream.resolve();
      const st = await streaming;
      assert.equal(st.body, 'first half, second half', 'the started response completed');
      assert.equal(st.headers.connection, 'keep-alive', 'its head was out before closing began');
      await closed(st.socket); // and the connection was closed once it fell idle

      assert.deepEqual(await finished, { cut: 0 });
    } finally {
      agent.destroy();
      idleAgent.destroy();
      server.closeAllConnections();
    }
  });

  test('a request still running at the deadline is cut and counted', async () => {
    const arrived = deferred();
    const server = createServer(() => arrived.resolve()); // never answers
    const lines = [];
    const drainer = createDrainer(server, { graceMs: 50, log: (l) => lines.push(l) });
    const s = await listen(server);
    const hanging = raw(s.base, '/never');
    await arrived.promise;
    assert.deepEqual(await drainer.drain('SIGTERM'), { cut: 1 });
    await assert.rejects(hanging, { code: 'ECONNRESET' });
    assert.equal(lines.at(-1), 'SIGTERM: 0.05 s deadline: cutting 1 request still in flight');
  });

  test('bad options are refused at creation', () => {
    const server = createServer();
    assert.throws(() => createDrainer(server, { delayMs: -1 }), /createDrainer: "delayMs" must be a non-negative number of ms, got -1/);
    assert.throws(() => createDrainer(server, { graceMs: Number.NaN }), /"graceMs" must be a non-negative number of ms, got NaN/);
  });
});

describe('mfe-host serve', () => {
  /** Spawns the command in an empty temp dir; resolves once it printed "listening". */
  function serve(args, env = {}) {
    const cwd = realpathSync(mkdtempSync(join(tmpdir(), 'mfe-drain-')));
    const clean = { ...process.env };
    for (const key of Object.keys(clean)) if (key.startsWith('MFE_')) delete clean[key];
    const child = spawn(process.execPath, [BIN, 'serve', ...args], { cwd, env: { ...clean, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = { stdout: '', stderr: '' };
    const exited = new Promise((resolve) => child.once('close', (code) => resolve({ code, ...out })));
    exited.then(() => rmSync(cwd, { recursive: true, force: true }));
    const stderrLine = (re) =>
      new Promise((resolve) => {
        const check = () => re.test(out.stderr) && (child.stderr.off('data', check), resolve());
        child.stderr.on('data', check);
        check();
      });
    const listening = new Promise((resolve, reject) => {
      child.stdout.setEncoding('utf8').on('data', (c) => {
        out.stdout += c;
        const m = /listening on (http:\/\/\S+)/.exec(out.stdout);
        if (m) resolve(m[1]);
      });
      exited.then((r) => reject(new Error(`exited (${r.code}) before listening:\n${r.stdout}${r.stderr}`)));
    });
    listening.catch(() => {}); // a test expecting an early exit awaits `exited` instead
    child.stderr.setEncoding('utf8').on('data', (c) => (out.stderr += c));
    return { child, cwd, exited, listening, stderrLine };
  }

  test('SIGTERM with --drain-delay: /readyz 503 at once, files still served; a second SIGTERM closes; exit 0', async () => {
    const site = realpathSync(mkdtempSync(join(tmpdir(), 'mfe-drain-site-')));
    writeFileSync(join(site, 'mfe.js'), 'export const mount = () => {};\n');
    const p = serve(['--port', '0', '--static', site, '--drain-delay', '300']);
    try {
      const base = await p.listening;
      assert.equal((await raw(base, '/readyz')).status, 200);
      p.child.kill('SIGTERM');
      await p.stderrLine(/SIGTERM: not ready/);
      const r = await raw(base, '/readyz');
      assert.equal(r.status, 503);
      assert.equal(r.body.toString(), 'draining: shutting down (SIGTERM)\n');
      assert.equal((await raw(base, '/mfe.js')).status, 200, 'still serving during the delay');
      p.child.kill('SIGTERM');
      const done = await p.exited;
      assert.equal(done.code, 0, done.stderr);
      assert.match(done.stderr, /SIGTERM: not ready \(\/readyz answers 503\), closing in 300 s\n.*SIGTERM: asked again, closing now\n.*SIGTERM: closing: no new connections\n.*SIGTERM: stopped\n/s);
    } finally {
      p.child.kill('SIGKILL');
      rmSync(site, { recursive: true, force: true });
    }
  });

  test('MFE_DRAIN_DELAY is read; a bad value exits 1 naming it; a bad --drain-delay exits 2', async () => {
    const site = realpathSync(mkdtempSync(join(tmpdir(), 'mfe-drain-site-')));
    try {
      const bad = serve(['--static', site], { MFE_DRAIN_DELAY: '5s' });
      const b = await bad.exited;
      assert.equal(b.code, 1);
      assert.equal(b.stderr, 'mfe-host: MFE_DRAIN_DELAY must be a number of seconds from 0 to 300, got "5s"\n');

      const ms = serve(['--static', site, '--drain-delay', '5000']);
      const m = await ms.exited;
      assert.equal(m.code, 2);
      assert.match(m.stderr, /^mfe-host: --drain-delay must be a number of seconds from 0 to 300, got "5000"\n/);

      const env = serve(['--port', '0', '--static', site], { MFE_DRAIN_DELAY: '300' });
      const base = await env.listening;
      env.child.kill('SIGTERM');
      await env.stderrLine(/closing in 300 s/);
      assert.equal((await raw(base, '/readyz')).status, 503);
      env.child.kill('SIGINT');
      assert.equal((await env.exited).code, 0);
    } finally {
      rmSync(site, { recursive: true, force: true });
    }
  });
});
