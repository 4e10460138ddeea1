/**
 * Adapters turn an entry URL into an MFE (or a namespace exporting one) for a non-ESM format or
 * for iframe isolation. This dispatcher and each adapter are chunks of their own, loaded only
 * when an entry needs them.
 */
import type { LoadSpec } from './load.js';

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

export const adapt = async (kind: string, url: string, spec: LoadSpec): Promise<Record<string, unknown>> => {
  const a = adapters[kind];
  if (!a) throw new Error(`unknown format "${kind}": use esm, single-spa, html or federation`);
  return (await a()).load(url, spec);
};
