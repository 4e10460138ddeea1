/// <reference types="node" preserve="true" />
/**
 * `mfe-host/dev-server`: a `@web/dev-server` plugin for developing a shell or an MFE against
 * deployed remotes (README "Build and ship an MFE").
 *
 * ```js
 * // web-dev-server.config.mjs
 * import { mfeDevServer } from 'mfe-host/dev-server';
 * export default {
 *   plugins: [mfeDevServer({
 *     remotes: { inventory: 'https://cdn.example.com/mfe/inventory/1.4.0/mfe.json' },
 *     overrides: { billing: '/src/mfe.js' },
 *   })],
 * };
 * ```
 *
 * It serves the merged manifest at `/mfe-manifest.json`, built from `manifest` documents, then
 * `remotes` (a remote's `mfe.json` URL, an entry URL or an entry object), then `overrides`
 * (and the `MFE_OVERRIDES` variable); and with `proxy` (the default) it rewrites the remotes'
 * URLs to `/mfe/<name>/<version>/…` on the dev server and streams them from their folders
 * through `mfe-host/server`'s proxy, so the page sees one origin.
 */
import type { EventEmitter } from 'node:events';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import {
  absoluteEntry,
  createManifestHandler,
  createProxyHandler,
  koaAdapter,
  loadRemotes,
  rewriteManifest,
  type Manifest,
  type Middleware,
  type NextFunction,
  type RemoteEntry,
} from 'mfe-host/server';

/** Options of {@link mfeDevServer}. Every one is optional. */
export interface MfeDevServerOptions {
  /** URL path of the merged manifest. Default `/mfe-manifest.json`. */
  path?: string;
  /**
   * http(s) URL(s) of whole manifests (a deployed shell's `/mfe-manifest.json`, a remote's
   * `mfe.json`) merged first, in order. Relative URLs inside resolve against the document's URL.
   */
  manifest?: string | readonly string[];
  /**
   * Remotes by name, winning over `manifest`: the http(s) URL of the remote's `mfe.json` (a URL
   * whose path ends in `.json`; its entry of that name, or its only entry, is used), an entry
   * URL, or a manifest entry object with absolute URLs.
   */
  remotes?: Readonly<Record<string, string | MfeDevRemoteEntry>>;
  /**
   * Local builds that replace a remote (or add one) by name: an http(s) URL, or a path on this
   * dev server such as `/src/mfe.js`. As in the browser's overrides, `version`, `integrity`,
   * `canary` and `disabled` of the replaced entry are dropped. Overrides are never proxied: an
   * override on another origin needs CORS there (`mfeDevServer({ cors: true })` on that server).
   * The `MFE_OVERRIDES` variable (JSON, same shape) wins over this.
   */
  overrides?: Readonly<Record<string, string>>;
  /** Rewrite the remotes to `/mfe/<name>/<version>/…` on this server and proxy them. Default true. */
  proxy?: boolean;
  /**
   * Add `Access-Control-Allow-Origin: *` and `Cross-Origin-Resource-Policy: cross-origin` to
   * every answer of this dev server, for an MFE's dev server that a shell on another origin
   * overrides to. Default false.
   */
  cors?: boolean;
  /** Milliseconds allowed for fetching a manifest or `mfe.json`, and for the proxy's upstream. Default 10000. */
  timeout?: number;
  /**
   * Milliseconds a fetched manifest or `mfe.json` is reused; after that, the next request for
   * the manifest fetches it again (a redeployed remote shows on reload). Default 1000; 0 fetches
   * at every manifest request.
   */
  refresh?: number;
  /** Where `MFE_OVERRIDES` is read. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/** A manifest entry as the dev server accepts it: the server's fields plus `shared` and `expose`, passed through. */
export interface MfeDevRemoteEntry extends RemoteEntry {
  readonly shared?: Readonly<Record<string, MfeDevSharedNeed>>;
  readonly expose?: string;
}

/** One need in a manifest entry's `shared` (passed to the browser as given). */
export interface MfeDevSharedNeed {
  readonly requiredVersion: string;
  readonly singleton?: boolean;
  readonly strictVersion?: boolean;
  readonly fallback?: string;
}

/** The part of the dev server's logger the plugin uses. */
interface Logger {
  warn(...messages: unknown[]): void;
  log(...messages: unknown[]): void;
}

/** What `serverStart` receives from `@web/dev-server`, as far as the plugin uses it. */
export interface MfeDevServerStartParams {
  /** The dev server's Koa app. */
  app: { middleware: unknown[]; callback(): RequestListener };
  /** The dev server's HTTP server (none in middleware mode). */
  server?: EventEmitter;
  logger?: Logger;
}

/** The `@web/dev-server` plugin returned by {@link mfeDevServer}. */
export interface MfeDevServerPlugin {
  name: 'mfe-host';
  /** Puts the plugin's middleware first in the dev server's Koa stack and loads the remotes. */
  serverStart(params: MfeDevServerStartParams): Promise<void>;
  /** A copy of the merged manifest as the page gets it (documents fetched first, as for a request). */
  manifest(): Promise<Readonly<Record<string, MfeDevRemoteEntry>>>;
}

const MANIFEST_PATH = '/mfe-manifest.json';
const MFE_PREFIX = '/mfe/';
const UNSAFE = new Set(['__proto__', 'constructor', 'prototype']);

/** The live state: the served manifest, and the handlers built from it. */
interface Current {
  json: string;
  served: Record<string, MfeDevRemoteEntry>;
  proxied: Set<string>;
  manifest: Middleware;
  proxy?: Middleware;
}

/**
 * Creates the `@web/dev-server` plugin. Options are checked at once.
 *
 * @throws TypeError for a bad option (a remote that is not a URL or entry object, an override
 *   that is neither an http(s) URL nor a `/` path, a bad `path` or `timeout`), or `MFE_OVERRIDES`
 *   that is not a JSON object of strings.
 */
export function mfeDevServer(options: MfeDevServerOptions = {}): MfeDevServerPlugin {
  const path = options.path ?? MANIFEST_PATH;
  const proxy = options.proxy ?? true;
  const timeout = options.timeout ?? 10_000;
  const env = options.env ?? process.env;
  const refresh = options.refresh ?? 1000;
  if (!path.startsWith('/') || path.startsWith(MFE_PREFIX)) throw new TypeError(`mfeDevServer: "path" must start with "/" and be outside ${MFE_PREFIX}, got ${JSON.stringify(path)}`);
  if (!Number.isFinite(refresh) || refresh < 0) throw new TypeError(`mfeDevServer: "refresh" must be a number of milliseconds ≥ 0, got ${String(refresh)}`);
  if (!Number.isFinite(timeout) || timeout <= 0) throw new TypeError(`mfeDevServer: "timeout" must be a positive number of milliseconds, got ${String(timeout)}`);

  const manifests = (typeof options.manifest === 'string' ? [options.manifest] : [...(options.manifest ?? [])]).map((u, i) =>
    httpUrl(u, `"manifest"${typeof options.manifest === 'string' ? '' : `[${i}]`}`),
  );
  /** name → the mfe.json URL to take it from, or the entry itself. */
  const remotes: [string, URL | MfeDevRemoteEntry][] = [];
  for (const [name, value] of Object.entries(options.remotes ?? {})) {
    if (UNSAFE.has(name)) continue;
    if (typeof value === 'string') {
      const url = httpUrl(value, `remote "${name}"`);
      remotes.push([name, url.pathname.endsWith('.json') ? url : { entry: url.href }]);
    } else if (typeof value === 'object' && value !== null && !Array.isArray(value)) remotes.push([name, value]);
    else throw new TypeError(`mfeDevServer: remote "${name}" must be a URL string or an entry object, got ${typeof value}`);
  }
  const overrides = { ...checkOverrides(options.overrides ?? {}, '"overrides"'), ...envOverrides(env.MFE_OVERRIDES) };

  let logger: Logger = { warn: (...m) => console.warn(...m), log: (...m) => console.log(...m) };
  /** Fetched documents by URL: the last good JSON, when it was fetched, the last failure. */
  const docs = new Map<string, { json?: Record<string, unknown>; at: number; error?: string; p?: Promise<void> }>();
  let current: Current | undefined;
  /** Problems reported last time: each is logged once, when it appears. */
  let warned = new Set<string>();
  let building: Promise<Current> | undefined;

  /** Fetches a document (once at a time), keeping its last good copy when a refetch fails. */
  function fetchDoc(url: URL): Promise<void> {
    let doc = docs.get(url.href);
    if (!doc) docs.set(url.href, (doc = { at: 0 }));
    const d = doc;
    if (d.at > 0 && Date.now() - d.at < refresh) return Promise.resolve();
    return (d.p ??= (async () => {
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(timeout), headers: { accept: 'application/json' } });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        const json: unknown = JSON.parse(await res.text());
        if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error('not a JSON object of remotes (name → entry)');
        if (d.error) logger.log(`mfe-host: ${url.href} is back`);
        d.json = json as Record<string, unknown>;
        d.error = undefined;
      } catch (err) {
        const why = err instanceof Error ? (err.name === 'TimeoutError' ? `timed out after ${timeout} ms` : `${err.message}${err.cause instanceof Error ? ` (${err.cause.message})` : ''}`) : String(err);
        if (d.error !== why) logger.warn(`mfe-host: cannot load ${url.href}: ${why}${d.json ? ' (the last good copy is used)' : ''}`);
        d.error = why;
      } finally {
        d.at = Date.now();
        d.p = undefined;
      }
    })());
  }

  /** Merges the sources into the served manifest; rebuilds the handlers when it changed. */
  async function build(): Promise<Current> {
    await Promise.all([...manifests, ...remotes.flatMap(([, r]) => (r instanceof URL ? [r] : []))].map(fetchDoc));
    const raw: Record<string, Record<string, unknown>> = Object.create(null);
    /** Where each entry came from, for messages. */
    const from: Record<string, string> = Object.create(null);
    const problems: string[] = [];
    for (const url of manifests) {
      const json = docs.get(url.href)?.json;
      for (const [name, entry] of Object.entries(json ?? {})) {
        if (UNSAFE.has(name)) continue;
        const abs = absolute(entry, url);
        if (abs) [raw[name], from[name]] = [abs, url.href];
        else problems.push(`${url.href}: remote "${name}": must be an entry URL string or an object with "entry"`);
      }
    }
    for (const [name, r] of remotes) {
      if (!(r instanceof URL)) {
        [raw[name], from[name]] = [{ ...r }, 'the "remotes" option'];
        continue;
      }
      const json = docs.get(r.href)?.json;
      if (!json) continue; // never loaded: warned about by fetchDoc
      const keys = Object.keys(json).filter((k) => !UNSAFE.has(k));
      const key = Object.hasOwn(json, name) ? name : keys.length === 1 ? keys[0]! : undefined;
      const abs = key === undefined ? undefined : absolute(json[key], r);
      if (abs) [raw[name], from[name]] = [abs, r.href];
      else problems.push(`${r.href}: no entry ${JSON.stringify(name)} (it has ${keys.map((k) => JSON.stringify(k)).join(', ') || 'none'})`);
    }

    // The server's validation (absolute http(s) URLs, known fields), keeping what the browser
    // also understands (shared, expose); an invalid remote is left out and reported.
    const valid: Record<string, MfeDevRemoteEntry> = Object.create(null);
    for (const name of Object.keys(raw)) {
      let checked: Manifest;
      try {
        checked = loadRemotes({ env: {}, remotes: { [name]: raw[name] as unknown as RemoteEntry } });
      } catch (err) {
        problems.push((err as Error).message.replace('options.remotes', from[name]!));
        continue;
      }
      const { shared, expose } = raw[name]!;
      valid[name] = {
        ...checked[name]!,
        ...(typeof shared === 'object' && shared !== null && { shared: shared as Record<string, MfeDevSharedNeed> }),
        ...(typeof expose === 'string' && { expose }),
      };
    }

    const served: Record<string, MfeDevRemoteEntry> = Object.assign(Object.create(null), proxy ? rewriteManifest(valid) : valid);
    for (const [name, entry] of Object.entries(overrides)) {
      // As the browser's overrides do: the replaced build's version, integrity, canary and kill
      // switch go; its styles, fallback, format and shared stay (still proxied).
      const { version: _v, integrity: _i, canary: _c, disabled: _d, ...keep } = served[name] ?? ({} as Partial<MfeDevRemoteEntry>);
      served[name] = { ...keep, entry };
    }
    for (const p of problems) if (!warned.has(p)) logger.warn(`mfe-host: ${p}`);
    warned = new Set(problems);
    const json = JSON.stringify(served);
    if (current && current.json === json) return current;
    current = {
      json,
      served,
      proxied: new Set(proxy ? Object.keys(valid) : []),
      manifest: createManifestHandler({ remotes: served, maxAge: 0 }),
      ...(proxy && { proxy: createProxyHandler({ remotes: valid, timeout }) }),
    };
    return current;
  }

  /** The current state; rebuilt (documents refetched when stale) for manifest requests. */
  function state(refresh: boolean): Promise<Current> {
    if (current && !refresh) return Promise.resolve(current);
    return (building ??= build().finally(() => (building = undefined)));
  }

  const handle: Middleware = (req: IncomingMessage, res: ServerResponse, next?: NextFunction) => {
    const go = next ?? (() => {});
    if (options.cors) {
      res.setHeader('Access-Control-Allow-Origin', '*');
      res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    }
    const url = req.url ?? '/';
    const pathname = url.replace(/[?#].*$/, '');
    if (pathname === path) {
      state(true).then((s) => {
        // createManifestHandler answers at /mfe-manifest.json: show it the path it knows.
        req.url = MANIFEST_PATH + url.slice(pathname.length);
        s.manifest(req, res, go);
        req.url = url;
      }, go);
      return;
    }
    if (pathname.startsWith(MFE_PREFIX)) {
      const name = safeDecode(pathname.slice(MFE_PREFIX.length).split('/')[0]!);
      state(false).then((s) => {
        // Only configured, proxied remotes; other /mfe/ paths are the dev server's own files.
        if (name !== undefined && s.proxied.has(name) && s.proxy) s.proxy(req, res, go);
        else go();
      }, go);
      return;
    }
    go();
  };
  const koa = koaAdapter(handle);

  return {
    name: 'mfe-host',
    async serverStart({ app, server, logger: log }) {
      if (log) logger = log;
      // Koa composes its stack when the server is created, and plugins start later: put the
      // middleware first (before the dev server's transforms and file serving, which would
      // otherwise buffer, rewrite or shadow proxied files), then hand the server the new stack.
      app.middleware.unshift(koa);
      const listeners = server?.listeners('request') ?? [];
      if (server && listeners.length === 1) {
        server.removeListener('request', listeners[0] as RequestListener);
        server.on('request', app.callback());
      } else if (server) {
        logger.warn('mfe-host: unexpected dev server setup: the manifest and proxy are only served if the Koa app is recomposed');
      }
      const s = await state(true);
      const names = Object.keys(s.served);
      logger.log(`mfe-host: ${path} with ${names.length ? names.join(', ') : 'no remotes'}${Object.keys(overrides).length ? ` (overridden: ${Object.keys(overrides).join(', ')})` : ''}`);
    },
    async manifest() {
      return JSON.parse((await state(true)).json) as Record<string, MfeDevRemoteEntry>;
    },
  };
}

/** An http(s) URL from an option, or a TypeError naming the option. */
function httpUrl(value: string, what: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new TypeError(`mfeDevServer: ${what} must be an absolute http(s) URL, got ${JSON.stringify(value)}`);
  }
  return url;
}

function checkOverrides(value: unknown, source: string): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`mfeDevServer: ${source} must be an object of name → entry URL, got ${Array.isArray(value) ? 'an array' : typeof value}`);
  }
  const out: Record<string, string> = Object.create(null);
  for (const [name, url] of Object.entries(value as Record<string, unknown>)) {
    if (UNSAFE.has(name)) continue;
    const ok = typeof url === 'string' && (/^\/(?!\/)/.test(url) || /^https?:\/\/[^/]/i.test(url));
    if (!ok) throw new TypeError(`mfeDevServer: ${source}: "${name}" must be an http(s) URL or a path starting with "/", got ${JSON.stringify(url)}`);
    out[name] = url;
  }
  return out;
}

function envOverrides(text: string | undefined): Record<string, string> {
  if (text === undefined || text.trim() === '') return {};
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new TypeError(`mfeDevServer: MFE_OVERRIDES is not JSON: ${(err as Error).message}`);
  }
  return checkOverrides(json, 'MFE_OVERRIDES');
}

/** {@link absoluteEntry} as an entry object, or undefined when it is neither a URL string nor an object with `entry`. */
function absolute(entry: unknown, base: URL): Record<string, unknown> | undefined {
  const e = absoluteEntry(entry, base.href);
  if (typeof e === 'string') return { entry: e };
  const ok = typeof e === 'object' && e !== null && !Array.isArray(e) && (e as Record<string, unknown>).entry !== undefined;
  return ok ? (e as Record<string, unknown>) : undefined;
}

function safeDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
