/**
 * The "billing" MFE, written with React 19: the invoices the shell passes down as `.props`
 * (`el.props = { invoices }`), formatted for the locale of the shell context, and a button that
 * asks the shell for another locale with a composed `CustomEvent` from `ctx.host` (MFE → host).
 * The shell answers with `setContext({ locale })`, and every MFE gets `update` (context → MFEs).
 *
 * Two releases are built from this file: the stable one (./billing.tsx, 1.4.2) and the canary
 * (./billing-v2.tsx, 2.0.0-beta.1), which adds a "collected" meter and says it is the canary.
 * The manifest serves the canary to a sticky share of users.
 *
 * `createRoot` on a wrapper inside `ctx.host`; `mount` and `update` render inside `flushSync`,
 * so the DOM is current when they return (React 19 otherwise commits asynchronously), and the
 * component's own state (the filter tab) survives updates.
 */
import { useState } from 'react';
import { flushSync } from 'react-dom';
import { createRoot, type Root } from 'react-dom/client';
import type { MicroFrontend, MountContext } from '../../src/types.js';
import {
  LOCALE_NAMES,
  LOCALE_REQUEST,
  baseStyles,
  money,
  nextLocale,
  readContext,
  type DemoContext,
  type Invoice,
  type InvoiceStatus,
  type Locale,
  type LocaleRequestDetail,
} from './shared.js';

interface Text {
  title: string;
  count: (n: number) => string;
  switchTo: string;
  outstanding: string;
  overdue: string;
  paid: string;
  all: string;
  unpaid: string;
  cols: [string, string, string, string, string];
  status: Record<InvoiceStatus, string>;
  empty: string;
  canary: string;
  collected: string;
}

const TEXT: Record<Locale, Text> = {
  en: {
    title: 'Invoices',
    count: (n) => `${n} ${n === 1 ? 'invoice' : 'invoices'}, passed in as props by the shell`,
    switchTo: 'Switch to',
    outstanding: 'Outstanding',
    overdue: 'Overdue',
    paid: 'Paid',
    all: 'All',
    unpaid: 'Unpaid',
    cols: ['Invoice', 'Customer', 'Due', 'Status', 'Amount'],
    status: { paid: 'Paid', open: 'Open', overdue: 'Overdue' },
    empty: 'Nothing to show.',
    canary: 'v2 canary',
    collected: 'Collected',
  },
  de: {
    title: 'Rechnungen',
    count: (n) => `${n} ${n === 1 ? 'Rechnung' : 'Rechnungen'}, von der Shell als Props übergeben`,
    switchTo: 'Wechseln zu',
    outstanding: 'Offen',
    overdue: 'Überfällig',
    paid: 'Bezahlt',
    all: 'Alle',
    unpaid: 'Unbezahlt',
    cols: ['Rechnung', 'Kunde', 'Fällig', 'Status', 'Betrag'],
    status: { paid: 'Bezahlt', open: 'Offen', overdue: 'Überfällig' },
    empty: 'Keine Einträge.',
    canary: 'v2 Canary',
    collected: 'Eingenommen',
  },
  fr: {
    title: 'Factures',
    count: (n) => `${n} ${n === 1 ? 'facture' : 'factures'}, transmises en props par le shell`,
    switchTo: 'Passer en',
    outstanding: 'À encaisser',
    overdue: 'En retard',
    paid: 'Payées',
    all: 'Toutes',
    unpaid: 'Impayées',
    cols: ['Facture', 'Client', 'Échéance', 'Statut', 'Montant'],
    status: { paid: 'Payée', open: 'Ouverte', overdue: 'En retard' },
    empty: 'Rien à afficher.',
    canary: 'v2 canari',
    collected: 'Encaissé',
  },
};

const isInvoice = (v: unknown): v is Invoice => {
  const i = v as Partial<Invoice> | null;
  return !!i && typeof i.id === 'string' && typeof i.amount === 'number' && typeof i.currency === 'string';
};
const invoicesOf = (props: Record<string, unknown>): Invoice[] =>
  Array.isArray(props['invoices']) ? props['invoices'].filter(isInvoice) : [];

const date = (iso: string, locale: Locale): string => {
  const d = new Date(`${iso}T00:00:00`);
  return Number.isNaN(d.getTime()) ? iso : new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(d);
};

function GlobeIcon() {
  return (
    <svg className="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <circle cx="12" cy="12" r="9" fill="none" stroke="currentColor" strokeWidth="1.8" />
      <path d="M3 12h18M12 3c2.5 2.7 3.8 5.7 3.8 9s-1.3 6.3-3.8 9c-2.5-2.7-3.8-5.7-3.8-9S9.5 5.7 12 3z" fill="none" stroke="currentColor" strokeWidth="1.8" />
    </svg>
  );
}

/** Which release this bundle is. */
export type BillingVariant = 'stable' | 'canary';

interface ViewProps {
  variant: BillingVariant;
  invoices: Invoice[];
  context: DemoContext;
  /** Asks the shell for `locale` (the MFE never changes the shared context itself). */
  requestLocale: (locale: Locale) => void;
}

function Billing({ variant, invoices, context, requestLocale }: ViewProps) {
  const [filter, setFilter] = useState<'all' | 'unpaid'>('all');
  const { locale } = context;
  const t = TEXT[locale];
  const next = nextLocale(locale);
  const currency = invoices[0]?.currency ?? 'EUR';
  const sum = (pred: (i: Invoice) => boolean): number =>
    invoices.filter((i) => i.currency === currency && pred(i)).reduce((a, i) => a + i.amount, 0);
  const shown = filter === 'all' ? invoices : invoices.filter((i) => i.status !== 'paid');
  const total = sum(() => true);
  const collected = total > 0 ? Math.round((sum((i) => i.status === 'paid') / total) * 100) : 0;

  return (
    <section className="billing" data-variant={variant}>
      <div className="head">
        <div>
          <h3 className="title">
            {t.title}
            {variant === 'canary' && (
              <span className="canary" title="You are in the canary group of billing 2.0">
                {t.canary}
              </span>
            )}
          </h3>
          <p className="muted">{t.count(invoices.length)}</p>
        </div>
        <button type="button" className="locale-btn" onClick={() => requestLocale(next)}>
          <GlobeIcon />
          {t.switchTo} {LOCALE_NAMES[next]}
        </button>
      </div>

      <div className="stats">
        <div className="stat">
          <span className="label">{t.outstanding}</span>
          <span className="value">{money(sum((i) => i.status !== 'paid'), currency, locale)}</span>
        </div>
        <div className="stat">
          <span className="label">{t.overdue}</span>
          <span className="value warn">{money(sum((i) => i.status === 'overdue'), currency, locale)}</span>
        </div>
        <div className="stat">
          <span className="label">{t.paid}</span>
          <span className="value ok">{money(sum((i) => i.status === 'paid'), currency, locale)}</span>
        </div>
      </div>

      {variant === 'canary' && (
        <div className="meter" role="meter" aria-valuemin={0} aria-valuemax={100} aria-valuenow={collected} aria-label={t.collected}>
          <span className="meter-label">
            {t.collected} {collected}%
          </span>
          <span className="meter-bar">
            <span className={`meter-fill w${Math.round(collected / 10)}`} />
          </span>
        </div>
      )}

      <div className="tabs" role="tablist">
        {(['all', 'unpaid'] as const).map((f) => (
          <button key={f} type="button" role="tab" aria-selected={filter === f} className={filter === f ? 'tab on' : 'tab'} onClick={() => setFilter(f)}>
            {f === 'all' ? t.all : t.unpaid}
          </button>
        ))}
      </div>

      <table>
        <thead>
          <tr>
            {t.cols.map((c, i) => (
              <th key={c} className={i === 4 ? 'num' : undefined}>
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {shown.length === 0 ? (
            <tr>
              <td colSpan={5} className="muted">
                {t.empty}
              </td>
            </tr>
          ) : (
            shown.map((i) => (
              <tr key={i.id}>
                <td className="mono">{i.id}</td>
                <td>{i.customer}</td>
                <td>{date(i.due, locale)}</td>
                <td>
                  <span className={`pill ${i.status}`}>{t.status[i.status]}</span>
                </td>
                <td className="num">{money(i.amount, i.currency, locale)}</td>
              </tr>
            ))
          )}
        </tbody>
      </table>
    </section>
  );
}

interface Instance {
  root: Root;
  container: HTMLElement;
}
const instances = new WeakMap<HTMLElement, Instance>();

function render(ctx: MountContext, root: Root, variant: BillingVariant): void {
  const requestLocale = (locale: Locale): void => {
    ctx.host.dispatchEvent(
      new CustomEvent<LocaleRequestDetail>(LOCALE_REQUEST, { detail: { locale }, bubbles: true, composed: true }),
    );
  };
  flushSync(() =>
    root.render(<Billing variant={variant} invoices={invoicesOf(ctx.props)} context={readContext(ctx.context)} requestLocale={requestLocale} />),
  );
}

/** The MFE of one release; ./billing.tsx and ./billing-v2.tsx export it as `mfe`. */
export const createBilling = (variant: BillingVariant): MicroFrontend => ({
  styles: `${baseStyles('.billing')}
.billing { padding: 4px 2px 2px; }
.head { display: flex; align-items: flex-start; justify-content: space-between; gap: 16px; margin-bottom: 14px; }
.title { margin: 0; font-size: 17px; font-weight: 700; color: #0f172a; letter-spacing: -.01em; }
.muted { margin: 2px 0 0; color: #64748b; font-size: 13px; }
.locale-btn {
  display: inline-flex; align-items: center; gap: 7px; flex: none;
  padding: 8px 14px; border-radius: 10px; cursor: pointer;
  color: #fff; font-weight: 600; border: 0;
  background: linear-gradient(135deg, #0d9488, #0f766e);
  box-shadow: 0 4px 12px rgba(13,148,136,.3);
  transition: transform .12s ease, box-shadow .12s ease;
}
.locale-btn:hover { transform: translateY(-1px); box-shadow: 0 6px 16px rgba(13,148,136,.38); }
.locale-btn:focus-visible { outline: 3px solid #99f6e4; outline-offset: 2px; }
.icon { width: 17px; height: 17px; }
.stats { display: grid; grid-template-columns: repeat(3, 1fr); gap: 10px; margin-bottom: 14px; }
.stat { padding: 8px 12px; border-radius: 10px; background: #f0fdfa; border: 1px solid #ccfbf1; display: flex; flex-direction: column; gap: 2px; }
.stat .label { font-size: 12px; color: #5b6b7b; font-weight: 600; text-transform: uppercase; letter-spacing: .04em; }
.stat .value { font-size: 18px; font-weight: 700; color: #0f172a; font-variant-numeric: tabular-nums; }
.stat .value.warn { color: #b91c1c; }
.stat .value.ok { color: #047857; }
.tabs { display: inline-flex; gap: 2px; padding: 3px; border-radius: 9px; background: #f1f5f9; margin-bottom: 8px; }
.tab { border: 0; background: transparent; padding: 5px 12px; border-radius: 7px; color: #475569; font-weight: 600; font-size: 13px; cursor: pointer; }
.tab.on { background: #fff; color: #0f766e; box-shadow: 0 1px 3px rgba(15,23,42,.12); }
table { width: 100%; border-collapse: collapse; font-size: 13.5px; }
th { text-align: left; font-size: 12px; font-weight: 600; color: #64748b; text-transform: uppercase; letter-spacing: .04em; padding: 8px 10px; border-bottom: 1px solid #e2e8f0; }
td { padding: 7px 10px; border-bottom: 1px solid #f1f5f9; color: #1f2937; }
tbody tr:hover td { background: #f8fafc; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; color: #334155; }
.pill { display: inline-block; padding: 2px 9px; border-radius: 999px; font-size: 12px; font-weight: 600; }
.pill.paid { color: #047857; background: #d1fae5; }
.pill.open { color: #1d4ed8; background: #dbeafe; }
.pill.overdue { color: #b91c1c; background: #fee2e2; }
.canary {
  display: inline-block; margin-left: 10px; padding: 2px 9px; border-radius: 999px; vertical-align: 2px;
  font-size: 11px; font-weight: 800; letter-spacing: .06em; text-transform: uppercase;
  color: #7c2d12; background: #fed7aa; box-shadow: inset 0 0 0 1px #fdba74;
}
.meter { display: flex; align-items: center; gap: 10px; margin: -4px 0 12px; font-size: 12px; color: #5b6b7b; font-weight: 600; }
.meter-bar { flex: 1; height: 8px; border-radius: 999px; background: #f1f5f9; overflow: hidden; }
.meter-fill { display: block; height: 100%; background: linear-gradient(90deg, #f97316, #fb923c); }
${Array.from({ length: 11 }, (_, i) => `.meter-fill.w${i} { width: ${i * 10}%; }`).join('\n')}
`,

  mount(ctx) {
    const container = document.createElement('div');
    ctx.host.append(container);
    const root = createRoot(container);
    instances.set(ctx.host, { root, container });
    render(ctx, root, variant);
  },

  update(ctx) {
    const instance = instances.get(ctx.host);
    if (!instance) throw new Error('billing: update() before mount()');
    render(ctx, instance.root, variant);
  },

  unmount(ctx) {
    const instance = instances.get(ctx.host);
    if (!instance) return;
    instance.root.unmount();
    instance.container.remove();
    instances.delete(ctx.host);
  },
});
