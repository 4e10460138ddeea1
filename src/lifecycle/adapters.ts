/**
 * Adapters turn an entry URL into an MFE (or a namespace exporting one) for a non-ESM format or
 * for iframe isolation; side-effect tracking wraps any of them but the iframe (it has a window
 * of its own). Entries with `shared` packages negotiate them first (discovery/sharing). This
 * dispatcher and each adapter are chunks of their own, loaded only when an entry needs them.
 */
import type { LoadSpec } from './load.js';
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
  const get = async (): Promise<Record<string, unknown>> => (a ? (await a()).load(url, spec) : imp(url));
  if (!spec.sideEffects || kind == 'iframe') return [await get()];
  // `url` may carry a retry suffix; the tracker attributes by the entry's folder, which it keeps.
  return (await import('./side-effects.js')).track(url, spec.name, spec.sideEffects, get);
};
