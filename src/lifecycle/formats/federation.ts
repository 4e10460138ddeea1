/**
 * `format="federation"`: the entry is a Module Federation container, a `remoteEntry.js` built as
 * an ES module (webpack/rspack `library: { type: 'module' }`, `@module-federation/vite`). It is
 * imported, initialised once with the page-wide share scope, asked for the exposed module
 * (`spec.expose`; when none is named `./mfe`, else `./mount`, else the only module its
 * `mf-manifest.json` lists), and that module, which exports our contract like any ESM entry, is
 * what the runtime mounts. An entry given without a format whose module exports `init` and `get`
 * but no `mount` comes here too (`unformatted`, through lifecycle/adapters) and is mounted the
 * same way.
 *
 * Sharing is Module Federation's own: every container is initialised with one share scope object
 * for the whole page, `globalThis.__mfeShareScope` (MF's format: package → version → entry), so
 * containers from different builds negotiate shared packages (singletons, versions) through their
 * bundled MF runtime, exactly as under an MF host. A shell provides a package of its own by
 * putting it there before the first federation MFE loads:
 *
 * ```js
 * (globalThis.__mfeShareScope ??= {})['design-tokens'] = {
 *   '1.5.0': { get: () => Promise.resolve(() => tokens), loaded: true, from: 'shell' },
 * };
 * ```
 *
 * The container's runtime (`@module-federation/enhanced` 2.x) keeps its own state on
 * `globalThis.__FEDERATION__` (alias `__VMOK__`): page-wide by design, never removed.
 */
import { describe } from '../errors.js';
import { BadModule, type LoadSpec } from '../load.js';

/** One version of a shared package, as Module Federation keeps it in a share scope. */
export interface SharedEntry {
  /** Resolves to a factory returning the module. */
  get(): Promise<() => unknown> | (() => unknown);
  /** Already evaluated: a loaded entry wins the negotiation for singletons. */
  loaded?: boolean | 0 | 1;
  /** The factory, once loaded. */
  lib?: () => unknown;
  /** Who provided it (a container's name, or e.g. `"shell"`). */
  from?: string;
  eager?: boolean;
  /** Filled in from the version key when missing (the enhanced runtime reads it). */
  version?: string;
  [key: string]: unknown;
}

/** Package name → version → entry. */
export type ShareScope = Record<string, Record<string, SharedEntry>>;

/** What `remoteEntry.js` exports. */
interface Container {
  /**
   * webpack's container `init(shareScope, initScope)`; the enhanced runtime (MF 2) also takes
   * the host's options, as a webpack host passes them: the whole share scope map and its keys.
   */
  init(
    shareScope: ShareScope,
    initScope?: unknown[],
    options?: { shareScopeMap: Record<string, ShareScope>; shareScopeKeys: string },
  ): unknown;
  /** Resolves to a factory of the exposed module; rejects when it is not exposed. */
  get(module: string): Promise<() => unknown> | (() => unknown);
}

const page = globalThis as typeof globalThis & { __mfeShareScope?: ShareScope };

/** The page-wide share scope every container is initialised with (created on first use). */
export const shareScope = (): ShareScope => (page.__mfeShareScope ??= {});

/** A failed fetch of a module or chunk (as in load.ts): left to the loader's retries. */
const isNetwork = (e: unknown): boolean => e instanceof TypeError && /fetch|load|import/i.test(e.message);

/** `init()` once per container; forgotten when it fails, so a reload tries again. */
const inits = new WeakMap<Container, Promise<unknown>>();

const init = (c: Container): Promise<unknown> => {
  let p = inits.get(c);
  if (!p) {
    const scope = shareScope();
    // Entries a shell wrote in webpack's (MF 1) form have no `version`; the enhanced runtime
    // would file them under "undefined" once loaded.
    for (const versions of Object.values(scope)) for (const [v, entry] of Object.entries(versions)) if (entry && typeof entry == 'object') entry.version ??= v;
    p = new Promise((r) => r(c.init(scope, [], { shareScopeMap: { default: scope }, shareScopeKeys: 'default' })));
    inits.set(c, p);
    p.catch(() => inits.delete(c));
  }
  return p;
};

/** The exposed modules `mf-manifest.json` (next to the container, emitted by MF 2 builds) lists, if any. */
async function exposed(url: string): Promise<string[]> {
  try {
    const res = await fetch(new URL('mf-manifest.json', url), { signal: AbortSignal.timeout(2000) });
    const manifest = (await res.json()) as { exposes?: Array<{ path?: unknown }> };
    return (manifest.exposes ?? []).map((e) => e.path).filter((p): p is string => typeof p == 'string');
  } catch {
    return [];
  }
}

/** A namespace that exports nothing: what importing a classic script (not an ES module) gives. */
const empty = (ns: Record<string, unknown>): boolean => !Object.keys(ns).length;

/** What to do about a container built as a classic script. */
const CLASSIC =
  'it exports nothing: a classic script, e.g. a Module Federation remoteEntry.js built with library type "var"? ' +
  'Build the container as an ES module (library: { type: "module" }), or set "format" to what the entry is';

/** Import the container at `url`, initialise it and return the exposed module it mounts (see {@link take}). */
export async function load(url: string, spec: LoadSpec): Promise<Record<string, unknown>> {
  const ns = (await import(/* @vite-ignore */ url)) as Record<string, unknown>;
  if (!isContainer(ns)) {
    const hint = typeof ns.mount == 'function' || ns.default || ns.mfe ? '; it looks like a plain ES module entry (format "esm")' : empty(ns) ? `; ${CLASSIC}` : '';
    throw new BadModule(`not a Module Federation container (no init/get)${hint}`);
  }
  return take(ns, url, spec.expose);
}

/**
 * An entry given without a format (`esm`) whose module has no `mount`: a Module Federation
 * container (it exports `init` and `get`) is mounted exactly as `format: "federation"` would
 * mount it; a module that exports nothing is refused with the likely cause (a classic script);
 * anything else is returned as it is, for the loader to say what it lacks.
 */
export async function unformatted(ns: Record<string, unknown>, url: string, spec: LoadSpec): Promise<Record<string, unknown>> {
  if (isContainer(ns)) return take(ns, url, spec.expose);
  if (empty(ns)) throw new BadModule(`does not export mount(): ${CLASSIC}`);
  return ns;
}

const isContainer = (ns: Record<string, unknown>): ns is Record<string, unknown> & Container => typeof ns.init == 'function' && typeof ns.get == 'function';

/** Modules taken, in this order, from a container when no `expose` names one. */
const DEFAULT_EXPOSES = ['./mfe', './mount'];

/** `Module "./x" does not exist in container.` (webpack's and the MF 2 runtime's wording). */
const missing = (e: unknown): boolean => /does not exist in container/.test(String((e as Error)?.message));

/**
 * Initialise `container` (once) and return the module to mount: `expose` when it is named; else
 * the first of {@link DEFAULT_EXPOSES} the container has; else, when its `mf-manifest.json` lists
 * exactly one exposed module, that one.
 */
async function take(container: Container, url: string, expose: string | undefined): Promise<Record<string, unknown>> {
  try {
    await init(container);
  } catch (e) {
    throw isNetwork(e) ? e : new BadModule(`container init() failed: ${describe(e)}`, { cause: e });
  }
  if (expose) return evaluate(expose, await factoryOf(container, expose, url, true));
  for (const name of DEFAULT_EXPOSES) {
    const factory = await factoryOf(container, name, url, false);
    if (factory) return evaluate(name, factory);
  }
  const names = await exposed(url);
  if (names.length == 1) return evaluate(names[0]!, await factoryOf(container, names[0]!, url, true));
  const list = names.length ? ` (exposes: ${names.map((n) => `"${n}"`).join(', ')})` : '';
  throw new BadModule(`exposes neither ${DEFAULT_EXPOSES.map((n) => `"${n}"`).join(' nor ')}${list}: name the module to mount with "expose"`);
}

/**
 * `container.get(expose)`: the exposed module's factory. A module the container does not have
 * is `undefined` unless `required` (then an error listing what `mf-manifest.json` says it exposes).
 */
async function factoryOf(container: Container, expose: string, url: string, required: boolean): Promise<unknown> {
  let factory: unknown;
  try {
    factory = await container.get(expose);
  } catch (e) {
    if (isNetwork(e)) throw e;
    if (missing(e)) {
      if (!required) return undefined;
      const names = await exposed(url);
      throw new BadModule(`does not expose "${expose}"${names.length ? ` (exposes: ${names.map((n) => `"${n}"`).join(', ')})` : ''}`, { cause: e });
    }
    throw new BadModule(`loading "${expose}" failed: ${describe(e)}`, { cause: e });
  }
  if (typeof factory != 'function') throw new BadModule(`get("${expose}") gave no module factory`);
  return factory;
}

/** Run the exposed module's factory: its exports are what the runtime mounts. */
function evaluate(expose: string, factory: unknown): Record<string, unknown> {
  let mod: unknown;
  try {
    mod = (factory as () => unknown)();
  } catch (e) {
    throw new BadModule(`"${expose}" threw while evaluating: ${describe(e)}`, { cause: e });
  }
  if (!mod || (typeof mod != 'object' && typeof mod != 'function')) throw new BadModule(`"${expose}" exports nothing`);
  return mod as Record<string, unknown>;
}
