// Debian's nginx for the tests (not a test file: the name does not end in .test.mjs): a free
// port, a configuration prologue with every path inside a temp folder, and a foreground nginx
// that is up once it answers.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const NGINX = '/usr/sbin/nginx';

/** `false`, or why an nginx test is skipped. */
export const skipWithoutNginx = existsSync(NGINX) ? false : `${NGINX} not found: install Debian's nginx (apt-get install -y nginx; .ci/run does)`;

/** A free TCP port on 127.0.0.1 (nginx cannot be told to pick one itself). */
export async function freePort() {
  const probe = createServer();
  await new Promise((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', resolve);
  });
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/**
 * The main-context lines that keep nginx inside `dir` (pid, error log) and, as root, let its
 * worker read the temp folder; `httpTemp` goes inside `http { }`.
 */
export function prologue(dir) {
  return {
    main: `${process.getuid?.() === 0 ? 'user root;' : ''}
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 512; }`,
    httpTemp: `client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy_temp;
  fastcgi_temp_path ${dir}/fastcgi_temp;
  uwsgi_temp_path ${dir}/uwsgi_temp;
  scgi_temp_path ${dir}/scgi_temp;`,
  };
}

/** Starts nginx in the foreground with `conf`; resolves once it answers on `port` (bounded polling). */
export async function startNginx(dir, conf, port) {
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
  const stop = async () => {
    if (!early) child.kill('SIGTERM');
    await exited;
  };
  for (let i = 0; i < 200; i++) {
    if (early) throw new Error(`nginx exited (${JSON.stringify(early)}) before answering:\n${log()}`);
    try {
      await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(1000) }).then((r) => r.arrayBuffer());
      return { child, exited, log, stop };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
  child.kill('SIGKILL');
  throw new Error(`nginx did not answer on 127.0.0.1:${port} within 5 s:\n${log()}`);
}
