/**
 * Name → entry resolution (api.md §3). This build resolves through `configure({ remotes })`;
 * manifests plug in here.
 */
import { state } from './config.js';
import { abs } from './url.js';
import type { MfeFormat } from '../lifecycle/formats.js';

/** One remote, as in the manifest. */
export interface RemoteEntry {
  entry: string;
  version?: string;
  fallback?: string;
  integrity?: string;
  styles?: string[];
  format?: MfeFormat;
  disabled?: boolean;
}

/** A remote resolved to absolute URLs. */
export interface ResolvedRemote {
  name: string;
  entry: string;
  version?: string;
  fallback?: string;
  format?: MfeFormat;
}


export const registry = {
  /** Resolve `name` to its entry; rejects with a message naming the MFE when it is unknown or disabled. */
  async resolve(name: string): Promise<ResolvedRemote> {
    const raw = Object.hasOwn(state.remotes, name) ? state.remotes[name] : undefined;
    if (!raw) throw new Error(`no remote named "${name}" is configured`);
    const r: RemoteEntry = typeof raw === 'string' ? { entry: raw } : raw;
    if (r.disabled) throw new Error(`remote "${name}" is disabled`);
    if (typeof r.entry !== 'string') throw new Error(`remote "${name}" has no "entry" URL`);
    return {
      name,
      entry: abs(r.entry),
      version: r.version,
      fallback: r.fallback ? abs(r.fallback) : undefined,
      format: r.format,
    };
  },
  /** Start downloading `name`'s entry without running it. */
  async prefetch(name: string): Promise<void> {
    const [{ entry }, { preload }] = await Promise.all([registry.resolve(name), import('./prefetch.js')]);
    preload(entry);
  },
};
