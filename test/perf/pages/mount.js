// Row 2: 200 <mfe-host> of a cached trivial MFE vs a hand-written import() + attachShadow + mount;
// row 3's single-spa parcels run in this page too, interleaved with them (same page, same state).
import { configure } from '/dist/browser/mfe-host.min.js';
import { N, TRIVIAL, box, wait, time, check } from './common.js';

const trivial = await import(TRIVIAL); // already cached for everyone

configure({ remotes: { trivial: TRIVIAL } });

/** `<mfe-host src>` (or, with `name`, `<mfe-host name>` through `configure({ remotes })`). */
export async function host(name) {
  const b = box();
  const [mount, els] = await time(async () => {
    const els = [];
    const done = [];
    for (let i = 0; i < N; i++) {
      const el = document.createElement('mfe-host');
      if (name) el.setAttribute('name', name);
      else el.setAttribute('src', TRIVIAL);
      done.push(wait(el, 'mfe-mounted', 'mfe-error'));
      els.push(el);
    }
    b.append(...els);
    await Promise.all(done);
    return els;
  });
  check(b, 'mfe-host');
  const [unmount] = await time(async () => {
    const done = els.map((el) => wait(el, 'mfe-unmounted', 'mfe-error'));
    b.remove();
    await Promise.all(done);
  });
  return { mount, unmount };
}
export const hostByName = () => host('trivial');

export async function baseline() {
  const b = box();
  const one = async () => {
    const m = await import(TRIVIAL);
    const d = document.createElement('div');
    b.append(d);
    const host = document.createElement('div');
    d.attachShadow({ mode: 'open' }).append(host);
    const ctx = { host, props: {} };
    await m.mount(ctx);
    return [m, d, ctx];
  };
  const [mount, all] = await time(() => Promise.all(Array.from({ length: N }, one)));
  check(b, 'baseline');
  const [unmount] = await time(() =>
    Promise.all(all.map(async ([m, d, ctx]) => {
      await m.unmount(ctx);
      d.remove();
    })),
  );
  b.remove();
  return { mount, unmount };
}

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

export async function singleSpa() {
  const b = box();
  const [mount, parcels] = await time(async () => {
    const parcels = [];
    for (let i = 0; i < N; i++) {
      const domElement = b.appendChild(document.createElement('div'));
      parcels.push(ss.mountRootParcel(parcel, { domElement }));
    }
    await Promise.all(parcels.map((p) => p.mountPromise));
    return parcels;
  });
  check(b, 'single-spa');
  const [unmount] = await time(() => Promise.all(parcels.map((p) => p.unmount())));
  b.remove();
  return { mount, unmount };
}
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

export async function floor() {
  const b = box();
  const [mount, els] = await time(async () => {
    const els = [];
    const done = [];
    for (let i = 0; i < N; i++) {
      const el = document.createElement('bench-bare');
      done.push(wait(el, 'bare-mounted'));
      els.push(el);
    }
    b.append(...els);
    await Promise.all(done);
    return els;
  });
  check(b, 'floor');
  const [unmount] = await time(async () => {
    const done = els.map((el) => wait(el, 'bare-unmounted'));
    b.remove();
    await Promise.all(done);
  });
  return { mount, unmount };
}
