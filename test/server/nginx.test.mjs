// Debian's nginx with proxy_cache in front of the shell host (README, "Running in production"):
// a versioned MFE asset is answered from nginx's cache on the second request, and the shell
// host sees it once. Skips when /usr/sbin/nginx is missing (.ci/run installs it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createShellServer } from '../../dist/server/index.js';

const NGINX = '/usr/sbin/nginx';
const skip = existsSync(NGINX) ? false : `${NGINX} not found: install Debian's nginx (apt-get install -y nginx; .ci/run does)`;

/** A free TCP port on 127.0.0.1 for nginx (it cannot be told to pick one itself). */
async function freePort() {
  const probe = createServer();
  await new Promise((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', resolve);
  });
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** The configuration the README recommends, with every path inside `dir`. */
function nginxConf(dir, port, upstream) {
  return `
${process.getuid?.() === 0 ? 'user root;' : ''}
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy_temp;
  fastcgi_temp_path ${dir}/fastcgi_temp;
  uwsgi_temp_path ${dir}/uwsgi_temp;
  scgi_temp_path ${dir}/scgi_temp;
  proxy_cache_path ${dir}/cache levels=1:2 keys_zone=mfe:1m max_size=64m inactive=7d use_temp_path=off;
  upstream shell { server ${upstream}; keepalive 4; }
  server {
    listen 127.0.0.1:${port};
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    proxy_set_header Host $host;
    # Versioned MFE assets: the shell host sends "public, max-age=31536000, immutable", nginx keeps them.
    location /mfe/ {
      proxy_pass http://shell;
      proxy_cache mfe;
      proxy_cache_lock on;
      proxy_cache_use_stale error timeout updating;
      add_header X-Cache-Status $upstream_cache_status always;
    }
    # The manifest: short cache, revalidated with its ETag.
    location = /mfe-manifest.json {
      proxy_pass http://shell;
      proxy_cache mfe;
      proxy_cache_valid 200 10s;
      proxy_cache_revalidate on;
      add_header X-Cache-Status $upstream_cache_status always;
    }
    location / { proxy_pass http://shell; }
  }
}
`;
}

/** Starts nginx in the foreground; resolves once it answers on `port` (bounded polling). */
async function startNginx(dir, conf, port) {
  writeFileSync(join(dir, 'nginx.conf'), conf);
  const child = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log'), '-g', 'daemon off;'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let early;
  exited.then((how) => (early = how));
  const log = () => {
    const path = join(dir, 'error.log');
    return `${stderr}${existsSync(path) ? readFileSync(path, 'utf8') : ''}`;
  };
  for (let i = 0; i < 200; i++) {
    if (early) throw new Error(`nginx exited (${JSON.stringify(early)}) before answering:\n${log()}`);
    try {
      await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1000) }).then((r) => r.arrayBuffer());
      return { child, exited, log };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
  child.kill('SIGKILL');
  throw new Error(`nginx did not answer on 127.0.0.1:${port} within 5 s:\n${log()}`);
}

test('nginx proxy_cache serves a versioned MFE asset from its cache on the second request', { skip, timeout: 30_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mfe-nginx-'));
  const mfeDir = join(dir, 'billing-dist');
  mkdirSync(mfeDir);
  const source = 'export function mount(ctx) { ctx.root.textContent = "billing"; }\n';
  writeFileSync(join(mfeDir, 'mfe.js'), source);

  const shell = createShellServer({
    remotes: {},
    local: { billing: { version: '1.2.0', dir: mfeDir, entry: 'mfe.js' } },
    env: {},
  });
  const seen = [];
  shell.on('request', (req) => seen.push(req.url));
  await new Promise((resolve, reject) => {
    shell.once('error', reject);
    shell.listen(0, '127.0.0.1', resolve);
  });

  let nginx;
  try {
    const port = await freePort();
    nginx = await startNginx(dir, nginxConf(dir, port, `127.0.0.1:${shell.address().port}`), port);
    const url = `http://127.0.0.1:${port}/mfe/billing/1.2.0/mfe.js`;

    const first = await fetch(url);
    assert.equal(first.status, 200, nginx.log());
    assert.equal(await first.text(), source);
    assert.equal(first.headers.get('x-cache-status'), 'MISS');
    assert.match(first.headers.get('cache-control') ?? '', /immutable/, 'the shell host marks versioned assets immutable');

    const second = await fetch(url);
    assert.equal(second.status, 200);
    assert.equal(await second.text(), source);
    assert.equal(second.headers.get('x-cache-status'), 'HIT', 'served from nginx cache');

    assert.deepEqual(seen.filter((u) => u.startsWith('/mfe/billing/')), ['/mfe/billing/1.2.0/mfe.js'], 'the shell host saw one request');
  } finally {
    if (nginx) {
      nginx.child.kill('SIGTERM');
      await nginx.exited;
    }
    shell.closeAllConnections();
    await new Promise((resolve) => shell.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  }
});
