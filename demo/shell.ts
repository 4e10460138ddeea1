/**
 * The demo shell (/demo/): the manifest comes from the shell host (`/mfe-manifest.json`, an
 * inline manifest script in index.html); this file sets the shared context and the canary user,
 * feeds the billing MFE its props, turns MFE requests (locale, log in / log out) into
 * `setContext`, keeps the tabs of the shop in touch over the bus, and logs what the runtime
 * reports.
 *
 * demo/start.mjs compiles it with esbuild and serves it at /demo/shell.ts, with the runtime
 * import pointing at the built /dist/browser/mfe-host.min.js (which the devtools panel imports
 * too: one copy of the runtime on the page).
 */
import { bus, configure, registry, setContext, type MfeHost } from '../src/index.js';
import { LOCALE_NAMES, LOCALE_REQUEST, isLocale, type BillingProps, type DemoUser, type Invoice, type Locale } from './mfes/shared.js';
import { $, eventLog } from './page.js';

type Kind = 'mounted' | 'updated' | 'error' | 'bus' | 'context' | 'props' | 'tabs';
/** The side panel's event log. */
const log = eventLog<Kind>($<HTMLOListElement>('#event-log'), 8);

const ada: DemoUser = { name: 'Ada Lovelace', role: 'Admin' };
let locale: Locale = 'en';

// ── Session: shared by every tab of the shop (localStorage), changed over the bus ────────────
const SESSION = 'acme-signed-out';
const stored = (key: string): string | null => {
  try {
    return localStorage.getItem(key);
  } catch {
    return null; // storage blocked: nothing is remembered
  }
};
const store = (key: string, value: string | null): void => {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    // storage blocked
  }
};
let signedIn = stored(SESSION) !== '1';

// ── Canary: sticky per user id. `?user=` picks one (and keeps it); else one is made up once ──
const params = new URLSearchParams(location.search);
const USER_KEY = 'acme-user-id';
const userId = params.get('user') || stored(USER_KEY) || `user-${Math.floor(Math.random() * 9000) + 1000}`;
store(USER_KEY, userId);

configure({
  userId,
  // A demo: `?mfe-override=billing=<entry URL>` (the "Try the canary" link) may replace an entry.
  allowOverrides: true,
  context: { user: signedIn ? ada : null, locale },
});

// ── Host → MFE: props ──────────────────────────────────────────────────────────────────────
const billing = $<MfeHost>('mfe-host[name="billing"]');
let invoices: Invoice[] = [
  { id: 'INV-1046', customer: 'Northwind Traders', amount: 1280.5, currency: 'EUR', due: '2026-12-12', status: 'open' },
  { id: 'INV-1045', customer: 'Contoso GmbH', amount: 4200, currency: 'EUR', due: '2026-11-03', status: 'overdue' },
  { id: 'INV-1044', customer: 'Fabrikam SARL', amount: 860, currency: 'EUR', due: '2026-11-28', status: 'paid' },
  { id: 'INV-1043', customer: 'Globex Corp.', amount: 2315.75, currency: 'EUR', due: '2026-10-30', status: 'paid' },
  { id: 'INV-1042', customer: 'Initech AG', amount: 149.99, currency: 'EUR', due: '2026-12-20', status: 'open' },
];
const setInvoices = (list: Invoice[]): void => {
  invoices = list;
  // A new object: the runtime calls the MFE's update() with it.
  billing.props = { invoices } satisfies BillingProps;
};
setInvoices(invoices);

const customers = ['Umbrella Ltd.', 'Stark Industries', 'Wayne Enterprises', 'Acme Corp.', 'Soylent SA'];
let nextInvoice = 1047;
$('#add-invoice').addEventListener('click', () => {
  const n = nextInvoice++;
  const due = new Date(Date.UTC(2026, 11, 1 + (n % 28))).toISOString().slice(0, 10);
  const invoice: Invoice = {
    id: `INV-${n}`,
    customer: customers[n % customers.length],
    amount: 100 + ((n * 379) % 3000) + 0.5,
    currency: 'EUR',
    due,
    status: 'open',
  };
  setInvoices([invoice, ...invoices].slice(0, 6));
  log('props', `billing ← props with ${invoices.length} invoices (${invoice.id} added)`);
});

// ── MFE → host: a composed DOM event from ctx.host; context → every MFE ─────────────────────
// (On `document.body`: the `mfe-*` and locale event types are declared on HTMLElementEventMap.)
document.body.addEventListener(LOCALE_REQUEST, (e) => {
  const requested = e.detail?.locale;
  if (!isLocale(requested) || requested === locale) return;
  locale = requested;
  document.documentElement.lang = locale;
  setContext({ locale });
  showContext();
  const from = e.target instanceof Element ? (e.target.getAttribute('name') ?? 'an MFE') : 'an MFE';
  log('context', `${from} asked for ${LOCALE_NAMES[locale]}: setContext({ locale: '${locale}' })`);
});

// ── Log out / log in: the header sends them to every tab (crossTab); each shell answers ─────
const setSignedIn = (value: boolean): void => {
  if (value === signedIn) return;
  signedIn = value;
  store(SESSION, value ? null : '1');
  setContext({ user: value ? ada : null });
  showContext();
};
bus.on('auth:logout', (_, meta) => {
  setSignedIn(false);
  log('bus', `auth:logout ${meta.crossTab ? 'from another tab' : `from ${meta.source ?? 'the shell'}`}: signed out`);
});
bus.on('auth:login', (_, meta) => {
  setSignedIn(true);
  log('bus', `auth:login ${meta.crossTab ? 'from another tab' : `from ${meta.source ?? 'the shell'}`}: ${ada.name} signed in`);
});

// ── Tabs of the shop greet each other over the same channel (so a tab knows it is heard) ────
const tab = Math.random().toString(36).slice(2, 10);
const tabs = new Set<string>();
const showTabs = (): void => {
  $('#ctx-tabs').textContent = String(tabs.size + 1);
};
bus.on('shell:tab-hello', ({ tab: other }, meta) => {
  if (!meta.crossTab) return; // our own greeting
  tabs.add(other);
  showTabs();
  log('tabs', `another tab opened (${tabs.size + 1} open)`);
  bus.emit('shell:tab-here', { tab }, { crossTab: true });
});
bus.on('shell:tab-here', ({ tab: other }, meta) => {
  if (!meta.crossTab || tabs.has(other)) return;
  tabs.add(other);
  showTabs();
});
bus.on('shell:tab-bye', ({ tab: other }, meta) => {
  if (meta.crossTab && tabs.delete(other)) showTabs();
});
bus.emit('shell:tab-hello', { tab }, { crossTab: true });
addEventListener('pagehide', () => bus.emit('shell:tab-bye', { tab }, { crossTab: true }));

// ── The shell's own view of things ─────────────────────────────────────────────────────────
let cartEvents = 0;
function showContext(): void {
  $('#ctx-user').textContent = signedIn ? ada.name : 'signed out';
  $('#ctx-locale').textContent = `${locale} · ${LOCALE_NAMES[locale]}`;
  $('#ctx-cart').textContent = String(cartEvents);
}
showContext();

bus.on('cart:add-item', ({ productId, quantity }, meta) => {
  cartEvents++;
  showContext();
  log('bus', `cart:add-item ${productId} ×${quantity}${meta.source ? ` from ${meta.source}` : ''}`);
});
// The legacy page dispatches plain `window` CustomEvents; the bus sees them (no meta.source).
bus.on('support:ticket', ({ id, subject }) => log('bus', `support:ticket ${id} “${subject}” from the legacy page`));

// ── The canary of billing: who gets it, and links to try it ──────────────────────────────────
async function showCanary(): Promise<void> {
  const [resolved, { remotes }] = await Promise.all([registry.resolve('billing'), registry.entries()]);
  const variant = resolved.override ? 'override' : resolved.canary ? 'canary' : 'stable';
  $('#canary-bar').dataset['variant'] = variant;
  const here = new URL(location.href);
  const stable = new URL(here);
  stable.searchParams.delete('mfe-override');
  $<HTMLAnchorElement>('#canary-stable').href = stable.href;
  $('#canary-stable').hidden = variant !== 'override';
  const next = new URL(stable);
  next.searchParams.set('user', `user-${(Number(/\d+$/.exec(userId)?.[0] ?? 0) % 9999) + 1}`);
  $<HTMLAnchorElement>('#switch-user').href = next.href;
  $('#canary-force').hidden = true;
  if (variant === 'override') {
    // An override replaces the entry and drops what described the replaced build (canary included).
    $('#canary-text').textContent = `You forced ${new URL(resolved.entry).pathname.split('/').at(-2) ?? resolved.entry} with ?mfe-override.`;
    return;
  }
  const canary = remotes['billing']?.canary;
  if (!canary) {
    $('#canary-text').textContent = 'No canary of billing in the manifest.';
    return;
  }
  $('#canary-text').textContent = `Canary ${canary.version ?? ''} goes to ${Math.round(canary.weight * 100)}% of users; ${userId} gets ${
    variant === 'canary' ? 'the canary' : `stable ${resolved.version ?? ''}`
  }.`;
  const force = new URL(here);
  force.searchParams.set('mfe-override', `billing=${new URL(canary.entry, location.href).pathname}`);
  $<HTMLAnchorElement>('#canary-force').href = force.href;
  $('#canary-force').hidden = variant !== 'stable';
}
showCanary().catch((e: unknown) => {
  $('#canary-text').textContent = `Canary: ${e instanceof Error ? e.message : String(e)}`;
});

// ── The MFE services behind the proxy (written by demo/start.mjs) ──────────────────────────
interface Service {
  name: string;
  url: string;
  versions: string[];
}
fetch('/demo/services.json')
  .then((r) => (r.ok ? (r.json() as Promise<Service[]>) : []))
  .then((services) => {
    const list = $('#services');
    for (const s of services) {
      const li = document.createElement('li');
      li.dataset['service'] = s.name;
      const name = Object.assign(document.createElement('b'), { textContent: s.name });
      const url = Object.assign(document.createElement('code'), { textContent: s.url });
      li.append(name, ' ', url, ` · ${s.versions.join(', ')}`);
      list.append(li);
    }
  })
  .catch(() => {
    // Not served by demo/start.mjs: no list.
  });

/** What to call an element in the log: its registry name, else its `data-label`. */
const labelOf = (el: EventTarget | null): string =>
  el instanceof HTMLElement ? (el.getAttribute('name') ?? el.dataset['label'] ?? 'mfe-host') : 'mfe-host';

document.body.addEventListener('mfe-mounted', (e) => {
  const { name, version, timing } = e.detail;
  const label = labelOf(e.target);
  const tag = document.querySelector(`[data-version-for="${CSS.escape(label)}"]`);
  if (tag && version) tag.textContent = `v${version}`;
  log('mounted', `${name || label}${version ? ` v${version}` : ''} in ${Math.round(timing.resolve + timing.load + timing.mount)} ms`);
});
document.body.addEventListener('mfe-updated', (e) => log('updated', `${labelOf(e.target)} got update()`));
document.body.addEventListener('mfe-error', (e) => {
  const { phase, error } = e.detail;
  const el = e.target as HTMLElement;
  // Expected failures of this demo: logged here instead of the console.
  if (el.hasAttribute('data-quiet-errors')) e.preventDefault();
  if (el.getAttribute('error-handling') === 'degrade') $('#degrade-reason').textContent = `Shown instead of the MFE. ${error.message}`;
  log('error', `${labelOf(el)} failed in ${phase}`);
});

// Status text next to each card's title, from the reflected `status` attribute.
for (const el of document.querySelectorAll<MfeHost>('mfe-host')) {
  const out = document.querySelector(`[data-status-for="${CSS.escape(labelOf(el))}"]`);
  if (!out) continue;
  const show = (): void => {
    out.textContent = el.status;
  };
  new MutationObserver(show).observe(el, { attributes: true, attributeFilter: ['status'] });
  show();
}

$('#retry-reviews').addEventListener('click', () => void $<MfeHost>('#reviews').reload());
