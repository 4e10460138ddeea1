/**
 * The same-origin URL scheme `/mfe/<name>/<version>/<file>` (api.md §5), in one place: the
 * manifest rewrite produces these URLs and the proxy accepts exactly these, because both are
 * derived from the same route table. A route maps a version segment to the folder the
 * remote's files live in upstream; nothing outside a route's folder can ever be requested.
 */
import { encodeSegment } from './path.js';
import type { Manifest, RemoteEntry } from './remotes.js';

/** URL prefix of proxied and local MFE files. */
export const MFE_PREFIX = '/mfe/';

/** Version segment of an entry without `version`: its files are not known to be immutable. */
export const UNVERSIONED = '_';
/** Version segment of a canary without `version`. */
export const UNVERSIONED_CANARY = '_canary';
/** Version segment of a `fallback` that lives outside the entry's folder. */
export const FALLBACK = '_fallback';

/** One version segment of one remote. */
export interface Route {
  /** The decoded version segment, e.g. `1.2.0` or `_`. */
  readonly segment: string;
  /** The upstream folder (ends with `/`): the directory of the entry URL. */
  readonly folder: URL;
  /** True when the segment is a declared version, so its files may be cached as immutable. */
  readonly versioned: boolean;
}

/**
 * The routes of one remote, first match wins: the stable entry (segment = `version`, else `_`),
 * the canary (`canary.version`, else `_canary`; also `_canary` when its version equals the stable
 * one but its folder differs), and the fallback when it lives in another folder (`_fallback`).
 */
export function routesOf(entry: RemoteEntry): Route[] {
  const routes: Route[] = [];
  const add = (url: string, segment: string, versioned: boolean, alternative: string): void => {
    const folder = new URL('.', url);
    folder.search = '';
    folder.hash = '';
    if (routes.some((r) => r.folder.href === folder.href)) return; // same folder: same files
    if (routes.some((r) => r.segment === segment)) {
      segment = alternative;
      versioned = false;
    }
    if (!routes.some((r) => r.segment === segment)) routes.push({ segment, folder, versioned });
  };
  add(entry.entry, entry.version ?? UNVERSIONED, entry.version !== undefined, UNVERSIONED);
  if (entry.canary) {
    const v = entry.canary.version;
    add(entry.canary.entry, v ?? UNVERSIONED_CANARY, v !== undefined, UNVERSIONED_CANARY);
  }
  if (entry.fallback) add(entry.fallback, FALLBACK, false, FALLBACK);
  return routes;
}

/** The same-origin URL path of `file` (raw, already URL-encoded segments) under a route. */
export function mfeUrl(name: string, segment: string, file: string): string {
  return `${MFE_PREFIX}${encodeSegment(name)}/${encodeSegment(segment)}/${file}`;
}

/**
 * Rewrites every entry of `remotes` to same-origin `/mfe/<name>/<version>/<file>` URLs:
 * `entry`, `fallback`, `canary.entry`, and absolute `styles` that live in one of the remote's
 * folders. Relative styles stay relative (they resolve against the rewritten entry's folder);
 * absolute styles elsewhere stay as they are, since the proxy will not fetch outside a folder.
 * Other fields (integrity, format, disabled, …) are kept: the bytes are the same.
 */
export function rewriteManifest(remotes: Manifest): Record<string, RemoteEntry> {
  const out: Record<string, RemoteEntry> = Object.create(null);
  for (const name of Object.keys(remotes)) {
    const entry = remotes[name]!;
    const routes = routesOf(entry);
    const rewrite = (url: string): string => rewriteUrl(name, routes, url) ?? url;
    const copy: { -readonly [K in keyof RemoteEntry]: RemoteEntry[K] } = { ...entry, entry: rewrite(entry.entry) };
    if (entry.fallback) copy.fallback = rewrite(entry.fallback);
    if (entry.styles) copy.styles = entry.styles.map((s) => (isAbsolute(s) ? rewrite(s) : s));
    if (entry.canary) copy.canary = { ...entry.canary, entry: rewrite(entry.canary.entry) };
    out[name] = copy;
  }
  return out;
}

function rewriteUrl(name: string, routes: readonly Route[], href: string): string | undefined {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return undefined;
  }
  // The canary comes after the stable route but may live in a sub-folder of it: longest wins.
  const route = routes
    .filter((r) => url.origin === r.folder.origin && url.pathname.startsWith(r.folder.pathname))
    .sort((a, b) => b.folder.pathname.length - a.folder.pathname.length)[0];
  if (!route) return undefined;
  return mfeUrl(name, route.segment, url.pathname.slice(route.folder.pathname.length) + url.search);
}

function isAbsolute(url: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(url);
}
