/**
 * A small vanilla MFE for the routed demo (demo/routed/): what the router hands a mounted MFE.
 * One module, several small pages, picked by `ctx.name` (the shell registers this one entry
 * under four names):
 *
 * - `route-info`: shows `ctx.route` (basePath, path, params, query), has plain `<a href>` links
 *   to sub-paths (the router calls `update(ctx)`, no remount) and a button using
 *   `ctx.navigate(…, { replace: true })`; counts mounts, updates and keep-alive hooks; sets the
 *   page title with the `mfe-title` event.
 * - `sign-in`: where the `signed-in` guard sends a signed-out user; asks the shell to sign in
 *   with a composed `demo-auth` event, then the shell navigates to `?next=`.
 * - `account`: the guarded page; a sign-out button (`demo-auth` again).
 * - `not-found`: the router's fallback route.
 *
 * Built by demo/start.mjs into /demo/build/route-info.js.
 */
import type { MountContext } from '../../../src/types.js';

/** Detail of the `demo-auth` event this MFE dispatches from `ctx.host` (bubbles, composed). */
export interface DemoAuthDetail {
  signedIn: boolean;
  /** Where to go after signing in (the path the guard refused). */
  next?: string;
}
export const DEMO_AUTH = 'demo-auth';

type Route = NonNullable<MountContext['route']>;

interface State {
  mounts: number;
  updates: number;
  activated: number;
  deactivated: number;
}
const states = new WeakMap<HTMLElement, State>();
let mounts = 0;

const el = <K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] => {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
};

/** `basePath` without a trailing slash, so `${base}/x` is always one slash. */
const baseOf = (route: Route | undefined): string => (route?.basePath ?? '').replace(/\/+$/, '');

function setTitle(ctx: MountContext, title: string): void {
  ctx.host.dispatchEvent(new CustomEvent('mfe-title', { detail: title, bubbles: true, composed: true }));
}

function auth(ctx: MountContext, detail: DemoAuthDetail): void {
  ctx.host.dispatchEvent(new CustomEvent<DemoAuthDetail>(DEMO_AUTH, { detail, bubbles: true, composed: true }));
}

function routeTable(route: Route | undefined): HTMLElement {
  if (!route) return el('p', { className: 'muted' }, 'No ctx.route: not mounted by <mfe-router>.');
  const query = [...route.query].map(([k, v]) => `${k}=${v}`).join('&');
  const params = Object.entries(route.params);
  const rows: [string, string][] = [
    ['basePath', route.basePath],
    ['path', route.path || '(empty)'],
    ['params', params.length ? params.map(([k, v]) => `${k}=${v}`).join(', ') : '{}'],
    ['query', query ? `?${query}` : '(none)'],
  ];
  return el(
    'dl',
    { className: 'route' },
    ...rows.map(([k, v]) => el('div', {}, el('dt', {}, `ctx.route.${k}`), el('dd', { className: `v-${k}` }, v))),
  );
}

function render(ctx: MountContext): void {
  const route = ctx.route;
  const base = baseOf(route);
  const state = states.get(ctx.host)!;
  const views: Record<string, () => (Node | string)[]> = {
    'route-info': () => {
      const sub = route?.path && route.path !== '/' ? route.path : '';
      setTitle(ctx, sub ? `Route info · ${sub}` : 'Route info');
      const replace = el('button', { type: 'button', className: 'navigate' }, 'ctx.navigate(…/orders/8, { replace: true })');
      replace.addEventListener('click', () => ctx.navigate(`${base}/orders/8?tab=history`, { replace: true }));
      return [
        el('h2', {}, 'ctx.route'),
        el('p', { className: 'muted' }, 'A vanilla MFE mounted by <mfe-route path="…/explore/*">. The links below change only the sub-path or query: the router calls update(ctx), the MFE stays mounted.'),
        routeTable(route),
        el(
          'nav',
          { className: 'links' },
          el('a', { href: `${base}/` }, 'overview'),
          el('a', { href: `${base}/orders/7` }, 'orders/7'),
          el('a', { href: `${base}/orders/7?tab=items` }, 'orders/7?tab=items'),
          el('a', { href: `${base}/customers/ada` }, 'customers/ada'),
          replace,
        ),
        el(
          'p',
          { className: 'counters' },
          el('span', { className: 'c-mounts' }, `mount #${state.mounts}`),
          el('span', { className: 'c-updates' }, `update() ${state.updates}×`),
          el('span', { className: 'c-activated' }, `activated ${state.activated}×`),
          el('span', { className: 'c-deactivated' }, `deactivated ${state.deactivated}×`),
        ),
      ];
    },
    'sign-in': () => {
      setTitle(ctx, 'Sign in');
      const next = route?.query.get('next') ?? '';
      const button = el('button', { type: 'button', className: 'primary' }, 'Sign in as Ada Lovelace');
      button.addEventListener('click', () => auth(ctx, { signedIn: true, next }));
      return [
        el('h2', {}, 'Sign in'),
        el('p', { className: 'muted' }, next ? `The "signed-in" guard sent you here from ${next}.` : 'The account pages are guarded.'),
        button,
      ];
    },
    account: () => {
      setTitle(ctx, 'Account');
      const user = ctx.context['user'] as { name?: string; role?: string } | undefined;
      const button = el('button', { type: 'button' }, 'Sign out');
      button.addEventListener('click', () => auth(ctx, { signedIn: false }));
      return [
        el('h2', {}, 'Account'),
        el('p', {}, `Signed in as ${user?.name ?? 'someone'}${user?.role ? ` (${user.role})` : ''}. This route has guard="signed-in".`),
        routeTable(route),
        button,
      ];
    },
    'not-found': () => {
      setTitle(ctx, 'Not found');
      return [
        el('h2', {}, 'Nothing here'),
        el('p', {}, 'No route matches ', el('code', {}, route?.path || location.pathname), ': this is the router’s fallback route.'),
        el('a', { href: '/demo/routed/billing' }, 'Go to billing'),
      ];
    },
  };
  const view = views[ctx.name] ?? views['route-info'];
  ctx.host.replaceChildren(el('div', { className: 'card' }, ...view()));
}

export const styles = `
.card { font: 400 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #1f2937; }
.card * { box-sizing: border-box; }
h2 { margin: 0 0 4px; font-size: 18px; letter-spacing: -.01em; }
.muted { margin: 0 0 12px; color: #64748b; font-size: 13px; }
.route { display: grid; grid-template-columns: max-content 1fr; gap: 4px 14px; margin: 0 0 14px; }
.route div { display: contents; }
.route dt { font: 600 12px/1.8 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; color: #64748b; }
.route dd { margin: 0; font: 600 13px/1.8 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; color: #3730a3; overflow-wrap: anywhere; }
.links { display: flex; flex-wrap: wrap; gap: 8px; margin: 0 0 12px; }
a { color: #4338ca; font-weight: 600; text-decoration: none; padding: 4px 10px; border-radius: 8px; background: #eef2ff; }
a:hover { background: #e0e7ff; }
button { font: inherit; font-size: 13px; font-weight: 600; padding: 4px 12px; border-radius: 8px; border: 1px solid #c7d2fe; background: #fff; color: #3730a3; cursor: pointer; }
button.primary { background: #4f46e5; border-color: #4f46e5; color: #fff; padding: 8px 16px; }
code { font: 600 12.5px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; color: #3730a3; }
.counters { display: flex; flex-wrap: wrap; gap: 8px; margin: 0; font-size: 12px; color: #475569; }
.counters span { padding: 2px 8px; border-radius: 999px; background: #f1f5f9; }
`;

export function mount(ctx: MountContext): void {
  states.set(ctx.host, { mounts: ++mounts, updates: 0, activated: 0, deactivated: 0 });
  render(ctx);
}

/** Only the sub-path or the query changed (or the context): same instance, new `ctx.route`. */
export function update(ctx: MountContext): void {
  const state = states.get(ctx.host);
  if (state) state.updates++;
  render(ctx);
}

/** Keep-alive: the route was hidden (not unmounted) / shown again. */
export function deactivated(ctx: MountContext): void {
  const state = states.get(ctx.host);
  if (state) state.deactivated++;
}
export function activated(ctx: MountContext): void {
  const state = states.get(ctx.host);
  if (state) state.activated++;
  render(ctx);
}

export function unmount(ctx: MountContext): void {
  states.delete(ctx.host);
  ctx.host.replaceChildren();
}

