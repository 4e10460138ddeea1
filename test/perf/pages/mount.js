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
