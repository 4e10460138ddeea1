/** Manifest types (api.md §3). Type-only: costs nothing at run time. */
import type { MfeFormat } from '../lifecycle/formats.js';

/** A canary variant of a remote, chosen for a sticky share `weight` (0..1) of users. */
export interface CanaryEntry {
  entry: string;
  version?: string;
  integrity?: string;
  weight: number;
}

/**
 * A package an MFE imports by its bare name (`import … from 'react'`, left external by its
 * build) and wants shared with the shell: manifest `"shared": { "react": { … } }`.
 */
export interface SharedNeed {
  /** npm semver range the shell's copy must satisfy, e.g. `^19.0.0`. */
  requiredVersion: string;
  /** Only one copy may run on the page: a shell copy outside the range is used anyway (with a warning). */
  singleton?: boolean;
  /** Never use a copy outside the range: a singleton that does not fit fails the mount. */
  strictVersion?: boolean;
  /** The MFE's own copy (a module URL relative to the entry), used for its folder only when the shell's does not fit. */
  fallback?: string;
}

/** A package the shell provides: `configure({ shared: { react: { version, url } } })`. */
export interface SharedPackage {
  /** Its exact version, checked against each MFE's `requiredVersion`. */
  version?: string;
  /** Module URL (relative to the page) that the bare name maps to. */
  url: string;
}

/** One decision of `registry.sharing()`: how one MFE gets one shared package. */
export interface SharingDecision {
  /** Registry name of the MFE. */
  mfe: string;
  /** The entry URL loaded. */
  entry: string;
  package: string;
  requiredVersion: string;
  singleton: boolean;
  strictVersion: boolean;
  /** What the shell provides (configure, or the page's import map, which may give no version). */
  provided?: { version?: string; url: string };
  /**
   * `shared`: the shell's copy; `scoped`: the MFE's fallback, mapped for its folder only;
   * `singleton-mismatch`: the shell's copy although outside the range; `rejected`: the mount fails.
   */
  decision: 'shared' | 'scoped' | 'singleton-mismatch' | 'rejected';
  /** The module the MFE's imports of `package` resolve to (none when rejected). */
  url?: string;
  /** Why, in a sentence naming the package, the range and the version. */
  reason: string;
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
  /** Packages imported by bare name that the shell should provide (README "Sharing dependencies"). */
  shared?: Record<string, SharedNeed>;
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
  shared?: Record<string, SharedNeed>;
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
