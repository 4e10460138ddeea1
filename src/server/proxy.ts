/// <reference types="node" preserve="true" />
/**
 * `GET|HEAD /mfe/<name>/<version>/<path>` (api.md §5): streams a file of a configured remote
 * through this origin. The target is only ever built from the configuration (the remote's
 * folder) plus a checked relative path, never from the Host header or an absolute URL in the
 * request, so this is not an open proxy.
 */
import { request as httpRequest, type IncomingMessage, type ClientRequest, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { type Middleware, type NextFunction, pathnameOf, sendError } from './http.js';
import { splitSafePath } from './path.js';
import type { Manifest } from './remotes.js';
import { MFE_PREFIX, type Route, routesOf } from './routes.js';

/** Options of {@link createProxyHandler}. */
export interface ProxyHandlerOptions {
  /** The remotes that may be contacted (normally from `loadRemotes()`); nothing else ever is. */
  remotes: Manifest;
  /**
   * Milliseconds to wait for the upstream's response head (`504` after that), and the longest
   * silence allowed while the body streams (then the response is cut). Default 10000.
   */
  timeout?: number;
  /**
   * Request headers to forward besides the safe defaults (case-insensitive), e.g.
   * `['cookie']` or `['authorization']` for a remote behind the same login. Listing a
   * hop-by-hop header forwards it too.
   */
  passthroughHeaders?: string[];
  /** Forward the upstream's `Set-Cookie`. Default false: a remote cannot set cookies on this origin. */
  forwardSetCookie?: boolean;
}

/** Request headers an asset fetch needs: content negotiation, conditionals and ranges. */
const SAFE_REQUEST_HEADERS = [
  'accept',
  'accept-encoding',
  'accept-language',
  'if-modified-since',
  'if-none-match',
  'if-range',
  'range',
  'user-agent',
];

/** Response headers that describe the asset; everything else (cookies, server internals) stays upstream. */
const RESPONSE_HEADERS = [
  'accept-ranges',
  // What the remote allows cross-origin (an isolation="iframe" MFE imports from an opaque origin).
  'access-control-allow-origin',
  'cache-control',
  'content-encoding',
  'content-length',
  'content-range',
  'content-type',
  'etag',
  'expires',
  'last-modified',
  'vary',
];

const IMMUTABLE = 'public, max-age=31536000, immutable';
const ALLOW = 'GET, HEAD';

/**
 * Creates a handler for `/mfe/<name>/<version>/<path>` that streams the file from the remote's
 * folder (the directory of its `entry` URL; of `canary.entry` for the canary's version).
 *
 * Version segments are exactly those the manifest rewrite produces (see `rewriteManifest`):
 * the entry's `version`, or `_` when it has none; the canary's `version`, or `_canary`;
 * `_fallback` for a fallback in another folder.
 *
 * - `200`/`206`/`304`/`404`…: the upstream status, with `content-type`, `content-length`,
 *   `content-encoding`, `etag`, `last-modified`, `accept-ranges`, `content-range`, `vary`,
 *   `cache-control`, `expires`; when a successful response of a versioned route has no
 *   `Cache-Control`, `public, max-age=31536000, immutable` is added (unversioned routes get
 *   none added: their files may change). `Set-Cookie` is dropped unless `forwardSetCookie`.
 * - Request headers forwarded: `accept*`, `user-agent`, `range`, `if-*` conditionals, plus
 *   `passthroughHeaders`. Never cookies, `Authorization` or hop-by-hop headers by default.
 * - `400` for malicious paths (NUL, `..`, `%2e%2e`, `%2F`, backslashes, `//`, absolute URLs),
 *   `404` for an unknown name or version or an empty file path, `405` for other methods,
 *   `502 remote "<name>" is unreachable`, `504 remote "<name>" timed out`.
 * - A client that goes away aborts the upstream request. Nothing rejects or throws out of it.
 * - Other paths: `next()` as middleware, else `404`.
 *
 * @throws TypeError at creation for a missing `remotes` or a bad `timeout`.
 */
export function createProxyHandler(opts: ProxyHandlerOptions): Middleware {
  const { remotes, timeout = 10_000, passthroughHeaders = [], forwardSetCookie = false } = opts ?? ({} as Partial<ProxyHandlerOptions>);
  if (typeof remotes !== 'object' || remotes === null || Array.isArray(remotes)) {
    throw new TypeError('createProxyHandler: "remotes" must be a manifest object (see loadRemotes())');
  }
  if (!Number.isFinite(timeout) || timeout <= 0) {
    throw new TypeError(`createProxyHandler: "timeout" must be a positive number of milliseconds, got ${String(timeout)}`);
  }
  const forwarded = new Set([...SAFE_REQUEST_HEADERS, ...passthroughHeaders.map((h) => h.toLowerCase())]);

  // Built once: a Map, so a name from the URL can never reach an inherited property.
  const table = new Map<string, Map<string, Route>>();
  for (const name of Object.keys(remotes)) {
    table.set(name, new Map(routesOf(remotes[name]!).map((r) => [r.segment, r])));
  }

  return function mfeProxy(req: IncomingMessage, res: ServerResponse, next?: NextFunction): void {
    const pathname = pathnameOf(req);
    if (!pathname.startsWith(MFE_PREFIX)) {
      if (next) next();
      else sendError(res, 404, 'Not Found');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendError(res, 405, 'Method Not Allowed', { Allow: ALLOW });
      return;
    }
    const path = splitSafePath(pathname.slice(MFE_PREFIX.length), true);
    if (!path.ok) {
      sendError(res, 400, `Bad Request: ${path.reason}`);
      return;
    }
    const [name, version, ...file] = path.decoded;
    const route = name === undefined || version === undefined ? undefined : table.get(name)?.get(version);
    if (!route || file.length === 0 || file.at(-1) === '') {
      // No such remote or version, or a folder URL: there are no directory listings upstream.
      sendError(res, 404, 'Not Found');
      return;
    }

    // The raw (still percent-encoded) segments go upstream as the browser sent them; the
    // result is checked again after URL resolution, so no parser quirk can leave the folder.
    const query = (req.url ?? '').match(/\?[^#]*/)?.[0] ?? '';
    const target = new URL(path.raw.slice(2).join('/') + query, route.folder);
    if (target.origin !== route.folder.origin || !target.pathname.startsWith(route.folder.pathname)) {
      sendError(res, 400, 'Bad Request: path leaves the remote folder'); // malicious path
      return;
    }
    forward(req, res, target, name!, route);
  };

  function forward(req: IncomingMessage, res: ServerResponse, target: URL, name: string, route: Route): void {
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    let upstream: ClientRequest;
    try {
      upstream = send(target, { method: req.method, headers: requestHeaders(req) });
    } catch {
      sendError(res, 502, `remote "${name}" is unreachable`);
      return;
    }
    let timedOut = false;
    /** The upstream response was read to its end: its keep-alive socket goes back to the agent. */
    let complete = false;

    // The head must arrive within `timeout`, connecting included (a socket timeout would only
    // start once connected).
    const headTimer = setTimeout(() => {
      timedOut = true;
      sendError(res, 504, `remote "${name}" timed out`);
      upstream.destroy();
    }, timeout);

    // The client went away (or the response ended): nothing upstream is needed any more.
    res.once('close', () => {
      clearTimeout(headTimer);
      // Destroying a finished request would destroy its socket instead of reusing it.
      if (!complete && !upstream.destroyed) upstream.destroy();
    });

    upstream.on('error', () => {
      clearTimeout(headTimer);
      // Aborted on the client's behalf, or already answered with 504: nobody left to tell.
      if (timedOut || res.destroyed || res.writableEnded) return;
      sendError(res, 502, `remote "${name}" is unreachable`);
    });

    upstream.on('response', (upstreamRes) => {
      clearTimeout(headTimer);
      const status = upstreamRes.statusCode ?? 502;
      try {
        res.writeHead(status, responseHeaders(upstreamRes, status, route));
      } catch {
        upstreamRes.destroy();
        sendError(res, 502, `remote "${name}" sent an invalid response`);
        return;
      }
      // Once streaming, a stall of `timeout` cuts the response: progress on either side
      // (a chunk read, or the client draining) re-arms the timer.
      const stallTimer = setTimeout(() => upstreamRes.destroy(new Error('stalled')), timeout);
      const refresh = (): void => void stallTimer.refresh();
      upstreamRes.on('data', refresh);
      res.on('drain', refresh);
      // pipe(), not pipeline(): pipeline makes an AbortController (and, when done, a
      // DOMException) per response, a third of the proxy's CPU time under load (npm run bench).
      upstreamRes.once('end', () => {
        complete = true;
        clearTimeout(stallTimer);
        res.off('drain', refresh);
      });
      upstreamRes.once('error', () => {
        clearTimeout(stallTimer);
        res.off('drain', refresh);
        // The head is out: sendError cuts the connection, so the client sees a truncated body.
        if (!res.destroyed) sendError(res, 502, `remote "${name}" failed while streaming`);
      });
      upstreamRes.pipe(res);
    });

    upstream.end();
  }

  /** Only the allowed request headers, and never one the client's `Connection` marks hop-by-hop. */
  function requestHeaders(req: IncomingMessage): Record<string, string | string[]> {
    const hopByHop = new Set(
      String(req.headers.connection ?? '')
        .split(',')
        .map((h) => h.trim().toLowerCase()),
    );
    const out: Record<string, string | string[]> = {};
    for (const name of forwarded) {
      const value = req.headers[name];
      if (value === undefined || (hopByHop.has(name) && !passthroughHeaders.some((h) => h.toLowerCase() === name))) continue;
      // `host` is not in any list we build: Node sets it from the target URL.
      if (name === 'host') continue;
      out[name] = value;
    }
    return out;
  }

  function responseHeaders(upstreamRes: IncomingMessage, status: number, route: Route): Record<string, string | string[]> {
    const out: Record<string, string | string[]> = {};
    for (const name of RESPONSE_HEADERS) {
      const value = upstreamRes.headers[name];
      if (value !== undefined) out[name] = value;
    }
    if (forwardSetCookie && upstreamRes.headers['set-cookie']) out['set-cookie'] = upstreamRes.headers['set-cookie'];
    const success = status === 200 || status === 206 || status === 304;
    if (success && route.versioned && out['cache-control'] === undefined) out['cache-control'] = IMMUTABLE;
    return out;
  }
}
