// `npm run bench`: ratios of mfe-host against baselines and peer runtimes, measured in one run in
// headless Chromium, printed as one table. Not part of `npm test`. See README "Benchmarks".
import { createServer } from 'node:http';
import { readFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import puppeteer from 'puppeteer-core';

const root = fileURLToPath(new URL('../../', import.meta.url));
const out = join(root, 'node_modules/.cache/mfe-host-bench');
const REPS = 7;
/** Row 2's variants take milliseconds each and this machine's speed drifts: more reps, same page. */
const MOUNT_REPS = 61;
/** BENCH_ONLY=2,6 runs only those rows (1, size, always runs: it costs nothing). */
const only = process.env.BENCH_ONLY?.split(',').map(Number);
const want = (n) => !only || only.includes(n);
/** BENCH_PEERS=single-spa,micro-app limits row 3 to those peers. */
const onlyPeers = process.env.BENCH_PEERS?.split(',');
const started = Date.now();
const log = (m) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0)}s] ${m}\n`);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
/**
 * Median of the per-rep ratios `a[i] / b[i]`: in row 2 every rep runs each variant once, one after
 * another, so a pair shares the machine's speed of that moment, which drifts by ±30% between runs.
 */
const paired = (a, b) => median(a.map((v, i) => v / b[i]));
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];
const kb = (b) => `${(b / 1024).toFixed(2)} KB`;
const x = (r) => `${r.toFixed(2)}×`;

const rows = [];
const row = (name, host, base, ratio, goal, ok) => rows.push([name, host, base, ratio, goal, ok === undefined ? '—' : ok ? 'yes' : 'NO']);
const na = (name, why, goal = '') => rows.push([name, `n/a: ${String(why).split('\n')[0].slice(0, 90)}`, '', '', goal, '—']);

// --- 1. Size ------------------------------------------------------------------------------------
const dist = join(root, 'dist/browser/');
if (!existsSync(join(dist, 'mfe-host.min.js'))) {
  console.error('dist/browser/mfe-host.min.js is missing: run `npm run build` first');
  process.exit(1);
}
/** The entry and every chunk it imports statically (as test/build/size.test.mjs counts it). */
function closure(file, seen = new Set()) {
  if (seen.has(file)) return seen;
  seen.add(file);
  const code = readFileSync(join(dist, file), 'utf8');
  for (const [, dep] of code.matchAll(/(?:^|[;}])\s*(?:import|export)\s*(?:[^'"()]*?from\s*)?["']\.\/([^"']+)["']/g)) closure(dep, seen);
  return seen;
}
const hostCode = [...closure('mfe-host.min.js')].map((f) => readFileSync(join(dist, f), 'utf8').replace(/\/\/# sourceMappingURL=.*$/m, '')).join('\n');
const hostSize = gzipSync(hostCode, { level: 9 }).length;

const peers = {
  'single-spa': "export * from 'single-spa';",
  'micro-app': "export { default } from '@micro-zoe/micro-app'; export * from '@micro-zoe/micro-app';",
  qiankun: "export * from 'qiankun';",
  wujie: "export * from 'wujie';",
};
mkdirSync(out, { recursive: true });
const peerSizes = {};
const peerBuilt = {};
for (const [peer, contents] of Object.entries(peers)) {
  try {
    const r = await build({
      stdin: { contents, resolveDir: root, loader: 'js' },
      bundle: true, minify: true, format: 'esm', platform: 'browser', target: 'es2020', write: false,
      define: { 'process.env.NODE_ENV': '"production"' }, legalComments: 'none', logLevel: 'silent',
    });
    const code = r.outputFiles[0].text;
    peerSizes[peer] = gzipSync(code, { level: 9 }).length;
    // The same bundle (not minified-only for size: minified too) serves the bench pages.
    await import('node:fs').then((fs) => fs.writeFileSync(join(out, `${peer}.js`), code));
    peerBuilt[peer] = true;
  } catch (e) {
    peerSizes[peer] = e;
  }
}
const ss = peerSizes['single-spa'];
row('1 size min+gzip (vs single-spa)', kb(hostSize), typeof ss == 'number' ? kb(ss) : 'n/a', typeof ss == 'number' ? x(hostSize / ss) : '', '≤ 6.00 KB', hostSize <= 6 * 1024);
for (const peer of ['micro-app', 'wujie', 'qiankun']) {
  const s = peerSizes[peer];
  if (typeof s == 'number') row(`1 size vs ${peer}`, kb(hostSize), kb(s), x(hostSize / s), 'report');
  else na(`1 size vs ${peer}`, s?.message ?? s);
}

// --- static server --------------------------------------------------------------------------------
const types = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.html': 'text/html', '.json': 'application/json', '.css': 'text/css' };
const server = createServer(async (req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname));
  const file = join(root, path);
  const headers = { 'cache-control': 'max-age=3600', 'access-control-allow-origin': '*' };
  try {
    if (!file.startsWith(root) || !statSync(file).isFile()) throw new Error('not a file');
    res.writeHead(200, { ...headers, 'content-type': types[extname(file)] ?? 'application/octet-stream' });
    res.end(await readFile(file));
  } catch {
    // wujie points its sandbox iframes at the page's origin: answer "/" with an empty page.
    if (path === '/') res.writeHead(200, { ...headers, 'content-type': 'text/html' }).end('<!doctype html><title>bench</title>');
    else res.writeHead(404, headers).end('not found');
  }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;

const browser = await puppeteer.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--js-flags=--expose-gc', '--disable-renderer-backgrounding', '--disable-background-timer-throttling', '--disable-backgrounding-occluded-windows'],
});

async function open(scenario) {
  const page = await browser.newPage();
  page.setDefaultTimeout(120_000);
  await page.goto(`${base}/test/perf/pages/blank.html?s=${scenario}`);
  await page.waitForFunction('window.benchReady || window.benchError');
  const err = await page.evaluate('window.benchError');
  if (err) throw new Error(err);
  return page;
}
const gc = (page) => page.evaluate(() => window.gc?.());

try {
  // --- 2. Mount / unmount vs hand-written baseline --------------------------------------------------
  const hostTimes = { mount: [], unmount: [] };
  /** single-spa parcels, measured in the same page as mfe-host (row 3). */
  const spaTimes = { mount: [], unmount: [] };
  if (want(2) || want(3)) {
    log('mount: mfe-host vs baseline and single-spa');
    const page = await open('mount');
    const baseTimes = { mount: [], unmount: [] };
    const floorTimes = { mount: [], unmount: [] };
    const contractTimes = { mount: [], unmount: [] };
    const nameTimes = { mount: [], unmount: [] };
    const spa = want(3) && (!onlyPeers || onlyPeers.includes('single-spa')) && (await page.evaluate(() => bench.hasSingleSpa()));
    const runs = [['host', hostTimes], ['baseline', baseTimes], ['hostByName', nameTimes], ['floor', floorTimes], ['contract', contractTimes], ...(spa ? [['singleSpa', spaTimes]] : [])];
    for (const [which] of runs) await page.evaluate((w) => bench[w](), which);
    for (let i = 0; i < MOUNT_REPS; i++) {
      // Each rep starts with the next one, so none always runs first.
      for (const [which, into] of [...runs.slice(i % runs.length), ...runs.slice(0, i % runs.length)]) {
        await gc(page);
        const r = await page.evaluate((w) => bench[w](), which);
        into.mount.push(r.mount);
        into.unmount.push(r.unmount);
      }
    }
    const ms = (t) => `${median(t).toFixed(1)} ms`;
    for (const k of ['mount', 'unmount']) {
      const r = paired(hostTimes[k], baseTimes[k]);
      row(`2 ${k} 200 (÷ import+attachShadow+${k})`, ms(hostTimes[k]), ms(baseTimes[k]), x(r), '≤ 0.50×', r <= 0.5);
    }
    // By name; what no runtime with an element and a shadow root per instance can go below; what
    // no runtime that keeps api.md's contract can go below (see mount.js); mfe-host above that.
    const reports = [
      [nameTimes, baseTimes, (k) => `2 ${k} 200 by name (÷ same baseline)`],
      [floorTimes, baseTimes, (k) => `2 floor: bare element ${k} 200 (÷ same baseline)`],
      [contractTimes, baseTimes, (k) => `2 contract floor ${k} 200 (÷ same baseline)`],
      [hostTimes, contractTimes, (k) => `2 ${k} 200: mfe-host ÷ contract floor (its own cost)`],
    ];
    for (const [a, b, label] of reports) for (const k of ['mount', 'unmount']) row(label(k), ms(a[k]), ms(b[k]), x(paired(a[k], b[k])), 'report');
    if (spa)
      row('3 mount 200: single-spa ÷ contract floor', ms(contractTimes.mount), ms(spaTimes.mount), x(paired(spaTimes.mount, contractTimes.mount)), 'report');
    await page.close();
  }

  // --- 3. Peers ------------------------------------------------------------------------------------
  const hostMount = median(hostTimes.mount);
  const hostUnmount = median(hostTimes.unmount);
  const goals = { 'single-spa': 1, 'micro-app': 20, qiankun: 20, wujie: undefined };
  for (const peer of want(3) ? Object.keys(peers).filter((p) => !onlyPeers || onlyPeers.includes(p)) : []) {
    if (peer === 'single-spa' && spaTimes.mount.length) {
      const m = paired(spaTimes.mount, hostTimes.mount);
      const u = paired(spaTimes.unmount, hostTimes.unmount);
      row(`3 mount 200: single-spa ÷ mfe-host (same page)`, `${hostMount.toFixed(1)} ms`, `${median(spaTimes.mount).toFixed(1)} ms`, x(m), '≥ 1.00× (at or below)', m >= 1);
      row(`3 unmount 200: single-spa ÷ mfe-host (same page)`, `${hostUnmount.toFixed(1)} ms`, `${median(spaTimes.unmount).toFixed(1)} ms`, x(u), 'report');
      continue;
    }
    if (!peerBuilt[peer]) {
      na(`3 mount 200: ${peer} ÷ mfe-host`, `bundle failed: ${peerSizes[peer]?.message ?? peerSizes[peer]}`);
      continue;
    }
    log(`mount: ${peer}`);
    let page;
    try {
      page = await open('peers');
      await page.evaluate((p) => bench.setup(p), peer);
      const times = { mount: [], unmount: [] };
      const reps = peer === 'wujie' || peer === 'qiankun' ? 3 : REPS;
      await Promise.race([page.evaluate(() => bench.once()), new Promise((_, j) => setTimeout(j, 60_000, new Error('warm-up over 60 s')))]);
      for (let i = 0; i < reps; i++) {
        await gc(page);
        const r = await Promise.race([page.evaluate(() => bench.once()), new Promise((_, j) => setTimeout(j, 60_000, new Error('run over 60 s')))]);
        times.mount.push(r.mount);
        times.unmount.push(r.unmount);
      }
      const g = goals[peer];
      const m = median(times.mount);
      const u = median(times.unmount);
      const goal = g === undefined ? 'report' : g === 1 ? '≥ 1.00× (at or below)' : `≥ ${g}× faster`;
      row(`3 mount 200: ${peer} ÷ mfe-host`, `${hostMount.toFixed(1)} ms`, `${m.toFixed(1)} ms`, x(m / hostMount), goal, g === undefined ? undefined : m / hostMount >= g);
      row(`3 unmount 200: ${peer} ÷ mfe-host`, `${hostUnmount.toFixed(1)} ms`, `${u.toFixed(1)} ms`, x(u / hostUnmount), 'report');
    } catch (e) {
      na(`3 mount 200: ${peer} ÷ mfe-host`, e?.message ?? e);
    } finally {
      await page?.close().catch(() => {});
    }
  }

  // --- 4. Bus --------------------------------------------------------------------------------------
  if (want(4)) {
    log('bus');
    const page = await open('bus');
    const h = [];
    const r = [];
    await page.evaluate(() => (bench.host(), bench.raw()));
    for (let i = 0; i < REPS; i++) {
      await gc(page);
      h.push(await page.evaluate(() => bench.host()));
      await gc(page);
      r.push(await page.evaluate(() => bench.raw()));
    }
    const ratio = median(r) / median(h); // throughput ratio
    row('4 bus 100k emits × 10 listeners (throughput ÷ raw)', `${((100_000 / median(h)) * 1000).toFixed(0)}/s`, `${((100_000 / median(r)) * 1000).toFixed(0)}/s`, x(ratio), '≥ 0.80×', ratio >= 0.8);
    try {
      const echo = await open('bus');
      await echo.evaluate(() => bench.echo());
      await page.bringToFront();
      const p = await page.evaluate(() => bench.pings(300));
      for (const q of [50, 99]) {
        const hb = pct(p.bus, q);
        const rb = pct(p.raw, q);
        row(`4 cross-tab latency p${q} (÷ raw BroadcastChannel)`, `${hb.toFixed(2)} ms`, `${rb.toFixed(2)} ms`, x(hb / rb), 'report');
      }
      await echo.close();
    } catch (e) {
      na('4 cross-tab latency', e?.message ?? e);
    }
    await page.close();
  }

  // --- 5. Memory -----------------------------------------------------------------------------------
  if (want(5)) {
    log('memory');
    const page = await open('memory');
    const cdp = await page.createCDPSession();
    const collect = async () => {
      for (let i = 0; i < 3; i++) await cdp.send('HeapProfiler.collectGarbage');
      return (await cdp.send('Runtime.getHeapUsage')).usedSize;
    };
    /** Live objects: shadow roots, <mfe-host> elements, MFE containers (<div part="content">). */
    const live = async () => {
      const count = async (proto, filter = 'true') => {
        const { result } = await cdp.send('Runtime.evaluate', { expression: proto });
        const { objects } = await cdp.send('Runtime.queryObjects', { prototypeObjectId: result.objectId });
        const { result: n } = await cdp.send('Runtime.callFunctionOn', { objectId: objects.objectId, functionDeclaration: `function () { return this.filter((o) => ${filter}).length; }`, returnByValue: true });
        await cdp.send('Runtime.releaseObject', { objectId: objects.objectId });
        return n.value;
      };
      return {
        shadowRoots: await count('ShadowRoot.prototype'),
        hosts: await count("customElements.get('mfe-host').prototype"),
        containers: await count('HTMLDivElement.prototype', "o.getAttribute('part') === 'content'"),
      };
    };
    await page.evaluate(() => bench.cycles(20)); // warm up: module loaded, chunks loaded, JIT
    await page.evaluate(() => bench.names(20));
    for (const [label, run] of [
      ['1000 mount/unmount cycles', () => page.evaluate(() => bench.cycles(1000))],
      ['1000 distinct names once each', () => page.evaluate(() => bench.names(1000))],
    ]) {
      const before = await collect();
      const l0 = await live();
      await run();
      await new Promise((r) => setTimeout(r, 200));
      const after = await collect();
      const l1 = await live();
      const grew = after - before;
      const leaks = l1.shadowRoots - l0.shadowRoots + l1.hosts + l1.containers;
      row(`5 heap growth, ${label}`, `${(grew / 1024).toFixed(0)} KB`, '1024 KB', x(grew / (1024 * 1024)), '≤ 1.00×', grew <= 1024 * 1024);
      row(`5 reachable after, ${label}`, `${l1.shadowRoots - l0.shadowRoots} shadow roots, ${l1.hosts} mfe-host, ${l1.containers} containers`, '0', '', '0', leaks === 0);
    }
    await page.close();
  }
} finally {
  await browser.close();
  server.close();
}

// --- 6. Proxy --------------------------------------------------------------------------------------
// autocannon against a 100 KB asset: the upstream directly, through the shell host's proxy with
// its cache (hits) and without it (every request goes upstream), and through Debian's nginx as a
// peer, `proxy_pass` with upstream keepalive and one worker, without and with `proxy_cache`. Every
// server runs in a process of its own; all five are measured in the same rounds.
if (want(6)) {
  log('proxy');
  const { spawn, execFileSync } = await import('node:child_process');
  const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
  const { tmpdir, availableParallelism } = await import('node:os');
  const { createServer: createTcpServer } = await import('node:net');
  const { default: autocannon } = await import('autocannon');
  const script = fileURLToPath(new URL('./proxy-server.mjs', import.meta.url));
  const NGINX = '/usr/sbin/nginx';
  const children = [];
  let nginxDir;
  // On a machine with two cores or more, the servers get one core and autocannon (this process)
  // another, where taskset is at hand, so neither side shares a core with the load generator.
  // The upstream shares its core with the proxy in front of it, as nginx does: a proxied request
  // costs the proxy's work plus the upstream's, and the ratios compare exactly that.
  let pin = availableParallelism() >= 2 && process.env.BENCH_PIN !== '0';
  /** This process's affinity before, to put back (taskset prints "…'s current affinity mask: 3"). */
  let mask = '';
  try {
    if (pin) {
      mask = String(execFileSync('taskset', ['-p', String(process.pid)], { stdio: ['ignore', 'pipe', 'ignore'] })).split(':').pop().trim();
      execFileSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
    }
  } catch {
    // No taskset (or not allowed): run unpinned.
    pin = false;
  }
  log(pin ? 'proxy: servers on core 1, autocannon on core 0' : 'proxy: not pinned to cores');
  const spawnPinned = (cmd, args, opts) => (pin ? spawn('taskset', ['-c', '1', cmd, ...args], opts) : spawn(cmd, args, opts));
  const start = (...args) =>
    new Promise((resolve, reject) => {
      const child = spawnPinned(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
      children.push(child);
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`proxy-server ${args[0]} exited with ${code}`)));
      child.stdout.once('data', (d) => resolve(Number(String(d).trim())));
    });
  const freePort = async () => {
    const probe = createTcpServer();
    await new Promise((r) => probe.listen(0, '127.0.0.1', r));
    const { port } = probe.address();
    await new Promise((r) => probe.close(r));
    return port;
  };
  /** nginx with two servers on one worker: `proxy_pass` (no cache) and `proxy_pass` + `proxy_cache`. */
  const startNginx = async (up) => {
    nginxDir = mkdtempSync(join(tmpdir(), 'mfe-bench-nginx-'));
    const [plain, cached] = [await freePort(), await freePort()];
    const d = nginxDir;
    const proxied = `proxy_pass http://up; proxy_http_version 1.1; proxy_set_header Connection "";`;
    writeFileSync(join(d, 'nginx.conf'), `${process.getuid?.() === 0 ? 'user root;' : ''}
worker_processes 1;
pid ${d}/nginx.pid;
error_log ${d}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${d}/client_body; proxy_temp_path ${d}/proxy_temp; fastcgi_temp_path ${d}/fastcgi_temp; uwsgi_temp_path ${d}/uwsgi_temp; scgi_temp_path ${d}/scgi_temp;
  proxy_cache_path ${d}/cache levels=1:2 keys_zone=bench:1m max_size=64m inactive=1d use_temp_path=off;
  # Idle upstream connections closed by nginx before the upstream's 60 s keep-alive closes them (no reuse race).
  upstream up { server 127.0.0.1:${up}; keepalive 32; keepalive_timeout 30s; }
  server { listen 127.0.0.1:${plain}; location / { ${proxied} } }
  server { listen 127.0.0.1:${cached}; location / { ${proxied} proxy_cache bench; } }
}
`);
    const child = spawnPinned(NGINX, ['-p', d, '-c', join(d, 'nginx.conf'), '-e', join(d, 'error.log'), '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'inherit'] });
    children.push(child);
    const exited = new Promise((_, reject) => child.once('exit', (code) => reject(new Error(`nginx exited with ${code}`))));
    exited.catch(() => {});
    for (let i = 0; i < 200; i++) {
      const up = await Promise.race([fetch(`http://127.0.0.1:${plain}/`).then((r) => r.arrayBuffer(), () => false), exited]);
      if (up) return { plain, cached };
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error('nginx did not answer within 5 s');
  };
  const load = (url, duration) => autocannon({ url, duration, connections: 10 });
  const path = '/mfe/demo/1.0.0/asset.js';
  try {
    const up = await start('upstream');
    const ports = { direct: up, cached: await start('shell', String(up)), uncached: await start('shell-no-cache', String(up)) };
    let nginxWhy = '';
    if (existsSync(NGINX)) {
      try {
        const n = await startNginx(up);
        ports.nginx = n.plain;
        ports.nginxCache = n.cached;
      } catch (e) {
        nginxWhy = e?.message ?? String(e);
      }
    } else nginxWhy = `${NGINX} not found`;
    for (const [side, port] of Object.entries(ports)) {
      const check = await fetch(`http://127.0.0.1:${port}${path}`);
      if (check.status !== 200 || (await check.arrayBuffer()).byteLength !== 100 * 1024) throw new Error(`${side} answered ${check.status}`);
    }
    // Warm-ups, discarded: every process runs JIT-compiled code (and both caches are full) when measured.
    for (const port of Object.values(ports)) await load(`http://127.0.0.1:${port}${path}`, 3);
    // Rounds of 5 s a side, each round starting with the next side and every other round in
    // reverse: a ratio is the median of the rounds' ratios, so a few seconds in which the VM is
    // slow (single 10 s runs varied by 30%) spoil one round, not the result.
    const sides = Object.keys(ports);
    const rounds = [];
    for (let i = 0; i < 8; i++) {
      const order = [...sides.slice(i % sides.length), ...sides.slice(0, i % sides.length)];
      if (i % 2) order.reverse();
      const r = {};
      for (const side of order) r[side] = await load(`http://127.0.0.1:${ports[side]}${path}`, 5);
      rounds.push(r);
    }
    for (const side of sides) {
      const bad = rounds.reduce((a, r) => a + r[side].non2xx + r[side].errors, 0);
      if (bad) throw new Error(`${bad} non-2xx answers or errors from ${side}`);
    }
    const rps = (k) => `${median(rounds.map((r) => r[k].requests.average)).toFixed(0)}/s`;
    const ratio = (a, b) => median(rounds.map((r) => r[a].requests.average / r[b].requests.average));
    const cachedRatio = ratio('cached', 'direct');
    row('6 proxy 100 KB, cache hits (req/s ÷ direct)', rps('cached'), rps('direct'), x(cachedRatio), '≥ 0.95×', cachedRatio >= 0.95);
    const p99 = (k) => Math.max(...rounds.map((r) => r[k].latency.p99));
    row('6 proxy p99 latency, cache hits (÷ direct)', `${p99('cached')} ms`, `${p99('direct')} ms`, x(p99('cached') / Math.max(p99('direct'), 1)), 'report');
    row('6 proxy without its cache (req/s ÷ direct)', rps('uncached'), rps('direct'), x(ratio('uncached', 'direct')), 'report');
    if (ports.nginx) {
      const vsNginx = ratio('uncached', 'nginx');
      row('6 proxy without cache ÷ nginx proxy_pass (req/s)', rps('uncached'), rps('nginx'), x(vsNginx), '≥ 1.00×', vsNginx >= 1);
      row('6 nginx proxy_pass, no cache (req/s ÷ direct)', rps('nginx'), rps('direct'), x(ratio('nginx', 'direct')), 'report');
      row('6 nginx proxy_cache hits (req/s ÷ direct)', rps('nginxCache'), rps('direct'), x(ratio('nginxCache', 'direct')), 'report');
      row('6 proxy cache hits ÷ nginx proxy_cache hits', rps('cached'), rps('nginxCache'), x(ratio('cached', 'nginxCache')), 'report');
    } else na('6 proxy without cache ÷ nginx proxy_pass', nginxWhy, '≥ 1.00×');
  } catch (e) {
    na('6 proxy', e?.message ?? e, '≥ 0.95× direct, ≥ 1.00× nginx');
  } finally {
    for (const c of children) {
      c.removeAllListeners('exit');
      c.kill();
    }
    if (nginxDir) rmSync(nginxDir, { recursive: true, force: true });
    try {
      if (pin) execFileSync('taskset', ['-a', '-p', mask, String(process.pid)], { stdio: 'ignore' });
    } catch {}
  }
}

// --- the table -------------------------------------------------------------------------------------
const head = ['row', 'mfe-host', 'baseline', 'ratio', 'goal', 'ok?'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
const line = (r) => `| ${r.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
console.log(line(head));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const r of rows) console.log(line(r));
log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
