/**
 * A Module Federation container given without a format, as the seed configures its remotes (a
 * plain `remoteEntry.js` URL): the runtime sees an ES module exporting `init` and `get` and no
 * `mount`, and mounts its exposed module as `format: "federation"` would — the one `expose`
 * names, else `./mfe`, else `./mount`, else the only module `mf-manifest.json` lists.
 *
 * The containers are real webpack builds (test/fixtures/federation/build.mjs): `billing` from
 * webpack's own ModuleFederationPlugin (exposes ./mount, no mf-manifest.json), `shop` and
 * `widgets` from @module-federation/enhanced; `billing-var` is the same as `billing` built as a
 * classic script. Hand-written ones are in test/fixtures/federation/fake/.
 */
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { configure } from '../../../src/index.js';
import type { MfeErrorDetail, MfeHost } from '../../../src/index.js';
import { quiet, uid } from '../../helpers.js';

addEventListener('mfe-error', quiet);
configure({ retryDelay: 20 });

/** A fresh copy of a built container (its own instance; the chunks are shared). */
const remote = (name: 'shop' | 'billing' | 'billing-var' | 'widgets'): string =>
  new URL(`/test/fixtures/federation/build/${name}/remoteEntry.js?t=${uid()}`, location.origin).href;
/** A hand-written fixture module in test/fixtures/federation/fake/. */
const fake = (name: string): string => new URL(`/test/fixtures/federation/fake/${name}.js?t=${uid()}`, location.origin).href;

/** A unique registry name for `entry`: a plain URL (the seed's form), or an entry object without a format. */
const named = (entry: string, expose?: string): string => {
  const name = `plain-${uid()}`;
  configure({ remotes: { [name]: expose ? { entry, expose } : entry } });
  return name;
};

/** `<mfe-host name>` appended to the page, once it has settled. */
const mounted = async (name: string, props?: Record<string, unknown>): Promise<MfeHost> => {
  const el = document.createElement('mfe-host');
  el.name = name;
  if (props) el.props = props;
  (await fixture(html`<div></div>`)).append(el);
  await el.settled;
  return el;
};

const errorOf = async (attrs: Record<string, string>): Promise<MfeErrorDetail> => {
  const el = document.createElement('mfe-host');
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  const error = oneEvent(el, 'mfe-error');
  (await fixture(html`<div></div>`)).append(el);
  const { detail } = (await error) as CustomEvent<MfeErrorDetail>;
  await el.settled;
  return detail;
};

const CLASSIC =
  'it exports nothing: a classic script, e.g. a Module Federation remoteEntry.js built with library type "var"? ' +
  'Build the container as an ES module (library: { type: "module" }), or set "format" to what the entry is';

describe('a Module Federation container without a format', () => {
  it('mounts ./mount of a webpack container configured as a plain URL (the seed\'s form), updates and unmounts it', async () => {
    const entry = remote('billing');
    const name = named(entry);
    const el = document.createElement('mfe-host');
    el.name = name;
    el.props = { user: 'ada' };
    const done = oneEvent(el, 'mfe-mounted');
    (await fixture(html`<div></div>`)).append(el);
    expect((await done).detail).to.include({ name, entry });
    expect(el.status).to.equal('mounted');
    const p = el.shadowRoot!.querySelector<HTMLElement>('.billing')!;
    expect(p.textContent).to.equal('billing for ada');
    expect(p.dataset.counter, 'its shared package, from the initialised share scope').to.match(/^1\.\d\.0$/);

    const updated = oneEvent(el, 'mfe-updated');
    el.props = { user: 'grace' };
    await updated;
    expect(p.textContent).to.equal('billing for grace');

    const unmounted = oneEvent(el, 'mfe-unmounted');
    el.remove();
    await unmounted;
    expect(el.shadowRoot!.querySelector('.billing')).to.equal(null);
  });

  it('mounts ./mfe (React) of a container given as src, with no format attribute', async () => {
    const el = document.createElement('mfe-host');
    el.src = remote('shop');
    (await fixture(html`<div></div>`)).append(el);
    expect(await el.settled).to.equal('mounted');
    expect(el.shadowRoot!.querySelector('.out')!.textContent).to.equal('hello world from shop');
  });

  it('mounts the module a manifest entry without a format names with expose', async () => {
    const el = await mounted(named(remote('shop'), './cart'), { user: 'ada', items: 2 });
    expect(el.status).to.equal('mounted');
    expect(el.shadowRoot!.querySelector('.cart')!.textContent).to.equal('cart of ada: 2 items');
  });

  it("mounts a container's only exposed module, as its mf-manifest.json lists it, when it has neither ./mfe nor ./mount", async () => {
    const el = await mounted(named(remote('widgets')));
    expect(el.status).to.equal('mounted');
    expect(el.shadowRoot!.querySelector('.widget')!.textContent).to.equal('the only widget');
  });

  it('is the same container as format "federation": one init() for both ways of loading one URL', async () => {
    const url = fake('counting');
    const a = await mounted(named(url));
    const name = `fed-${uid()}`;
    configure({ remotes: { [name]: { entry: url, format: 'federation', expose: './other' } } });
    const b = await mounted(name);
    expect([a.status, b.status]).to.deep.equal(['mounted', 'mounted']);
    expect(a.shadowRoot!.textContent).to.equal('counting ./mfe');
    expect(b.shadowRoot!.textContent).to.equal('counting ./other');
    const { calls } = (await import(/* @vite-ignore */ url)) as { calls: { init: unknown[]; get: string[] } };
    expect(calls.init).to.have.length(1);
    expect(calls.get).to.deep.equal(['./mfe', './other']);
  });

  it('mounts a plain ES module entry as before: the container check is only for modules without mount()', async () => {
    const el = document.createElement('mfe-host');
    el.src = new URL(`/test/fixtures/scenarios/happy.js?t=${uid()}`, location.origin).href;
    (await fixture(html`<div></div>`)).append(el);
    expect(await el.settled).to.equal('mounted');
  });

  it('retries a container behind a flaky server, then mounts it', async () => {
    const src = new URL(`/flaky/${uid()}/test/fixtures/federation/build/billing/remoteEntry.js`, location.href).href;
    const el = document.createElement('mfe-host');
    el.setAttribute('retries', '1');
    el.src = src;
    (await fixture(html`<div></div>`)).append(el);
    expect(await el.settled).to.equal('mounted');
    expect(el.shadowRoot!.querySelector('.billing')!.textContent).to.equal('billing for nobody');
  });

  // Tests run the development build, where side-effect tracking is on by default and every entry
  // loads through the adapters; production's default (off) imports an entry straight away and
  // goes to the adapters only when the module has no mount().
  describe('with side-effect tracking off (the production default: the direct import path)', () => {
    before(() => configure({ sideEffects: false }));
    after(() => configure({ sideEffects: { report: true } }));

    it('mounts ./mount of a plain-URL webpack container', async () => {
      const el = await mounted(named(remote('billing')), { user: 'ada' });
      expect(el.status).to.equal('mounted');
      expect(el.shadowRoot!.querySelector('.billing')!.textContent).to.equal('billing for ada');
    });

    it('mounts ./mfe (React) of an enhanced container', async () => {
      const el = await mounted(named(remote('shop')));
      expect(el.status).to.equal('mounted');
      expect(el.shadowRoot!.querySelector('.out')!.textContent).to.equal('hello world from shop');
    });

    it('says what a classic-script container is, and what an ES module without mount() lacks', async () => {
      const src = remote('billing-var');
      expect((await errorOf({ name: 'billing', src })).error.message).to.equal(`billing: ${src} load failed: does not export mount(): ${CLASSIC}`);
      const half = fake('half');
      expect((await errorOf({ name: 'half', src: half })).error.message).to.equal(`half: ${half} load failed: does not export mount()`);
    });
  });

  describe('failures (phase load, the MFE, the URL and the cause)', () => {
    it('a container built as a classic script (library type "var"): says so, and what to do', async () => {
      const src = remote('billing-var');
      const detail = await errorOf({ name: 'billing', src });
      expect(detail.phase).to.equal('load');
      expect(detail.error.message).to.equal(`billing: ${src} load failed: does not export mount(): ${CLASSIC}`);
    });

    it('the same classic container with format "federation": not a container, and why', async () => {
      const src = remote('billing-var');
      const detail = await errorOf({ name: 'billing', src, format: 'federation' });
      expect(detail.error.message).to.equal(`billing: ${src} load failed: not a Module Federation container (no init/get); ${CLASSIC}`);
    });

    it('an ES module with neither mount() nor init() and get()', async () => {
      const src = fake('half');
      const detail = await errorOf({ name: 'half', src });
      expect(detail.phase).to.equal('load');
      expect(detail.error.message).to.equal(`half: ${src} load failed: does not export mount()`);
    });

    it('a container with neither ./mfe nor ./mount and no mf-manifest.json: says to name one with expose', async () => {
      const src = fake('unnamed');
      const detail = await errorOf({ name: 'unnamed', src });
      expect(detail.error.message).to.equal(`unnamed: ${src} load failed: exposes neither "./mfe" nor "./mount": name the module to mount with "expose"`);
    });

    it('a container with neither ./mfe nor ./mount whose mf-manifest.json lists several: lists them', async () => {
      const src = new URL(`/test/fixtures/federation/fake/listed/remoteEntry.js?t=${uid()}`, location.origin).href;
      const detail = await errorOf({ name: 'listed', src });
      expect(detail.error.message).to.equal(
        `listed: ${src} load failed: exposes neither "./mfe" nor "./mount" (exposes: "./App", "./Other"): name the module to mount with "expose"`,
      );
    });

    it('a named expose the container does not have: names it and lists what it exposes', async () => {
      const entry = remote('shop');
      const name = named(entry, './nope');
      const el = document.createElement('mfe-host');
      el.name = name;
      const error = oneEvent(el, 'mfe-error');
      (await fixture(html`<div></div>`)).append(el);
      const { detail } = (await error) as CustomEvent<MfeErrorDetail>;
      expect(detail.error.message).to.equal(`${name}: ${entry} load failed: does not expose "./nope" (exposes: "./mfe", "./cart", "./throws")`);
    });
  });
});
