/**
 * Adapters turn an entry URL into an MFE (or a namespace exporting one) for a non-ESM format or
 * for iframe isolation; side-effect tracking wraps any of them but the iframe (it has a window
 * of its own). Entries with `shared` packages negotiate them first (discovery/sharing). This
 * dispatcher and each adapter are chunks of their own, loaded only when an entry needs them.
 * An `esm` entry comes here too when its module has no `mount` (e.g. a Module Federation
 * container given without a format).
 */
import { BadModule, find, type LoadSpec } from './load.js';
import type { Fx } from './side-effects.js';

/** What every adapter module exports. */
export interface Adapter {
  load(url: string, spec: LoadSpec): Promise<Record<string, unknown>>;
}

const adapters: Record<string, () => Promise<Adapter>> = {
  'single-spa': () => import('./formats/single-spa.js'),
  html: () => import('./formats/html.js'),
  federation: () => import('./formats/federation.js'),
  iframe: () => import('../isolation/iframe.js'),
};

/** The module at `url` loaded as `kind`, with its side-effect tracker when tracking is on. */
export const adapt = async (kind: string, url: string, spec: LoadSpec): Promise<[Record<string, unknown>, Fx?]> => {
  const a = adapters[kind];
  if (kind != 'esm' && !a) throw new Error(`unknown format "${kind}": use esm, single-spa, html or federation`);
  // Shared packages are mapped before the entry's first import (an iframe has a document of its own).
  const imp =
    spec.shared && kind != 'iframe'
      ? await (await import('../discovery/sharing.js')).prepare(url, spec)
      : (u: string): Promise<Record<string, unknown>> => import(/* @vite-ignore */ u);
  const get = async (): Promise<Record<string, unknown>> => {
    if (a) return (await a()).load(url, spec);
    const ns = await imp(url);
    // An ES module entry without an MFE's exports: a Module Federation container (init/get) given
    // without a format is mounted as format "federation" would mount it; one that exports nothing
    // is told why (a classic script?). Anything else is left to the loader's "does not export".
    return (typeof ns.init == 'function' && typeof ns.get == 'function') || !Object.keys(ns).length
      ? (await import('./formats/federation.js')).unformatted(ns, url, spec)
      : ns;
  };
  const got: [Record<string, unknown>, Fx?] =
    !spec.sideEffects || kind == 'iframe'
      ? [await get()]
      : // `url` may carry a retry suffix; the tracker attributes by the entry's folder, which it keeps.
        await (await import('./side-effects.js')).track(url, spec.name, spec.sideEffects, get);
  // The loader checks the rest of the contract (unmount); a module without mount() stops here.
  if (!find(got[0])) throw new BadModule('does not export mount()');
  return got;
};
