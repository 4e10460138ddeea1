/**
 * format="single-spa": modules exporting single-spa lifecycles, mounted without single-spa.
 * Real apps: React 19 through single-spa-react 6 and Vue 3 through single-spa-vue 3, bundled by
 * test/fixtures/single-spa/build.mjs; hand-written lifecycle modules for the edge cases.
 */
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { configure } from '../../../src/index.js';
import type { MfeErrorDetail, MfeHost, MountContext } from '../../../src/index.js';
import type { Parcel, ParcelConfig, SingleSpaProps } from '../../../src/lifecycle/formats/single-spa.js';
import { logOf, nextError, openGate, quiet, uid } from '../../helpers.js';

addEventListener('mfe-error', quiet);
configure({ retryDelay: 20 });

/** A fixture module's URL, unique to the caller (its own module instance and log). */
const fx = (file: string, prefix = ''): string => new URL(`${prefix}/test/fixtures/single-spa/${file}?t=${uid()}`, location.origin).href;
const react = (): string => fx('build/react-app.js');
const vue = (): string => fx('build/vue-app.js');
/** A name of its own for each test, so names left by other tests never collide. */
const nameFor = (what: string): string => `${what}-${uid()}`;

/** `<mfe-host format="single-spa">` for `src`, connected, once it has settled. */
async function mountSpa(src: string, attrs: Record<string, string> = {}, props?: Record<string, unknown>): Promise<MfeHost> {
  const el = document.createElement('mfe-host');
  el.setAttribute('format', 'single-spa');
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  if (props) el.props = props;
  el.src = src;
  (await fixture<HTMLDivElement>(html`<div></div>`)).append(el);
  await el.settled;
  return el;
}

/** The next `type` event of `el`; rejects on an `mfe-error` first. */
function next(el: HTMLElement, type: 'mfe-mounted' | 'mfe-updated' | 'mfe-unmounted'): Promise<Event> {
  return new Promise((resolve, reject) => {
    const ok = (e: Event): void => (off(), resolve(e));
    const ko = (e: Event): void => (off(), reject((e as CustomEvent<MfeErrorDetail>).detail.error));
    const off = (): void => {
      el.removeEventListener(type, ok);
      el.removeEventListener('mfe-error', ko);
    };
    el.addEventListener(type, ok);
    el.addEventListener('mfe-error', ko);
  });
}

async function unmounted(el: MfeHost): Promise<void> {
  const gone = next(el, 'mfe-unmounted');
  el.remove();
  await gone;
}

async function errorOf(src: string, attrs: Record<string, string> = {}): Promise<{ el: MfeHost; detail: MfeErrorDetail }> {
  const el = document.createElement('mfe-host');
  el.setAttribute('format', 'single-spa');
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  el.src = src;
  const error = nextError(el);
  (await fixture(html`<div></div>`)).append(el);
  const detail = await error;
  await el.settled;
  return { el, detail };
}

const text = (el: MfeHost, sel: string): string | undefined => el.shadowRoot!.querySelector(sel)?.textContent ?? undefined;

/** Every call the probe module (probe.js) recorded, with its props. */
const probeCalls = (src: string): Array<{ phase: string; props: SingleSpaProps & { domElement?: HTMLElement; mfe?: MountContext } }> =>
  ((globalThis as unknown as { __ssProbe: Record<string, []> }).__ssProbe ??= {})[src] ?? [];

/** React's marker on a root container: set by createRoot, cleared by root.unmount(). */
const reactRoots = (container: Element): unknown[] =>
  Object.keys(container)
    .filter((k) => k.startsWith('__reactContainer$'))
    .map((k) => (container as unknown as Record<string, unknown>)[k]);

describe('format="single-spa"', () => {
  it('mounts a single-spa-react app (React 19), updates its props without a remount and unmounts it cleanly', async () => {
    const src = react();
    const name = nameFor('react');
    const el = await mountSpa(src, { name }, { greeting: 'hello' });
    expect(el.status).to.equal('mounted');
    expect(text(el, '.ss-greeting')).to.equal(`hello from ${name}`);
    const container = el.shadowRoot!.querySelector('.ss-app')!.parentElement!;
    expect(reactRoots(container).filter(Boolean), 'a React root on domElement').to.have.length(1);

    el.shadowRoot!.querySelector<HTMLButtonElement>('.ss-inc')!.click();
    await waitUntil(() => text(el, '.ss-clicks') === '1', 'React handled the click');

    const updated = next(el, 'mfe-updated');
    el.props = { greeting: 'bonjour' };
    await updated;
    expect(text(el, '.ss-greeting')).to.equal(`bonjour from ${name}`);
    expect(text(el, '.ss-clicks'), 'state kept: not remounted').to.equal('1');

    await unmounted(el);
    expect(container.childNodes, 'domElement emptied').to.have.length(0);
    expect(reactRoots(container).filter(Boolean), 'React root unmounted').to.have.length(0);
    expect(el.shadowRoot!.querySelector('.ss-app')).to.equal(null);
    expect(logOf(src)).to.deep.equal([`render:${name}:hello`, `effect:${name}`, `render:${name}:hello`, `render:${name}:bonjour`, `cleanup:${name}`]);
  });

  it('mounts a single-spa-vue app (Vue 3) inside the shadow root, updates it in place and unmounts it cleanly', async () => {
    const src = vue();
    const name = nameFor('vue');
    const el = await mountSpa(src, { name }, { greeting: 'hello' });
    expect(el.status).to.equal('mounted');
    // single-spa-vue mounts through a document selector; it found the container in the shadow root.
    expect(text(el, '.ss-greeting')).to.equal(`hello from ${name}`);
    expect(document.querySelector('.ss-app'), 'nothing rendered in the page').to.equal(null);
    expect(Object.getOwnPropertyDescriptor(document, 'querySelector'), 'document.querySelector restored').to.equal(undefined);
    const container = el.shadowRoot!.querySelector('.single-spa-container')!.parentElement!;

    el.shadowRoot!.querySelector<HTMLButtonElement>('.ss-inc')!.click();
    await waitUntil(() => text(el, '.ss-clicks') === '1', 'Vue handled the click');

    const updated = next(el, 'mfe-updated');
    el.props = { greeting: 'bonjour' };
    await updated;
    await waitUntil(() => text(el, '.ss-greeting') === `bonjour from ${name}`, 'Vue re-rendered with the new props');
    expect(text(el, '.ss-clicks'), 'state kept: not remounted').to.equal('1');

    await unmounted(el);
    expect(container.childNodes, 'domElement emptied').to.have.length(0);
    const log = logOf(src);
    expect(log.filter((x) => x.startsWith('mounted:'))).to.deep.equal([`mounted:${name}`]);
    expect(log.filter((x) => !x.startsWith('render:'))).to.deep.equal([`instance:${name}`, `mounted:${name}`, `unmounted:${name}`]);
    expect(log).to.include(`render:${name}:bonjour`);
  });

  it('mounts a single-spa-vue app with isolation="none" (light DOM)', async () => {
    const src = vue();
    const name = nameFor('vue-light');
    const el = await mountSpa(src, { name, isolation: 'none' }, { greeting: 'hi' });
    expect(el.querySelector('.ss-greeting')?.textContent).to.equal(`hi from ${name}`);
    await unmounted(el);
    expect(el.querySelector('.ss-app')).to.equal(null);
    expect(logOf(src)).to.include(`unmounted:${name}`);
  });

  it('resolves format: "single-spa" from the manifest (configure({ remotes }))', async () => {
    const name = nameFor('remote');
    const src = vue();
    configure({ remotes: { [name]: { entry: src, format: 'single-spa' } } });
    const el = await fixture<MfeHost>(html`<mfe-host name=${name} .props=${{ greeting: 'from the manifest' }}></mfe-host>`);
    expect(await el.settled).to.equal('mounted');
    expect(el.format, 'no format attribute').to.equal('esm');
    expect(text(el, '.ss-greeting')).to.equal(`from the manifest from ${name}`);
  });

  it('runs lifecycles given as arrays one function after another, in order', async () => {
    const src = fx('arrays.js');
    const name = nameFor('arrays');
    const el = await mountSpa(src, { name }, { label: 'a' });
    expect(text(el, '.out')).to.equal(`a from ${name}`);
    const updated = next(el, 'mfe-updated');
    el.props = { label: 'b' };
    await updated;
    expect(text(el, '.out')).to.equal(`b from ${name}`);
    await unmounted(el);
    expect(logOf(src)).to.deep.equal([
      `bootstrap-1:start:${name}`,
      'bootstrap-1:end',
      `bootstrap-2:start:${name}`,
      'bootstrap-2:end',
      `mount-1:start:${name}`,
      'mount-1:end',
      `mount-2:start:${name}`,
      'mount-2:end',
      'mount:render',
      `update-1:start:${name}`,
      'update-1:end',
      'update:render',
      `unmount-1:start:${name}`,
      'unmount-1:end',
      'unmount:clear',
    ]);
  });

  it('takes lifecycles from `default`; without update, a props change remounts under the same name', async () => {
    const src = fx('default-export.js');
    const name = nameFor('dflt');
    const el = await mountSpa(src, { name }, { label: 'a' });
    expect(el.shadowRoot!.textContent).to.contain(`a from ${name}`);
    const remounted = next(el, 'mfe-mounted');
    el.props = { label: 'b' };
    await remounted;
    expect(el.shadowRoot!.textContent).to.contain(`b from ${name}`);
    expect(logOf(src)).to.deep.equal([`mount:${name}:a`, `unmount:${name}`, `mount:${name}:b`]);
  });

  it('passes single-spa props: custom props flattened, a unique name, domElement, mountParcel, singleSpa and mfe', async () => {
    const src = fx('probe.js');
    const name = nameFor('probe');
    const el = await mountSpa(src, { name }, { label: 'a', domElement: 'not mine', nested: { deep: 1 } });
    const [boot, mount] = probeCalls(src);
    expect(boot.phase).to.equal('bootstrap');
    expect(Object.keys(boot.props).sort()).to.deep.equal(['mountParcel', 'name', 'singleSpa']);
    expect(boot.props.name).to.equal(name);
    const p = mount.props;
    expect(mount.phase).to.equal('mount');
    expect(p).to.include({ label: 'a', name });
    expect(p.nested).to.deep.equal({ deep: 1 });
    expect(p.domElement).to.be.instanceOf(HTMLElement);
    expect(p.domElement!.getRootNode(), 'domElement is the container in the shadow root').to.equal(el.shadowRoot);
    expect(p.mountParcel).to.be.a('function');
    expect(p.singleSpa.navigateToUrl).to.be.a('function');
    expect(p.singleSpa.mountRootParcel).to.be.a('function');
    // mfe: a frozen view of the MountContext, following it.
    const mfe = p.mfe!;
    expect(Object.isFrozen(mfe)).to.equal(true);
    expect(mfe.host).to.equal(p.domElement);
    expect(mfe.name).to.equal(name);
    expect(mfe.signal.aborted).to.equal(false);
    const got: unknown[] = [];
    const listener = (e: Event): number => got.push((e as CustomEvent).detail);
    addEventListener('ss-test:ping', listener);
    mfe.bus.emit('ss-test:ping', 42);
    removeEventListener('ss-test:ping', listener);
    expect(got, 'the bus is reachable through props.mfe').to.deep.equal([42]);

    const updated = next(el, 'mfe-updated');
    el.props = { label: 'b' };
    await updated;
    const update = probeCalls(src)[2];
    expect(update.phase).to.equal('update');
    expect(update.props).to.include({ label: 'b', name, domElement: p.domElement });
    expect(update.props, 'fresh props per call, as single-spa').not.to.equal(p);
    expect(mfe.props).to.deep.equal({ label: 'b' });

    await unmounted(el);
    const unmount = probeCalls(src)[3];
    expect(unmount.phase).to.equal('unmount');
    expect(unmount.props).to.include({ name, label: 'b', domElement: p.domElement });
    expect(mfe.signal.aborted).to.equal(true);
  });

  it('navigateToUrl navigates the page', async () => {
    const src = fx('probe.js');
    const el = await mountSpa(src, { name: nameFor('nav') });
    const { singleSpa } = probeCalls(src)[1].props;
    const before = location.href;
    const popped = oneEvent(window, 'popstate');
    singleSpa.navigateToUrl(`${location.pathname}${location.search}#ss-nav`);
    await popped;
    expect(location.hash).to.equal('#ss-nav');
    const link = Object.assign(document.createElement('a'), { href: `${location.pathname}${location.search}#ss-link` });
    link.addEventListener('click', (e) => singleSpa.navigateToUrl(e));
    document.body.append(link);
    link.click();
    link.remove();
    expect(location.hash).to.equal('#ss-link');
    expect(() => singleSpa.navigateToUrl(42 as unknown as string)).to.throw(/navigateToUrl needs a URL/);
    history.replaceState(null, '', before);
    await unmounted(el);
  });

  it('runs two instances of one single-spa-react module at once under distinct names', async () => {
    const src = react();
    const name = nameFor('twice');
    const [a, b] = await Promise.all([mountSpa(src, { name }, { greeting: 'a' }), mountSpa(src, { name }, { greeting: 'b' })]);
    const shown = [text(a, '.ss-greeting'), text(b, '.ss-greeting')].sort();
    expect(shown).to.deep.equal([`a from ${name}`, `b from ${name}#2`]);
    const nameOfB = text(b, '.ss-greeting')!.replace('b from ', '');

    const updated = next(a, 'mfe-updated');
    a.props = { greeting: 'a2' };
    await updated;
    expect(text(a, '.ss-greeting')).to.match(/^a2 from /);
    expect(text(b, '.ss-greeting'), 'the other instance is untouched').to.equal(`b from ${nameOfB}`);

    await unmounted(a);
    expect(a.shadowRoot!.querySelector('.ss-app')).to.equal(null);
    expect(text(b, '.ss-greeting'), 'still mounted').to.equal(`b from ${nameOfB}`);
    b.shadowRoot!.querySelector<HTMLButtonElement>('.ss-inc')!.click();
    await waitUntil(() => text(b, '.ss-clicks') === '1', 'the remaining instance still reacts');
    expect(logOf(src).filter((x) => x.startsWith('cleanup:'))).to.have.length(1);

    // The freed name is given out again.
    const c = await mountSpa(src, { name }, { greeting: 'c' });
    expect(text(c, '.ss-greeting')).to.equal(`c from ${nameOfB === name ? `${name}#2` : name}`);
    await Promise.all([unmounted(b), unmounted(c)]);
    expect(logOf(src).filter((x) => x.startsWith('cleanup:'))).to.have.length(3);
  });

  it('a mount abandoned while it runs (src changed) is unmounted once it finishes, and its name freed', async () => {
    const gated = fx('gated.js');
    const name = nameFor('gated');
    const el = document.createElement('mfe-host');
    el.setAttribute('format', 'single-spa');
    el.setAttribute('name', name);
    el.src = gated;
    (await fixture(html`<div></div>`)).append(el);
    await waitUntil(() => logOf(gated).length > 0, 'mount started');
    const probe = fx('probe.js');
    const mounted = next(el, 'mfe-mounted');
    el.src = probe;
    await mounted;
    expect(probeCalls(probe)[1].props.name, 'the name is still held by the running mount').to.equal(`${name}#2`);
    openGate(gated);
    await waitUntil(() => logOf(gated).includes(`unmount:${name}`), 'the late mount is undone');
    expect(logOf(gated)).to.deep.equal([`mount:start:${name}`, 'mount:end', `unmount:${name}`]);
    expect(el.shadowRoot!.textContent).not.to.contain('late');
    const again = await mountSpa(fx('probe.js'), { name });
    expect(again.shadowRoot!.textContent, 'the name is free again').to.contain(`from ${name}`).and.not.to.contain('#2');
  });

  describe('failures', () => {
    it('a mount that rejects is undone (unmount) and reported in phase mount, nothing left half-mounted', async () => {
      const src = fx('mount-throws.js');
      const { el, detail } = await errorOf(src);
      expect(detail.phase).to.equal('mount');
      expect(detail.error.message).to.contain('mount exploded').and.to.contain(src);
      expect(el.status).to.equal('error');
      expect(logOf(src)).to.deep.equal(['mount:render', 'mount:throw', 'unmount']);
      expect(document.body.classList.contains('ss-half-mounted')).to.equal(false);
      expect(el.shadowRoot!.textContent).not.to.contain('half mounted');
    });

    it('a lifecycle that does not return a promise is an error (single-spa rule)', async () => {
      const src = fx('not-a-promise.js');
      const { detail } = await errorOf(src);
      expect(detail.phase).to.equal('mount');
      expect(detail.error.message).to.contain('single-spa lifecycle mount at array index 0 did not return a promise');
      expect(logOf(src)).to.deep.equal(['mount', 'unmount']);
    });

    it('a module without lifecycles fails to load with a clear error, and is not retried', async () => {
      const key = uid();
      const src = new URL(`/count/${key}/test/fixtures/single-spa/no-lifecycles.js`, location.origin).href;
      const { el, detail } = await errorOf(src, { name: 'nolc' });
      expect(detail.phase).to.equal('load');
      expect(detail.error.message).to.equal(
        `nolc: ${src} load failed: does not export single-spa lifecycles mount/unmount (exports: default, hello)`,
      );
      expect(el.status).to.equal('error');
      const { count } = await (await fetch(`/count-of/${key}`)).json();
      expect(count, 'fetched once').to.equal(1);
    });

    it('a lifecycle that is neither a function nor an array of functions is named', async () => {
      const { detail } = await errorOf(fx('bad-lifecycle.js'));
      expect(detail.phase).to.equal('load');
      expect(detail.error.message).to.contain('single-spa lifecycle update is neither a function nor an array of functions');
    });

    it('a 404 fails in phase load with the HTTP status', async () => {
      const src = new URL(`/status/404/ss-${uid()}.js`, location.origin).href;
      const { detail } = await errorOf(src, { retries: '0' });
      expect(detail.phase).to.equal('load');
      expect(detail.error.message).to.contain('HTTP 404');
    });

    it('an update that rejects is reported in phase update; the app stays mounted and unmounts', async () => {
      const src = fx('update-throws.js');
      const el = await mountSpa(src, {}, { label: 'a' });
      const error = nextError(el);
      el.props = { label: 'b' };
      const detail = await error;
      expect(detail.phase).to.equal('update');
      expect(detail.error.message).to.contain('update exploded');
      expect(await el.settled).to.equal('mounted');
      await unmounted(el);
      expect(logOf(src)).to.deep.equal(['mount', 'update', 'unmount']);
    });
  });

  describe('mountParcel', () => {
    /** A hand-written parcel config that logs its calls and renders `{label} from {name}`. */
    const parcelConfig = (log: string[], extra: Partial<ParcelConfig> = {}): ParcelConfig => ({
      name: 'hand-parcel',
      bootstrap: [],
      mount: [
        async (props) => {
          log.push(`mount:${props.name}`);
          (props.domElement as HTMLElement).textContent = `${props.label} from ${props.name}`;
        },
      ],
      update: async (props) => {
        log.push(`update:${props.label}`);
        (props.domElement as HTMLElement).textContent = `${props.label} from ${props.name}`;
      },
      unmount: async (props) => {
        log.push(`unmount:${props.name}`);
        expect(props.unmountSelf).to.be.a('function');
        (props.domElement as HTMLElement).replaceChildren();
      },
      ...extra,
    });

    /** A probe app, its mount props, and a fresh element inside its container for a parcel. */
    async function owner(): Promise<{ el: MfeHost; src: string; props: SingleSpaProps; slot: () => HTMLElement }> {
      const src = fx('probe.js');
      const el = await mountSpa(src, { name: nameFor('owner') }, { label: 'owner' });
      const { props } = probeCalls(src)[1];
      const slot = (): HTMLElement => (props.domElement as HTMLElement).appendChild(document.createElement('section'));
      return { el, src, props, slot };
    }

    it('mounts, updates, unmounts and remounts a parcel, with single-spa statuses and promises', async () => {
      const { el, src, props, slot } = await owner();
      const log: string[] = [];
      const domElement = slot();
      const parcel: Parcel = props.mountParcel(parcelConfig(log), { domElement, label: 'p' });
      expect(parcel.getStatus()).to.equal('NOT_BOOTSTRAPPED');
      await parcel.loadPromise;
      await parcel.bootstrapPromise;
      expect(await parcel.mountPromise).to.equal(null);
      expect(parcel.getStatus()).to.equal('MOUNTED');
      expect(domElement.textContent).to.equal('p from hand-parcel');

      await parcel.update!({ label: 'q' });
      expect(domElement.textContent, 'domElement kept when an update leaves it out').to.equal('q from hand-parcel');
      await parcel.unmount();
      expect(parcel.getStatus()).to.equal('NOT_MOUNTED');
      expect(await parcel.unmountPromise).to.equal(null);
      expect(domElement.childNodes).to.have.length(0);
      await parcel.mount();
      expect(parcel.getStatus()).to.equal('MOUNTED');
      await parcel.mount().then(
        () => expect.fail('mounted twice'),
        (e: Error) => expect(e.message).to.equal(`Cannot mount parcel 'hand-parcel' -- it is in a MOUNTED status`),
      );

      // The owner's unmount unmounts its parcels first.
      await unmounted(el);
      expect(parcel.getStatus()).to.equal('NOT_MOUNTED');
      expect(log).to.deep.equal(['mount:hand-parcel', 'update:q', 'unmount:hand-parcel', 'mount:hand-parcel', 'unmount:hand-parcel']);
      expect(logOf(src).at(-1)).to.match(/^unmount:owner-/);
    });

    it('validates its input as single-spa does', async () => {
      const { props, slot } = await owner();
      const mount = props.mountParcel as (c: unknown, p: unknown) => Parcel;
      expect(() => mount(null, { domElement: slot() })).to.throw('Cannot mount parcel without a config object or config loading function');
      expect(() => mount({ name: 3 }, { domElement: slot() })).to.throw('Parcel name must be a string, if provided. Was given number');
      expect(() => mount({ name: 'x' }, 'props')).to.throw('Parcel x has invalid customProps -- must be an object but was given string');
      expect(() => mount({ name: 'x' }, {})).to.throw('Parcel x cannot be mounted without a domElement provided as a prop');
      expect(() => mount(() => 42, { domElement: slot() })).to.throw(/config loading function must return a promise/);
      const broken = mount({ name: 'nomount', unmount: async () => {} }, { domElement: slot() });
      await broken.mountPromise.then(
        () => expect.fail('mounted'),
        (e: Error) => expect(e.message).to.equal('Parcel nomount must have a valid mount and unmount function'),
      );
      expect(broken.getStatus()).to.equal('SKIP_BECAUSE_BROKEN');
    });

    it('a parcel whose mount rejects is unmounted, broken, and does not break its owner', async () => {
      const { el, props, slot } = await owner();
      const log: string[] = [];
      const config = parcelConfig(log, {
        mount: [
          async (p) => void log.push(`mount:${p.name}`),
          async () => {
            throw new Error('parcel exploded');
          },
        ],
      });
      const parcel = props.mountParcel(config, { domElement: slot() });
      await parcel.mountPromise.then(
        () => expect.fail('mounted'),
        (e: Error) => expect(e.message).to.equal('parcel exploded'),
      );
      expect(parcel.getStatus()).to.equal('SKIP_BECAUSE_BROKEN');
      expect(log).to.deep.equal(['mount:hand-parcel', 'unmount:hand-parcel']);
      await unmounted(el);
      expect(log, 'not unmounted again with its owner').to.have.length(2);
    });

    it('mounts real single-spa-react and single-spa-vue lifecycles as parcels (config loading functions), unmounted with their owner', async () => {
      const { el, props, slot } = await owner();
      const reactSrc = react();
      const vueSrc = vue();
      const load = (url: string) => () => import(/* @vite-ignore */ url) as Promise<ParcelConfig>;
      const rp = props.mountParcel(load(reactSrc), { domElement: slot(), greeting: 'react parcel' });
      const vp = props.mountParcel(load(vueSrc), { domElement: slot(), greeting: 'vue parcel' });
      expect(rp.getStatus()).to.equal('LOADING_SOURCE_CODE');
      await Promise.all([rp.mountPromise, vp.mountPromise]);
      const titles = (): string[] => [...el.shadowRoot!.querySelectorAll('.ss-greeting')].map((h) => h.textContent!);
      expect(titles()).to.have.length(2);
      expect(titles()[0]).to.match(/^react parcel from parcel-\d+$/);
      expect(titles()[1]).to.match(/^vue parcel from parcel-\d+$/);

      await rp.update!({ greeting: 'updated' });
      await vp.update!({ greeting: 'updated' });
      await waitUntil(() => titles().every((t) => t.startsWith('updated from parcel-')), 'both parcels updated');

      await unmounted(el);
      expect(rp.getStatus()).to.equal('NOT_MOUNTED');
      expect(vp.getStatus()).to.equal('NOT_MOUNTED');
      expect(logOf(reactSrc).filter((x) => x.startsWith('cleanup:'))).to.have.length(1);
      expect(logOf(vueSrc).filter((x) => x.startsWith('unmounted:'))).to.have.length(1);
      expect(Object.getOwnPropertyDescriptor(document, 'querySelector')).to.equal(undefined);
    });

    it('the owner waits for a parcel that is still loading, then unmounts it', async () => {
      const { el, props, slot } = await owner();
      const log: string[] = [];
      let release!: (c: ParcelConfig) => void;
      const parcel = props.mountParcel(() => new Promise<ParcelConfig>((r) => (release = r)), { domElement: slot(), label: 'late' });
      expect(parcel.getStatus()).to.equal('LOADING_SOURCE_CODE');
      const gone = next(el, 'mfe-unmounted');
      el.remove();
      await waitUntil(() => el.status === 'unmounting', 'unmounting');
      release(parcelConfig(log));
      await gone;
      expect(log).to.deep.equal(['mount:hand-parcel', 'unmount:hand-parcel']);
      expect(parcel.getStatus()).to.equal('NOT_MOUNTED');
    });

    it('a parcel can unmount itself (props.unmountSelf)', async () => {
      const { props, slot } = await owner();
      let self: (() => Promise<null>) | undefined;
      const log: string[] = [];
      const parcel = props.mountParcel(
        parcelConfig(log, { bootstrap: async (p) => void (self = p.unmountSelf as () => Promise<null>) }),
        { domElement: slot(), label: 'x' },
      );
      await parcel.mountPromise;
      expect(await self!()).to.equal(null);
      expect(parcel.getStatus()).to.equal('NOT_MOUNTED');
      expect(await parcel.unmountPromise).to.equal(null);
    });

    it('a parcel that fails to unmount makes its owner report phase unmount; the owner itself is unmounted', async () => {
      const { el, src, props, slot } = await owner();
      const log: string[] = [];
      const parcel = props.mountParcel(
        parcelConfig(log, {
          unmount: async () => {
            throw new Error('parcel stuck');
          },
        }),
        { domElement: slot() },
      );
      await parcel.mountPromise;
      // Reported on the element once it left the page: the window's listener does not see it.
      el.addEventListener('mfe-error', quiet);
      const error = nextError(el);
      const gone = oneEvent(el, 'mfe-unmounted');
      el.remove();
      const detail = await error;
      await gone;
      expect(detail.phase).to.equal('unmount');
      expect(detail.error.message).to.contain(`application '${props.name}' unmounted, but a parcel inside it did not: parcel stuck`);
      expect(parcel.getStatus()).to.equal('SKIP_BECAUSE_BROKEN');
      await parcel.unmountPromise.then(
        () => expect.fail('unmounted'),
        (e: Error) => expect(e.message).to.equal('parcel stuck'),
      );
      expect(logOf(src).at(-1)).to.equal(`unmount:${props.name}`);
    });

    it('mountRootParcel mounts a parcel that outlives the app', async () => {
      const { el, props } = await owner();
      const log: string[] = [];
      const domElement = document.body.appendChild(document.createElement('div'));
      const parcel = props.singleSpa.mountRootParcel(parcelConfig(log), { domElement, label: 'root' });
      await parcel.mountPromise;
      await unmounted(el);
      expect(parcel.getStatus()).to.equal('MOUNTED');
      expect(domElement.textContent).to.equal('root from hand-parcel');
      await parcel.unmount();
      expect(domElement.childNodes).to.have.length(0);
      domElement.remove();
    });
  });
});
