/**
 * The demo shell: configures the remotes and the shared context, feeds the billing MFE its
 * props, turns the billing MFE's locale requests into `setContext`, and logs what the runtime
 * reports. Served as TypeScript by the dev server (see demo/start.mjs).
 */
import { bus, configure, setContext, type MfeHost } from '../src/index.js';
import { LOCALE_NAMES, LOCALE_REQUEST, isLocale, type BillingProps, type DemoUser, type Invoice, type Locale } from './mfes/shared.js';
import { $, eventLog } from './page.js';

type Kind = 'mounted' | 'updated' | 'error' | 'bus' | 'context' | 'props';
/** The side panel's event log. */
const log = eventLog<Kind>($<HTMLOListElement>('#event-log'), 5);

const user: DemoUser = { name: 'Ada Lovelace', role: 'Admin' };
let locale: Locale = 'en';

// Remotes in manifest format. Relative entries resolve against the page.
configure({
  remotes: {
    header: { entry: '/demo/build/header.js', version: '2.3.0' },
    billing: { entry: '/demo/build/billing.js', version: '1.4.2' },
    inventory: { entry: '/demo/build/inventory.js', version: '0.9.1' },
  },
});
configure({ context: { user, locale } });


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

// ── The shell's own view of things ─────────────────────────────────────────────────────────
let cartEvents = 0;
const showContext = (): void => {
  $('#ctx-user').textContent = user.name;
  $('#ctx-locale').textContent = `${locale} · ${LOCALE_NAMES[locale]}`;
  $('#ctx-cart').textContent = String(cartEvents);
};
showContext();

bus.on('cart:add-item', ({ productId, quantity }, meta) => {
  cartEvents++;
  showContext();
  log('bus', `cart:add-item ${productId} ×${quantity}${meta.source ? ` from ${meta.source}` : ''}`);
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
