/**
 * The routed demo shell (/demo/routed/): the routes are declared in index.html with
 * `<mfe-router>` / `<mfe-route>`; this file configures the remotes they name, registers the
 * `signed-in` guard, answers the sign-in page, feeds billing its invoices and logs what the router
 * reports on the bus. Served as TypeScript by the dev server (see demo/start.mjs).
 */
import { bus, configure, setContext, type MfeHost } from '../../src/index.js';
import { addGuard, navigate } from '../../src/routing/index.js';
import { LOCALE_REQUEST, isLocale, type BillingProps, type DemoUser, type Invoice } from '../mfes/shared.js';
import type { DemoAuthDetail } from './mfes/route-info.js';
import { $, eventLog } from '../page.js';

type Kind = 'nav' | 'guard' | 'auth' | 'mounted' | 'error';
/** The side panel's event log. */
const log = eventLog<Kind>($<HTMLOListElement>('#event-log'), 8);

const BASE = '/demo/routed';
const user: DemoUser = { name: 'Ada Lovelace', role: 'Admin' };

// The same bundles as /demo/ (built into /demo/build/ by demo/start.mjs). route-info.js is one
// small vanilla MFE registered under four names: it picks its page by `ctx.name`.
const routeInfo = '/demo/build/route-info.js';
configure({
  remotes: {
    header: { entry: '/demo/build/header.js', version: '2.3.0' },
    billing: { entry: '/demo/build/billing.js', version: '1.4.2' },
    inventory: { entry: '/demo/build/inventory.js', version: '0.9.1' },
    'route-info': { entry: routeInfo, version: '1.0.0' },
    'sign-in': { entry: routeInfo, version: '1.0.0' },
    account: { entry: routeInfo, version: '1.0.0' },
    'not-found': { entry: routeInfo, version: '1.0.0' },
  },
});
// `user: null` while signed out (the MFEs show "Guest").
configure({ context: { user: null, locale: 'en' } });



// ── Guard: /demo/routed/account/* needs a signed-in user ─────────────────────────────────────
let signedIn = false;
addGuard('signed-in', (to) => {
  if (signedIn) return true;
  log('guard', `signed-in refused ${to.path}: redirect to sign-in`);
  return `${BASE}/sign-in?next=${encodeURIComponent(to.path)}`;
});

// The sign-in / account pages ask with a composed DOM event from their ctx.host.
document.body.addEventListener('demo-auth', (e) => {
  const { signedIn: wanted, next } = (e as CustomEvent<DemoAuthDetail>).detail ?? { signedIn: false };
  setSignedIn(wanted);
  if (wanted) navigate(next && next.startsWith(`${BASE}/`) ? next : `${BASE}/account`, { replace: true });
  else navigate(`${BASE}/billing`);
});
const signOut = (): void => {
  setSignedIn(false);
  if (location.pathname.startsWith(`${BASE}/account`)) navigate(`${BASE}/billing`);
};
$('#sign-out').addEventListener('click', signOut);
// The header's log out / log in button (bus events, also sent to the other tabs).
bus.on('auth:logout', () => {
  if (signedIn) signOut();
});
bus.on('auth:login', () => {
  if (!signedIn) setSignedIn(true);
});
function setSignedIn(value: boolean): void {
  signedIn = value;
  setContext({ user: value ? user : null });
  $('#nav-auth').textContent = value ? `yes · ${user.name}` : 'no';
  $('#sign-out').hidden = !value;
  log('auth', value ? `${user.name} signed in` : 'signed out');
}

// ── Billing's props: the router creates its <mfe-host>; hand it invoices once it mounted ────
const invoices: Invoice[] = [
  { id: 'INV-1046', customer: 'Northwind Traders', amount: 1280.5, currency: 'EUR', due: '2026-12-12', status: 'open' },
  { id: 'INV-1045', customer: 'Contoso GmbH', amount: 4200, currency: 'EUR', due: '2026-11-03', status: 'overdue' },
  { id: 'INV-1044', customer: 'Fabrikam SARL', amount: 860, currency: 'EUR', due: '2026-11-28', status: 'paid' },
  { id: 'INV-1042', customer: 'Initech AG', amount: 149.99, currency: 'EUR', due: '2026-12-20', status: 'open' },
];

const nameOf = (target: EventTarget | null): string => (target instanceof HTMLElement ? (target.getAttribute('name') ?? '') : '');

document.body.addEventListener('mfe-mounted', (e) => {
  const name = nameOf(e.target);
  if (name === 'billing') {
    const host = e.target as MfeHost;
    if (!Array.isArray((host.props as Partial<BillingProps>).invoices)) host.props = { invoices } satisfies BillingProps;
  }
  if (name !== 'header') log('mounted', name || 'mfe-host');
});
document.body.addEventListener('mfe-error', (e) => log('error', `${nameOf(e.target) || 'mfe-host'} failed in ${e.detail.phase}`));

// Billing's language button asks the shell (as on /demo/): every MFE, kept ones too, gets update().
document.body.addEventListener(LOCALE_REQUEST, (e) => {
  const locale = e.detail?.locale;
  if (!isLocale(locale)) return;
  document.documentElement.lang = locale;
  setContext({ locale });
});

// ── What the router reports ───────────────────────────────────────────────────────────────
const links = [...document.querySelectorAll<HTMLAnchorElement>('.routes-nav a:not(.external)')];
bus.on('nav:changed', ({ path, route, name }) => {
  $('#nav-route').textContent = name ?? '–';
  $('#nav-path').textContent = path;
  log('nav', `nav:changed ${path} → ${name ?? 'nothing'}${route?.basePath && route.path !== '/' ? ` (sub-path ${route.path})` : ''}`);
  // The nav link whose URL is the current one, else the one whose section we are in.
  const here = new URL(path, location.href);
  const exact = links.find((a) => a.pathname + a.search === here.pathname + here.search);
  const section = links.find((a) => here.pathname === a.pathname || here.pathname.startsWith(`${a.pathname}/`));
  for (const a of links) a.toggleAttribute('aria-current', false);
  (exact ?? section)?.setAttribute('aria-current', 'page');
});

// `/demo/routed/` itself (or its index.html): start at billing (replace, so Back does not return to the blank page).
if ([BASE, `${BASE}/`, `${BASE}/index.html`].includes(location.pathname)) navigate(`${BASE}/billing`, { replace: true });
