/// <reference types="node" preserve="true" />
/**
 * `mfe-host/server`: the shell host for Node ≥ 20 (api.md §5).
 *
 * ```js
 * import { createServer } from 'node:http';
 * import { loadRemotes, createManifestHandler } from 'mfe-host/server';
 *
 * const manifest = createManifestHandler({ remotes: loadRemotes() }); // MFE_REMOTES(_FILE)
 * createServer(manifest).listen(8080);   // or app.use(manifest) in Connect/Express
 * ```
 *
 * Nothing here imports the browser runtime.
 */

/**
 * Loads and validates remotes from `MFE_REMOTES_FILE`, `MFE_REMOTES` and code.
 * @see {@link loadRemotes} in `./remotes.ts` for sources, precedence and errors.
 */
export { loadRemotes } from './remotes.js';

/**
 * Manifest types: {@link Manifest} (name → entry, frozen), {@link RemoteEntry} (one remote),
 * {@link RemoteCanary}, {@link RemoteFormat}, {@link RemoteShared}, and the options of {@link loadRemotes}.
 */
export type { LoadRemotesOptions, Manifest, RemoteCanary, RemoteEntry, RemoteFormat, RemoteShared } from './remotes.js';

/**
 * Fetches remotes' `mfe.json` files (from `mfe-host/rollup`) or other manifests, URLs made
 * absolute, for `loadRemotes({ remotes })`.
 */
export { fetchManifests, absoluteEntry, createManifestFetcher, mergeManifests } from './fragments.js';

/** Options of {@link fetchManifests}; a refetching {@link createManifestFetcher}, its documents and failures. */
export type { FetchManifestsOptions, FetchedManifest, ManifestFailure, ManifestFetcher } from './fragments.js';

/**
 * Live reconfiguration: a holder of the configuration in service, swapped whole when a new one
 * is valid (file watch, interval, `reload()`), its status, and `GET /mfe-status.json`.
 */
export { startLiveConfig, createLiveStatusHandler, problemsOf, LiveConfigError, STATUS_PATH } from './live-config.js';

/** Types of the live configuration. */
export type { LiveConfig, LiveConfigOptions, LiveConfigStatus, LiveLoaded, LiveProblem, LiveTrigger } from './live-config.js';

/**
 * Serves the manifest at `GET /mfe-manifest.json` with ETag revalidation; a `node:http`
 * handler and Connect-style middleware.
 */
export { createManifestHandler, manifestEtag } from './manifest.js';

/** Options of {@link createManifestHandler}. */
export type { ManifestHandlerOptions } from './manifest.js';

/** The handler shape shared by every `mfe-host/server` handler, and its `next`. */
export type { Middleware, NextFunction } from './http.js';

/**
 * Indie mode: finds local MFEs in `node_modules` and npm workspaces (`package.json` `"mfe"`
 * field), for the shell host's `local` option.
 */
export { discoverLocalMfes } from './indie.js';

/** One MFE found by {@link discoverLocalMfes}. */
export type { LocalMfe } from './indie.js';

/**
 * Serves a folder from disk: streaming, ETag/Last-Modified/304, single ranges, CORS and
 * immutable caching on request, traversal-safe (symlinks included).
 */
export { createStaticHandler } from './static.js';

/** Options of {@link createStaticHandler}. */
export type { StaticHandlerOptions } from './static.js';

/**
 * Streams `/mfe/<name>/<version>/<path>` from a configured remote's folder: no open proxy,
 * safe headers only, 502/504 naming the remote.
 */
export { createProxyHandler } from './proxy.js';

/** Options of {@link createProxyHandler}. */
export type { ProxyHandlerOptions } from './proxy.js';

/** The proxy's `cache` option (`false`, or its size limits). */
export type { ProxyCache, ProxyCacheLimits, ProxyCacheOption } from './proxy-cache.js';
export { createProxyCache } from './proxy-cache.js';

/**
 * The shell host: manifest, `/mfe/…` (proxy or local MFEs) and a static folder, as one handler
 * ({@link createShellHandler}) or a not-yet-listening `http.Server` ({@link createShellServer}).
 */
export { createShellHandler, createShellServer } from './shell.js';

/** Options of {@link createShellHandler} and {@link createShellServer}; a local MFE (indie mode). */
export type { LiveShellServerOptions, ShellHandler, ShellHandlerOptions, ShellLocalMfe, ShellServerOptions } from './shell.js';

/**
 * Rewrites a manifest to the same-origin `/mfe/<name>/<version>/<file>` URLs the proxy serves
 * (what `/mfe-manifest.json` shows with `MFE_PROXY_ENABLED=true`).
 */
export { rewriteManifest } from './routes.js';

/** Koa-style middleware (`@web/dev-server`) from any handler here. */
export { koaAdapter } from './koa.js';

/** The context shape {@link koaAdapter} needs. */
export type { KoaLikeContext } from './koa.js';

/**
 * `GET /healthz` (alive) and `GET /readyz` (ready for traffic, from a callback) for Kubernetes
 * probes and load balancers; on by default in {@link createShellServer}.
 */
export { createHealthHandler } from './health.js';

/** Options of {@link createHealthHandler}; what a readiness callback returns. */
export type { HealthHandlerOptions, Readiness } from './health.js';

/**
 * Graceful drain of a server on shutdown: not ready first, then no new connections and
 * `Connection: close`, in-flight requests finished within a deadline (what `mfe-host serve`
 * does on SIGTERM).
 */
export { createDrainer } from './drain.js';

/** Options and results of {@link createDrainer}. */
export type { DrainOptions, DrainResult, Drainer } from './drain.js';
