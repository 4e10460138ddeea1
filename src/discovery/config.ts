/**
 * Shell-wide configuration: `configure()` and the shared context.
 * Elements subscribe with {@link onConfigChange} to re-resolve names that were unknown and to
 * pass new context to mounted MFEs.
 */
import type { Manifest, SharedPackage } from './types.js';
import { withTabs } from '../events/bus.js';
import type { RouteDef } from '../routing/types.js';
import type { SideEffectOptions } from '../lifecycle/side-effects.js';
import { DEV } from '../env.js';

export interface MfeConfig {
  /** A manifest: its URL (fetched once, shared, refreshed after `manifestTtl`) or the object itself. Replaces an earlier one. */
  manifest?: string | Manifest;
  /** Remotes in manifest format, over the manifest: `{ billing: "https://…/mfe.js" }`. Merged over earlier calls. */
  remotes?: Manifest;
  /** Stable user id for sticky canary choice (else a random id kept in localStorage). */
  userId?: string;
  /** Let `?mfe-override=name=URL` and `localStorage['mfe-override:name']` replace entries (development, staging). */
  allowOverrides?: boolean;
  /** Milliseconds a fetched manifest stays fresh; after that it is refreshed in the background. Default 60000. */
  manifestTtl?: number;
  /** Shell-wide context handed to every MFE as `ctx.context` (replaces the current one). */
  context?: Record<string, unknown>;
  /** Base delay in ms of the retry backoff (doubled each try). Default 300. */
  retryDelay?: number;
  /**
   * Name of the `BroadcastChannel` that carries `bus.emit(…, { crossTab: true })` (default
   * "mfe-host"); tabs with another name do not hear each other. Setting it opens the channel.
   */
  channel?: string;
  /** Routes of an `<mfe-router>` that has no `<mfe-route>` children (`mfe-host/router`). Replaces earlier ones. */
  routes?: RouteDef[];
  /**
   * Track what MFE modules leave on `window`/`document` (globals, listeners, timers) and clean
   * it up at the last unmount of each module (`clean: true | ['listeners','timers','globals']`;
   * read when a module starts loading). Default: off in production builds; in the
   * development build `{ report: true }` (an `mfe-leak` event, nothing removed). `false` turns it off.
   */
  sideEffects?: SideEffectOptions | false;
  /**
   * Packages the shell provides to MFEs whose manifest entry lists them in `"shared"`:
   * `{ react: { version: '19.1.0', url: '/shared/react/19.1.0/react.js' } }` (README "Sharing
   * dependencies"). Read before each MFE's first import; replaces earlier ones.
   */
  shared?: Record<string, SharedPackage>;
}

export const state = {
  manifest: undefined as string | Manifest | undefined,
  remotes: Object.create(null) as Manifest,
  userId: undefined as string | undefined,
  allowOverrides: false,
  manifestTtl: 60_000,
  context: {} as Record<string, unknown>,
  retryDelay: 300,
  channel: 'mfe-host',
  routes: undefined as RouteDef[] | undefined,
  sideEffects: (DEV ? { report: true } : undefined) as SideEffectOptions | false | undefined,
  shared: undefined as Record<string, SharedPackage> | undefined,
  /** Bumped whenever what discovery depends on changes, so the merged manifest is rebuilt. */
  generation: 0,
};

const listeners = new Set<() => void>();

/** Called after every `configure()` / `setContext()`; returns the unsubscribe function. */
export const onConfigChange = (fn: () => void): (() => void) => {
  listeners.add(fn);
  return () => listeners.delete(fn);
};
/** Tell elements that what names resolve to may have changed (configure, a refreshed manifest). */
export const changed = (): void => listeners.forEach((fn) => fn());

/** Names that could pollute prototypes are ignored everywhere. */
export const unsafe = (name: string): boolean => name === '__proto__' || name === 'constructor' || name === 'prototype';

/** Configure the runtime. Later calls merge `remotes`, replace `manifest` and `context`. */
export function configure(config: MfeConfig): void {
  const { remotes, context, ...rest } = config;
  if (remotes) for (const [name, entry] of Object.entries(remotes)) if (!unsafe(name)) state.remotes[name] = entry;
  if (context) state.context = { ...context };
  for (const [k, v] of Object.entries(rest)) if (k in state && k !== 'generation' && (v !== undefined || k === 'manifest')) (state as Record<string, unknown>)[k] = v;
  if (remotes || 'manifest' in config || 'userId' in config || 'allowOverrides' in config) state.generation++;
  // Open the bus's cross-tab channel now: a page that listens only with window.addEventListener
  // has no bus call that would open it.
  if (config.channel) withTabs();
  changed();
}

/** Merge `patch` into the shared context; mounted MFEs get `update` with the new `ctx.context`. */
export function setContext(patch: Record<string, unknown>): void {
  state.context = { ...state.context, ...patch };
  changed();
}
