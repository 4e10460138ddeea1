/** Manifest types (api.md §3). Type-only: costs nothing at run time. */
import type { MfeFormat } from '../lifecycle/formats.js';

/** A canary variant of a remote, chosen for a sticky share `weight` (0..1) of users. */
export interface CanaryEntry {
  entry: string;
  version?: string;
  integrity?: string;
  weight: number;
}

/** One remote, as written in a manifest. */
export interface RemoteEntry {
  entry: string;
  version?: string;
  fallback?: string;
  /** Subresource-integrity hash of the entry, e.g. `sha384-…`. */
  integrity?: string;
  /** Stylesheet URLs (relative to the manifest) adopted into the shadow root before `mount`. */
  styles?: string[];
  format?: MfeFormat;
  /** `format: "federation"`: the exposed module to mount (default `./mfe`). */
  expose?: string;
  canary?: CanaryEntry;
  /** Kill switch: resolving the name fails and the element keeps its fallback content. */
  disabled?: boolean;
}

/** A manifest: remote name → entry URL or entry object. */
export type Manifest = Record<string, string | RemoteEntry>;

/** A remote resolved for this user: absolute URLs, canary chosen, overrides applied. */
export interface ResolvedRemote {
  name: string;
  entry: string;
  version?: string;
  fallback?: string;
  integrity?: string;
  styles?: string[];
  format?: MfeFormat;
  expose?: string;
  /** True when this user got the canary variant. */
  canary?: boolean;
  /** True when a local override (`?mfe-override=` / localStorage) replaced the entry. */
  override?: boolean;
}

/** A manifest entry that was rejected, with a message naming source, entry and field. */
export interface ManifestProblem {
  source: string;
  name?: string;
  message: string;
}
