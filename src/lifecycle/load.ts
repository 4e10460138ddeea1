/**
 * Loading: one `import()` per URL per page, shared by every element; retries with backoff for
 * network failures and 5xx only (a 4xx, a module that does not parse or lacks `mount` is
 * broken until reloaded);
 * `bootstrap` once per module.
 */
import type { MicroFrontend } from '../types.js';
import { describe } from './errors.js';
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
  /** Module Federation: the exposed module to mount (default `./mfe`). */
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
  /** `styles` as constructable sheets, built on first mount and shared by every instance. */
  sheets?: CSSStyleSheet[];
  booted?: Promise<void>;
  /** Side-effect tracking (lifecycle/side-effects): +1 before a mount, -1 after its teardown. */
  fx?: (delta: 1 | -1, host: HTMLElement) => void;
}

/** Raised when the entry is reachable but unusable; never retried. */
export class BadModule extends Error {}

const modules = new Map<string, Promise<LoadedModule>>();

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A failed fetch (not a parse or evaluation error): worth another try. */
const isNetwork = (e: unknown): boolean =>
  e instanceof TypeError && /fetch|load|import/i.test(e.message);

/** `fn` if it is a function: the exported member of any accepted export shape. */
const pick = (m: Record<string, unknown> | undefined): MicroFrontend | undefined =>
  m && typeof m.mount === 'function' ? (m as unknown as MicroFrontend) : undefined;

const validate = (ns: Record<string, unknown>): MicroFrontend => {
  const mfe =
    pick(ns) ?? pick(ns.default as Record<string, unknown>) ?? pick(ns.mfe as Record<string, unknown>);
  if (!mfe) throw new BadModule('does not export mount()');
  if (typeof mfe.unmount !== 'function') throw new BadModule('does not export unmount()');
  return mfe;
};

/**
 * Import `url` once per page, after checking `integrity` if given. A network failure is tried
 * `retries` more times after
 * `delay`, `2×delay`, … ms; retries bypass the browser's cache of the failed request.
 */
export function loadModule(url: string, retries: number, delay: number, integrity?: string, spec?: LoadSpec): Promise<LoadedModule> {
  const kind = spec?.iframe ? 'iframe' : spec?.format ?? 'esm';
  // A federation container holds several modules: which one (`expose`) is part of what is loaded.
  const key = [kind, url, spec?.expose] + '';
  let p = modules.get(key);
  if (!p) {
    p = (async () => {
      for (let attempt = 0; ; attempt++) {
        try {
          const u = attempt ? `${url}${url.includes('?') ? '&' : '?'}mfe-retry=${attempt}` : url;
          // Checked (and, where the engine can, enforced) before the module may run.
          if (integrity) await (await import('./integrity.js')).verify(u, integrity);
          // Other formats, iframes, side-effect tracking and shared packages load their code on demand.
          const [ns, fx] =
            kind == 'esm' && !spec?.sideEffects && !spec?.shared
              ? [(await import(/* @vite-ignore */ u)) as Record<string, unknown>]
              : await (await import('./adapters.js')).adapt(kind, u, spec!);
          return { url, mfe: validate(ns), fx };
        } catch (e) {
          if (e instanceof BadModule) throw e;
          // Ask the server why (loaded on demand); a 4xx will not get better with retries.
          const network = isNetwork(e);
          const why = network ? await (await import('./diagnose.js')).diagnose(url) : '';
          if (attempt >= retries || !network || why.startsWith('HTTP 4')) throw new BadModule(why || describe(e), { cause: e });
          await sleep(delay * 2 ** attempt);
        }
      }
    })();
    modules.set(key, p);
    // A failed load is forgotten, so `reload()` or another element can try again.
    p.catch(() => modules.delete(key));
  }
  return p;
}

/** Run the module's `bootstrap` once; a failed bootstrap is tried again at the next mount. */
export function bootstrap(mod: LoadedModule): Promise<void> {
  if (!mod.booted) {
    mod.booted = new Promise<void>((r) => r(mod.mfe.bootstrap?.()));
    mod.booted.catch(() => (mod.booted = undefined));
  }
  return mod.booted;
}
