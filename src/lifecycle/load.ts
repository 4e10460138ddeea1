/**
 * Loading: one `import()` per URL per page, shared by every element; retries with backoff for
 * network failures and 5xx only (a 4xx, a module that does not parse or lacks `mount` is
 * broken until reloaded);
 * `bootstrap` once per module.
 */
import type { MicroFrontend } from '../types.js';
import type { MfeFormat } from './formats.js';
import type { SideEffectOptions } from './side-effects.js';
import type { SharedNeed } from '../discovery/types.js';

/** What to load and how: the entry's format, and whatever its adapter needs. */
export interface LoadSpec {
  /** Registry name (for messages). */
  name: string;
  format: MfeFormat;
  /** `isolation="iframe"`: the entry runs in a sandboxed iframe, never in this document. */
  iframe?: boolean;
  /** Module Federation: the exposed module to mount (default: `./mfe`, else `./mount`, else the only one; formats/federation). */
  expose?: string;
  /** Track (and clean up) what the module leaves on `window`/`document` (lifecycle/side-effects). */
  sideEffects?: SideEffectOptions;
  /** Packages to negotiate with the shell before the first import (discovery/sharing). */
  shared?: Record<string, SharedNeed>;
}


/** A loaded, validated MFE module and what the runtime derives from it once. */
export interface LoadedModule {
  url: string;
  mfe: MicroFrontend;
  /** The folder of `url`: `ctx.baseUrl`. */
  base: string;
  /** `styles` as constructable sheets, shared by every instance. */
  sheets: CSSStyleSheet[];
  booted?: Promise<void>;
  /** `bootstrap` has finished: a mount needs no await before calling `mount`. */
  ready?: boolean;
  /** Side-effect tracking (lifecycle/side-effects): +1 before a mount, -1 after its teardown. */
  fx?: (delta: 1 | -1, host: HTMLElement) => void;
}

/** Raised when the entry is reachable but unusable; never retried. */
export class BadModule extends Error {}

const modules = new Map<string, Promise<LoadedModule>>();
/** The modules of `modules` that have finished loading, for a mount that need not wait. */
const done = new Map<string, LoadedModule>();

/** What one load is cached as: a federation container holds several modules, so `expose` is part of it. */
const keyOf = (url: string, spec?: LoadSpec): string => [spec?.iframe ? 'iframe' : spec?.format ?? 'esm', url, spec?.expose] + '';

/** The module `loadModule(url, …, spec)` resolved with, if it has already loaded and bootstrapped. */
export const loaded = (url: string, spec?: LoadSpec): LoadedModule | undefined => {
  const m = done.get(keyOf(url, spec));
  return m?.ready ? m : undefined;
};

/** `fn` if it is a function: the exported member of any accepted export shape. */
const pick = (m: Record<string, unknown> | undefined): MicroFrontend | undefined =>
  m && typeof m.mount === 'function' ? (m as unknown as MicroFrontend) : undefined;

/** The MFE a namespace exports, if it has a `mount`: named exports, `default` or `mfe` (also used by the adapters). */
export const find = (ns: Record<string, unknown>): MicroFrontend | undefined =>
  pick(ns) ?? pick(ns.default as Record<string, unknown>) ?? pick(ns.mfe as Record<string, unknown>);

/**
 * Import `url` once per page, after checking `integrity` if given, and build its `styles`. A
 * failure is handed to the on-demand `./diagnose.js`, which tries a network failure `retries`
 * more times after `delay`, `2×delay`, … ms (bypassing the browser's cache of the failed
 * request) and words what went wrong.
 */
export function loadModule(url: string, retries: number, delay: number, integrity?: string, spec?: LoadSpec): Promise<LoadedModule> {
  const kind = spec?.iframe ? 'iframe' : spec?.format ?? 'esm';
  const key = keyOf(url, spec);
  let p = modules.get(key);
  if (!p) {
    const once = async (u: string): Promise<LoadedModule> => {
      // Checked (and, where the engine can, enforced) before the module may run.
      if (integrity) await (await import('./integrity.js')).verify(u, integrity);
      // Other formats, iframes, side-effect tracking and shared packages load their code on demand,
      // and so does an ES module without an MFE's exports (a Module Federation container given
      // without a format is mounted as format "federation" would: lifecycle/adapters).
      let m: Record<string, unknown>;
      const [ns, fx] =
        kind == 'esm' && !spec?.sideEffects && !spec?.shared && find((m = await import(/* @vite-ignore */ u)))
          ? [m]
          : await (await import('./adapters.js')).adapt(kind, u, spec!);
      // There is a mount(): the adapters refuse a module without one.
      const mfe = find(ns)!;
      if (typeof mfe.unmount != 'function') throw new BadModule('does not export unmount()');
      const base = new URL('.', url).href;
      // Built once per module (on demand), and adopted by every instance.
      const sheets = mfe.styles ? (await import('./styles.js')).buildSheets(mfe.styles, base) : [];
      return { url, base, mfe, fx, sheets };
    };
    p = once(url).catch(async (e: unknown) => (await import('./diagnose.js')).retry(url, e, once, retries, delay));
    modules.set(key, p);
    // A failed load is forgotten, so `reload()` or another element can try again.
    p.then((m) => done.set(key, m), () => modules.delete(key));
  }
  return p;
}

/** Run the module's `bootstrap` once; a failed bootstrap is tried again at the next mount. */
export function bootstrap(mod: LoadedModule): Promise<void> {
  if (!mod.booted) {
    mod.booted = new Promise<void>((r) => r(mod.mfe.bootstrap?.()));
    mod.booted.then(() => (mod.ready = true), () => (mod.booted = undefined));
  }
  return mod.booted;
}
