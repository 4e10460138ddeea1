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
 * {@link RemoteCanary}, {@link RemoteFormat}, and the options of {@link loadRemotes}.
 */
export type { LoadRemotesOptions, Manifest, RemoteCanary, RemoteEntry, RemoteFormat } from './remotes.js';

/**
 * Serves the manifest at `GET /mfe-manifest.json` with ETag revalidation; a `node:http`
 * handler and Connect-style middleware.
 */
export { createManifestHandler } from './manifest.js';

/** Options of {@link createManifestHandler}. */
export type { ManifestHandlerOptions } from './manifest.js';

/** The handler shape shared by every `mfe-host/server` handler, and its `next`. */
export type { Middleware, NextFunction } from './http.js';
