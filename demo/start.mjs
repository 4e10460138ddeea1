#!/usr/bin/env node
/**
 * `npm start`: the demo as it would run in production, on one machine.
 *
 *   npm start                      # http://127.0.0.1:8080/demo/
 *   PORT=0 npm start               # any free port (the printed URL has the real one)
 *   HOST=0.0.0.0 PORT=3000 npm start
 *
 * 1. Builds the runtime (`rollup -c`, as `npm run build`) when dist/ is missing or older than
 *    src/ (MFE_DEMO_BUILD=never skips that check, =always forces it).
 * 2. Builds each MFE release into its own versioned folder, demo/build/services/<name>/<version>/,
 *    with mfe-host/rollup (hashed file names, an mfe.json with version and integrity), and the
 *    routed demo's bundles demo/build/<name>.js (esbuild).
 * 3. Starts one MFE service per team (header, billing, inventory): a Node HTTP server on
 *    127.0.0.1 and a free port, serving only its own folder, with CORS (createStaticHandler).
 * 4. Starts the shell host on HOST:PORT (createShellHandler, proxy on): /mfe-manifest.json maps
 *    each name to its service, rewritten to same-origin /mfe/<name>/<version>/… URLs that it
 *    proxies; plus the demo pages (/demo/…), their TypeScript compiled by esbuild, and the built
 *    runtime (/dist/browser/…).
 *
 * Prints one line on stdout, the demo's URL, and runs until Ctrl-C / SIGTERM, or until the
 * process that started it (e.g. npm) goes away. Build notes and errors go to stderr.
 * Exit codes: 0 after a clean stop, 1 when a build or a server fails, 2 for a bad PORT or
 * MFE_DEMO_BUILD, 130 on a second Ctrl-C while stopping.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { isIPv6 } from 'node:net';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DEMO = join(ROOT, 'demo');
const OUT = join(DEMO, 'build');
const SERVICES_OUT = join(OUT, 'services');
const DIST = join(ROOT, 'dist');
const SRC = join(ROOT, 'src');

/** The built runtime files the demo pages load, and the server the shell host is made of. */
const RUNTIME = {
  [join(SRC, 'index.ts')]: '/dist/browser/mfe-host.min.js',
  [join(SRC, 'routing', 'index.ts')]: '/dist/browser/router.min.js',
};
const DIST_FILES = ['browser/mfe-host.min.js', 'browser/router.min.js', 'browser/devtools.min.js', 'server/index.js', 'build/rollup.js'];

/**
 * The MFE services, one per team, and the releases each one serves. `canary` is the share of
 * users (0..1) the release goes to, sticky per user id, instead of being the stable entry.
 */
const SERVICES = {
  header: [{ version: '2.3.0', input: 'mfes/header.ts' }], // lit
  billing: [
    { version: '1.4.2', input: 'mfes/billing.tsx' }, // React 19
    { version: '2.0.0-beta.1', input: 'mfes/billing-v2.tsx', canary: 0.3 },
  ],
  inventory: [{ version: '0.9.1', input: 'mfes/inventory.ts' }], // Vue 3
};
/** In the manifest, but never deployed to its service: the page degrades gracefully. */
const MISSING = { name: 'recommendations', service: 'inventory', version: '0.1.0', file: 'recommendations.js' };

/** The routed demo (/demo/routed/) and its browser test load these as demo/build/<name>.js. */
const ROUTED_BUNDLES = {
  header: 'mfes/header.ts',
  billing: 'mfes/billing.tsx',
  inventory: 'mfes/inventory.ts',
  'route-info': 'routed/mfes/route-info.ts', // vanilla
};

/** Demo pages' TypeScript, compiled at start and served at its own URL as JavaScript. */
const PAGE_SCRIPTS = ['shell.ts', 'routed/shell.ts'];

const note = (text) => console.error(`mfe-host demo: ${text}`);
const fail = (text, code = 1) => {
  note(text);
  process.exit(code);
};

// ── 1. The runtime (dist/) ───────────────────────────────────────────────────────────────────

/** Newest modification time of the files under `dir`. */
async function newest(dir) {
  let t = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) t = Math.max(t, (await stat(join(entry.parentPath ?? entry.path, entry.name))).mtimeMs);
  }
  return t;
}

/** Runs `rollup -c` when dist/ lacks a file the demo needs or is older than src/. */
async function ensureRuntime() {
  const mode = process.env.MFE_DEMO_BUILD || 'auto';
  if (!['auto', 'always', 'never'].includes(mode)) fail(`MFE_DEMO_BUILD must be auto, always or never (got "${mode}")`, 2);
  const files = DIST_FILES.map((f) => join(DIST, f));
  const missing = files.filter((f) => !existsSync(f));
  if (mode === 'never') {
    if (missing.length) fail(`${relative(ROOT, missing[0])} is missing: run npm run build (MFE_DEMO_BUILD=never)`);
    return;
  }
  let why = mode === 'always' ? 'MFE_DEMO_BUILD=always' : missing.length ? `${relative(ROOT, missing[0])} is missing` : '';
  if (!why) {
    const built = Math.min(...(await Promise.all(files.map(async (f) => (await stat(f)).mtimeMs))));
    const [src, config] = await Promise.all([newest(SRC), stat(join(ROOT, 'rollup.config.mjs')).then((s) => s.mtimeMs)]);
    if (Math.max(src, config) > built) why = 'dist/ is older than src/';
  }
  if (!why) return;
  note(`${why}: building the runtime (rollup -c)…`);
  const rollupBin = join(dirname(createRequire(import.meta.url).resolve('rollup/package.json')), 'dist', 'bin', 'rollup');
  const child = spawn(process.execPath, [rollupBin, '-c'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.on('exit', () => running.delete(child));
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const [code] = await new Promise((resolve) => child.on('close', (...a) => resolve(a)));
  if (code !== 0) fail(`the runtime build failed (rollup -c exited with ${code}):\n${output.trim()}`);
}

// ── 2. The MFEs ──────────────────────────────────────────────────────────────────────────────

/** esbuild settings every MFE bundle shares: one self-contained ES module with its framework. */
const MFE_BUILD = {
  absWorkingDir: DEMO,
  bundle: true,
  splitting: false,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  sourcemap: 'linked',
  legalComments: 'none',
  jsx: 'automatic',
  define: {
    'process.env.NODE_ENV': '"production"',
    // Vue's esm-bundler build expects these compile-time flags.
    __VUE_OPTIONS_API__: 'true',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
  },
  logLevel: 'silent',
};

/**
 * An MFE never bundles the runtime (the page has it): type imports from src/ are erased, and a
 * value import from src/ is a build error. Page scripts get the two entry points mapped to the
 * built runtime (`RUNTIME`), so the page and the devtools share one copy.
 */
const runtimeImports = (pages) => ({
  name: 'runtime-imports',
  setup(b) {
    b.onResolve({ filter: /^\.\.?\// }, ({ path, resolveDir }) => {
      const file = join(resolveDir, path).replace(/\.js$/, '.ts');
      if (!file.startsWith(SRC + sep)) return undefined;
      if (pages && RUNTIME[file]) return { path: RUNTIME[file], external: true };
      return { errors: [{ text: `${path}: ${pages ? 'import the runtime from src/index.ts or src/routing/index.ts' : 'an MFE must not bundle the runtime (import types only)'}` }] };
    });
  },
});

/**
 * Builds one release of an MFE into `outDir` (emptied first) with `mfe-host/rollup`:
 * `<name>-<hash>.js` (+ map) and `mfe.json`, `{ "<name>": { "entry": "./<file>", "version",
 * "integrity" } }`. Returns that entry.
 *
 * esbuild compiles the TypeScript/JSX and bundles the framework first (React is CommonJS, and
 * this repository has no CommonJS plugin for rollup); rollup then turns that module into the
 * release: content-hashed names, source maps chained back to the sources, and mfe.json with the
 * SHA-384 of the final entry.
 */
async function buildRelease({ name, version, input, outDir }) {
  const compiled = await build({
    ...MFE_BUILD,
    entryPoints: [join(DEMO, input)],
    outfile: join(outDir, `${name}.js`),
    sourcemap: 'external',
    write: false,
    plugins: [runtimeImports(false)],
  });
  const code = compiled.outputFiles.find((f) => f.path.endsWith('.js')).text;
  const map = compiled.outputFiles.find((f) => f.path.endsWith('.map')).text;

  // Unchanged since the last start (same code, same plugin): keep that release as it is.
  const plugin = join(DIST, 'build', 'rollup.js');
  const stamp = createHash('sha256').update(`${name}\n${version}\n${await readFile(plugin, 'utf8')}\n${code}`).digest('hex');
  const stampFile = join(outDir, '.stamp'); // a dotfile: the service never serves it
  const previous = await readFile(stampFile, 'utf8').catch(() => '');
  if (previous === stamp) {
    const entry = JSON.parse(await readFile(join(outDir, 'mfe.json'), 'utf8'))[name];
    if (entry && existsSync(join(outDir, entry.entry))) return entry;
  }

  await rm(outDir, { recursive: true, force: true });
  const [{ rollup }, { mfe }] = await Promise.all([import('rollup'), import(pathToFileURL(plugin).href)]);
  // A real path (where esbuild would have written it): the source map's paths are relative to it.
  const id = join(outDir, `${name}.js`);
  const bundle = await rollup({
    input: { [name]: id },
    treeshake: false, // esbuild did that already
    plugins: [
      { name: 'esbuild-output', resolveId: (s) => (s === id ? id : null), load: (i) => (i === id ? { code, map } : null) },
      mfe({ name, version, cwd: DEMO }),
    ],
    onwarn: (w) => note(`${name} ${version}: ${w.message}`),
  });
  try {
    await bundle.write({ dir: outDir, sourcemap: true });
  } finally {
    await bundle.close();
  }
  const entry = JSON.parse(await readFile(join(outDir, 'mfe.json'), 'utf8'))[name];
  await writeFile(stampFile, stamp);
  return entry;
}

/** Every release of every service, in parallel; `{ service: [{ version, canary, entry }] }`. */
async function buildServices() {
  const entries = await Promise.all(
    Object.entries(SERVICES).map(async ([name, releases]) => [
      name,
      await Promise.all(releases.map(async (r) => ({ ...r, ...(await buildRelease({ name, version: r.version, input: r.input, outDir: join(SERVICES_OUT, name, r.version) })) }))),
    ]),
  );
  return Object.fromEntries(entries);
}

/** The routed demo's bundles, demo/build/<name>.js (stable names: its page configures them). */
async function buildRoutedBundles() {
  await build({
    ...MFE_BUILD,
    entryPoints: Object.entries(ROUTED_BUNDLES).map(([out, src]) => ({ in: join(DEMO, src), out })),
    outdir: OUT,
    plugins: [runtimeImports(false)],
  });
}

/** The pages' TypeScript as JavaScript, by URL path (`/demo/shell.ts` → code). */
async function buildPageScripts() {
  const result = await build({
    ...MFE_BUILD,
    entryPoints: PAGE_SCRIPTS.map((p) => ({ in: join(DEMO, p), out: p.replace(/\.ts$/, '') })),
    outdir: join(OUT, 'pages'),
    write: false,
    minify: false,
    sourcemap: 'inline',
    plugins: [runtimeImports(true)],
  });
  const scripts = new Map();
  for (const f of result.outputFiles) {
    const rel = relative(join(OUT, 'pages'), f.path).split(sep).join('/').replace(/\.js$/, '.ts');
    scripts.set(`/demo/${rel}`, Buffer.from(f.contents));
  }
  return scripts;
}

async function buildAll() {
  await mkdir(OUT, { recursive: true });
  const [services, , pages] = await Promise.all([buildServices(), buildRoutedBundles(), buildPageScripts()]);
  return { services, pages };
}

// ── 3. and 4. The servers ────────────────────────────────────────────────────────────────────

/** `PORT` as a TCP port number (0: any free port). */
function portFrom(value) {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) fail(`PORT must be a number from 0 to 65535 (got "${value}")`, 2);
  return port;
}

const hostInUrl = (host) => (isIPv6(host) ? `[${host}]` : host);

/** The URL a browser on this machine can open for a server bound to `host`. */
function urlFor(host, port) {
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${hostInUrl(reachable)}:${port}/demo/`;
}

/** A server for `handler` that answers malformed requests with 400 and never crashes on one. */
function serverFor(handler) {
  const server = createServer((req, res) => {
    try {
      handler(req, res, (err) => {
        if (res.headersSent) return res.end();
        res.statusCode = err ? 500 : 404;
        res.setHeader('content-type', 'text/plain; charset=utf-8');
        res.end(err ? 'Internal Server Error\n' : 'Not Found\n');
        if (err) note(`request ${req.method} ${req.url} failed: ${err?.stack ?? err}`);
      });
    } catch (err) {
      note(`request ${req.method} ${req.url} failed: ${err?.stack ?? err}`);
      if (!res.headersSent) res.writeHead(500).end();
    }
  });
  server.on('clientError', (err, socket) => {
    if (err.code === 'ECONNRESET' || !socket.writable) socket.destroy();
    else socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });
  return server;
}

const listen = (server, host, port) =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => {
      server.off('error', reject);
      resolve(server.address().port);
    });
  });

/** Connect-style chain: each handler gets `next`, the last `next` is `done`. */
const chain =
  (...handlers) =>
  (req, res, done) => {
    let i = 0;
    const next = (err) => {
      const h = handlers[i++];
      if (err || !h) return done(err);
      try {
        h(req, res, next);
      } catch (e) {
        done(e);
      }
    };
    next();
  };

const pathOf = (req) => {
  const q = req.url.indexOf('?');
  return q < 0 ? req.url : req.url.slice(0, q);
};

/** Only for requests under `prefix` (other requests go on). */
const under = (prefix, handler) => (req, res, next) => (pathOf(req).startsWith(prefix) ? handler(req, res, next) : next());

/** `/` and `/demo` → `/demo/`, so relative URLs in the page resolve under /demo/. */
function redirects(req, res, next) {
  const path = pathOf(req);
  if (path !== '/' && path !== '/demo') return next();
  res.writeHead(302, { location: '/demo/', 'content-length': 0 }).end();
}

/**
 * The compiled page scripts; /demo/services.json (what the shell panel lists); and the runtime's
 * entry sources as the quick start, the strangler demo and the README import them
 * (`/src/index.ts`, written for the test server, which compiles TypeScript): a module that
 * re-exports the built bundle, so the page, the bundle's chunks and the devtools share one copy.
 */
function generated(pages, servicesJson) {
  const js = 'text/javascript; charset=utf-8';
  const files = new Map([...pages].map(([path, body]) => [path, { body, type: js }]));
  for (const [source, built] of Object.entries(RUNTIME)) {
    const path = `/${relative(ROOT, source).split(sep).join('/')}`;
    files.set(path, { body: Buffer.from(`// ${path} under npm start: the built runtime.\nexport * from '${built}';\n`), type: js });
  }
  files.set('/demo/services.json', { body: Buffer.from(`${JSON.stringify(servicesJson, null, 2)}\n`), type: 'application/json; charset=utf-8' });
  return (req, res, next) => {
    const file = files.get(pathOf(req));
    if (!file || !['GET', 'HEAD'].includes(req.method)) return next();
    res.writeHead(200, { 'content-type': file.type, 'content-length': file.body.length, 'cache-control': 'no-cache' });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  };
}

/** A bare import (`from 'lit'`, `import 'lit/x.js'`): not relative, not absolute, not a URL. */
const BARE_IMPORT = /(?:\bfrom|\bimport)\s*['"](?![./]|[a-z][a-z0-9+.-]*:)[^'"]+['"]/i;

/**
 * Demo modules written for a server that resolves bare imports (@web/dev-server's nodeResolve,
 * which the browser tests use), e.g. the strangler demo's lit MFE: served bundled by esbuild,
 * imports of absolute URLs left as they are. Other files go on to the static handler.
 */
/** Imports of absolute paths and URLs (`/src/index.ts`, `https://…`) stay imports, for the page's server. */
const urlsExternal = {
  name: 'urls-external',
  setup(b) {
    b.onResolve({ filter: /^(\/|https?:)/ }, ({ path, kind }) => (kind === 'entry-point' ? undefined : { path, external: true }));
  },
};

function bareImports() {
  const cache = new Map();
  /** The bundled module for `file`, or null when it has no bare import (served as it is). */
  const bundled = async (file, mtime) => {
    let hit = cache.get(file);
    if (hit?.mtime !== mtime) {
      const source = await readFile(file, 'utf8');
      hit = { mtime, body: null };
      if (BARE_IMPORT.test(source)) {
        const out = await build({ ...MFE_BUILD, entryPoints: [file], write: false, minify: false, sourcemap: 'inline', plugins: [urlsExternal] });
        hit.body = Buffer.from(out.outputFiles[0].contents);
      }
      cache.set(file, hit);
    }
    return hit.body;
  };
  return (req, res, next) => {
    const path = pathOf(req);
    if (!path.startsWith('/demo/') || !path.endsWith('.js') || !['GET', 'HEAD'].includes(req.method)) return next();
    (async () => {
      let file;
      let info;
      try {
        file = join(ROOT, decodeURIComponent(path));
        info = await stat(file);
      } catch {
        return next(); // no such file (or an undecodable path): the static handler answers
      }
      if (!file.startsWith(DEMO + sep) || file.startsWith(OUT + sep) || !info.isFile()) return next();
      const body = await bundled(file, info.mtimeMs);
      if (!body) return next();
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'content-length': body.length, 'cache-control': 'no-cache' });
      res.end(req.method === 'HEAD' ? undefined : body);
    })().catch(next);
  };
}

/** The services' folders are reachable through the proxy only, never as demo files. */
function hideServiceFolders(req, res, next) {
  if (!pathOf(req).startsWith('/demo/build/services/')) return next();
  res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not Found\n');
}

/**
 * SPA fallback for the routed demo only: a GET/HEAD under /demo/routed/ whose path is not a file
 * and has no extension (a deep link such as /demo/routed/billing/invoices/42) is answered with
 * /demo/routed/index.html, so the router in the page can take it from there. Missing files
 * (`…/missing.js`) still get their 404.
 */
async function routedFallback(req, res, next) {
  const path = pathOf(req);
  if ((req.method === 'GET' || req.method === 'HEAD') && path.startsWith('/demo/routed/') && !/\.[^/]*$/.test(path)) {
    let file;
    try {
      file = await stat(join(ROOT, decodeURIComponent(path)));
    } catch {
      // no such file (or an undecodable path): a route
    }
    if (!file?.isFile() && !file?.isDirectory()) req.url = '/demo/routed/index.html';
  }
  next();
}

/** Child processes (the runtime build) and servers to stop on the way out. */
const running = new Set();
const servers = [];

async function stopAll() {
  for (const child of running) child.kill('SIGTERM');
  await Promise.all(
    servers.map((s) => {
      if (!s.listening) return undefined;
      const closed = new Promise((resolve) => s.close(resolve));
      s.closeAllConnections(); // idle keep-alive sockets (the proxy's too) would hold close() open
      return closed;
    }),
  );
}

let stopping = false;
async function stop() {
  if (stopping) process.exit(130); // a second Ctrl-C: don't wait any longer
  stopping = true;
  setTimeout(() => fail('did not stop within 3 s'), 3000).unref();
  await stopAll();
  process.exit(0);
}

/** Stop on signals, and when the process that started us goes away; from the very start. */
function stopWhenAsked() {
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.on('SIGHUP', stop);
  // `kill <pid of npm>`: npm exits, and the `sh -c` it ran the script with dies without passing
  // SIGTERM on, which would leave the servers running (and holding their ports). Stop when the
  // process that started us goes away. (Ctrl-C reaches the whole process group: no issue there.)
  const parent = process.ppid;
  if (parent > 1) {
    const watch = setInterval(() => {
      if (process.ppid === parent) return;
      clearInterval(watch);
      if (!stopping) stop();
    }, 500).unref();
  }
}

async function main() {
  const host = process.env.HOST || '127.0.0.1';
  const port = portFrom(process.env.PORT || '8080');
  stopWhenAsked();

  await ensureRuntime();
  let built;
  try {
    built = await buildAll();
  } catch (error) {
    for (const e of error.errors ?? [{ text: error.stack ?? error.message }]) {
      note(`build failed: ${e.location ? `${e.location.file}:${e.location.line}: ` : ''}${e.text}`);
    }
    process.exit(1);
  }
  const { createShellHandler, createStaticHandler, loadRemotes } = await import(pathToFileURL(join(DIST, 'server', 'index.js')).href);

  const start = async (server, h, p, what) => {
    servers.push(server);
    try {
      return await listen(server, h, p);
    } catch (error) {
      await stopAll();
      fail(`cannot listen on ${h}:${p} (${what}): ${error.message}`);
    }
  };

  // One service per team, each serving only its own folder (every release of its MFE).
  const origins = {};
  for (const name of Object.keys(built.services)) {
    const service = serverFor(createStaticHandler({ root: join(SERVICES_OUT, name), cors: true, index: false }));
    origins[name] = `http://127.0.0.1:${await start(service, '127.0.0.1', 0, `${name} service`)}`;
  }

  // The manifest: stable releases, the billing canary, and one release that was never deployed.
  const remotes = {};
  for (const [name, releases] of Object.entries(built.services)) {
    const url = (r) => `${origins[name]}/${r.version}/${r.entry.replace(/^\.\//, '')}`;
    const stable = releases.find((r) => !r.canary);
    const canary = releases.find((r) => r.canary);
    remotes[name] = {
      entry: url(stable),
      version: stable.version,
      integrity: stable.integrity,
      ...(canary && { canary: { entry: url(canary), version: canary.version, integrity: canary.integrity, weight: canary.canary } }),
    };
  }
  remotes[MISSING.name] = { entry: `${origins[MISSING.service]}/${MISSING.name}/${MISSING.version}/${MISSING.file}`, version: MISSING.version };

  const services = Object.entries(built.services).map(([name, releases]) => ({
    name,
    url: `${origins[name]}/`,
    versions: releases.map((r) => (r.canary ? `${r.version} (canary, ${Math.round(r.canary * 100)}%)` : r.version)),
  }));

  const shell = serverFor(
    chain(
      redirects,
      generated(built.pages, services),
      hideServiceFolders,
      // /mfe-manifest.json and /mfe/<name>/<version>/… (proxied to the services); the rest goes on.
      createShellHandler({ remotes: loadRemotes({ env: {}, remotes }), proxy: true, maxAge: 0 }),
      routedFallback,
      bareImports(),
      createStaticHandler({ root: DEMO, prefix: '/demo' }),
      createStaticHandler({ root: join(DIST, 'browser'), prefix: '/dist/browser' }),
      // jQuery for the legacy pages (/demo/legacy/, /demo/strangler/).
      createStaticHandler({ root: join(ROOT, 'node_modules', 'jquery', 'dist'), prefix: '/node_modules/jquery/dist' }),
    ),
  );
  const shellPort = await start(shell, host, port, 'shell host');
  console.log(`mfe-host demo: ${urlFor(host, shellPort)}`);
}

await main();
