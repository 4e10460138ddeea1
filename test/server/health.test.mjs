// GET /healthz and /readyz (src/server/health.ts): liveness always 200 while the process answers,
// readiness from a callback and the server's listening state, 503 with the reason otherwise,
// never cached, HEAD supported, and not shadowed by a static file or the manifest's 404.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHealthHandler, createShellHandler, createShellServer } from '../../dist/server/index.js';
import { listen, raw, withServer } from './_helpers.mjs';

/** Asserts the headers every probe answer carries. */
function assertProbeHeaders(r) {
  assert.equal(r.headers['cache-control'], 'no-store', 'probe answers are never cached');
  assert.match(r.headers['content-type'], /^text\/plain; charset=utf-8$/);
  assert.equal(r.headers['x-content-type-options'], 'nosniff');
}

describe('createHealthHandler', () => {
  test('GET /healthz and /readyz answer 200 ok, no-store; HEAD has the headers and no body', async () => {
    await withServer(createHealthHandler(), async (base) => {
      for (const path of ['/healthz', '/readyz', '/readyz?probe=kubelet']) {
        const r = await raw(base, path);
        assert.equal(r.status, 200, path);
        assert.equal(r.body.toString(), 'ok\n');
        assertProbeHeaders(r);
        const head = await raw(base, path, { method: 'HEAD' });
        assert.equal(head.status, 200);
        assert.equal(head.body.length, 0);
        assert.equal(head.headers['content-length'], '3');
        assertProbeHeaders(head);
      }
    });
  });

  test('/readyz is 503 with the callback\'s reason; /healthz stays 200 (alive, not ready)', async () => {
    let state = 'no valid configuration: /etc/mfe/remotes.json: remote "billing": "entry" is missing';
    await withServer(createHealthHandler({ ready: () => state }), async (base) => {
      const r = await raw(base, '/readyz');
      assert.equal(r.status, 503);
      assert.equal(r.body.toString(), 'no valid configuration: /etc/mfe/remotes.json: remote &#34;billing&#34;: &#34;entry&#34; is missing\n');
      assert.equal(r.headers['cache-control'], 'no-store');
      assert.equal((await raw(base, '/healthz')).status, 200, 'liveness does not depend on readiness');
      const head = await raw(base, '/readyz', { method: 'HEAD' });
      assert.equal(head.status, 503);
      assert.equal(head.body.length, 0);

      state = true; // asked on every request: readiness follows the callback
      assert.equal((await raw(base, '/readyz')).status, 200);
    });
  });

  test('a throwing callback, a blank or non-string answer: 503 that still says something', async () => {
    const answers = [
      [() => { throw new Error('config holder not initialised'); }, 'readiness check failed: config holder not initialised\n'],
      [() => '  ', 'not ready\n'],
      [() => false, 'not ready\n'],
      [() => undefined, 'not ready\n'],
    ];
    for (const [ready, body] of answers) {
      await withServer(createHealthHandler({ ready }), async (base) => {
        const r = await raw(base, '/readyz');
        assert.equal(r.status, 503);
        assert.equal(r.body.toString(), body);
      });
    }
  });

  test('with a server that is not listening, /readyz is 503 "not listening" whatever ready says', async () => {
    const server = { listening: false };
    await withServer(createHealthHandler({ server, ready: () => true }), async (base) => {
      const r = await raw(base, '/readyz');
      assert.equal(r.status, 503);
      assert.equal(r.body.toString(), 'not listening\n');
      server.listening = true;
      assert.equal((await raw(base, '/readyz')).status, 200);
    });
  });

  test('other methods: 405 with Allow; other paths: next() or 404', async () => {
    const health = createHealthHandler();
    await withServer(health, async (base) => {
      const r = await raw(base, '/healthz', { method: 'POST' });
      assert.equal(r.status, 405);
      assert.equal(r.headers.allow, 'GET, HEAD');
      assert.equal(r.headers['cache-control'], 'no-store');
      for (const path of ['/healthz/', '/health', '/readyz.html', '/']) assert.equal((await raw(base, path)).status, 404, path);
    });
    await withServer((req, res) => health(req, res, () => res.end('next')), async (base) => {
      assert.equal((await raw(base, '/other')).body.toString(), 'next');
    });
  });

  test('ready must be a function', () => {
    assert.throws(() => createHealthHandler({ ready: true }), /createHealthHandler: "ready" must be a function/);
  });
});

describe('in the shell host', () => {
  test('createShellServer answers /healthz and /readyz by default, before a static file of the same name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mfe-health-'));
    try {
      writeFileSync(join(dir, 'healthz'), 'a static file\n');
      writeFileSync(join(dir, 'readyz'), 'a static file\n');
      writeFileSync(join(dir, 'index.html'), '<!doctype html>');
      const s = await listen(createShellServer({ remotes: {}, static: dir, env: {} }));
      try {
        for (const path of ['/healthz', '/readyz']) {
          const r = await raw(s.base, path);
          assert.equal(r.status, 200, path);
          assert.equal(r.body.toString(), 'ok\n', `${path} is the probe, not the static file`);
          assertProbeHeaders(r);
        }
        assert.equal((await raw(s.base, '/')).status, 200, 'the static folder still serves');
        assert.equal((await raw(s.base, '/mfe-manifest.json')).status, 200, 'the manifest still serves');
      } finally {
        await s.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('createShellServer: ready callback gives 503; health: false turns the probes off', async () => {
    await withServer(createShellServer({ remotes: {}, env: {}, health: { ready: () => 'draining: shutting down (SIGTERM)' } }), async (base) => {
      const r = await raw(base, '/readyz');
      assert.equal(r.status, 503);
      assert.equal(r.body.toString(), 'draining: shutting down (SIGTERM)\n');
      assert.equal((await raw(base, '/healthz')).status, 200);
    });
    await withServer(createShellServer({ remotes: {}, env: {}, health: false }), async (base) => {
      assert.equal((await raw(base, '/healthz')).status, 404);
    });
  });

  test('createShellServer: /readyz is 503 "not listening" for a request answered after close()', async () => {
    const s = await listen(createShellServer({ remotes: {}, env: {} }));
    try {
      // Runs before the shell's handler: the request in flight is answered after the server
      // stopped listening (as on a keep-alive connection during shutdown).
      s.server.prependListener('request', () => s.server.close());
      const r = await raw(s.base, '/readyz');
      assert.equal(r.status, 503);
      assert.equal(r.body.toString(), 'not listening\n');
    } finally {
      s.server.closeAllConnections();
    }
  });

  test('createShellHandler: off by default (an app may have its own), on with health: true', async () => {
    const off = createShellHandler({ remotes: {} });
    await withServer((req, res) => off(req, res, () => res.end('app route')), async (base) => {
      assert.equal((await raw(base, '/healthz')).body.toString(), 'app route');
    });
    const on = createShellHandler({ remotes: {}, health: true });
    await withServer((req, res) => on(req, res, () => res.end('app route')), async (base) => {
      const r = await raw(base, '/healthz');
      assert.equal(r.body.toString(), 'ok\n');
      assertProbeHeaders(r);
      assert.equal((await raw(base, '/other')).body.toString(), 'app route');
    });
  });
});
