/**
 * Shared-dependency decisions (`registry.sharing()`, README "Sharing dependencies"), shown when
 * the runtime has them: feature-detected, so the panel also works with a runtime without it.
 */
import { registry } from '../index.js';

/** What the panel shows of one decision (the runtime's records carry more). */
export interface SharingRow {
  mfe: string;
  package: string;
  decision: string;
  reason: string;
  requiredVersion?: string;
  provided?: { version?: string; url: string };
  url?: string;
}

type WithSharing = { sharing?: () => Promise<readonly SharingRow[]> };

/** Whether this runtime reports its sharing decisions. */
export const hasSharing = (): boolean => typeof (registry as WithSharing).sharing === 'function';

/** The decisions so far; `undefined` when the runtime does not report them. */
export async function sharingRows(): Promise<SharingRow[] | undefined> {
  const sharing = (registry as WithSharing).sharing;
  if (typeof sharing !== 'function') return undefined;
  return [...(await sharing.call(registry))];
}
