/**
 * Types of the router (`mfe-host/router`, issue 6).
 */

/** What a routed MFE receives as `ctx.route`. */
export interface RouteInfo {
  /** The part of the URL the route owns, e.g. `/billing` for `/billing/*`. */
  basePath: string;
  /** The rest, below `basePath`, always starting with `/` (`/` when empty). */
  path: string;
  /** Named groups of the pattern, e.g. `{ id: '42' }` for `/users/:id/*`. */
  params: Record<string, string>;
  /** `location.search`, parsed. */
  query: URLSearchParams;
}

/** One route, as `<mfe-route>` attributes or in `configure({ routes })`. */
export interface RouteDef {
  /** A `URLPattern` pathname pattern: `/billing/*`, `/users/:id`, `*`. */
  path?: string;
  /** Registry name of the MFE. */
  name?: string;
  /** Entry URL of the MFE (wins over `name`). */
  src?: string;
  /** Hide the MFE when leaving instead of unmounting it. */
  keepAlive?: boolean;
  /** Name of a guard registered with `addGuard()`. */
  guard?: string;
  /** Default `document.title` while the route is active. */
  title?: string;
  /** Shown when no other route matches (or when a guard answers `false`). */
  fallback?: boolean;
}

/** What a guard is asked about. */
export interface GuardTarget {
  /** `pathname + search` of the URL being entered. */
  path: string;
  route: RouteInfo;
}

/** `true` lets the navigation through, `false` shows the fallback route, a string redirects there (replace). */
export type GuardResult = boolean | string;
export type Guard = (to: GuardTarget) => GuardResult | Promise<GuardResult>;

export interface NavigateOptions {
  /** Replace the current history entry instead of pushing one. */
  replace?: boolean;
}

/** Payload of `nav:changed`, emitted on the bus after every route change. */
export interface NavChanged {
  /** `pathname + search` of the new URL. */
  path: string;
  /** The active route (`query` as a string, without `?`); `null` when nothing matched. */
  route: { basePath: string; path: string; params: Record<string, string>; query: string } | null;
  /** Route name (or src) that is shown, if any. */
  name?: string;
}

declare module '../events/bus.js' {
  interface MfeEvents {
    /** Ask the router to navigate (legacy code: `bus.emit('nav:navigate', { to })`). */
    'nav:navigate': { to: string; replace?: boolean };
    'nav:changed': NavChanged;
  }
}
