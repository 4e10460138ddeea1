/// <reference types="node" preserve="true" />
/**
 * `GET /mfe-manifest.json` (api.md §5): the merged manifest, short-cached and revalidated by a
 * strong ETag. The body and its ETag are computed once, when the handler is created; a new
 * manifest means a new handler.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Middleware, type NextFunction, pathnameOf, sendError } from './http.js';
import type { Manifest } from './remotes.js';

/** Options of {@link createManifestHandler}. */
export interface ManifestHandlerOptions {
  /** The manifest to serve, normally from {@link loadRemotes}. Read once, at creation. */
  remotes: Manifest;
  /** `Cache-Control: public, max-age=<maxAge>`, in seconds. Default 60. */
  maxAge?: number;
}

const MANIFEST_PATH = '/mfe-manifest.json';
const ALLOW = 'GET, HEAD';

/**
 * Creates a handler that serves `remotes` at `/mfe-manifest.json`.
 *
 * - `GET`/`HEAD`: `200` with the JSON (keys sorted at every level, so equal manifests give equal
 *   bytes), `Content-Type: application/json; charset=utf-8`,
 *   `Cache-Control: public, max-age=<maxAge>` and a strong, SHA-256 based `ETag`;
 *   `304` when `If-None-Match` lists that ETag (weak comparison, as RFC 9110 says) or is `*`.
 * - other methods on that path: `405` with `Allow: GET, HEAD`.
 * - other paths: `next()` when called as middleware, else `404`.
 *
 * Works with `http.createServer(handler)` and as Connect/Express middleware (a mount prefix
 * stripped from `req.url` by the framework is fine). Unexpected failures go to `next(err)`
 * when there is a `next`, else become a `500` (and are logged with `console.error`, as
 * Connect's final handler does).
 *
 * @throws TypeError at creation when `remotes` is not an object or `maxAge` is not a
 *   non-negative integer.
 */
export function createManifestHandler(opts: ManifestHandlerOptions): Middleware {
  const { remotes, maxAge = 60 } = opts ?? ({} as Partial<ManifestHandlerOptions>);
  if (typeof remotes !== 'object' || remotes === null || Array.isArray(remotes)) {
    throw new TypeError('createManifestHandler: "remotes" must be a manifest object (see loadRemotes())');
  }
  if (!Number.isSafeInteger(maxAge) || maxAge < 0) {
    throw new TypeError(`createManifestHandler: "maxAge" must be a non-negative integer (seconds), got ${String(maxAge)}`);
  }

  const body = Buffer.from(stableStringify(remotes), 'utf8');
  const etag = etagOf(body);
  const headers = {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': `public, max-age=${maxAge}`,
    ETag: etag,
    'X-Content-Type-Options': 'nosniff',
  };

  function serve(req: IncomingMessage, res: ServerResponse): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendError(res, 405, 'Method Not Allowed', { Allow: ALLOW });
      return;
    }
    if (ifNoneMatchHits(req.headers['if-none-match'], etag)) {
      // A 304 repeats the validators and caching headers of the 200 it stands for, no body.
      res.writeHead(304, { 'Cache-Control': headers['Cache-Control'], ETag: etag });
      res.end();
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Length': String(body.length) });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  return function mfeManifest(req: IncomingMessage, res: ServerResponse, next?: NextFunction): void {
    if (pathnameOf(req) !== MANIFEST_PATH) {
      if (next) next();
      else sendError(res, 404, 'Not Found');
      return;
    }
    try {
      serve(req, res);
    } catch (err) {
      // e.g. an earlier middleware already started the response (ERR_HTTP_HEADERS_SENT).
      if (next) next(err);
      else {
        console.error('mfe-host/server: /mfe-manifest.json failed:', err);
        sendError(res, 500, 'Internal Server Error');
      }
    }
  };
}

/**
 * The strong `ETag` `/mfe-manifest.json` is served with for `remotes`: a SHA-256 of its bytes
 * (keys sorted), so the same content gives the same ETag on every load and every replica. Also
 * a content version for any JSON-able value (the live configuration's).
 */
export function manifestEtag(remotes: unknown): string {
  return etagOf(Buffer.from(stableStringify(remotes), 'utf8'));
}

function etagOf(body: Buffer): string {
  return `"${createHash('sha256').update(body).digest('base64url')}"`;
}

/**
 * `If-None-Match` (RFC 9110 §13.1.2): `*`, or a list of entity tags compared weakly, i.e. a
 * `W/` prefix does not matter. So only the quoted opaque tags are scanned for, rather than
 * splitting on commas (a comma may sit inside a tag).
 */
function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  for (const [tag] of header.matchAll(/"[^"]*"/g)) if (tag === etag) return true;
  return false;
}

/** JSON with object keys sorted at every level (arrays keep their order): same data, same bytes. */
function stableStringify(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      // Defined, not assigned: a "__proto__" key stays data instead of setting the prototype.
      Object.defineProperty(sorted, k, { value: (v as Record<string, unknown>)[k], enumerable: true, writable: true, configurable: true });
    }
    return sorted;
  });
}
