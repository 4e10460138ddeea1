/**
 * "header" MFE, written with lit: the app bar with the app title (from `props.title`), the
 * signed-in user (from the shell context) with a log out / log in button, and a cart badge fed
 * by the bus (`cart:add-item`, emitted by the inventory MFE).
 *
 * Log out and log in are bus events sent to every tab (`ctx.bus.emit('auth:logout', …,
 * { crossTab: true })`): the shell of each tab answers with `setContext({ user })`, and this
 * MFE re-renders from the new context. The MFE never changes the context itself.
 *
 * Export shape: `export default { mount, update, unmount, styles }`.
 *
 * `<demo-app-header>` is a LitElement that renders into its own light DOM, i.e. straight into
 * `<mfe-host>`'s shadow root, where this module's `styles` are adopted. It is defined in the
 * MFE's scoped registry when the runtime passes one, else once (guarded) in the global one.
 */
import { LitElement, html, svg } from 'lit';
import { keyed } from 'lit/directives/keyed.js';
import type { MicroFrontend, MountContext } from '../../src/types.js';
import { baseStyles, initials, readContext, type DemoContext, type Locale } from './shared.js';

const TAG = 'demo-app-header';

interface Text {
  cart: string;
  items: (n: number) => string;
  signedIn: string;
  signedOut: string;
  logOut: string;
  logIn: string;
}

const TEXT: Record<Locale, Text> = {
  en: { cart: 'Cart', items: (n) => `${n} ${n === 1 ? 'item' : 'items'} in cart`, signedIn: 'Signed in', signedOut: 'Signed out', logOut: 'Log out', logIn: 'Log in' },
  de: { cart: 'Warenkorb', items: (n) => `${n} Artikel im Warenkorb`, signedIn: 'Angemeldet', signedOut: 'Abgemeldet', logOut: 'Abmelden', logIn: 'Anmelden' },
  fr: { cart: 'Panier', items: (n) => `${n} ${n === 1 ? 'article' : 'articles'} dans le panier`, signedIn: 'Connecté', signedOut: 'Déconnecté', logOut: 'Se déconnecter', logIn: 'Se connecter' },
};

const cartIcon = svg`<svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M3 4h2l2.4 10.2a2 2 0 0 0 2 1.6h7.7a2 2 0 0 0 1.9-1.4L21 8H6.2" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"/><circle cx="10" cy="19.5" r="1.5" fill="currentColor"/><circle cx="17" cy="19.5" r="1.5" fill="currentColor"/></svg>`;

class DemoAppHeader extends LitElement {
  static override properties = {
    appTitle: { attribute: false },
    context: { attribute: false },
    count: { attribute: false },
  };

  declare appTitle: string;
  declare context: DemoContext;
  declare count: number;
  /** Set at mount: asks every tab to sign out (`true`) or in (`false`), over the bus. */
  onAuth: (signOut: boolean) => void = () => {};

  constructor() {
    super();
    this.appTitle = '';
    this.context = readContext({});
    this.count = 0;
  }

  /** Light DOM: the markup lives in `<mfe-host>`'s shadow root, styled by the MFE's `styles`. */
  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  protected override render() {
    const { user, signedIn, locale } = this.context;
    const t = TEXT[locale];
    return html`<header class="bar">
      <div class="brand">
        <span class="logo" aria-hidden="true">${initials(this.appTitle || 'App').slice(0, 1)}</span>
        <div class="brand-text">
          <span class="title">${this.appTitle}</span>
          <span class="sub">header MFE · lit</span>
        </div>
      </div>
      <div class="tools">
        <span class="locale" title="Locale from the shell context">${locale.toUpperCase()}</span>
        <span class="cart" role="status" aria-label=${t.items(this.count)}>
          ${cartIcon}<span class="cart-label">${t.cart}</span>
          ${keyed(this.count, html`<span class=${this.count ? 'badge bump' : 'badge empty'}>${this.count}</span>`)}
        </span>
        <span class=${signedIn ? 'user' : 'user out'}>
          <span class="avatar" aria-hidden="true">${signedIn ? initials(user.name) : '?'}</span>
          <span class="who">
            <span class="name">${signedIn ? user.name : t.signedOut}</span>
            <span class="role">${signedIn ? `${t.signedIn}${user.role ? ` · ${user.role}` : ''}` : user.name}</span>
          </span>
          <button type="button" class="auth" data-action=${signedIn ? 'log-out' : 'log-in'} @click=${() => this.onAuth(signedIn)}>
            ${signedIn ? t.logOut : t.logIn}
          </button>
        </span>
      </div>
    </header>`;
  }
}

/** `document.createElement` option of the scoped custom element registries proposal. */
type CreateOptions = ElementCreationOptions & { customElementRegistry?: CustomElementRegistry };

function create(ctx: MountContext): DemoAppHeader {
  const registry = ctx.registry;
  if (registry && registry !== customElements) {
    if (!registry.get(TAG)) registry.define(TAG, class extends DemoAppHeader {});
    return document.createElement(TAG, { customElementRegistry: registry } as CreateOptions) as DemoAppHeader;
  }
  if (!customElements.get(TAG)) customElements.define(TAG, DemoAppHeader);
  return document.createElement(TAG) as DemoAppHeader;
}

const titleOf = (props: Record<string, unknown>): string => (typeof props['title'] === 'string' ? props['title'] : 'App');

/** One element per mounted `<mfe-host>`: the module is imported once per page and shared. */
const elements = new WeakMap<HTMLElement, DemoAppHeader>();

const mfe: MicroFrontend = {
  styles: `${baseStyles('.bar')}
.bar {
  display: flex; align-items: center; justify-content: space-between; gap: 24px;
  padding: 14px 28px; min-height: 68px;
  color: #e5e7eb;
  background: linear-gradient(100deg, #0f172a 0%, #1e1b4b 55%, #312e81 100%);
  box-shadow: 0 1px 0 rgba(255,255,255,.06) inset, 0 6px 24px rgba(15,23,42,.25);
}
.brand { display: flex; align-items: center; gap: 12px; min-width: 0; }
.logo {
  display: grid; place-items: center; width: 38px; height: 38px; border-radius: 11px;
  font-weight: 800; font-size: 19px; color: #fff;
  background: linear-gradient(135deg, #818cf8, #c084fc);
  box-shadow: 0 4px 14px rgba(129,140,248,.45);
}
.brand-text { display: flex; flex-direction: column; line-height: 1.2; }
.title { font-size: 18px; font-weight: 700; color: #fff; letter-spacing: -.01em; }
.sub { font-size: 12px; color: #a5b4fc; }
.tools { display: flex; align-items: center; gap: 14px; }
.locale {
  font-size: 12px; font-weight: 700; letter-spacing: .08em; color: #c7d2fe;
  padding: 4px 9px; border-radius: 999px; border: 1px solid rgba(199,210,254,.35);
}
.cart {
  position: relative; display: inline-flex; align-items: center; gap: 8px;
  padding: 8px 14px; border-radius: 10px; color: #fff;
  background: rgba(255,255,255,.08); border: 1px solid rgba(255,255,255,.12);
}
.icon { width: 20px; height: 20px; }
.cart-label { font-weight: 600; }
.badge {
  min-width: 22px; height: 22px; padding: 0 6px; border-radius: 999px;
  display: inline-grid; place-items: center;
  font-size: 12px; font-weight: 800; font-variant-numeric: tabular-nums;
  color: #1e1b4b; background: #fbbf24;
}
.badge.empty { color: #c7d2fe; background: rgba(255,255,255,.14); }
.badge.bump { animation: bump .45s cubic-bezier(.3,1.6,.5,1); }
@keyframes bump { 0% { transform: scale(.6); } 100% { transform: scale(1); } }
@media (prefers-reduced-motion: reduce) { .badge.bump { animation: none; } }
.user { display: inline-flex; align-items: center; gap: 10px; padding-left: 14px; border-left: 1px solid rgba(255,255,255,.14); }
.avatar {
  display: grid; place-items: center; width: 36px; height: 36px; border-radius: 50%;
  font-size: 13px; font-weight: 700; color: #1e1b4b; background: #e0e7ff;
}
.who { display: flex; flex-direction: column; line-height: 1.25; }
.name { font-weight: 600; color: #fff; }
.role { font-size: 12px; color: #a5b4fc; }
.user.out .avatar { color: #c7d2fe; background: rgba(255,255,255,.14); }
.auth {
  margin-left: 4px; padding: 6px 12px; border-radius: 9px; cursor: pointer;
  font-weight: 600; font-size: 13px; color: #e0e7ff;
  background: transparent; border: 1px solid rgba(199,210,254,.4);
}
.auth:hover { background: rgba(255,255,255,.1); }
.auth:focus-visible { outline: 3px solid #a5b4fc; outline-offset: 2px; }
`,

  async mount(ctx) {
    const el = create(ctx);
    el.appTitle = titleOf(ctx.props);
    el.context = readContext(ctx.context);
    el.onAuth = (signOut) => {
      // Every tab of the shop (this one first) hears it; each shell updates its own context.
      if (signOut) ctx.bus.emit('auth:logout', { reason: 'header' }, { crossTab: true });
      else ctx.bus.emit('auth:login', { name: 'Ada Lovelace' }, { crossTab: true });
    };
    ctx.host.append(el);
    elements.set(ctx.host, el);
    // The scoped bus drops this subscription at unmount: no cleanup needed here.
    ctx.bus.on('cart:add-item', ({ quantity }) => {
      el.count += quantity;
    });
    await el.updateComplete;
  },

  async update(ctx) {
    const el = elements.get(ctx.host);
    if (!el) throw new Error('header: update() before mount()');
    el.appTitle = titleOf(ctx.props);
    el.context = readContext(ctx.context);
    await el.updateComplete;
  },

  unmount(ctx) {
    elements.get(ctx.host)?.remove();
    elements.delete(ctx.host);
  },
};

export default mfe;
