/**
 * The same-origin URL scheme `/mfe/<name>/<version>/<file>` (api.md §5), in one place: the
 * manifest rewrite produces these URLs and the proxy accepts exactly these, because both are
 * derived from the same route table. A route maps a version segment to the folder the
 * remote's files live in upstream; nothing outside a route's folder can ever be requested.
 *
 * **Where a version comes from.** An explicit `version` (or `canary.version`) wins. Without
 * one, the version is taken from the URL's path, as the seed writes its remotes
 * (`http://billing-service:8888/mfe/billing/1.0.0/remoteEntry.js`): the *last directory
 * segment* (never the file name) that is a full semver, `MAJOR.MINOR.PATCH` with an optional
 * `-prerelease` and `+build`, one leading `v` stripped (see `versionFromUrl` in `names.ts`):
 *
 * | entry URL path                       | version segment |
 * |--------------------------------------|-----------------|
 * | `/mfe/billing/1.0.0/remoteEntry.js`  | `1.0.0`         |
 * | `/billing/v2.0.1/remoteEntry.js`     | `2.0.1`         |
 * | `/2.0.1/x.js`                        | `2.0.1`         |
 * | `/billing/1.0/x.js`, `/latest/x.js`  | `_` (none)      |
 *
 * Only the segment comes from the URL: the folder a route serves is still the entry's own
 * folder (`/9.9.9/billing/1.0.0/assets/mfe.js` → `/mfe/billing/1.0.0/mfe.js`, nothing above
 * `assets/` reachable).
 *
 * A version taken from the URL is a version like any other: immutable caching and the proxy
 * cache. With no version at all the segment is `_` (canary: `_canary`), and the files are
 * revalidated upstream on every request. The same rule applies to the canary's URL and to a
 * `fallback` in another folder (which has no `version` field): a fallback in another
 * versioned folder gets that version as its segment, else `_fallback`. When two folders would
 * get the same segment (a canary or fallback of the same version on another host), the later
 * one falls back to `_canary` / `_fallback`, unversioned: a segment names exactly one folder.
 */
import { nameProblem, versionFromUrl, versionProblem } from './names.js';
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
 * The routes of one remote, first match wins: the stable entry (segment = `version`, else the
 * version in its URL, else `_`), the canary (`canary.version`, else the version in its URL,
 * else `_canary`; also `_canary` when its version equals the stable one but its folder
 * differs), and the fallback when it lives in another folder (the version in its URL, else
 * `_fallback`; also `_fallback` when that segment is taken by another folder).
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
  const stable = entry.version ?? versionFromUrl(entry.entry);
  add(entry.entry, stable ?? UNVERSIONED, stable !== undefined, UNVERSIONED);
  if (entry.canary) {
    const v = entry.canary.version ?? versionFromUrl(entry.canary.entry);
    add(entry.canary.entry, v ?? UNVERSIONED_CANARY, v !== undefined, UNVERSIONED_CANARY);
  }
  if (entry.fallback) {
    const v = versionFromUrl(entry.fallback);
    add(entry.fallback, v ?? FALLBACK, v !== undefined, FALLBACK);
  }
  return routes;
}

/** One URL of a remote that has no version segment: served as `_`, `_canary` or `_fallback`. */
export interface UnversionedUrl {
  /** The remote's name. */
  readonly name: string;
  /** Which of its URLs. */
  readonly field: 'entry' | 'canary.entry' | 'fallback';
  readonly url: string;
}

/**
 * The URLs of `remotes` that get no version segment (no `version` field and no semver folder
 * in the URL, or a segment taken by another folder): their proxied files are not marked
 * immutable, never kept in the proxy cache, and every request for them goes upstream. `mfe-host
 * serve` lists them at start.
 */
export function unversionedUrls(remotes: Manifest): UnversionedUrl[] {
  const out: UnversionedUrl[] = [];
  for (const name of Object.keys(remotes)) {
    const entry = remotes[name]!;
    const routes = routesOf(entry);
    const check = (field: UnversionedUrl['field'], url: string): void => {
      const route = routeOf(routes, url);
      if (route && !route.versioned) out.push({ name, field, url });
    };
    check('entry', entry.entry);
    if (entry.canary) check('canary.entry', entry.canary.entry);
    if (entry.fallback) check('fallback', entry.fallback);
  }
  return out;
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
 *
 * @throws TypeError for a name or version that cannot be a URL segment (see `names.ts`;
 *   `loadRemotes` already refuses them, this catches manifests built in code).
 */
export function rewriteManifest(remotes: Manifest): Record<string, RemoteEntry> {
  const out: Record<string, RemoteEntry> = Object.create(null);
  for (const name of Object.keys(remotes)) {
    const entry = remotes[name]!;
    checkSegments(name, entry);
    const routes = routesOf(entry);
    const rewrite = (url: string): string => rewriteUrl(name, routes, url) ?? url;
    // A version taken from the URL is written out, as if it had been given (devtools, events).
    const versionOf = (url: string): string | undefined => {
      const route = routeOf(routes, url);
      return route?.versioned ? route.segment : undefined;
    };
    const copy: { -readonly [K in keyof RemoteEntry]: RemoteEntry[K] } = { ...entry, entry: rewrite(entry.entry) };
    const version = entry.version ?? versionOf(entry.entry);
    if (version !== undefined) copy.version = version;
    if (entry.fallback) copy.fallback = rewrite(entry.fallback);
    if (entry.styles) copy.styles = entry.styles.map((s) => (isAbsolute(s) ? rewrite(s) : s));
    if (entry.canary) {
      const v = entry.canary.version ?? versionOf(entry.canary.entry);
      copy.canary = { ...entry.canary, entry: rewrite(entry.canary.entry), ...(v !== undefined && { version: v }) };
    }
    out[name] = copy;
  }
  return out;
}

/**
 * `loadRemotes` refuses bad names and versions at load; a manifest built in code reaches here
 * unchecked, and would become URLs the proxy answers `400`: refused the same way.
 */
function checkSegments(name: string, entry: RemoteEntry): void {
  const problems: string[] = [];
  const badName = nameProblem(name);
  if (badName !== undefined) problems.push(`the name ${badName}`);
  for (const [field, version] of [['version', entry.version], ['canary.version', entry.canary?.version]] as const) {
    const bad = typeof version === 'string' ? versionProblem(version) : undefined;
    if (bad !== undefined) problems.push(`${JSON.stringify(field)} ${bad}, got ${JSON.stringify(version)}`);
  }
  if (problems.length > 0) throw new TypeError(`rewriteManifest: remote ${JSON.stringify(name)}: ${problems.join('; ')}`);
}

function rewriteUrl(name: string, routes: readonly Route[], href: string): string | undefined {
  const url = parse(href);
  const route = url && routeOf(routes, href);
  if (!url || !route) return undefined;
  return mfeUrl(name, route.segment, url.pathname.slice(route.folder.pathname.length) + url.search);
}

/** The route whose folder holds `href`. The canary comes after the stable route but may live in a sub-folder of it: longest wins. */
function routeOf(routes: readonly Route[], href: string): Route | undefined {
  const url = parse(href);
  if (!url) return undefined;
  return routes
    .filter((r) => url.origin === r.folder.origin && url.pathname.startsWith(r.folder.pathname))
    .sort((a, b) => b.folder.pathname.length - a.folder.pathname.length)[0];
}

function parse(href: string): URL | undefined {
  try {
    return new URL(href);
  } catch {
    return undefined;
  }
}

function isAbsolute(url: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(url);
}
