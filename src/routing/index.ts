/**
 * mfe-host/router (issue 6): `<mfe-router>` shows one MFE per outlet, chosen by the URL.
 *
 * ```html
 * <mfe-router keep-alive-max="3">
 *   <mfe-route path="/billing/*" name="billing" keep-alive title="Billing"></mfe-route>
 *   <mfe-route path="/admin/*" name="admin" guard="signed-in"></mfe-route>
 *   <mfe-route fallback name="not-found"></mfe-route>
 * </mfe-router>
 * ```
 *
 * One code path in every engine (WebKitGTK has no Navigation API): same-origin `<a href>` clicks
 * anywhere (also inside shadow roots) and `navigate()` / `ctx.navigate()` / `nav:navigate` use
 * `history.pushState` / `replaceState` and dispatch `popstate`; every router syncs on `popstate`,
 * so back/forward and reloads restore the right MFE and sub-route.
 *
 * Its own entry point and chunk: importing it also loads (and defines) `<mfe-host>`.
 */
import { bus, define, type MfeHost } from '../index.js';
import { onConfigChange, state } from '../discovery/config.js';
import type { Pattern } from './pattern.js';
import type { Guard, GuardResult, NavChanged, NavigateOptions, RouteDef, RouteInfo } from './types.js';

export type * from './types.js';

declare const URLPattern: new (init: { pathname: string }) => Pattern;

const guards = new Map<string, Guard>();
const routers = new Set<MfeRouter>();

/** Register a guard, used with `<mfe-route guard="name">` / `{ guard: 'name' }`. */
export function addGuard(name: string, fn: Guard): void {
  guards.set(name, fn);
}

/** Go to `to` (relative to the current URL) without a reload; every `<mfe-router>` follows. */
export function navigate(to: string, opts: NavigateOptions = {}): void {
  history[opts.replace ? 'replaceState' : 'pushState'](null, '', new URL(to, location.href).href);
  dispatchEvent(new PopStateEvent('popstate'));
}

/** Legacy code: `bus.emit('nav:navigate', { to })` or a plain `nav:navigate` CustomEvent on window. */
addEventListener('nav:navigate', (e) => {
  const d = (e as CustomEvent<{ to?: unknown; replace?: boolean } | undefined>).detail;
  if (typeof d?.to === 'string') navigate(d.to, { replace: !!d.replace });
});

/** Same-origin link clicks, from anywhere in the page, go through the routers. */
document.addEventListener('click', (e) => {
  if (!routers.size || e.defaultPrevented || e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
  const a = e.composedPath().find((n) => n instanceof Element && n.localName === 'a' && n.hasAttribute('href')) as HTMLAnchorElement | undefined;
  if (!a || !(a instanceof HTMLAnchorElement)) return;
  const target = a.getAttribute('target');
  if ((target && target !== '_self') || a.hasAttribute('download') || /\bexternal\b/.test(a.rel)) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin) return;
  // A jump within the page: the browser scrolls.
  if (url.hash && url.pathname === location.pathname && url.search === location.search) return;
  e.preventDefault();
  navigate(url.href);
});

const patterns = new Map<string, Pattern>();
/** The built-in matcher (./pattern.ts), its own chunk, loaded only by engines without URLPattern. */
let fallback: ((path: string) => Pattern) | undefined;
/** `def`'s compiled path; an unusable one throws (the router reports it) naming the route and the cause. */
const compile = (path: string, def: RouteDef): Pattern => {
  let p = patterns.get(path);
  if (!p) {
    try {
      p = typeof URLPattern == 'function' ? new URLPattern({ pathname: path }) : fallback!(path);
    } catch (e) {
      throw new TypeError(`mfe-router: route ${def.name ?? def.src}: ${(e as Error).message}`, { cause: e });
    }
    patterns.set(path, p);
  }
  return p;
};

/** `ctx.route` for `def` at `pathname`, or undefined when it does not match. */
function match(def: RouteDef, pathname: string, query: URLSearchParams): RouteInfo | undefined {
  const path = def.path === undefined || def.path === '' ? '*' : def.path;
  // `/billing/*` also matches `/billing` itself.
  const wild = /\/\*$/.test(path);
  const r = compile(path, def).exec({ pathname }) ?? (wild ? compile(path.slice(0, -2) || '/', def).exec({ pathname }) : null);
  if (!r) return;
  const groups = r.pathname.groups;
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(groups)) if (!/^\d+$/.test(k) && v !== undefined) params[k] = v;
  if (path === '*') return { basePath: '', path: pathname, params, query };
  // The base is what the pattern matched before its trailing wildcard: `/billing` for `/billing/*`.
  let rest = '';
  if (/\*$/.test(path)) {
    const last = Object.keys(groups).filter((k) => /^\d+$/.test(k)).pop();
    rest = (last !== undefined && groups[last]) || '';
  }
  const basePath = pathname.slice(0, pathname.length - rest.length).replace(/\/+$/, '');
  return { basePath, path: `/${rest.replace(/^\/+/, '')}`, params, query };
}

/** What is shown for one route: its `<mfe-host>` and the route it was shown for. */
interface Shown {
  key: object;
  def: RouteDef;
  host: MfeHost;
}

const same = (a: RouteInfo | undefined, b: RouteInfo): boolean =>
  !!a && a.basePath === b.basePath && a.path === b.path && a.query.toString() === b.query.toString() && JSON.stringify(a.params) === JSON.stringify(b.params);

/** Let the element's deferred disconnect check run, then wait until it has unmounted. */
const gone = (host: MfeHost): Promise<unknown> => new Promise((r) => setTimeout(r)).then(() => host.settled);

/**
 * The outlet: shows the MFE of the first `<mfe-route>` child (document order) whose `path`
 * matches the URL, else the `fallback` route; without `<mfe-route>` children it uses
 * `configure({ routes })`.
 *
 * @attr keep-alive-max - How many `keep-alive` MFEs are kept (least recently used go first). Default 3.
 */
export class MfeRouter extends HTMLElement {
  /** The route shown now. */
  #current?: Shown;
  /** keep-alive hosts, least recently used first. */
  #kept = new Map<object, MfeHost>();
  #queue: Promise<void> = Promise.resolve();
  #gen = 0;
  #redirects = 0;
  #off?: () => void;
  #observer?: MutationObserver;
  readonly #onPop = (): void => this.#sync();
  readonly #onTitle = (e: Event): void => {
    if (e.target === this.#current?.host && (e as CustomEvent).detail != null) document.title = String((e as CustomEvent).detail);
  };
  /** document.title before any route set it. */
  #baseTitle = document.title;

  /** Resolves once the router has caught up with the URL (and the shown MFE has settled). */
  get settled(): Promise<void> {
    return this.#queue.then(() => (this.#gen === this.#done ? undefined : this.settled));
  }
  #done = 0;

  /** The `<mfe-host>` shown now. */
  get host(): MfeHost | undefined {
    return this.#current?.host;
  }

  get keepAliveMax(): number {
    const n = Number(this.getAttribute('keep-alive-max') ?? 3);
    return Number.isFinite(n) && n >= 0 ? n : 3;
  }
  set keepAliveMax(n: number) {
    this.setAttribute('keep-alive-max', String(n));
  }

  connectedCallback(): void {
    routers.add(this);
    addEventListener('popstate', this.#onPop);
    this.addEventListener('mfe-title', this.#onTitle);
    this.#off ??= onConfigChange(() => {
      if (!this.#routeElements().length) this.#sync();
    });
    // Routes added, removed or changed later (or parsed after the router was upgraded).
    this.#observer ??= new MutationObserver((records) => {
      if (records.some((r) => r.type === 'attributes' || [...r.addedNodes, ...r.removedNodes].some((n) => n.nodeName === 'MFE-ROUTE'))) this.#sync();
    });
    this.#observer.observe(this, { childList: true, subtree: true, attributeFilter: ['path', 'name', 'src', 'keep-alive', 'guard', 'title', 'fallback'] });
    this.#sync();
  }

  disconnectedCallback(): void {
    routers.delete(this);
    removeEventListener('popstate', this.#onPop);
    this.removeEventListener('mfe-title', this.#onTitle);
    this.#off?.();
    this.#off = undefined;
    this.#observer?.disconnect();
    this.#observer = undefined;
    // The hosts leave the document with the router, and unmount.
    for (const h of this.#kept.values()) h.remove();
    this.#current?.host.remove();
    this.#kept.clear();
    this.#current = undefined;
  }

  #routeElements(): Element[] {
    return [...this.children].filter((c) => c.localName === 'mfe-route');
  }

  /** The routes in order, each with the identity its kept host is stored under. */
  #routes(): Array<[object, RouteDef]> {
    const els = this.#routeElements();
    if (!els.length) return (state.routes ?? []).map((r) => [r, r]);
    return els.map((el) => {
      const a = (n: string): string | undefined => el.getAttribute(n) ?? undefined;
      return [el, { path: a('path'), name: a('name'), src: a('src'), guard: a('guard'), title: a('title'), keepAlive: el.hasAttribute('keep-alive'), fallback: el.hasAttribute('fallback') }];
    });
  }

  /** Catch up with the URL; calls are serialised and only the latest one does any work. */
  #sync(): void {
    const gen = ++this.#gen;
    this.#queue = this.#queue
      .then(() => (gen === this.#gen && this.isConnected ? this.#apply(gen) : undefined))
      .catch(reportError)
      .finally(() => (this.#done = Math.max(this.#done, gen)));
  }

  async #apply(gen: number): Promise<void> {
    if (typeof URLPattern != 'function' && !fallback) fallback = (await import('./pattern.js')).fallbackPattern;
    const { pathname, search } = location;
    const query = new URLSearchParams(search);
    const routes = this.#routes();
    let found: [object, RouteDef, RouteInfo] | undefined;
    for (const [key, def] of routes) {
      const info = !def.fallback && match(def, pathname, query);
      if (info) {
        found = [key, def, info];
        break;
      }
    }
    if (found?.[1].guard) {
      const guard = guards.get(found[1].guard);
      let ok: GuardResult = false;
      try {
        ok = guard ? await guard({ path: pathname + search, route: found[2] }) : (console.error(`mfe-router: no guard "${found[1].guard}" (addGuard)`), false);
      } catch (e) {
        reportError(e);
      }
      if (gen !== this.#gen) return;
      if (typeof ok === 'string') {
        // A loop of redirects stops at the fallback.
        if (++this.#redirects <= 10) return navigate(ok, { replace: true });
        ok = false;
      }
      if (!ok) found = undefined;
    }
    this.#redirects = 0;
    if (!found) {
      const fb = routes.find(([, d]) => d.fallback);
      if (fb) found = [fb[0], fb[1], { basePath: '', path: pathname, params: {}, query }];
    }
    await this.#show(found);
    const cur = this.#current;
    if (cur) await cur.host.settled;
    if (gen !== this.#gen) return;
    const r = cur?.host.route;
    const detail: NavChanged = {
      path: pathname + search,
      route: r ? { basePath: r.basePath, path: r.path, params: r.params, query: r.query.toString() } : null,
      name: cur ? cur.def.name ?? cur.def.src : undefined,
    };
    bus.emit('nav:changed', detail);
  }

  /** Put `found` in the outlet: the old MFE is hidden (keep-alive) or unmounted first. */
  async #show(found: [object, RouteDef, RouteInfo] | undefined): Promise<void> {
    const old = this.#current;
    if (found && old && old.key === found[0] && same(old.host.route, found[2])) return;
    if (found && old && old.key === found[0]) {
      // Same route, another sub-path or query: `update`, no remount.
      old.host.route = found[2];
      return;
    }
    this.#current = undefined;
    if (old) {
      if (old.def.keepAlive && this.#kept.get(old.key) === old.host) {
        old.host.hidden = true;
        old.host.style.display = 'none';
        old.host.hook('deactivated');
      } else {
        old.host.remove();
        await gone(old.host);
      }
    }
    document.title = found?.[1].title ?? this.#baseTitle;
    if (!found) return;
    const [key, def, info] = found;
    let host = this.#kept.get(key);
    if (host) {
      this.#kept.delete(key); // re-inserted below as the most recently used
      host.route = info;
      host.hidden = false;
      host.style.removeProperty('display');
      // After the element has passed the new route on (`update`), so `ctx.route` is current.
      this.#current = { key, def, host };
      this.#kept.set(key, host);
      await host.settled;
      if (this.#current?.host === host) host.hook('activated');
      return;
    }
    host = document.createElement('mfe-host');
    if (def.name) host.setAttribute('name', def.name);
    if (def.src) host.setAttribute('src', def.src);
    host.route = info;
    this.append(host);
    this.#current = { key, def, host };
    if (def.keepAlive) {
      this.#kept.set(key, host);
      // Over the cap: the least recently used hidden ones are unmounted.
      for (const [k, h] of this.#kept) {
        if (this.#kept.size <= this.keepAliveMax) break;
        if (h === host) continue;
        this.#kept.delete(k);
        h.remove();
      }
    }
  }
}

/**
 * `<mfe-route>`: a route of its parent `<mfe-router>` (attributes only, nothing rendered).
 *
 * @attr path - `URLPattern` pathname pattern matched against `location.pathname`: `/billing/*`, `/users/:id/*`, `*`
 *   (engines without URLPattern, e.g. Firefox < 142: literal text, `:name`, `*` and `?` after those).
 * @attr name - Registry name of the MFE to show (resolved like `<mfe-host name>`).
 * @attr src - Entry URL of the MFE; wins over `name`.
 * @attr guard - Name of a guard registered with `addGuard()`, asked before the route is entered.
 * @attr title - `document.title` while the route is shown.
 * @attr {boolean} keep-alive - Hide the MFE when the route is left, instead of unmounting it.
 * @attr {boolean} fallback - Shown when no other route matches.
 */
export class MfeRoute extends HTMLElement {}

define();
if (!customElements.get('mfe-route')) customElements.define('mfe-route', MfeRoute);
if (!customElements.get('mfe-router')) customElements.define('mfe-router', MfeRouter);

declare global {
  interface HTMLElementTagNameMap {
    'mfe-router': MfeRouter;
    'mfe-route': MfeRoute;
  }
}
