/// <reference types="node" preserve="true" />
/**
 * The shell host (api.md §5): the manifest, the `/mfe/…` files (proxied remotes or local MFEs)
 * and the shell's own static folder, as one handler and as a ready `http.Server`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createHealthHandler, HEALTHZ_PATH, type HealthHandlerOptions, READYZ_PATH, type Readiness } from './health.js';
import { type Middleware, type NextFunction, pathnameOf, sendError } from './http.js';
import { type LiveConfig, createLiveStatusHandler } from './live-config.js';
import { createManifestHandler, manifestEtag } from './manifest.js';
import { encodeSegment, splitSafePath } from './path.js';
import { createProxyHandler } from './proxy.js';
import type { ProxyCacheOption } from './proxy-cache.js';
import type { Manifest, RemoteEntry } from './remotes.js';
import { MFE_PREFIX, mfeUrl, rewriteManifest } from './routes.js';
import { createStaticHandler } from './static.js';

/** A local MFE (indie mode): files of `dir`, entry module `entry` relative to it. */
export interface ShellLocalMfe {
  /** Version segment of its URLs, `/mfe/<name>/<version>/…`. */
  version: string;
  /** The folder served under `/mfe/<name>/<version>/`. */
  dir: string;
  /** Path of the entry module relative to `dir`, e.g. `mfe.js` or `./dist/mfe.js`. */
  entry: string;
}

/** Options of {@link createShellHandler}. */
export interface ShellHandlerOptions {
  /** Configured remotes (normally `loadRemotes()`). */
  remotes: Manifest;
  /** Rewrite remote entries to same-origin `/mfe/…` URLs and proxy them. Default false. */
  proxy?: boolean;
  /** `max-age` of `/mfe-manifest.json` in seconds. Default 60. */
  maxAge?: number;
  /** Proxy timeout in ms, see `createProxyHandler`. Default 10000. */
  timeout?: number;
  /** Request headers the proxy forwards besides the safe defaults. */
  passthroughHeaders?: string[];
  /** Forward the remotes' `Set-Cookie`. Default false. */
  forwardSetCookie?: boolean;
  /**
   * The proxy's in-memory cache of versioned files (`cache` of `createProxyHandler`): `false`
   * turns it off, `{ maxBytes, maxEntryBytes, maxEntries }` sets its limits, a cache from
   * `createProxyCache()` is shared (give the handlers of a live configuration one cache, so a
   * swap keeps the hot files). Default on (64 MiB, 8 MiB).
   */
  proxyCache?: ProxyCacheOption;
  /** A folder served at `/` after everything else (the shell page and its assets). */
  static?: string;
  /** Local MFEs by name (indie mode). A remote of the same name overrides a local one. */
  local?: Record<string, ShellLocalMfe>;
  /**
   * `GET /healthz` and `GET /readyz` (see `createHealthHandler`), answered before anything
   * else so no static file can shadow them: `true` or options (`ready`: a readiness
   * callback) turn them on, `false` off. Default off for the handler (an app mounting it
   * may have its own probes), on for {@link createShellServer}.
   */
  health?: boolean | HealthHandlerOptions;
}

/** Whether `env[name]` says `value` (`true`/`false`, in any case, spaces around ignored). Also read by the CLI. */
export const envIs = (env: NodeJS.ProcessEnv, name: string, value: 'true' | 'false'): boolean =>
  String(env[name] ?? '').trim().toLowerCase() === value;

/**
 * Statuses for the parser's and the server's own errors (`clientError`); anything else is `400`.
 * `HPE_HEADER_OVERFLOW`: the head is over `maxHeaderSize` (16 KiB by default);
 * `ERR_HTTP_REQUEST_TIMEOUT`: the head (or the whole request) took longer than
 * `headersTimeout` / `requestTimeout`.
 */
const CLIENT_ERRORS: ReadonlyMap<string | undefined, string> = new Map([
  ['HPE_HEADER_OVERFLOW', '431 Request Header Fields Too Large'],
  ['ERR_HTTP_REQUEST_TIMEOUT', '408 Request Timeout'],
]);

/** Options of {@link createShellServer}. */
export interface ShellServerOptions extends ShellHandlerOptions {
  /**
   * Where `MFE_PROXY_ENABLED` is read when `proxy` is not given, and `MFE_PROXY_CACHE` when
   * `proxyCache` is not (`false` turns the cache off). Default `process.env`.
   */
  env?: NodeJS.ProcessEnv;
}

/** Options of {@link createShellServer} for a configuration that can change while it runs. */
export interface LiveShellServerOptions {
  /**
   * The handler in service and its status (a {@link LiveConfig} of `createShellHandler`s):
   * each request takes `config.current` once, at its start, and finishes on it whatever
   * replaces it meanwhile. `GET /mfe-status.json` answers `config.status()`.
   */
  config: Pick<LiveConfig<Middleware>, 'current' | 'status'>;
  /**
   * `GET /healthz` and `GET /readyz`, as in {@link ShellServerOptions}: on by default; `/readyz`
   * also answers `503` while `config.status().ok` is false (closed) or the server is not listening.
   */
  health?: boolean | HealthHandlerOptions;
}

/** A shell handler, with the manifest it serves (for versions and logs). */
export type ShellHandler = Middleware & {
  /** The manifest served at `/mfe-manifest.json` (rewritten when `proxy`, local MFEs added). */
  readonly manifest: Manifest;
  /** Its `ETag`. */
  readonly manifestEtag: string;
};

/**
 * Creates the shell's handler, a chain of:
 *
 * 0. with `health`, `GET /healthz` and `GET /readyz` (`Cache-Control: no-store`).
 * 1. `GET /mfe-manifest.json`: the remotes (rewritten to `/mfe/<name>/<version>/<file>` when
 *    `proxy` is true, see `rewriteManifest`) plus local MFEs not overridden by a remote, as
 *    `{ entry: "/mfe/<name>/<version>/<entry>", version }`; ETag, `304`, `max-age=<maxAge>`.
 * 2. `/mfe/<name>/…`: a remote's files through the proxy when `proxy` is true (else `404`: the
 *    browser loads remotes from their own origin), or a local MFE's files from its `dir`
 *    (`Cache-Control: immutable`, since the version is in the URL); `400` for malicious paths.
 * 3. the `static` folder, if given (`max-age=0`, weak ETags, `index.html` for directories).
 * 4. `next()` as middleware, else `404`.
 *
 * @throws TypeError at creation for bad options (see the handlers it is made of).
 */
export function createShellHandler(opts: ShellHandlerOptions): ShellHandler {
  const { remotes, proxy = false, local = {}, static: staticRoot } = opts ?? ({} as Partial<ShellHandlerOptions>);
  if (typeof remotes !== 'object' || remotes === null || Array.isArray(remotes)) {
    throw new TypeError('createShellHandler: "remotes" must be a manifest object (see loadRemotes())');
  }

  const served: Record<string, RemoteEntry> = Object.create(null);
  const localHandlers = new Map<string, Middleware>();
  for (const name of Object.keys(local)) {
    if (Object.hasOwn(remotes, name)) continue; // configured remotes win over local packages
    const { version, dir, entry } = local[name]!;
    const file = entry.replace(/^(\.?\/)+/, '').split('/').map(encodeSegment).join('/');
    served[name] = { entry: mfeUrl(name, version, file), version };
    localHandlers.set(name, createStaticHandler({ root: dir, prefix: mfeUrl(name, version, ''), immutable: true }));
  }
  Object.assign(served, proxy ? rewriteManifest(remotes) : remotes);

  const manifest = createManifestHandler({ remotes: served, ...(opts.maxAge !== undefined && { maxAge: opts.maxAge }) });
  const proxyHandler = proxy
    ? createProxyHandler({
        remotes,
        ...(opts.timeout !== undefined && { timeout: opts.timeout }),
        ...(opts.passthroughHeaders !== undefined && { passthroughHeaders: opts.passthroughHeaders }),
        ...(opts.forwardSetCookie !== undefined && { forwardSetCookie: opts.forwardSetCookie }),
        ...(opts.proxyCache !== undefined && { cache: opts.proxyCache }),
      })
    : undefined;
  const staticHandler = staticRoot === undefined ? undefined : createStaticHandler({ root: staticRoot });
  const health = opts.health ? createHealthHandler(opts.health === true ? {} : opts.health) : undefined;

  function mfeFiles(req: IncomingMessage, res: ServerResponse, pathname: string): void {
    const rest = pathname.slice(MFE_PREFIX.length);
    // The common case first: a proxied remote's name as written (names are plain URL-segment
    // characters, checked at load), whose handler checks the whole path itself. Splitting it
    // here too was a second full path check on every proxied request.
    const slash = rest.indexOf('/');
    if (proxyHandler && slash > 0 && Object.hasOwn(remotes, rest.slice(0, slash))) {
      proxyHandler(req, res, () => sendError(res, 404, 'Not Found'));
      return;
    }
    const path = splitSafePath(rest, true);
    if (!path.ok) {
      sendError(res, 400, `Bad Request: ${path.reason}`);
      return;
    }
    const name = path.decoded[0]!;
    const notFound = (): void => sendError(res, 404, 'Not Found');
    if (Object.hasOwn(remotes, name)) {
      if (proxyHandler) proxyHandler(req, res, notFound);
      else notFound();
      return;
    }
    const localHandler = localHandlers.get(name);
    if (localHandler) localHandler(req, res, notFound);
    else notFound();
  }

  const mfeShell = function mfeShell(req: IncomingMessage, res: ServerResponse, next?: NextFunction): void {
    const end = (err?: unknown): void => {
      if (next) next(err);
      else if (err) sendError(res, 500, 'Internal Server Error');
      else sendError(res, 404, 'Not Found');
    };
    try {
      const pathname = pathnameOf(req);
      if (pathname.startsWith(MFE_PREFIX)) mfeFiles(req, res, pathname);
      else if (health && (pathname === HEALTHZ_PATH || pathname === READYZ_PATH)) health(req, res, end);
      else manifest(req, res, staticHandler ? (err) => (err ? end(err) : staticHandler(req, res, end)) : end);
    } catch (err) {
      end(err);
    }
  };
  return Object.assign(mfeShell, { manifest: Object.freeze(served) as Manifest, manifestEtag: manifestEtag(served) });
}

/**
 * Creates (does not start) an `http.Server` running {@link createShellHandler}. `proxy`
 * defaults to `MFE_PROXY_ENABLED === 'true'` in `env`, `proxyCache` to `false` when
 * `MFE_PROXY_CACHE === 'false'` (else the cache is on). `/healthz` and `/readyz` are on unless
 * `health: false`; `/readyz` also answers `503` while the server is not listening (before
 * `listen()`, after `close()`). Malformed requests get a `400` and a closed connection (`431`
 * for request headers over `maxHeaderSize`, `408` when they take longer than `headersTimeout`);
 * a failing handler a `500`: nothing a client sends can crash the process.
 *
 * With `{ config }` (a {@link LiveConfig} of handlers, see `startLiveConfig`), each request is
 * answered by the handler in service when it arrived, and `GET /mfe-status.json` tells what
 * is in service and what was refused (README "Live reconfiguration").
 *
 * ```js
 * createShellServer({ remotes: loadRemotes(), static: 'public' }).listen(8080);
 * ```
 */
export function createShellServer(opts: ShellServerOptions | LiveShellServerOptions): Server {
  let current: () => Middleware;
  let status: Middleware | undefined;
  let configReady: () => Readiness = () => true;
  if ('config' in opts) {
    const { config } = opts;
    current = () => config.current;
    status = createLiveStatusHandler(config);
    // A refused reload keeps the last good configuration in service (ok stays true): a bad
    // ConfigMap edit must not take every replica out of its Service at once.
    configReady = () => (config.status().ok ? true : 'no valid configuration in service');
  } else {
    const env = opts.env ?? process.env;
    const proxy = opts.proxy ?? envIs(env, 'MFE_PROXY_ENABLED', 'true');
    const cacheOff = envIs(env, 'MFE_PROXY_CACHE', 'false');
    const handler = createShellHandler({ ...opts, proxy, health: false, ...(opts.proxyCache === undefined && cacheOff && { proxyCache: false }) });
    current = () => handler;
  }
  // Probes at the server, not in the handler: they outlive every configuration swap.
  const { health = true } = opts;
  const own = health === true || health === false ? {} : health;
  const probes =
    health === false
      ? undefined
      : createHealthHandler({
          server: { get listening() { return server.listening; } },
          ready: () => {
            const r = configReady();
            return r === true && own.ready ? own.ready() : r;
          },
        });
  const server: Server = createServer((req, res) => {
    try {
      // The snapshot: this request keeps this handler (its routes, its manifest) to the end.
      const handler = current();
      const app = status ? () => status!(req, res, () => handler(req, res)) : () => handler(req, res);
      if (probes) probes(req, res, app);
      else app();
    } catch (err) {
      console.error('mfe-host/server: request failed:', err);
      sendError(res, 500, 'Internal Server Error');
    }
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    // A reset, or a socket nobody can answer any more: close it and carry on.
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    // Say what went wrong where HTTP has a status for it (as Node's default handler does), so
    // a client or a load balancer can tell "too big" and "too slow" from a malformed request.
    const status = CLIENT_ERRORS.get(err.code) ?? '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  });
  return server;
}
