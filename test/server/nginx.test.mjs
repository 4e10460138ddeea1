// Debian's nginx with proxy_cache in front of the shell host (README, "Running in production"):
// a versioned MFE asset is answered from nginx's cache on the second request, and the shell
// host sees it once. Skips when /usr/sbin/nginx is missing (.ci/run installs it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createShellServer } from '../../dist/server/index.js';
import { freePort, prologue, skipWithoutNginx as skip, startNginx } from './_nginx.mjs';

/** A minimal proxy_cache in front of the shell host (deploy/nginx/mfe-cdn.conf is the full one, tested in test/deploy/). */
function nginxConf(dir, port, upstream) {
  const { main, httpTemp } = prologue(dir);
  return `
${main}
http {
  access_log off;
  ${httpTemp}
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
    location / { proxy_pass http://shell; }
  }
}
`;
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
    await nginx?.stop();
    shell.closeAllConnections();
    await new Promise((resolve) => shell.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  }
});
