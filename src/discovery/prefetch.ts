/** `registry.prefetch()`, loaded on demand: one `<link rel="modulepreload">` per entry. */
import type { ResolvedRemote } from './types.js';

export async function preload(r: ResolvedRemote): Promise<void> {
  // Shared packages are mapped first: a preloaded entry keeps the way its imports resolved.
  if (r.shared) await (await import('./sharing.js')).prepare(r.entry, r);
  const entry = r.entry;
  if (!document.head.querySelector(`link[rel=modulepreload][href="${CSS.escape(entry)}"]`)) {
    document.head.append(Object.assign(document.createElement('link'), { rel: 'modulepreload', href: entry }));
  }
}
