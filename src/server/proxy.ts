/// <reference types="node" preserve="true" />
/**
 * `GET|HEAD /mfe/<name>/<version>/<path>` (api.md §5): streams a file of a configured remote
 * through this origin. The target is only ever built from the configuration (the remote's
 * folder) plus a checked relative path, never from the Host header or an absolute URL in the
 * request, so this is not an open proxy.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import type { Writable } from 'node:stream';
import { type UpstreamExchange, type UpstreamHandlers, UpstreamProtocolError, requestUpstream } from './upstream.js';
import { type Middleware, type NextFunction, pathnameOf, sendError } from './http.js';
import { splitSafePath } from './path.js';
import { type Fill, type ProxyCacheOption, ProxyCache, acceptEncodingOf, createProxyCache } from './proxy-cache.js';
import type { Manifest } from './remotes.js';
import { MFE_PREFIX, type Route, mfeUrl, routesOf } from './routes.js';

/** Options of {@link createProxyHandler}. */
export interface ProxyHandlerOptions {
  /** The remotes that may be contacted (normally from `loadRemotes()`); nothing else ever is. */
  remotes: Manifest;
  /**
   * Milliseconds to wait for the upstream's response head (`504` after that), and the longest
   * silence of the upstream allowed while the body streams and the proxy is ready for more (then
   * the response is cut; checked every `timeout`, so within twice that). Time spent waiting for
   * a slow client to take earlier bytes never counts. Default 10000.
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
  /**
   * The in-memory cache of versioned, cacheable responses: `false` turns it off, an object
   * sets its limits (`maxBytes`, default 64 MiB; `maxEntryBytes`, default 8 MiB; `maxEntries`,
   * default one per KiB of `maxBytes`; see `ProxyCacheLimits`). On by
   * default: repeat requests for a version's files are answered without contacting the
   * upstream. See {@link createProxyHandler} for what is stored.
   */
  cache?: ProxyCacheOption;
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
/** `Cache-Control` of a personal response (see `responseHeaders`) that came without one. */
const PERSONAL = 'private, no-cache';
const ALLOW = 'GET, HEAD';
/** Bytes of a response waiting for a slow client before the upstream is paused (see `onData`). */
const RESPONSE_BUFFER = 256 * 1024;

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
 * - `400` for malicious paths (NUL, `..`, `%2e%2e`, `..;`, `.;x`, `%2F`, backslashes, `//`, absolute URLs),
 *   `404` for an unknown name or version or an empty file path, `405` for other methods,
 *   `502 remote "<name>" is unreachable`, `504 remote "<name>" timed out`.
 * - `http:` upstreams are fetched with the pooled, strict HTTP/1.1 client of `upstream.ts`
 *   (`502 remote "<name>" sent an invalid response for <path>: <why>` for a malformed answer),
 *   others with `node:https`. At most `RESPONSE_BUFFER` (256 KB) of a response waits for a slow
 *   client before the upstream is paused.
 * - A client that goes away aborts the upstream request. Nothing rejects or throws out of it.
 * - Other paths: `next()` as middleware, else `404`.
 *
 * **Cache** (unless `cache: false`): a `GET` of a versioned route without `Range`/`If-Range`,
 * carrying none of the `passthroughHeaders`, is read from upstream into memory at the
 * upstream's pace while it streams to its client at the client's, and is kept when the upstream
 * answered `200` without `Set-Cookie`, with no `no-store`, `private` or `no-cache`, a
 * positive `s-maxage` or `max-age` (a year for the immutable `Cache-Control` added above),
 * `Vary` absent or only `Accept-Encoding` (then the request's `Accept-Encoding` is part of the
 * key), and a complete body of at most `maxEntryBytes`. Until it expires, the same URL is
 * answered from memory with the same headers plus `Age` (so `Age` marks a hit): `HEAD` gets
 * the headers, a matching `If-None-Match` (or `If-Modified-Since`) a `304`. Concurrent misses
 * of one URL share one upstream fetch; the others wait for it (at most `timeout`) and fetch
 * on their own if it was not stored. Least recently used entries go first when `maxBytes` is
 * reached. Keys are the checked target URL, never the Host header. The request's own
 * `Cache-Control` is ignored, as by nginx's `proxy_cache`.
 *
 * @throws TypeError at creation for a missing `remotes`, a bad `timeout` or a bad `cache`.
 */
export function createProxyHandler(opts: ProxyHandlerOptions): Middleware {
  const { remotes, timeout = 10_000, passthroughHeaders = [], forwardSetCookie = false } = opts ?? ({} as Partial<ProxyHandlerOptions>);
  if (typeof remotes !== 'object' || remotes === null || Array.isArray(remotes)) {
    throw new TypeError('createProxyHandler: "remotes" must be a manifest object (see loadRemotes())');
  }
  if (!Number.isFinite(timeout) || timeout <= 0) {
    throw new TypeError(`createProxyHandler: "timeout" must be a positive number of milliseconds, got ${String(timeout)}`);
  }
  const cache = createProxyCache(opts.cache, 'createProxyHandler');
  const forwarded = new Set([...SAFE_REQUEST_HEADERS, ...passthroughHeaders.map((h) => h.toLowerCase())]);
  const passthrough = new Set(passthroughHeaders.map((h) => h.toLowerCase()));
  /** Passthrough headers beyond the safe defaults: when one goes upstream, the answer is personal. */
  const extraHeaders = [...forwarded].filter((h) => !SAFE_REQUEST_HEADERS.includes(h));

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
    const headers = requestHeaders(req);
    if (cache && route.versioned && ProxyCache.eligible(req, headers)) fromCache(cache, req, res, target, name!, route, headers);
    else forward(req, res, target, name!, route, headers);
  };

  /** A hit is answered from memory; an unconditional GET that missed fetches and records, or waits for the fetch under way. */
  function fromCache(cache: ProxyCache, req: IncomingMessage, res: ServerResponse, target: URL, name: string, route: Route, headers: Record<string, string | string[]>): void {
    const url = target.href;
    const acceptEncoding = acceptEncodingOf(req);
    const hit = cache.lookup(url, acceptEncoding);
    if (hit) {
      cache.send(req, res, hit);
      return;
    }
    // HEAD and conditional requests are forwarded as they are: their answers have no body to keep.
    const conditional = req.headers['if-none-match'] !== undefined || req.headers['if-modified-since'] !== undefined;
    if (req.method !== 'GET' || conditional) {
      forward(req, res, target, name, route, headers);
      return;
    }
    const fill = cache.begin(url, acceptEncoding);
    if (fill) {
      forward(req, res, target, name, route, headers, fill);
      return;
    }
    const cancel = cache.wait(url, acceptEncoding, timeout, () => {
      res.off('close', cancel);
      try {
        const entry = cache.lookup(url, acceptEncoding);
        if (entry) cache.send(req, res, entry);
        else forward(req, res, target, name, route, headers);
      } catch (err) {
        // As createShellServer does for a failing handler: this runs outside the request's call.
        console.error('mfe-host/server: request failed:', err);
        sendError(res, 500, 'Internal Server Error');
      }
    });
    res.once('close', cancel);
  }

  /** Streams the upstream's answer; with a `fill`, records it for the cache on the way. */
  function forward(req: IncomingMessage, res: ServerResponse, target: URL, name: string, route: Route, headers: Record<string, string | string[]>, fill?: Fill): void {
    const method = req.method === 'HEAD' ? 'HEAD' : 'GET';
    let exchange: UpstreamExchange | undefined;
    /** The head was answered (or refused): from then on a failure can only cut the body. */
    let answered = false;
    /** The upstream's body ended as framed: nothing to abandon when the response closes. */
    let complete = false;
    /**
     * With a fill that accepted the head: the relay that records the body as fast as the
     * upstream sends it (the requests waiting for this fetch are not held by this client's
     * pace) and sends the recording to this client at its own.
     */
    let sink: Writable | undefined;
    /** Bytes the upstream had sent at the last stall check (see `onHead`). */
    let lastRead = 0;

    // One timer per exchange (a second one cost measurably under load): first the head must
    // arrive within `timeout`, connecting included; once it has, the same timer is re-armed to
    // check for stalls (see `onHead`).
    const headTimer = setTimeout(() => {
      if (answered) return stallCheck();
      answered = true;
      exchange?.destroy();
      fill?.abandon();
      sendError(res, 504, `remote "${name}" timed out`);
    }, timeout);
    const stallTimer = headTimer;
    const stallCheck = (): void => {
      const read = exchange!.bytesRead;
      if (res.writableNeedDrain || sink?.writableNeedDrain || read !== lastRead) {
        lastRead = read;
        stallTimer.refresh();
        return;
      }
      exchange!.destroy();
      fill?.abandon();
      // The head is out: sendError cuts the connection, so the client sees a truncated body.
      sendError(res, 502, `remote "${name}" stalled while streaming`);
    };

    /** Ends the exchange with a 502 before the head went out. */
    const refuse = (reason: string): void => {
      answered = true;
      clearTimeout(headTimer);
      exchange?.destroy();
      fill?.abandon();
      sendError(res, 502, reason);
    };

    const handlers: UpstreamHandlers = {
      onHead(status, upstreamHeaders) {
        if (answered) return;
        // A `101 Switching Protocols`: this proxy only fetches files, so it is refused at once
        // rather than left to time out.
        if (status === 101) return refuse(`remote "${name}" answered 101 Switching Protocols for ${pathnameOf(req)}: the proxy forwards files, not protocol upgrades`);
        let sent: Record<string, string | string[]>;
        try {
          sent = responseHeaders(upstreamHeaders, status, target, route, name, headers);
          res.writeHead(status, sent);
        } catch (err) {
          return refuse(err instanceof RedirectError ? err.message : `remote "${name}" sent an invalid response`);
        }
        answered = true;
        lastRead = exchange!.bytesRead;
        stallTimer.refresh();
        if (fill?.accept(status, upstreamHeaders, sent)) {
          sink = fill.relay(res);
          sink.on('drain', () => exchange?.resume());
        }
        // Once streaming, an upstream silent for `timeout` cuts the response (it is checked every
        // `timeout`, so the cut comes after one to two of them). Silence only counts while the
        // proxy is ready for more: while the client is still taking earlier bytes (the response
        // waits for 'drain', and the upstream is paused), the client's pace sets the speed, and a
        // slow but steady reader is never cut off. (Its progress cannot be counted in bytes:
        // socket buffers hide megabytes of it.)
      },
      onData(chunk) {
        if (sink) return sink.write(chunk);
        // Reading pauses once the response holds RESPONSE_BUFFER bytes the client has not taken
        // yet, not at the stream's 16 KB mark, which every 64 KB read passes: stopping and
        // restarting the upstream socket for each chunk of every response cost more than a
        // tenth of the proxy's CPU time. Memory per slow client stays bounded by that plus one read.
        return res.write(chunk) || res.writableLength < RESPONSE_BUFFER;
      },
      onEnd() {
        complete = true;
        clearTimeout(stallTimer);
        if (sink) {
          fill!.end(true);
          sink.end(); // ends `res` after the last byte this client has still to get
        } else res.end();
      },
      onError(err) {
        clearTimeout(headTimer);
        clearTimeout(stallTimer);
        fill?.abandon();
        // Aborted on the client's behalf, or already answered with 504: nobody left to tell.
        if (res.destroyed || res.writableEnded) return;
        // Before the head: unreachable; after it, sendError cuts the connection (a truncated body).
        if (!answered) {
          answered = true;
          sendError(res, 502, err instanceof UpstreamProtocolError ? `remote "${name}" sent an invalid response for ${pathnameOf(req)}: ${err.message}` : `remote "${name}" is unreachable`);
        } else sendError(res, 502, `remote "${name}" failed while streaming`);
      },
    };

    // The client went away (or the response ended): nothing upstream is needed any more.
    res.once('close', () => {
      clearTimeout(headTimer);
      clearTimeout(stallTimer);
      // Every way a response ends passes here: the waiters for this fetch are never stranded.
      fill?.abandon();
      if (!complete) exchange?.destroy();
    });
    res.on('drain', () => {
      if (!sink) exchange?.resume();
    });

    try {
      exchange = target.protocol === 'http:' ? requestUpstream(target, method, headers, handlers) : nodeUpstream(target, method, headers, handlers);
    } catch {
      clearTimeout(headTimer);
      fill?.abandon();
      sendError(res, 502, `remote "${name}" is unreachable`);
    }
  }

  /** Only the allowed request headers, and never one the client's `Connection` marks hop-by-hop. */
  function requestHeaders(req: IncomingMessage): Record<string, string | string[]> {
    const connection = req.headers.connection;
    const hopByHop = connection === undefined ? undefined : new Set(connection.split(',').map((h) => h.trim().toLowerCase()));
    const out: Record<string, string | string[]> = {};
    for (const name of forwarded) {
      const value = req.headers[name];
      if (value === undefined || (hopByHop?.has(name) && !passthrough.has(name))) continue;
      // `host` is not in any list we build: the upstream's is set from the target URL.
      if (name === 'host') continue;
      out[name] = value;
    }
    return out;
  }

  /**
   * The headers sent on: the allowed ones, `Set-Cookie` with `forwardSetCookie`, `Location` of a
   * redirect rewritten into the route's same-origin folder, and the `Cache-Control` policy.
   *
   * A response is *personal* when a passthrough header went upstream with the request
   * (`Authorization`, `Cookie`, `X-Api-Key`, anything beyond the safe defaults: the answer may
   * depend on who asked) or when it carries `Set-Cookie` (a session). A personal response is
   * never `public` or `immutable`, whatever the upstream said, since a CDN or proxy in front
   * would hand one user's answer to the next: `public`, `immutable`, `s-maxage` and
   * `proxy-revalidate` are removed and `private` is put first; with no `Cache-Control` from
   * upstream it gets `private, no-cache` (the browser may keep it but asks the remote, with the
   * credentials, before each reuse: a logout or a revoked key takes effect at once).
   *
   * @throws RedirectError for a `Location` outside the route's folder.
   */
  function responseHeaders(h: IncomingHttpHeaders, status: number, target: URL, route: Route, name: string, forwardedHeaders: Record<string, string | string[]>): Record<string, string | string[]> {
    const out: Record<string, string | string[]> = {};
    for (const header of RESPONSE_HEADERS) {
      const value = h[header];
      if (value !== undefined) out[header] = value;
    }
    let personal = false;
    for (const header of extraHeaders) if (forwardedHeaders[header] !== undefined) personal = true;
    if (forwardSetCookie && h['set-cookie'] !== undefined) {
      out['set-cookie'] = h['set-cookie'];
      personal = true;
    }
    if (status >= 300 && status < 400 && h.location !== undefined) out.location = sameOriginLocation(h.location, target, route, name);
    const cacheControl = out['cache-control'];
    if (personal) out['cache-control'] = cacheControl === undefined ? PERSONAL : privateCacheControl(String(cacheControl));
    else if (cacheControl === undefined && route.versioned && (status === 200 || status === 206 || status === 304)) out['cache-control'] = IMMUTABLE;
    return out;
  }
}

/**
 * The same exchange over `node:https` (or any scheme but `http:`), for upstreams the pooled
 * HTTP/1.1 client of `upstream.ts` does not speak to.
 */
function nodeUpstream(target: URL, method: 'GET' | 'HEAD', headers: Record<string, string | string[]>, h: UpstreamHandlers): UpstreamExchange {
  const upstream = httpsRequest(target, { method, headers });
  let response: IncomingMessage | undefined;
  let done = false;
  const settle = (fn: () => void): void => {
    if (done) return;
    done = true;
    fn();
  };
  upstream.on('error', (err) => settle(() => h.onError(err)));
  upstream.on('upgrade', (upgradeRes: IncomingMessage, socket: Socket) => {
    socket.destroy();
    settle(() => h.onHead(101, upgradeRes.headers));
  });
  upstream.on('response', (r) => {
    response = r;
    if (done) return;
    h.onHead(r.statusCode ?? 502, r.headers);
    if (done) return;
    r.on('data', (chunk: Buffer) => {
      if (!done && !h.onData(chunk)) r.pause();
    });
    r.once('end', () => settle(() => (r.complete ? h.onEnd() : h.onError(new Error('response cut short')))));
    r.once('error', (err) => settle(() => h.onError(err)));
  });
  upstream.end();
  return {
    get bytesRead() {
      return upstream.socket?.bytesRead ?? 0;
    },
    pause: () => response?.pause(),
    resume: () => response?.resume(),
    destroy: () => {
      done = true;
      upstream.destroy();
    },
  };
}

/** A redirect the proxy will not pass on (it leaves the route's folder). */
class RedirectError extends Error {}

/**
 * An upstream redirect's `Location`, resolved against the URL that was fetched, as the same-origin
 * `/mfe/<name>/<version>/<file>` URL when it lies inside the route's upstream folder (same
 * origin, path below the folder): the browser then fetches it through the proxy again, with all
 * its checks. Anywhere else (another host, a parent folder, another remote's folder, an
 * unparsable value) is refused: following it would leave what the configuration allows.
 *
 * @throws RedirectError naming the remote and the URL.
 */
function sameOriginLocation(location: string, target: URL, route: Route, name: string): string {
  let resolved: URL;
  try {
    resolved = new URL(location, target);
  } catch {
    throw new RedirectError(`remote "${name}" redirected to an invalid URL ${JSON.stringify(location)}`);
  }
  if (resolved.origin !== route.folder.origin || !resolved.pathname.startsWith(route.folder.pathname)) {
    throw new RedirectError(`remote "${name}" redirected outside its folder ${route.folder.href} to ${resolved.href}`);
  }
  return mfeUrl(name, route.segment, resolved.pathname.slice(route.folder.pathname.length)) + resolved.search + resolved.hash;
}

/** Directives a personal response must not keep: they let shared caches store or keep it. */
const SHARED_DIRECTIVES = new Set(['public', 'immutable', 's-maxage', 'proxy-revalidate', 'private']);

/** An upstream `Cache-Control` made safe for a personal response: `private` first, shared-cache permissions gone. */
function privateCacheControl(value: string): string {
  let out = 'private';
  for (const directive of value.split(',')) {
    const d = directive.trim();
    if (d === '') continue;
    const eq = d.indexOf('=');
    if (SHARED_DIRECTIVES.has((eq === -1 ? d : d.slice(0, eq)).trim().toLowerCase())) continue;
    out += `, ${d}`;
  }
  return out;
}
