/// <reference types="node" preserve="true" />
/**
 * Serves files of one folder (the shell's static folder, a local MFE's `dist/`), streaming them
 * from disk. Built after pillarjs/send: one error choke point (`sendError`), malicious paths
 * refused before the file system is touched, and every resolved file checked to lie inside the
 * root *after* symlinks are resolved.
 */
import { createReadStream, type Stats } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, sep } from 'node:path';
import { pipeline } from 'node:stream';
import { type Middleware, type NextFunction, pathnameOf, sendError } from './http.js';
import { splitSafePath } from './path.js';

/** Options of {@link createStaticHandler}. */
export interface StaticHandlerOptions {
  /** The folder to serve. Read at every request, so it may be created (or rebuilt) later. */
  root: string;
  /** URL prefix the folder is served under, e.g. `/mfe/billing/1.0.0`. Default `/`. */
  prefix?: string;
  /**
   * Adds `Access-Control-Allow-Origin: *` and `Cross-Origin-Resource-Policy: cross-origin`, so
   * pages on other origins can `import()` the files, and answers `OPTIONS` preflights. Default false.
   */
  cors?: boolean;
  /** `Cache-Control: public, max-age=31536000, immutable` (for versioned folders). Default false. */
  immutable?: boolean;
  /** `Cache-Control: public, max-age=<maxAge>` in seconds when not `immutable`. Default 0. */
  maxAge?: number;
  /** File served for a directory URL (`/docs/`), or `false` for none. Default `index.html`. */
  index?: string | false;
}

const TYPES: Readonly<Record<string, string>> = {
  '.css': 'text/css; charset=utf-8',
  '.gif': 'image/gif',
  '.htm': 'text/html; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.ico': 'image/x-icon',
  '.jpeg': 'image/jpeg',
  '.jpg': 'image/jpeg',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
  '.webp': 'image/webp',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
};

const IMMUTABLE = 'public, max-age=31536000, immutable';
const ALLOW = 'GET, HEAD';
/** Errors that mean "no such file" for a URL; anything else is a server problem (500). */
const NOT_FOUND_CODES = new Set(['ENOENT', 'ENOTDIR', 'ENAMETOOLONG', 'ELOOP']);

/**
 * Creates a handler that serves the files under `root` at `prefix`.
 *
 * - `GET`/`HEAD`: the file, streamed (`fs.createReadStream`), with `Content-Type` (from the
 *   extension; `application/octet-stream` otherwise), `Content-Length`, `Last-Modified`,
 *   `Accept-Ranges: bytes`, `Cache-Control` and a **weak** `ETag` built from size and mtime
 *   (`W/"<size>-<mtime>"`, as send/serve-static do: cheap, no hashing of the file, but only
 *   "semantically equal", so `If-Range` with it never matches and a full body is sent).
 * - `304` for a matching `If-None-Match` (or, without it, a not-newer `If-Modified-Since`).
 * - `Range: bytes=…` with one range: `206` and `Content-Range`; unsatisfiable: `416` with
 *   `Content-Range: bytes *\/<size>`; several ranges or a malformed header: the whole file.
 * - A directory: `301` to the URL with a trailing `/` (a fixed body, `nosniff`), then its
 *   `index` file. A file asked for with a trailing `/` (`/file.txt/`): `404`.
 * - `400` for malicious paths (NUL bytes, `..`, `%2e%2e`, `%2F`, backslashes, `//`), `404` for
 *   missing files, dotfiles (`.env`, `.git/…`) and anything whose real path (symlinks
 *   resolved) lies outside the root, `405` (`Allow: GET, HEAD`) for other methods under the
 *   prefix — so mount it last, or under its own prefix, in a chain with other routes.
 * - Paths outside `prefix`: `next()` as middleware, else `404`.
 *
 * Every error response goes through `sendError`. Never throws or rejects once created.
 *
 * @throws TypeError at creation for a missing `root`, a `prefix` not starting with `/`, or a bad `maxAge`.
 */
export function createStaticHandler(opts: StaticHandlerOptions): Middleware {
  const { root, prefix = '/', cors = false, immutable = false, maxAge = 0, index = 'index.html' } = opts ?? ({} as Partial<StaticHandlerOptions>);
  if (typeof root !== 'string' || root === '') throw new TypeError('createStaticHandler: "root" must be a folder path');
  if (typeof prefix !== 'string' || !prefix.startsWith('/')) {
    throw new TypeError(`createStaticHandler: "prefix" must start with "/", got ${JSON.stringify(prefix)}`);
  }
  if (!Number.isSafeInteger(maxAge) || maxAge < 0) {
    throw new TypeError(`createStaticHandler: "maxAge" must be a non-negative integer (seconds), got ${String(maxAge)}`);
  }
  // "/mfe/x/" and "/mfe/x" mean the same mount; kept without the trailing slash.
  const base = prefix.replace(/\/+$/, '');
  const cacheControl = immutable ? IMMUTABLE : `public, max-age=${maxAge}`;
  const corsHeaders: Record<string, string> = cors
    ? { 'Access-Control-Allow-Origin': '*', 'Cross-Origin-Resource-Policy': 'cross-origin' }
    : {};

  return function mfeStatic(req: IncomingMessage, res: ServerResponse, next?: NextFunction): void {
    const pathname = pathnameOf(req);
    if (pathname !== base && !pathname.startsWith(`${base}/`)) {
      if (next) next();
      else sendError(res, 404, 'Not Found');
      return;
    }
    if (cors && req.method === 'OPTIONS') {
      res.writeHead(204, { ...corsHeaders, 'Access-Control-Allow-Methods': ALLOW, 'Access-Control-Max-Age': '86400', Allow: ALLOW });
      res.end();
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendError(res, 405, 'Method Not Allowed', { Allow: ALLOW, ...corsHeaders });
      return;
    }
    const relative = pathname.slice(base.length + 1);
    const path = relative === '' ? { ok: true as const, decoded: [''] } : splitSafePath(relative, true);
    if (!path.ok) {
      sendError(res, 400, `Bad Request: ${path.reason}`, corsHeaders);
      return;
    }
    if (path.decoded.some((s) => s.startsWith('.') || s.includes('/') || s.includes('\\'))) {
      sendError(res, 404, 'Not Found', corsHeaders); // dotfiles are never public
      return;
    }
    serveFile(req, res, path.decoded, pathname).catch((err: unknown) => {
      // Only a bug gets here (serveFile handles its own errors); still, never a rejection.
      sendError(res, isNotFound(err) ? 404 : 500, isNotFound(err) ? 'Not Found' : 'Internal Server Error', corsHeaders);
    });
  };

  async function serveFile(req: IncomingMessage, res: ServerResponse, segments: string[], pathname: string): Promise<void> {
    const rootReal = await realpath(root);
    const inside = (path: string): boolean => path === rootReal || path.startsWith(rootReal.endsWith(sep) ? rootReal : rootReal + sep);
    let file = join(rootReal, ...segments);
    let stats: Stats;
    try {
      file = await realpath(file);
      // malicious path: a symlink (or anything) that resolves outside the root is not there.
      if (!inside(file)) throw notFound();
      stats = await stat(file);
      if (stats.isDirectory()) {
        if (!pathname.endsWith('/')) {
          // Relative URLs in the index page resolve against the directory only with the slash.
          const original = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '/';
          const [path, query = ''] = splitOnce(original, '?');
          // One leading slash: "//host/" would be a redirect to another origin.
          sendRedirect(res, `/${path.replace(/^[/\\]+/, '')}/${query ? `?${query}` : ''}`, corsHeaders);
          return;
        }
        if (index === false) throw notFound();
        file = await realpath(join(file, index));
        if (!inside(file)) throw notFound();
        stats = await stat(file);
      } else if (pathname.endsWith('/')) {
        // `/file.txt/` names a folder that does not exist (as on a file system: ENOTDIR).
        // Serving the file would give it a second URL, against which its relative URLs resolve
        // one level too deep.
        throw notFound();
      }
      if (!stats.isFile()) throw notFound();
    } catch (err) {
      if (isNotFound(err)) sendError(res, 404, 'Not Found', corsHeaders);
      else sendError(res, 500, 'Internal Server Error', corsHeaders);
      return;
    }
    send(req, res, file, stats);
  }

  function send(req: IncomingMessage, res: ServerResponse, file: string, stats: Stats): void {
    const etag = `W/"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`;
    const lastModified = stats.mtime.toUTCString();
    const headers: Record<string, string> = {
      ...corsHeaders,
      'Cache-Control': cacheControl,
      ETag: etag,
      'Last-Modified': lastModified,
      'Accept-Ranges': 'bytes',
    };
    if (isFresh(req, etag, stats.mtime)) {
      res.writeHead(304, headers);
      res.end();
      return;
    }

    let status = 200;
    let start = 0;
    let end = stats.size - 1;
    const range = rangeOf(req, etag, lastModified);
    if (range !== undefined) {
      const parsed = parseRange(range, stats.size);
      if (parsed === 'unsatisfiable') {
        sendError(res, 416, 'Range Not Satisfiable', { ...corsHeaders, 'Content-Range': `bytes */${stats.size}` });
        return;
      }
      if (parsed) {
        status = 206;
        [start, end] = parsed;
        headers['Content-Range'] = `bytes ${start}-${end}/${stats.size}`;
      }
    }
    headers['Content-Type'] = TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
    headers['Content-Length'] = String(Math.max(0, end - start + 1));
    headers['X-Content-Type-Options'] = 'nosniff';
    res.writeHead(status, headers);
    if (req.method === 'HEAD' || stats.size === 0) {
      res.end();
      return;
    }
    // pipeline destroys the file stream when the client goes away, and reports read errors
    // after the head is out, which sendError answers by cutting the connection.
    pipeline(createReadStream(file, { start, end }), res, (err) => {
      if (err) sendError(res, 500, 'Internal Server Error');
    });
  }
}

/** `If-None-Match` (weak comparison, `*`), else `If-Modified-Since` (second precision). */
function isFresh(req: IncomingMessage, etag: string, mtime: Date): boolean {
  const inm = req.headers['if-none-match'];
  if (inm !== undefined) {
    if (inm.trim() === '*') return true;
    const opaque = etag.slice(2); // without W/
    return [...inm.matchAll(/(?:W\/)?"[^"]*"/g)].some(([tag]) => tag.replace(/^W\//, '') === opaque);
  }
  const ims = req.headers['if-modified-since'];
  if (ims === undefined) return false;
  const since = Date.parse(ims);
  return !Number.isNaN(since) && Math.floor(mtime.getTime() / 1000) * 1000 <= since;
}

/**
 * The `Range` header to honour, or undefined. `If-Range` needs a strong validator match
 * (RFC 9110 §13.1.5): our ETag is weak, so only an exact `Last-Modified` date keeps the range.
 */
function rangeOf(req: IncomingMessage, _etag: string, lastModified: string): string | undefined {
  const range = req.headers.range;
  if (range === undefined) return undefined;
  const ifRange = req.headers['if-range'];
  if (ifRange === undefined) return range;
  return String(ifRange).trim() === lastModified ? range : undefined;
}

/**
 * One `bytes=a-b`, `bytes=a-` or `bytes=-n` range → inclusive `[start, end]` clamped to the
 * file; `'unsatisfiable'` when it starts past the end; undefined (serve it all) when malformed
 * or when several ranges are asked for (multipart answers are not worth their complexity here).
 */
function parseRange(header: string, size: number): [number, number] | 'unsatisfiable' | undefined {
  const match = /^bytes=\s*(\d*)\s*-\s*(\d*)\s*$/.exec(header);
  if (!match) return undefined;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return undefined;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return [Math.max(0, size - suffix), size - 1];
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (last !== '' && Number(last) < start) return undefined; // invalid: ignored, RFC 9110 §14.1.1
  if (start >= size) return 'unsatisfiable';
  return [start, end];
}

/**
 * The directory redirect. The body is fixed text: echoing the request path (as `Location`
 * does, where it belongs) would put attacker-chosen text in a page of this origin, and
 * `nosniff` keeps a browser from reading the body as anything but plain text.
 */
function sendRedirect(res: ServerResponse, location: string, headers: Record<string, string>): void {
  const body = 'Moved Permanently: the folder URL ends with "/"\n';
  res.writeHead(301, {
    ...headers,
    Location: location,
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(res.req?.method === 'HEAD' ? undefined : body);
}

function splitOnce(text: string, separator: string): [string, string?] {
  const at = text.indexOf(separator);
  return at === -1 ? [text] : [text.slice(0, at), text.slice(at + 1)];
}

function notFound(): NodeJS.ErrnoException {
  return Object.assign(new Error('not found'), { code: 'ENOENT' });
}

function isNotFound(err: unknown): boolean {
  return typeof err === 'object' && err !== null && NOT_FOUND_CODES.has(String((err as NodeJS.ErrnoException).code));
}
