// Test-only routes for the web-test-runner dev server (koa middleware).
//
//   /flaky/<key>/<path>   first request per <key>: 503 "flaky" (no-store); later: serves /<path>
//   /hang/<anything>      never answers; settles when the client goes away (abort/shutdown)
//   /status/<code>/<any>  answers HTTP <code> with a short text body (no-store)
//   /count/<key>/<path>   serves /<path> (no-store) and counts the requests made under <key>
//   /count-of/<key>       JSON { "count": N, "total": T, "paths": { "/<path>": n, ... } }
//                         (no-store): N = requests for the key's entry, i.e. the first path
//                         requested under <key>; T = all requests under <key>
//   /two-faced/<path>?script=/<other>   serves /<other> to script loads (Sec-Fetch-Dest: script,
//                         i.e. import() and modulepreload) and /<path> to everything else, such as
//                         fetch() (no-store): a server that shows a checker other bytes than the
//                         engine (the integrity tests)
//   /manifest-seq/<key>/<any>?body=<JSON>&fail=<n,…>&to=<path>
//                         a manifest whose content changes per request: request n (1-based,
//                         counted per <key>) answers `body` with every "{n}" replaced by n, as
//                         application/json (no-store); HTTP 500 when n is listed in `fail`;
//                         with `to`, a 302 redirect to <path> instead (still counted)
//
// A module served through /flaky/<key>/ or /count/<key>/ resolves its relative imports under
// the same prefix: they pass the flaky gate (already opened) and are counted per path, so they
// do not add to the entry's `count`. Query strings are ignored for counting.
//
// State lives for the life of one dev server, i.e. one web-test-runner run (one engine).
// Test files run concurrently and share it: use keys unique to the test (e.g. with a
// random part).
//
// Also, for every request: a .js/.mjs file that does not parse (e.g. a fixture with a deliberate
// syntax error) is served as written, as any static server would, so the browser reports the
// real SyntaxError, instead of the dev server's "Error while transforming file" 500 (its import
// rewriting parses every module). Files outside node_modules are checked with esbuild first
// (cached by mtime), which also keeps the dev server from logging the parse error.
import { readFile, stat } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { transform } from 'esbuild';

/** @type {Set<string>} */
const flakySeen = new Set();
/** @type {Map<string, { entry: string, total: number, paths: Map<string, number> }>} */
const counts = new Map();
/** @type {Map<string, number>} requests per /manifest-seq/ key */
const seqs = new Map();

const NO_STORE = 'no-store';

/**
 * Splits "/<prefix>/<key>/<rest>" into key and "/<rest>" (query string kept on rest).
 * @param {string} url ctx.url, e.g. "/flaky/k1/test/fixtures/smoke/hello.js?x=1"
 * @param {string} prefix e.g. "/flaky/"
 */
function splitKeyed(url, prefix) {
  const tail = url.slice(prefix.length);
  const slash = tail.indexOf('/');
  if (slash <= 0) return null;
  const key = decodeURIComponent(tail.slice(0, slash));
  const rest = tail.slice(slash);
  if (rest === '/' || rest.startsWith('//')) return null;
  return { key, rest };
}

/**
 * Sets Cache-Control so that it sticks. @web/test-runner's own cacheMiddleware runs *around*
 * user middleware and, after next(), stamps `public, max-age=31536000` on every path with a file
 * extension — which would make browsers cache a flaky 503 or hide repeat requests from /count.
 * So the value is (re)applied when the response head is actually written.
 */
function pinCacheControl(ctx, value) {
  ctx.set('Cache-Control', value);
  const res = ctx.res;
  if (res.__mfePinnedCacheControl !== undefined) {
    res.__mfePinnedCacheControl = value;
    return;
  }
  res.__mfePinnedCacheControl = value;
  const writeHead = res.writeHead;
  res.writeHead = function (...args) {
    if (!this.headersSent) this.setHeader('Cache-Control', this.__mfePinnedCacheControl);
    return writeHead.apply(this, args);
  };
}

function text(ctx, status, body) {
  ctx.status = status;
  pinCacheControl(ctx, NO_STORE);
  ctx.type = 'text/plain';
  ctx.body = body;
}

const TRANSFORM_ERROR_BODY = 'Error while transforming file. See the terminal for more information.';

/** The file a .js/.mjs request maps to under rootDir, or null. */
function jsFileFor(ctx, rootDir) {
  if (!/\.m?js$/.test(ctx.path)) return null;
  let file;
  try {
    file = resolve(rootDir, '.' + decodeURIComponent(ctx.path));
  } catch {
    return null;
  }
  return file.startsWith(rootDir + sep) ? file : null;
}

function serveRaw(ctx, code) {
  ctx.status = 200;
  ctx.type = 'application/javascript; charset=utf-8';
  ctx.body = code;
  ctx.remove('ETag');
}

/** @type {Map<string, { mtimeMs: number, ok: boolean }>} */
const parseCache = new Map();

/** Serves the file raw (and returns true) if it is one of ours and does not parse. */
async function rawIfUnparseable(ctx, rootDir) {
  if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return false;
  const file = jsFileFor(ctx, rootDir);
  if (!file || file.includes(`${sep}node_modules${sep}`)) return false;
  try {
    const { mtimeMs, isFile } = await stat(file).then((st) => ({ mtimeMs: st.mtimeMs, isFile: st.isFile() }));
    if (!isFile) return false;
    const cached = parseCache.get(file);
    if (cached && cached.mtimeMs === mtimeMs && cached.ok) return false;
    const code = await readFile(file, 'utf8');
    let ok = true;
    try {
      await transform(code, { loader: 'js', format: 'esm', logLevel: 'silent' });
    } catch {
      ok = false;
    }
    parseCache.set(file, { mtimeMs, ok });
    if (ok) return false;
    serveRaw(ctx, code);
    return true;
  } catch {
    return false;
  }
}

/** After next(): replace the dev server's transform-error 500 for a JS file by the file itself. */
async function rawOnTransformError(ctx, rootDir) {
  if (ctx.status !== 500 || ctx.body !== TRANSFORM_ERROR_BODY) return;
  const file = jsFileFor(ctx, rootDir);
  if (!file) return;
  try {
    if (!(await stat(file)).isFile()) return;
    serveRaw(ctx, await readFile(file, 'utf8'));
  } catch {
    /* leave the 500 */
  }
}

/**
 * @param {{ rootDir?: string }} [options] rootDir: the dev server's root (default: cwd)
 * @returns {(ctx: any, next: () => Promise<void>) => Promise<void>}
 */
export function testRoutes(options = {}) {
  const rootDir = resolve(options.rootDir ?? process.cwd());
  const serve = async (ctx, next) => {
    if (await rawIfUnparseable(ctx, rootDir)) return;
    await next();
    await rawOnTransformError(ctx, rootDir);
  };
  return async function mfeTestRoutes(ctx, next) {
    const url = ctx.url;

    if (url.startsWith('/flaky/')) {
      const parts = splitKeyed(url, '/flaky/');
      if (!parts) return text(ctx, 400, 'usage: /flaky/<key>/<path>');
      if (!flakySeen.has(parts.key)) {
        flakySeen.add(parts.key);
        return text(ctx, 503, 'flaky');
      }
      ctx.url = parts.rest;
      return serve(ctx, next);
    }

    if (url.startsWith('/hang/')) {
      // Keep the request open until the client (or the server shutting down) closes it.
      const req = ctx.req;
      await new Promise((resolve) => {
        if (req.socket.destroyed) return resolve(undefined);
        req.socket.once('close', resolve);
      });
      ctx.status = 204; // not sent (the client is gone); keeps it out of wtr's 404 list
      ctx.respond = false;
      return;
    }

    if (url.startsWith('/status/')) {
      const m = /^\/status\/(\d{3})(?:[/?#]|$)/.exec(url);
      const code = m ? Number(m[1]) : NaN;
      if (!(code >= 200 && code <= 599)) return text(ctx, 400, 'usage: /status/<200-599>/<anything>');
      if (code === 204 || code === 205 || code === 304) {
        ctx.status = code;
        pinCacheControl(ctx, NO_STORE);
        return;
      }
      return text(ctx, code, `status ${code}`);
    }

    if (url.startsWith('/count/')) {
      const parts = splitKeyed(url, '/count/');
      if (!parts) return text(ctx, 400, 'usage: /count/<key>/<path>');
      const path = parts.rest.split(/[?#]/)[0];
      let c = counts.get(parts.key);
      if (!c) counts.set(parts.key, (c = { entry: path, total: 0, paths: new Map() }));
      c.total++;
      c.paths.set(path, (c.paths.get(path) ?? 0) + 1);
      ctx.url = parts.rest;
      await serve(ctx, next);
      // Make every load of the module a real request, so the count is meaningful.
      pinCacheControl(ctx, NO_STORE);
      ctx.remove('ETag');
      return;
    }

    if (url.startsWith('/two-faced/')) {
      const u = new URL(url, 'http://x');
      const script = u.searchParams.get('script');
      if (!script?.startsWith('/')) return text(ctx, 400, 'usage: /two-faced/<path>?script=/<path>');
      ctx.url = ctx.get('sec-fetch-dest') === 'script' ? script : u.pathname.slice('/two-faced'.length);
      await serve(ctx, next);
      pinCacheControl(ctx, NO_STORE);
      ctx.remove('ETag');
      return;
    }

    if (url.startsWith('/count-of/')) {
      const key = decodeURIComponent(url.slice('/count-of/'.length).split(/[?#]/)[0]);
      ctx.status = 200;
      pinCacheControl(ctx, NO_STORE);
      const c = counts.get(key);
      ctx.body = c
        ? { count: c.paths.get(c.entry) ?? 0, total: c.total, paths: Object.fromEntries(c.paths) }
        : { count: 0, total: 0, paths: {} };
      return;
    }

    if (url.startsWith('/manifest-seq/')) {
      const parts = splitKeyed(url, '/manifest-seq/');
      if (!parts) return text(ctx, 400, 'usage: /manifest-seq/<key>/<any>?body=<JSON>&fail=<n,…>&to=<path>');
      const n = (seqs.get(parts.key) ?? 0) + 1;
      seqs.set(parts.key, n);
      const q = new URLSearchParams(parts.rest.split('?')[1] ?? '');
      if ((q.get('fail') ?? '').split(',').includes(String(n))) return text(ctx, 500, `failure on request ${n}`);
      pinCacheControl(ctx, NO_STORE);
      if (q.get('to')) return ctx.redirect(q.get('to'));
      ctx.status = 200;
      ctx.type = 'application/json';
      ctx.body = (q.get('body') ?? '{}').replaceAll('{n}', String(n));
      return;
    }

    return serve(ctx, next);
  };
}

export default testRoutes;
