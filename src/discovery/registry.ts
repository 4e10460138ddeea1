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
    const raw = state.remotes[name];
    const r: RemoteEntry | undefined = typeof raw === 'string' ? { entry: raw } : raw;
    if (!r) throw Error(`no remote named "${name}" is configured`);
    if (r.disabled) throw Error(`remote "${name}" is disabled`);
    if (typeof r.entry !== 'string') throw Error(`remote "${name}" has no "entry" URL`);
    return { name, version: r.version, format: r.format, entry: abs(r.entry), fallback: r.fallback && abs(r.fallback) };
  },
  /** Start downloading `name`'s entry without running it. */
  async prefetch(name: string): Promise<void> {
    const [{ entry }, { preload }] = await Promise.all([registry.resolve(name), import('./prefetch.js')]);
    preload(entry);
  },
};
