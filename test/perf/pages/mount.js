// Row 2: 200 <mfe-host> of a cached trivial MFE vs a hand-written import() + attachShadow + mount;
// row 3's single-spa parcels run in this page too, interleaved with them (same page, same state).
import { configure } from '/dist/browser/mfe-host.min.js';
import { N, TRIVIAL, measure, measureElements } from './common.js';

const trivial = await import(TRIVIAL); // already cached for everyone

configure({ remotes: { trivial: TRIVIAL } });

/** `<mfe-host src>` (or, with `name`, `<mfe-host name>` through `configure({ remotes })`). */
export const host = (name) =>
  measureElements(
    'mfe-host',
    () => {
      const el = document.createElement('mfe-host');
      if (name) el.setAttribute('name', name);
      else el.setAttribute('src', TRIVIAL);
      return el;
    },
    { mounted: 'mfe-mounted', failed: 'mfe-error', unmounted: 'mfe-unmounted' },
  );
export const hostByName = () => host('trivial');

/** By hand: `import()` + `attachShadow` + `mount` per instance (then `unmount` + remove). */
export const baseline = () =>
  measure(
    'baseline',
    (b) =>
      Promise.all(
        Array.from({ length: N }, async () => {
          const m = await import(TRIVIAL);
          const d = b.appendChild(document.createElement('div'));
          const host = document.createElement('div');
          d.attachShadow({ mode: 'open' }).append(host);
          const ctx = { host, props: {} };
          await m.mount(ctx);
          return [m, d, ctx];
        }),
      ),
    (all) =>
      Promise.all(
        all.map(async ([m, d, ctx]) => {
          await m.unmount(ctx);
          d.remove();
        }),
      ),
  );

/** single-spa, when `npm run bench` could bundle it (see peers.js for the others). */
const ss = await import('/node_modules/.cache/mfe-host-bench/single-spa.js').catch(() => undefined);
ss?.start({ urlRerouteOnly: true });
// A parcel config object, as single-spa is used at its fastest: the module was imported once,
// as for mfe-host, and no parcel awaits import() again (a loading function would).
const parcel = {
  bootstrap: async () => {},
  mount: async (p) => trivial.mount({ host: p.domElement, props: p }),
  unmount: async (p) => trivial.unmount({ host: p.domElement, props: p }),
};

export const singleSpa = () =>
  measure(
    'single-spa',
    async (b) => {
      const parcels = Array.from({ length: N }, () => ss.mountRootParcel(parcel, { domElement: b.appendChild(document.createElement('div')) }));
      await Promise.all(parcels.map((p) => p.mountPromise));
      return parcels;
    },
    (parcels) => Promise.all(parcels.map((p) => p.unmount())),
  );
export const hasSingleSpa = () => !!ss;

/**
 * The floor for any runtime that gives each instance a custom element and a shadow root: a
 * bare custom element that attaches one, mounts into a container and dispatches one composed
 * event, and nothing else (no status, no slots, no registry, no timeout, no error handling).
 */
class Bare extends HTMLElement {
  connectedCallback() {
    const host = document.createElement('div');
    this.attachShadow({ mode: 'open' }).append(host);
    this.ctx = { host, props: {} };
    trivial.mount(this.ctx);
    this.dispatchEvent(new CustomEvent('bare-mounted', { bubbles: true, composed: true }));
  }
  disconnectedCallback() {
    trivial.unmount(this.ctx);
    this.dispatchEvent(new CustomEvent('bare-unmounted', { bubbles: true, composed: true }));
  }
}
customElements.define('bench-bare', Bare);

export const floor = () => measureElements('floor', () => document.createElement('bench-bare'), { mounted: 'bare-mounted', unmounted: 'bare-unmounted' });

/**
 * The floor under api.md's contract: the bare element above plus only the DOM work the contract
 * asks of every mount, done as cheaply as it can be. An observed `src` attribute, a scoped
 * registry (where the engine has them) and a container made in it, `mfe-loaded` (mfe-host fires
 * it at every mount) and `mfe-mounted` (bubbling, composed, with `detail` and `timing`: two clock
 * reads), the reflected `status`; at unmount, one task's wait (moving an element in a task must
 * not unmount it), `status` and `mfe-unmounted`. No host sheet, `part`, error handling, timeouts,
 * props, context, slots or registry lookups: what is left of mfe-host's cost above this is its own.
 */
const init = (detail) => ({ detail, bubbles: true, composed: true, cancelable: true });
const Registry = (() => {
  try {
    new CustomElementRegistry();
    return CustomElementRegistry;
  } catch {}
})();
class Contract extends HTMLElement {
  static observedAttributes = ['src'];
  attributeChangedCallback(_n, _o, v) {
    this.src = v;
  }
  connectedCallback() {
    if (this.ctx) return;
    const root = this.attachShadow({ mode: 'open' });
    queueMicrotask(() => {
      let t = performance.now();
      const detail = { name: '', entry: this.src };
      this.dispatchEvent(new CustomEvent('contract-loaded', init(detail)));
      const host = Registry ? document.createElement('div', { customElementRegistry: new Registry() }) : document.createElement('div');
      root.append(host);
      this.ctx = { host, props: {} };
      trivial.mount(this.ctx);
      this.setAttribute('status', 'mounted');
      t = performance.now() - t;
      this.dispatchEvent(new CustomEvent('contract-mounted', init({ ...detail, timing: { resolve: 0, load: 0, mount: t } })));
    });
  }
  disconnectedCallback() {
    // One task for every element removed in this one.
    if (!gone.size)
      setTimeout(() => {
        for (const el of gone) if (!el.isConnected) el.unmount();
        gone.clear();
      });
    gone.add(this);
  }
  unmount() {
    trivial.unmount(this.ctx);
    this.ctx.host.remove();
    this.setAttribute('status', 'idle');
    this.dispatchEvent(new CustomEvent('contract-unmounted', init({ name: '', entry: this.src })));
  }
}
const gone = new Set();
customElements.define('bench-contract', Contract);

export const contract = () =>
  measureElements(
    'contract floor',
    () => {
      const el = document.createElement('bench-contract');
      el.setAttribute('src', TRIVIAL);
      return el;
    },
    // A `failed` listener too, as the bench gives mfe-host (it never fires).
    { mounted: 'contract-mounted', failed: 'contract-error', unmounted: 'contract-unmounted' },
  );
