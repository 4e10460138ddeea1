/**
 * What the demo's shell and its three MFEs agree on: the bus event payloads, the shape of the
 * shared context and of the billing props, and a few tiny i18n helpers.
 *
 * Each MFE bundle gets its own copy of this file (as a real remote team would with a shared
 * "contracts" package); it holds no state and never imports the runtime.
 */

// Typed bus payloads, by declaration merging (api.md §4). A published app writes
// `declare module 'mfe-host'`; inside this repository that module is the runtime's entry file.
declare module '../../src/index.js' {
  interface MfeEvents {
    'cart:add-item': { productId: string; quantity: number };
    /** Sent with `crossTab: true`: every tab of the shop signs out (or in) together. */
    'auth:logout': { reason: string };
    'auth:login': { name: string };
    /** The legacy support page (an HTML entry) files a ticket: a plain `window` CustomEvent. */
    'support:ticket': { id: string; subject: string };
    /** Tabs of the shell greet each other over the BroadcastChannel (cross-tab presence). */
    'shell:tab-hello': { tab: string };
    'shell:tab-here': { tab: string };
    'shell:tab-bye': { tab: string };
  }
}

export type Locale = 'en' | 'de' | 'fr';
export const LOCALES: readonly Locale[] = ['en', 'de', 'fr'];
/** Each locale's name in its own language. */
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', de: 'Deutsch', fr: 'Français' };

export interface DemoUser {
  name: string;
  role: string;
}

/**
 * `ctx.context` as the shell sets it: `configure({ context: { user, locale } })`, where `user` is
 * `null` while signed out.
 */
export interface DemoContext {
  /** The signed-in user, or a "Guest" placeholder while signed out. */
  user: DemoUser;
  signedIn: boolean;
  locale: Locale;
}

export const isLocale = (v: unknown): v is Locale => typeof v === 'string' && (LOCALES as readonly string[]).includes(v);

/** Read `ctx.context` defensively: an MFE must not break on a context it does not expect. */
export function readContext(context: Record<string, unknown>): DemoContext {
  const user = context['user'] as Partial<DemoUser> | null | undefined;
  const name = typeof user?.name === 'string' ? user.name : undefined;
  return {
    user: { name: name ?? 'Guest', role: name !== undefined && typeof user?.role === 'string' ? user.role : '' },
    signedIn: name !== undefined,
    locale: isLocale(context['locale']) ? context['locale'] : 'en',
  };
}

/** The locale after `locale`, cycling through {@link LOCALES}. */
export const nextLocale = (locale: Locale): Locale => LOCALES[(LOCALES.indexOf(locale) + 1) % LOCALES.length];

export type InvoiceStatus = 'paid' | 'open' | 'overdue';
export interface Invoice {
  id: string;
  customer: string;
  amount: number;
  currency: string;
  /** ISO date, `YYYY-MM-DD`. */
  due: string;
  status: InvoiceStatus;
}
/** The billing MFE's props (`el.props = { invoices }`). */
export interface BillingProps {
  invoices: Invoice[];
}

/**
 * Name of the DOM event the billing MFE dispatches from `ctx.host` (bubbles, composed) to ask
 * the shell for another locale. No colon, so the bus does not take it for one of its events.
 */
export const LOCALE_REQUEST = 'locale-request';
export interface LocaleRequestDetail {
  locale: Locale;
}

declare global {
  interface HTMLElementEventMap {
    [LOCALE_REQUEST]: CustomEvent<LocaleRequestDetail>;
  }
}

export const money = (amount: number, currency: string, locale: Locale): string =>
  new Intl.NumberFormat(locale, { style: 'currency', currency }).format(amount);

export const initials = (name: string): string =>
  name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w[0].toUpperCase())
    .join('');

/**
 * The base every MFE's `styles` start from: the MFE sets its own font and colours on its root,
 * so nothing inherited from the page (font, colour, line height) leaks in either.
 */
export const baseStyles = (root: string): string => `
${root} {
  font: 400 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: #1f2937;
  letter-spacing: normal;
  text-align: start;
  -webkit-font-smoothing: antialiased;
}
${root} *, ${root} *::before, ${root} *::after { box-sizing: border-box; }
${root} button { font: inherit; }
`;
