/**
 * The manifest (api.md §3), a chunk loaded on first use: sources, validation, fetching and
 * refresh, canary choice and local overrides.
 *
 * Sources, later wins per name:
 *  1. every `<script type="application/mfe-manifest+json">` in document order: its JSON text
 *     (URLs relative to the page) or its `src=` (fetched; URLs relative to the manifest);
 *  2. `configure({ manifest })`: a URL (fetched; URLs relative to the final response URL) or
 *     an object (relative to the page);
 *  3. `configure({ remotes })` (relative to the page);
 *  4. only with `configure({ allowOverrides: true })`: `localStorage['mfe-override:<name>']`
 *     then `?mfe-override=` (see overrides.ts), read at every resolve.
 *     An override replaces the entry URL and drops `version`, `integrity`, `canary` and
 *     `disabled` (they describe the replaced build); `fallback`, `styles`, `format` stay.
 *
 * Decisions:
 *  - An invalid entry does NOT shadow a valid entry of the same name from an earlier source:
 *    the earlier one stays in use and the problem is reported by `entries()`. A name with no
 *    valid entry rejects `resolve()` with its (last) problem's message.
 *  - A source that is not a JSON object (bad JSON, array, HTTP error, network error) is one
 *    problem and contributes nothing; the other sources still count.
 *  - Messages have the shape of the server's `loadRemotes()`:
 *    `<source>: remote "<name>": "<field>" must be <what>, got <value>`, where <source> is
 *    `inline manifest #<n>`, `manifest <url>`, `configure({ manifest })`,
 *    `configure({ remotes })`, `?mfe-override` or `localStorage "mfe-override:<name>"`.
 *  - Unknown fields are dropped; names `__proto__`, `constructor`, `prototype` are ignored.
 *  - Each manifest URL is fetched once (shared by every element, and by an inline `src=` and
 *    `configure({ manifest })` naming the same URL), with `cache: 'no-cache'` (the server's
 *    ETag revalidates) and a 10 s time limit. Once older than `manifestTtl`, `resolve()`
 *    answers from what it has and starts one background refresh (stale-while-revalidate). A
 *    URL that fails on refresh keeps its last good content, and the failure is a problem.
 *  - `configure()` (a new `state.generation`) or a change to the inline manifest scripts
 *    rebuilds the merged manifest from the manifests already fetched; a new URL is fetched.
 *  - A canary user gets the canary's entry, version and integrity, with the entry's own
 *    `fallback`, else the stable entry, as fallback.
 */
import { changed, state, unsafe } from './config.js';
import { pick, userId } from './canary.js';
import { overrides } from './overrides.js';
import type { CanaryEntry, ManifestProblem, RemoteEntry, ResolvedRemote, SharedNeed } from './types.js';
import { validRange } from './semver.js';
import type { MfeFormat } from '../lifecycle/formats.js';

type Remotes = Record<string, RemoteEntry>;
interface Parsed {
  remotes: Remotes;
  problems: ManifestProblem[];
}
/** A source in precedence order: JSON given in the page, a URL to fetch, or why it is unusable. */
interface Source {
  label: string;
  base?: string;
  json?: unknown;
  url?: string;
  error?: string;
}
/** A fetched manifest: its last good content, when it was fetched last, the last failure. */
interface Doc {
  json?: unknown;
  base: string;
  at: number;
  error?: string;
  p?: Promise<void>;
}
/** The merged manifest; `at`: when its oldest fetched source was fetched. */
interface Merged extends Parsed {
  at: number;
}

/**
 * The page's `<script type="application/mfe-manifest+json">`, in document order: read at every
 * resolve, so taken from `document.scripts` rather than by querying the whole document.
 */
const inlineManifests = (): HTMLScriptElement[] =>
  Array.prototype.filter.call(document.scripts, (s: HTMLScriptElement) => s.getAttribute('type') === 'application/mfe-manifest+json') as HTMLScriptElement[];
const FORMATS = ['esm', 'single-spa', 'html', 'federation'];
const NOT_OBJECT = 'must be a JSON object of remotes (name → entry), got ';
const FETCH_TIMEOUT = 10_000;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A bad value, short, for messages. */
const show = (v: unknown): string => {
  let s: string | undefined;
  try {
    s = JSON.stringify(v);
  } catch {}
  s ??= v === undefined ? 'nothing' : typeof v;
  return s.length > 60 ? s.slice(0, 59) + '…' : s;
};

/** Subresource-integrity metadata: one or more sha256-/sha384-/sha512- hashes. */
const isIntegrity = (v: unknown): boolean => typeof v === 'string' && /^\s*(sha(256|384|512)-\S+\s*)+$/.test(v);
const INTEGRITY = 'sha256-, sha384- or sha512- hashes';

/** One entry, validated, with absolute URLs; throws what is wrong (field and value) otherwise. */
function entryOf(raw: unknown, base: string): RemoteEntry {
  const fail = (field: string, want: string, v: unknown): never => {
    throw `"${field}" must be ${want}, got ${show(v)}`;
  };
  const url = (v: unknown, field: string): string => {
    if (typeof v === 'string' && v)
      try {
        return new URL(v, base).href;
      } catch {}
    return fail(field, 'a URL string', v);
  };
  /** Whether an optional field is there; throws when it is there and not `ok`. */
  const has = (v: unknown, field: string, ok: boolean, want: string): boolean => v !== undefined && (ok || fail(field, want, v));

  if (typeof raw === 'string') return { entry: url(raw, 'entry') };
  if (!isObject(raw)) throw `must be an entry URL string or an object with "entry", got ${show(raw)}`;
  const { version, fallback, integrity, styles, format, expose, canary, disabled, shared } = raw;
  const r: RemoteEntry = { entry: url(raw.entry, 'entry') };
  if (has(version, 'version', typeof version == 'string', 'a string')) r.version = version as string;
  if (fallback !== undefined) r.fallback = url(fallback, 'fallback');
  if (has(integrity, 'integrity', isIntegrity(integrity), INTEGRITY)) r.integrity = integrity as string;
  if (has(styles, 'styles', Array.isArray(styles), 'an array of URL strings'))
    r.styles = (styles as unknown[]).map((s, i) => url(s, `styles[${i}]`));
  if (has(format, 'format', FORMATS.includes(format as string), `one of ${FORMATS.join(', ')}`)) r.format = format as MfeFormat;
  if (has(expose, 'expose', typeof expose == 'string' && !!expose, 'a module name such as "./mfe"')) r.expose = expose as string;
  if (has(canary, 'canary', isObject(canary), 'an object with "entry" and "weight"')) {
    const { entry, weight, version, integrity } = canary as Record<string, unknown>;
    const c: CanaryEntry = {
      entry: url(entry, 'canary.entry'),
      weight: typeof weight == 'number' && weight >= 0 && weight <= 1 ? weight : fail('canary.weight', 'a number from 0 to 1', weight),
    };
    if (has(version, 'canary.version', typeof version == 'string', 'a string')) c.version = version as string;
    if (has(integrity, 'canary.integrity', isIntegrity(integrity), INTEGRITY)) c.integrity = integrity as string;
    r.canary = c;
  }
  if (has(disabled, 'disabled', typeof disabled == 'boolean', 'true or false')) r.disabled = disabled as boolean;
  if (has(shared, 'shared', isObject(shared), 'an object of package name → { "requiredVersion": … }')) {
    r.shared = Object.create(null) as Record<string, SharedNeed>;
    for (const [pkg, need] of Object.entries(shared as Record<string, unknown>)) {
      if (unsafe(pkg)) continue;
      const at = `shared.${pkg}`;
      // A bare specifier, as the MFE's code imports it: not a path or a URL.
      if (!pkg || /^(\.{0,2}\/|[a-z][a-z\d+.-]*:)/i.test(pkg)) fail('shared', 'keyed by bare package names such as "react"', pkg);
      if (!isObject(need)) fail(at, 'an object with "requiredVersion"', need);
      const { requiredVersion, singleton, strictVersion, fallback } = need as Record<string, unknown>;
      const n: SharedNeed = {
        requiredVersion:
          typeof requiredVersion == 'string' && validRange(requiredVersion)
            ? requiredVersion
            : fail(`${at}.requiredVersion`, 'a semver range such as "^19.0.0"', requiredVersion),
      };
      if (has(singleton, `${at}.singleton`, typeof singleton == 'boolean', 'true or false')) n.singleton = singleton as boolean;
      if (has(strictVersion, `${at}.strictVersion`, typeof strictVersion == 'boolean', 'true or false')) n.strictVersion = strictVersion as boolean;
      // Kept as written: it is relative to whichever entry is loaded (canary, override, fallback).
      if (fallback !== undefined) n.fallback = (url(fallback, `${at}.fallback`), fallback as string);
      r.shared[pkg] = n;
    }
  }
  return r;
}

/**
 * Validate one source (pure): every valid entry with absolute URLs (resolved against `base`),
 * and one problem per bad entry, or one for the whole source when it is not a JSON object.
 */
export function parseManifest(json: unknown, base: string, source: string): Parsed {
  const remotes: Remotes = Object.create(null);
  const problems: ManifestProblem[] = [];
  if (!isObject(json)) problems.push({ source, message: `${source}: ${NOT_OBJECT}${show(json)}` });
  else
    for (const name of Object.keys(json))
      if (!unsafe(name))
        try {
          remotes[name] = entryOf(json[name], base);
        } catch (e) {
          problems.push({ source, name, message: `${source}: remote ${JSON.stringify(name)}: ${e}` });
        }
  return { remotes, problems };
}

/** The sources, read now, in precedence order. */
function sources(): Source[] {
  const base = document.baseURI;
  const list: Source[] = [];
  const fetched = (href: string, label: string): void => {
    try {
      const url = new URL(href, base).href;
      list.push({ label: `manifest ${url}`, url });
    } catch {
      list.push({ label, error: `not a URL: ${show(href)}` });
    }
  };
  inlineManifests().forEach((s, i) => {
    const label = `inline manifest #${i + 1}`;
    if (s.hasAttribute('src')) return fetched(s.getAttribute('src')!, label);
    try {
      list.push({ label, base, json: JSON.parse(s.textContent!) });
    } catch (e) {
      list.push({ label, error: `invalid JSON: ${(e as Error).message}` });
    }
  });
  const m = state.manifest;
  if (typeof m == 'string') fetched(m, 'configure({ manifest })');
  else if (m !== undefined) list.push({ label: 'configure({ manifest })', base, json: m });
  list.push({ label: 'configure({ remotes })', base, json: state.remotes });
  return list;
}

/** Fetched manifests by URL: the last good content of each is kept across refreshes. */
const docs = new Map<string, Doc>();

/** Fetch `url` now (joining a fetch of it already running). Never rejects. */
function load(url: string): Promise<void> {
  let d = docs.get(url);
  if (!d) docs.set(url, (d = { base: url, at: 0 }));
  const doc = d;
  return (doc.p ??= fetch(url, { credentials: 'same-origin', cache: 'no-cache', signal: AbortSignal.timeout?.(FETCH_TIMEOUT) })
    .then(async (res) => {
      if (!res.ok) throw `failed to load: HTTP ${res.status}`;
      const text = await res.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (e) {
        throw `invalid JSON: ${(e as Error).message}`;
      }
      if (!isObject(json)) throw NOT_OBJECT + show(json);
      Object.assign(doc, { json, base: res.url || url, error: undefined });
    })
    .catch((e) => {
      doc.error = typeof e == 'string' ? e : `failed to load: ${e}`;
    })
    .finally(() => {
      doc.at = Date.now();
      doc.p = undefined;
    }));
}

/** Merge the sources (later wins per valid name), with the manifests fetched so far. */
function merge(list: Source[]): Merged {
  const remotes: Remotes = Object.create(null);
  const problems: ManifestProblem[] = [];
  let at = Infinity;
  for (const s of list) {
    let { label, base, json, error } = s;
    if (s.url) {
      const d = docs.get(s.url)!;
      ({ base, json, error } = d);
      at = Math.min(at, d.at);
      if (error && json) error += ' (the last good copy is used)';
    }
    if (error) problems.push({ source: label, message: `${label}: ${error}` });
    if (json !== undefined) {
      const p = parseManifest(json, base!, label);
      Object.assign(remotes, p.remotes);
      problems.push(...p.problems);
    }
  }
  return { remotes, problems, at };
}

/** A number per inline manifest script seen, and how many edits were made to any of them. */
const ids = new WeakMap<HTMLScriptElement, number>();
let seen = 0;
let edits = 0;
/** Edits to the inline manifest scripts (their text, `src`, `type`) bump `edits`. */
const watcher = new MutationObserver(() => edits++);

/**
 * What the merged manifest was built from: the configuration, which inline scripts there are,
 * and whether any of them was edited. Their text is not read (it was, at every resolve: linear
 * in the manifest's size for every element mounted by name); pending edits are taken
 * synchronously, so an edit is seen by a resolve in the same task.
 */
const keyNow = (): string => {
  if (watcher.takeRecords().length) edits++;
  let key = state.generation + ' ' + edits;
  for (const s of inlineManifests()) {
    let id = ids.get(s);
    if (id === undefined) {
      ids.set(s, (id = ++seen));
      watcher.observe(s, { characterData: true, childList: true, subtree: true, attributes: true, attributeFilter: ['src', 'type'] });
    }
    key += ' ' + id;
  }
  return key;
};

interface Current {
  key: string;
  p: Promise<Merged>;
  m?: Merged;
}
let cur: Current | undefined;
let background: Promise<void> | undefined;

/** The merged manifest, shared; rebuilt when the configuration changed, refreshed in the background when stale. */
function current(): Current {
  const key = keyNow();
  if (cur?.key !== key) {
    const list = sources();
    const c: Current = {
      key,
      p: Promise.all(list.map((s) => s.url && !docs.get(s.url)?.at && load(s.url))).then(() => (c.m = merge(list))),
    };
    cur = c;
  } else if (cur.m && Date.now() - cur.m.at >= state.manifestTtl)
    background ??= refresh()
      .catch(() => {})
      .finally(() => (background = undefined));
  return cur;
}

/** Fetch every manifest URL again now; one that fails keeps its last good content. */
export async function refresh(): Promise<void> {
  const key = keyNow();
  const list = sources();
  await Promise.all(list.map((s) => s.url && load(s.url)));
  const m = merge(list);
  const before = cur?.m && JSON.stringify(cur.m.remotes);
  cur = { key, p: Promise.resolve(m), m };
  // New data: elements that could not resolve a name try again.
  if (before && before !== JSON.stringify(m.remotes)) changed();
}

/** `r` with its entry replaced by a local override. */
const overridden = (r: RemoteEntry | undefined, entry: string): Omit<RemoteEntry, 'canary'> => {
  const { version, integrity, canary, disabled, ...keep } = r ?? ({} as Partial<RemoteEntry>);
  return { ...keep, entry };
};

/** Resolve `name` for this user: overrides, kill switch and canary applied. */
export const resolve = async (name: string): Promise<ResolvedRemote> => resolveIn(await current().p, name);

/**
 * `resolve(name)` without waiting, once the merged manifest for the current configuration is
 * built (undefined before): a mount by name of a loaded module then awaits nothing.
 */
export const resolveNow = (name: string): ResolvedRemote | undefined => {
  const m = current().m;
  return m && resolveIn(m, name);
};

/** `name` resolved in `m`; throws, naming the MFE, when it is unknown, invalid or disabled. */
function resolveIn({ remotes, problems }: Merged, name: string): ResolvedRemote {
  const o = state.allowOverrides ? overrides() : undefined;
  const url = o?.urls[name];
  if (url) return { name, ...overridden(remotes[name], url), override: true };
  const r = remotes[name];
  if (!r) {
    const problem = [...problems, ...(o?.problems ?? [])].filter((p) => p.name === name).pop();
    throw Error(problem?.message ?? `no remote named "${name}" is configured`);
  }
  const { canary, disabled, ...stable } = r;
  if (disabled) throw Error(`remote "${name}" is disabled`);
  if (canary && pick(userId(), name, canary.weight)) {
    const { entry, version, integrity } = canary;
    return { ...stable, name, entry, version, integrity, fallback: r.fallback ?? r.entry, canary: true };
  }
  return { name, ...stable };
}

/** The merged manifest (overrides applied) and every problem found, with why. */
export async function entries(): Promise<Parsed> {
  const m = await current().p;
  const remotes: Remotes = Object.assign(Object.create(null), m.remotes);
  const problems = [...m.problems];
  if (state.allowOverrides) {
    const o = overrides();
    for (const [name, url] of Object.entries(o.urls)) remotes[name] = overridden(remotes[name], url);
    problems.push(...o.problems);
  }
  return { remotes, problems };
}
