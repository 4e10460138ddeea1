/**
 * Name → entry resolution (api.md §3). The manifest machinery (sources, validation, fetching
 * and refresh, canary, overrides) is a chunk loaded on first use, so pages that only use
 * `src=` never download it.
 */
import type { ManifestProblem, RemoteEntry, ResolvedRemote, SharingDecision } from './types.js';

type ManifestChunk = typeof import('./manifest.js');
/** The manifest chunk, once loaded (a failed load is tried again next time). */
let chunk: ManifestChunk | undefined;
let loading: Promise<ManifestChunk> | undefined;
const manifest = (): Promise<ManifestChunk> =>
  (loading ??= import('./manifest.js').then(
    (m) => (chunk = m),
    (e: unknown) => {
      loading = undefined;
      throw e;
    },
  ));

/**
 * `registry.resolve(name)` without waiting, when the manifest is already at hand (else
 * undefined); throws as `resolve` rejects. Internal: `<mfe-host>` mounts by name without an
 * await this way.
 */
export const resolveNow = (name: string): ResolvedRemote | undefined => chunk?.resolveNow(name);

export const registry = {
  /** Resolve `name` for this user; rejects with a message naming the MFE when it is unknown, invalid or disabled. */
  resolve: async (name: string): Promise<ResolvedRemote> => (await manifest()).resolve(name),
  /** Start downloading `name`'s entry without running it (`<link rel="modulepreload">`). */
  async prefetch(name: string): Promise<void> {
    const [r, { preload }] = await Promise.all([registry.resolve(name), import('./prefetch.js')]);
    await preload(r);
  },
  /** Fetch every manifest source again now; a failed fetch keeps the last good manifest. */
  refresh: async (): Promise<void> => (await manifest()).refresh(),
  /** The merged manifest and the entries that were rejected, with why. */
  entries: async (): Promise<{ remotes: Record<string, RemoteEntry>; problems: ManifestProblem[] }> =>
    (await manifest()).entries(),
  /** How each MFE loaded so far gets each of its shared packages, and why (README "Sharing dependencies"). */
  sharing: async (): Promise<SharingDecision[]> => (await import('./sharing.js')).report(),
};
