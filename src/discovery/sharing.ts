/**
 * Shared dependencies (README "Sharing dependencies"), a chunk loaded only for entries whose
 * manifest entry lists `shared` packages, and by `registry.sharing()`.
 *
 * Module Federation's negotiation on web standards alone: the shell provides packages
 * (`configure({ shared })`, or its own `<script type="importmap">`), each MFE entry says what
 * it needs (`"shared": { "react": { "requiredVersion": "^19.0.0", "singleton": true } }`), and
 * before the entry's first `import()` every need is decided with npm semver:
 *
 * | the shell's copy                 | singleton | strict | fallback | decision             |
 * |----------------------------------|-----------|--------|----------|----------------------|
 * | satisfies the range (or has no   | any       | any    | any      | `shared`             |
 * | version, and not strict)         |           |        |          |                      |
 * | does not satisfy                 | yes       | no     | any      | `singleton-mismatch` |
 * | does not satisfy                 | yes       | yes    | any      | `rejected`           |
 * | does not satisfy                 | no        | any    | yes      | `scoped`             |
 * | not provided                     | any       | any    | yes      | `scoped`             |
 * | does not satisfy, or none        | no / any  | any    | no       | `rejected`           |
 *
 * `shared` and `singleton-mismatch` (with a warning) use the shell's copy; `scoped` the MFE's
 * fallback, for its folder only; `rejected` fails the mount (phase load).
 *
 * The decisions become import maps: the shell's packages in `imports` (once per package, as
 * a bare name resolved anywhere on the page can never be remapped), fallbacks in `scopes`
 * keyed by the MFE's folder, so they apply to that MFE's modules only. Engines that apply
 * import maps added at run time (Chromium, WebKit; found by a probe, not by user agent) get a
 * `<script type="importmap">` carrying the page's nonce. Others (Firefox ESR) need
 * es-module-shims in shim mode on the page: the maps go to `importShim.addImportMap()` and the
 * entry is imported with `importShim()`.
 */
import { BadModule, type LoadSpec } from '../lifecycle/load.js';
import { state } from './config.js';
import { satisfies, valid } from './semver.js';
import type { SharedNeed, SharingDecision } from './types.js';

type Module = Record<string, unknown>;
/** How an entry is imported once its shared packages are mapped. */
export type Importer = (url: string) => Promise<Module>;
interface ImportMap {
  imports: Record<string, string>;
  scopes: Record<string, Record<string, string>>;
}
/** es-module-shims' `importShim`, as far as it is used here. */
interface Shim {
  (url: string): Promise<Module>;
  addImportMap(map: ImportMap): void;
  getImportMap(): Partial<ImportMap>;
}
interface Provided {
  version?: string;
  url: string;
  /** Where the shell says so, for reasons. */
  from: string;
}

/** The newest decision per entry folder and package, in the order they were first made. */
const decisions = new Map<string, SharingDecision>();
/** Packages this runtime mapped page-wide: what the bare name now resolves to, for good. */
const mapped = new Map<string, Provided>();
/** Entries whose maps are in place, by URL without query: they are never negotiated again. */
const ready = new Map<string, Importer>();
let dynamic: boolean | undefined;

const SHIMS = 'load es-module-shims in shim mode before any MFE needs it (window.esmsInitOptions = { shimMode: true })';
const native: Importer = (url) => import(/* @vite-ignore */ url);
const shim = (): Shim | undefined => (globalThis as { importShim?: Shim }).importShim;
const abs = (url: string): string => new URL(url, document.baseURI).href;

/** Add an import map to the page; the engine reads it on insertion. Carries the page's CSP nonce. */
function addMap(map: Partial<ImportMap>): void {
  const s = document.createElement('script');
  s.type = 'importmap';
  s.nonce = document.querySelector<HTMLScriptElement>('script[nonce]')?.nonce ?? '';
  s.textContent = JSON.stringify(map);
  document.head.append(s);
  s.remove();
}

/** What `specifier` resolves to from here, if anything. */
const resolved = (specifier: string): string | undefined => {
  try {
    return import.meta.resolve(specifier);
  } catch {
    return undefined;
  }
};

/**
 * Whether this engine applies import maps added after modules loaded (and the page's CSP let
 * ours in): a map with a probe specifier is added, then the probe resolved. Probed once.
 */
export function dynamicMaps(): boolean {
  if (dynamic === undefined) {
    const probe = `mfe-host-sharing-probe-${Math.random().toString(36).slice(2)}`;
    if (HTMLScriptElement.supports?.('importmap')) addMap({ imports: { [probe]: import.meta.url } });
    dynamic = resolved(probe) === import.meta.url;
  }
  return dynamic;
}

/** Bare names the page's own `<script type="importmap">` maps (absolute URLs; the first map wins). */
function pageImports(): Record<string, string> {
  const found: Record<string, string> = Object.create(null);
  for (const s of document.querySelectorAll<HTMLScriptElement>('script[type=importmap]'))
    try {
      const imports: unknown = JSON.parse(s.textContent!).imports;
      for (const [k, v] of Object.entries(imports ?? {})) if (typeof v == 'string') found[k] ??= abs(v);
    } catch {
      // Not JSON: the engine rejected it too.
    }
  return found;
}

/** What the shell provides for `pkg`: what is already mapped, its import map, else `configure({ shared })`. */
function provided(pkg: string, page: Record<string, string>): Provided | undefined {
  const done = mapped.get(pkg);
  if (done) return done;
  const c = state.shared?.[pkg];
  const version = typeof c?.version == 'string' ? c.version : undefined;
  if (page[pkg]) return { version, url: page[pkg], from: "the page's import map" };
  if (typeof c?.url == 'string' && c.url) return { version, url: abs(c.url), from: 'configure({ shared })' };
  return undefined;
}

/** One need decided (see the table above). */
function decide(mfe: string, entry: string, pkg: string, need: SharedNeed, p: Provided | undefined): SharingDecision {
  const { requiredVersion: range, singleton = false, strictVersion = false } = need;
  const base = { mfe, entry, package: pkg, requiredVersion: range, singleton, strictVersion, provided: p && { version: p.version, url: p.url } };
  const v = p?.version;
  const fits = p && (v ? satisfies(v, range) : !strictVersion);
  if (fits)
    return {
      ...base,
      decision: 'shared',
      url: p.url,
      reason: v ? `${pkg}@${v} from ${p.from} satisfies ${range}` : `${pkg} from ${p.from} has no version: assumed to satisfy ${range}`,
    };
  const why = !p
    ? `the shell does not provide ${pkg} (${range} required)`
    : !v
      ? `${pkg} from ${p.from} has no version to check against ${range} (strictVersion)`
      : `${pkg}@${v} from ${p.from} ${valid(v) ? 'does not satisfy' : 'is not a valid version for'} ${range}`;
  if (singleton && p) {
    if (strictVersion) return { ...base, decision: 'rejected', reason: `${why}, and ${pkg} is a singleton with strictVersion` };
    return { ...base, decision: 'singleton-mismatch', url: p.url, reason: `${why}; ${pkg} is a singleton, so that copy is used anyway` };
  }
  if (need.fallback) {
    const url = new URL(need.fallback, entry).href;
    return { ...base, decision: 'scoped', url, reason: `${why}: the MFE's own copy ${url}, for its folder only` };
  }
  return { ...base, decision: 'rejected', reason: `${why}, and the entry has no "fallback" to load instead` };
}

/**
 * Negotiate the `shared` needs of entry `url` (of the MFE `spec.name`), put the maps in place
 * and return how to import the entry (formats `esm` and `single-spa`; others are left alone).
 * Once per entry. Rejects with a `BadModule` (the mount fails in phase load, never retried)
 * when a need is rejected, when the engine cannot map at run time and es-module-shims (shim
 * mode) is missing, or, there, for an entry whose format imports itself.
 */
export async function prepare(url: string, spec: Pick<LoadSpec, 'name' | 'shared'> & { format?: string }): Promise<Importer> {
  const { name, shared: needs = {}, format: kind = 'esm' } = spec;
  // Formats that import ES modules; a federation container has a share scope of its own.
  if (kind != 'esm' && kind != 'single-spa') return native;
  const entry = url.replace(/[?#].*/, '');
  const known = ready.get(entry);
  if (known) return known;
  const folder = new URL('.', entry).href;
  const es = dynamicMaps() ? undefined : shim();
  // What the engine that will resolve the MFE's imports already maps: es-module-shims' own map
  // where it is used (it ignores native maps), else the page's.
  const shimmed = es?.getImportMap().imports;
  const page = { ...pageImports(), ...shimmed };
  const list = Object.entries(needs).map(([pkg, need]) => decide(name, entry, pkg, need, provided(pkg, page)));
  for (const d of list) decisions.set(folder + '\0' + d.package, d);
  const bad = list.find((d) => d.decision == 'rejected');
  if (bad) throw new BadModule(`shared "${bad.package}": ${bad.reason}`);
  if (!dynamicMaps()) {
    if (!es) throw new BadModule(`"shared" needs import maps added at run time, which this browser does not apply (or the page's CSP blocked ours: give the page's scripts a nonce): ${SHIMS}`);
    if (kind != 'esm') throw new BadModule(`"shared" with format "${kind}" needs import maps added at run time, which this browser does not apply; es-module-shims only loads format "esm" entries`);
  }

  // Top-level entries for every package the shell provides, even where this MFE gets its own
  // copy: a bare name resolved anywhere on the page can no longer be added to `imports`.
  const map: ImportMap = { imports: {}, scopes: {} };
  const has = shimmed ?? page;
  const added = new Map<string, Provided>();
  const top = (key: string, p: Provided): void => {
    if (mapped.has(key) || added.has(key)) return;
    if (!has[key]) map.imports[key] = p.url;
    added.set(key, p);
  };
  for (const d of list) {
    const p = d.provided && provided(d.package, page);
    if (p) {
      top(d.package, p);
      // Subpaths the shell provides (`react/jsx-runtime`, a folder key `lit/`) go with their package.
      for (const key of new Set([...Object.keys(page), ...Object.keys(state.shared ?? {})]))
        if (key.startsWith(d.package + '/')) {
          const sub = provided(key, page);
          if (sub) top(key, sub);
        }
    }
    if (d.decision == 'scoped') (map.scopes[folder] ??= {})[d.package] = d.url!;
  }
  if (es)
    try {
      es.addImportMap(map);
    } catch (e) {
      throw new BadModule(`es-module-shims is in polyfill mode, where maps cannot be added: ${SHIMS}`, { cause: e });
    }
  else if (Object.keys(map.imports).length || Object.keys(map.scopes).length) addMap(map);
  for (const [key, p] of added) mapped.set(key, p);
  // A top-level entry is ignored when its bare name was resolved before (by the shell itself):
  // say so, and which copy the MFE really gets.
  if (!es)
    for (const [pkg, want] of Object.entries(map.imports)) {
      const got = resolved(pkg);
      if (got === want) continue;
      mapped.set(pkg, { ...mapped.get(pkg)!, url: got ?? want });
      for (const d of list)
        if (d.package == pkg && d.url == want) {
          d.reason += ` (but the page had already resolved ${pkg} to ${got ?? 'nothing'}, which is what it gets)`;
          d.url = got;
        }
    }
  for (const d of list) if (d.decision == 'singleton-mismatch') console.warn(`mfe-host: ${name}: shared "${d.package}": ${d.reason}`);
  const importer: Importer = es ? (u) => es(u) : native;
  ready.set(entry, importer);
  return importer;
}

/** Every decision made so far (`registry.sharing()`), the newest per MFE folder and package. */
export const report = (): SharingDecision[] => [...decisions.values()].map((d) => ({ ...d }));
