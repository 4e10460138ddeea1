/**
 * `format="federation"`: the entry is a Module Federation container, a `remoteEntry.js` built as
 * an ES module (webpack/rspack `library: { type: 'module' }`, `@module-federation/vite`). It is
 * imported, initialised once with the page-wide share scope, asked for the exposed module
 * (`spec.expose`, default `./mfe`), and that module, which exports our contract like any ESM
 * entry, is what the runtime mounts.
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

/** Import the container at `url`, initialise it and return its exposed module `spec.expose`. */
export async function load(url: string, spec: LoadSpec): Promise<Record<string, unknown>> {
  const ns = (await import(/* @vite-ignore */ url)) as Record<string, unknown>;
  if (typeof ns.init != 'function' || typeof ns.get != 'function') {
    const hint = typeof ns.mount == 'function' || ns.default || ns.mfe ? '; it looks like a plain ES module entry (format "esm")' : '';
    throw new BadModule(`not a Module Federation container (no init/get)${hint}`);
  }
  const container = ns as unknown as Container;
  try {
    await init(container);
  } catch (e) {
    throw isNetwork(e) ? e : new BadModule(`container init() failed: ${describe(e)}`, { cause: e });
  }
  const expose = spec.expose ?? './mfe';
  let factory: unknown;
  try {
    factory = await container.get(expose);
  } catch (e) {
    if (isNetwork(e)) throw e;
    if (/does not exist in container/.test(String((e as Error)?.message))) {
      const names = await exposed(url);
      throw new BadModule(`does not expose "${expose}"${names.length ? ` (exposes: ${names.map((n) => `"${n}"`).join(', ')})` : ''}`, { cause: e });
    }
    throw new BadModule(`loading "${expose}" failed: ${describe(e)}`, { cause: e });
  }
  if (typeof factory != 'function') throw new BadModule(`get("${expose}") gave no module factory`);
  let mod: unknown;
  try {
    mod = factory();
  } catch (e) {
    throw new BadModule(`"${expose}" threw while evaluating: ${describe(e)}`, { cause: e });
  }
  if (!mod || (typeof mod != 'object' && typeof mod != 'function')) throw new BadModule(`"${expose}" exports nothing`);
  return mod as Record<string, unknown>;
}
