/**
 * Public types of the MFE contract (api.md §1) and of `<mfe-host>`'s events (§2).
 */
import type { MfeBus } from './events/bus.js';

/** Lifecycle status of one `<mfe-host>` element, reflected as its `status` attribute. */
export type MfeStatus = 'idle' | 'loading' | 'mounting' | 'mounted' | 'unmounting' | 'error';

/** The step a failure happened in; carried by `mfe-error` and by {@link MfeError}. */
export type MfePhase = 'resolve' | 'load' | 'bootstrap' | 'mount' | 'update' | 'unmount';

/** What an MFE receives in every lifecycle call. One object per mounted element, kept up to date. */
export interface MountContext<P = Record<string, unknown>> {
  /** Container inside the shadow root (or in light DOM with `isolation="none"`): render here. */
  host: HTMLElement;
  /** The shadow root the MFE lives in; `null` with `isolation="none"`. */
  shadowRoot: ShadowRoot | null;
  /** Current props: always an object, never a string. */
  props: P;
  /** Shell-wide context (user, locale, flags) from `configure({ context })` / `setContext()`. */
  context: Record<string, unknown>;
  /** Registry name, e.g. `"billing"` (empty when the element only has `src`). */
  name: string;
  version?: string;
  /** URL of the entry's folder, with a trailing slash, for relative assets. */
  baseUrl: string;
  /** Scoped bus: `meta.source` is this MFE, and every subscription is removed at unmount. */
  bus: MfeBus;
  /** Aborted at unmount. */
  signal: AbortSignal;
  /** Scoped custom element registry, where the browser has them. */
  registry?: CustomElementRegistry;
  /** Layer above the page for modals and popovers. */
  overlayRoot?: HTMLElement;
  route?: { basePath: string; path: string; params: Record<string, string>; query: URLSearchParams };
  /** Navigate the page (the host owns the URL). */
  navigate(to: string, opts?: { replace?: boolean }): void;
}

/** Anything `styles` may hold. */
export type MfeStyles = string | CSSStyleSheet | Array<string | CSSStyleSheet>;

/** What an MFE's ESM entry exports (named, as `default`, or as `mfe`). */
export interface MicroFrontend<P = Record<string, unknown>> {
  /** Runs once per loaded module, before its first mount. */
  bootstrap?(): void | Promise<void>;
  mount(ctx: MountContext<P>): void | Promise<void>;
  /** Props or context changed. Without it, the runtime unmounts and mounts again. */
  update?(ctx: MountContext<P>): void | Promise<void>;
  unmount(ctx: MountContext<P>): void | Promise<void>;
  activated?(ctx: MountContext<P>): void;
  deactivated?(ctx: MountContext<P>): void;
  styles?: MfeStyles;
}

/** `detail` of every `mfe-*` event. */
export interface MfeEventDetail {
  name: string;
  entry: string;
  version?: string;
}
export interface MfeMountedDetail extends MfeEventDetail {
  /** Milliseconds spent in each step of this mount. */
  timing: { resolve: number; load: number; mount: number };
}
export interface MfeErrorDetail extends MfeEventDetail {
  phase: MfePhase;
  error: Error;
  /** Set when the runtime goes on to try this fallback entry (`error-handling="fallback"`). */
  fallback?: string;
}

/** One thing an MFE module left behind (side-effect tracking, `configure({ sideEffects })`). */
export interface MfeLeak {
  kind: 'global' | 'listener' | 'timeout' | 'interval' | 'animation-frame';
  /** Global name, event type, or timer callback name. */
  name: string;
  /** For listeners: where it was added. */
  target?: 'window' | 'document';
  /** Whether the runtime removed it (per `sideEffects.clean`). */
  removed: boolean;
  /** When it was created: while the module loaded (evaluation, bootstrap) or while an instance was mounted. */
  phase: 'load' | 'mount';
  /** `url:line:column` of the call that created it (listeners and timers). */
  source?: string;
}
export interface MfeLeakDetail extends MfeEventDetail {
  leaks: MfeLeak[];
}

/** Events `<mfe-host>` dispatches; all bubble and are composed. */
export interface MfeHostEventMap {
  'mfe-loaded': CustomEvent<MfeEventDetail>;
  'mfe-mounted': CustomEvent<MfeMountedDetail>;
  'mfe-updated': CustomEvent<MfeEventDetail>;
  'mfe-unmounted': CustomEvent<MfeEventDetail>;
  'mfe-error': CustomEvent<MfeErrorDetail>;
  /** The last instance of a module unmounted and it left globals, listeners or timers behind. */
  'mfe-leak': CustomEvent<MfeLeakDetail>;
}
