/**
 * Shell-wide configuration: `configure()` and the shared context.
 * Elements subscribe with {@link onConfigChange} to re-resolve names that were unknown and to
 * pass new context to mounted MFEs.
 */
import type { RemoteEntry } from './registry.js';

export interface MfeConfig {
  /** Remotes in manifest format: `{ billing: "https://…/mfe.js" }` or `{ billing: { entry, version, fallback } }`. Merged over earlier ones. */
  remotes?: Record<string, string | RemoteEntry>;
  /** Shell-wide context handed to every MFE as `ctx.context` (replaces the current one). */
  context?: Record<string, unknown>;
  /** Base delay in ms of the retry backoff (doubled each try). Default 300. */
  retryDelay?: number;
}

export const state = {
  remotes: Object.create(null) as Record<string, string | RemoteEntry>,
  context: {} as Record<string, unknown>,
  retryDelay: 300,
};

const listeners = new Set<() => void>();

/** Called after every `configure()` / `setContext()`; returns the unsubscribe function. */
export const onConfigChange = (fn: () => void): (() => void) => {
  listeners.add(fn);
  return () => listeners.delete(fn);
};
const changed = (): void => listeners.forEach((fn) => fn());

/** Configure the runtime. Later calls merge `remotes` and replace `context`. */
export function configure(config: MfeConfig): void {
  if (config.remotes) {
    for (const [name, entry] of Object.entries(config.remotes)) {
      if (name !== '__proto__' && name !== 'constructor' && name !== 'prototype') state.remotes[name] = entry;
    }
  }
  if (config.context) state.context = { ...config.context };
  if (config.retryDelay !== undefined) state.retryDelay = config.retryDelay;
  changed();
}

/** Merge `patch` into the shared context; mounted MFEs get `update` with the new `ctx.context`. */
export function setContext(patch: Record<string, unknown>): void {
  state.context = { ...state.context, ...patch };
  changed();
}
