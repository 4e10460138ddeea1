/**
 * format="federation": Module Federation containers built at test time by webpack +
 * @module-federation/enhanced (test/fixtures/federation/build.mjs), loaded through the element,
 * through configure({ remotes }), and through the adapter's load() directly.
 *
 * One page, one share scope: what one test loads (React, the counter package) stays in
 * globalThis.__mfeShareScope for the next, as it would in an app. Each test imports its own copy
 * of a container (a unique ?t= query); the chunks are shared.
 */
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { configure } from '../../../src/index.js';
import type { MfeErrorDetail, MfeHost } from '../../../src/index.js';
import { load, shareScope, type ShareScope } from '../../../src/lifecycle/formats/federation.js';
import type { LoadSpec } from '../../../src/lifecycle/load.js';
import { host, nextError, quiet, scenario, uid } from '../../helpers.js';

type Page = typeof globalThis & {
  __mfeShareScope?: ShareScope;
  __mfeFedCounterEvaluations?: number;
  __mfeFedThemeEvaluations?: number;
  __FEDERATION__?: { __INSTANCES__?: Array<{ name: string }> };
};
const page = globalThis as Page;

// A shell provides a package before any container loads: catalog's own copy must never run.
const tokens = { source: 'shell 1.5.0', color: 'rgb(128, 0, 128)' };
(page.__mfeShareScope ??= {})['mfe-fed-theme'] = {
  '1.5.0': { get: () => Promise.resolve(() => tokens), loaded: true, from: 'shell' },
};

addEventListener('mfe-error', quiet);
configure({ retryDelay: 20 });

/** A fresh copy of a built container (its own runtime instance; the chunks are shared). */
const remote = (name: 'shop' | 'catalog'): string => new URL(`/test/fixtures/federation/build/${name}/remoteEntry.js?t=${uid()}`, location.origin).href;
/** A hand-written fixture module in test/fixtures/federation/fake/. */
const fake = (name: string): string => new URL(`/test/fixtures/federation/fake/${name}.js?t=${uid()}`, location.origin).href;
const spec = (expose?: string): LoadSpec => ({ name: 'test', format: 'federation', expose });

interface Deps {
  React: object;
  counter: { version: string; next(): number };
  theme?: typeof tokens;
}
const depsOf = (ns: Record<string, unknown>): Deps => ns.deps as Deps;

const errorOf = async (el: MfeHost): Promise<MfeErrorDetail> => {
  const error = oneEvent(el, 'mfe-error');
  (await fixture(html`<div></div>`)).append(el);
  const { detail } = (await error) as CustomEvent<MfeErrorDetail>;
  await el.settled;
  return detail;
};
const element = (attrs: Record<string, string>): MfeHost => {
  const el = document.createElement('mfe-host');
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
};
/** A unique registry name, configured as a federation remote. */
const named = (entry: string, expose?: string): string => {
  const name = `fed-${uid()}`;
  configure({ remotes: { [name]: { entry, format: 'federation', ...(expose ? { expose } : {}) } } });
  return name;
};

describe('format="federation"', () => {
  it('mounts the React exposed module ./mfe of a container from the format attribute, updates and unmounts it', async () => {
    const src = remote('shop');
    const el = await host(src, { format: 'federation' });
    expect(el.status).to.equal('mounted');
    const root = el.shadowRoot!;
    const out = root.querySelector('.out')!;
    expect(out.textContent).to.equal('hello world from shop');
    expect(getComputedStyle(out).color, "the module's styles are adopted").to.equal('rgb(0, 128, 0)');

    // React state works inside the shadow root (React listens on ctx.host).
    root.querySelector('button')!.click();
    await waitUntil(() => root.querySelector('.items')!.textContent === '1', 'the click re-renders');

    const updated = oneEvent(el, 'mfe-updated');
    el.props = { who: 'ada' };
    await updated;
    expect(root.querySelector('.out')!.textContent).to.equal('hello ada from shop');
    expect(root.querySelector('.items')!.textContent, 'update keeps React state').to.equal('1');

    const unmounted = oneEvent(el, 'mfe-unmounted');
    el.remove();
    await unmounted;
    expect(root.querySelector('.out')).to.equal(null);
  });

  it('mounts the exposed module a remote names with configure({ remotes: { …: { format, expose } } })', async () => {
    const entry = remote('shop');
    const name = named(entry, './cart');
    const el = document.createElement('mfe-host');
    el.name = name;
    el.props = { user: 'ada', items: 2 };
    const mounted = oneEvent(el, 'mfe-mounted');
    (await fixture(html`<div></div>`)).append(el);
    expect((await mounted).detail).to.include({ name, entry });
    const cart = el.shadowRoot!.querySelector<HTMLElement>('.cart')!;
    expect(cart.textContent).to.equal('cart of ada: 2 items');

    const updated = oneEvent(el, 'mfe-updated');
    el.props = { user: 'ada', items: 3 };
    await updated;
    expect(cart.textContent).to.equal('cart of ada: 3 items');
  });

  it('gives two containers one instance of their shared singletons (React, and a package they declare at different versions)', async () => {
    const shop = await load(remote('shop'), spec('./cart'));
    const shopApp = await load(remote('shop'), spec());
    const catalog = await load(remote('catalog'), spec());
    expect(depsOf(catalog).counter, 'one counter module').to.equal(depsOf(shop).counter);
    expect(depsOf(catalog).React, 'one React').to.equal(depsOf(shopApp).React);
    expect(page.__mfeFedCounterEvaluations, 'one copy of the counter ran on this page').to.equal(1);

    // Both builds registered their copies in the one page-wide scope, and MF's runtime chose one.
    const counters = shareScope()['mfe-fed-counter'];
    expect(Object.keys(counters).sort()).to.deep.equal(['1.0.0', '1.2.0']);
    expect(counters[depsOf(shop).counter.version].loaded).to.be.ok;
    expect(Object.keys(shareScope())).to.include.members(['react', 'react-dom', 'react-dom/client', 'mfe-fed-counter', 'mfe-fed-theme']);
    expect(page.__FEDERATION__?.__INSTANCES__?.map((i) => i.name)).to.include.members(['shop', 'catalog']);
  });

  it('shares a singleton between MFEs of two containers mounted side by side', async () => {
    const wrapper = await fixture<HTMLDivElement>(html`<div></div>`);
    const shopCart = element({ name: named(remote('shop'), './cart') });
    const catalog = element({ name: named(remote('catalog')) });
    wrapper.append(shopCart, catalog);
    expect(await Promise.all([shopCart.settled, catalog.settled])).to.deep.equal(['mounted', 'mounted']);
    const a = shopCart.shadowRoot!.querySelector<HTMLElement>('.cart')!.dataset.counter!;
    const b = catalog.shadowRoot!.querySelector<HTMLElement>('.catalog')!.dataset.counter!;
    const [va, na] = a.split('#');
    const [vb, nb] = b.split('#');
    expect(va, 'the same version of the counter').to.equal(vb);
    expect(na, 'one sequence: the same instance').to.not.equal(nb);
    expect(page.__mfeFedCounterEvaluations).to.equal(1);
  });

  it('lets the shell provide a shared package through globalThis.__mfeShareScope', async () => {
    const catalog = await load(remote('catalog'), spec('./mfe'));
    expect(depsOf(catalog).theme, "the shell's object").to.equal(tokens);
    expect(page.__mfeFedThemeEvaluations, "catalog's own copy never ran").to.equal(undefined);
    const el = await host(remote('catalog'), { format: 'federation' });
    const p = el.shadowRoot!.querySelector('.catalog')!;
    expect(p.textContent).to.equal('catalog: all');
    expect(getComputedStyle(p).color).to.equal(tokens.color);
  });

  it('mounts two exposed modules of one container URL', async () => {
    const entry = remote('shop');
    const a = element({ name: named(entry, './cart') });
    const b = element({ name: named(entry) });
    (await fixture(html`<div></div>`)).append(a, b);
    expect(await Promise.all([a.settled, b.settled])).to.deep.equal(['mounted', 'mounted']);
    expect(a.shadowRoot!.querySelector('.cart')).to.not.equal(null);
    expect(b.shadowRoot!.querySelector('.out')!.textContent).to.equal('hello world from shop');
  });

  it('initialises a container once, with the page-wide share scope, however many modules are taken from it', async () => {
    const url = fake('counting');
    const [a, b] = await Promise.all([load(url, spec()), load(url, spec('./other'))]);
    expect(a.mount).to.be.a('function');
    expect((b.default as { mount: unknown }).mount).to.be.a('function');
    const { calls } = (await import(/* @vite-ignore */ url)) as { calls: { init: Array<{ shareScope: unknown; initScope: unknown; options: { shareScopeMap: Record<string, unknown>; shareScopeKeys: string } }>; get: string[] } };
    expect(calls.init).to.have.length(1);
    const [{ shareScope: scope, initScope, options }] = calls.init;
    expect(scope).to.equal(page.__mfeShareScope);
    expect(initScope).to.deep.equal([]);
    expect(options.shareScopeMap.default).to.equal(scope);
    expect(options.shareScopeKeys).to.equal('default');
    expect(calls.get.sort()).to.deep.equal(['./mfe', './other']);
  });

  it('works under a strict Content-Security-Policy (no unsafe-eval, no unsafe-inline)', async () => {
    const got = new Promise<{ statuses: string[]; shop: string; catalog: string; violations: string[]; evalBlocked: boolean }>((resolve) =>
      addEventListener('message', function on(e: MessageEvent) {
        if (!e.data?.fedCsp) return;
        removeEventListener('message', on);
        resolve(e.data.fedCsp);
      }),
    );
    await fixture(html`<iframe src="/test/fixtures/federation/csp.html"></iframe>`);
    const r = await got;
    expect(r.statuses).to.deep.equal(['mounted', 'mounted']);
    expect(r.shop).to.equal('hello CSP from shop');
    expect(r.catalog).to.equal('catalog: all');
    expect(r.violations).to.deep.equal([]);
    expect(r.evalBlocked, 'the policy is in force').to.equal(true);
  });

  describe('failures', () => {
    it('a module the container does not expose: names it and lists what the container exposes', async () => {
      const entry = remote('shop');
      const name = named(entry, './nope');
      const detail = await errorOf(element({ name }));
      expect(detail.phase).to.equal('load');
      expect(detail.error.message).to.equal(`${name}: ${entry} load failed: does not expose "./nope" (exposes: "./mfe", "./cart", "./throws")`);
    });

    it('a module a container without mf-manifest.json does not expose: names it', async () => {
      const url = fake('counting');
      let error: unknown;
      await load(url, spec('./nope')).catch((e: unknown) => (error = e));
      expect((error as Error).message).to.equal('does not expose "./nope"');
    });

    it('a remoteEntry that answers 404: HTTP 404, not retried', async () => {
      const key = uid();
      const src = new URL(`/count/${key}/test/fixtures/federation/build/missing/remoteEntry.js`, location.href).href;
      const detail = await errorOf(element({ src, format: 'federation', name: 'shop', retries: '3' }));
      expect(detail.phase).to.equal('load');
      expect(detail.error.message).to.equal(`shop: ${src} load failed: HTTP 404`);
      const { count } = await (await fetch(`/count-of/${key}`)).json();
      expect(count, 'the import and one diagnosis').to.equal(2);
    });

    it('a remoteEntry behind a flaky server: retried and mounted', async () => {
      const src = new URL(`/flaky/${uid()}/test/fixtures/federation/build/shop/remoteEntry.js`, location.href).href;
      const el = await host(src, { format: 'federation', retries: '1' });
      expect(el.status).to.equal('mounted');
      expect(el.shadowRoot!.querySelector('.out')!.textContent).to.equal('hello world from shop');
    });

    it('a plain ES module that is not a container', async () => {
      const src = fake('not-a-container');
      const detail = await errorOf(element({ src, format: 'federation', name: 'plain' }));
      expect(detail.error.message).to.equal(`plain: ${src} load failed: not a Module Federation container (no init/get)`);
      const entry = scenario('happy');
      const d2 = await errorOf(element({ src: entry, format: 'federation', name: 'esm' }));
      expect(d2.error.message).to.equal(
        `esm: ${entry} load failed: not a Module Federation container (no init/get); it looks like a plain ES module entry (format "esm")`,
      );
    });

    it('a container whose init() throws or rejects: not retried; a reload tries init() again', async () => {
      const key = uid();
      const src = new URL(`/count/${key}/test/fixtures/federation/fake/throwing-init.js`, location.href).href;
      const el = element({ src, format: 'federation', name: 'broken', retries: '3' });
      const detail = await errorOf(el);
      expect(detail.phase).to.equal('load');
      expect(detail.error.message).to.equal(`broken: ${src} load failed: container init() failed: share scope rejected: needs react ^17`);
      expect(((await (await fetch(`/count-of/${key}`)).json()) as { count: number }).count).to.equal(1);
      const again = nextError(el);
      expect(await el.reload()).to.equal('error');
      expect((await again).error.message).to.contain('container init() failed: share scope rejected');
      const { calls } = (await import(/* @vite-ignore */ src)) as { calls: { init: number } };
      expect(calls.init, 'the reload called init() again').to.equal(2);

      const rejecting = fake('rejecting-init');
      const d2 = await errorOf(element({ src: rejecting, format: 'federation', name: 'broken' }));
      expect(d2.error.message).to.equal(`broken: ${rejecting} load failed: container init() failed: TypeError: cannot read shared config`);
    });

    it('an exposed module that throws while evaluating', async () => {
      const entry = remote('shop');
      const name = named(entry, './throws');
      const detail = await errorOf(element({ name }));
      expect(detail.error.message).to.equal(`${name}: ${entry} load failed: "./throws" threw while evaluating: RangeError: exposed module exploded`);
    });
  });
});
