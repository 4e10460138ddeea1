/**
 * Real framework MFEs inside `<mfe-host>`: lit, React 19, Vue 3 and plain DOM, each bundled
 * by test/fixtures/build.mjs into test/fixtures/frameworks/build/<name>.js and loaded by URL,
 * as a remote would be. Together they use all three accepted export shapes.
 *
 * Every fixture renders the same markup (see test/fixtures/frameworks/shared.ts):
 * `.fx-card[data-fx=<name>] > h2.fx-title{label} + p.fx-text + button.fx-inc > span.fx-count`,
 * exports `styles` with its own `.fx-title` colour plus a bare `p { color: rgb(200, 0, 0) }`
 * that must not leak, and logs its lifecycle calls to `globalThis.__mfeFixtureLog`.
 */
import { expect, fixtureSync, html, oneEvent, waitUntil } from '@open-wc/testing';
import '../src/index.js';
import type { MfeErrorDetail, MfeEventDetail, MfeHostEventMap } from '../src/types.js';

// Mocha globals provided by @web/test-runner (no @types/mocha installed).
declare const describe: (name: string, fn: () => void) => void;
declare const it: (name: string, fn: () => Promise<void> | void) => void;
declare const afterEach: (fn: () => Promise<void> | void) => void;

/** The parts of `<mfe-host>` these tests touch. */
type HostElement = HTMLElement & { src: string; props: Record<string, unknown> };

interface FrameworkFixture {
  name: 'vanilla' | 'lit' | 'react' | 'vue';
  /** The export shape the fixture uses (api.md §1). */
  shape: string;
  /** The `.fx-title` colour declared in the fixture's `styles`. */
  titleColor: string;
}

const FIXTURES: FrameworkFixture[] = [
  { name: 'vanilla', shape: 'named exports', titleColor: 'rgb(100, 110, 120)' },
  { name: 'lit', shape: 'export default', titleColor: 'rgb(10, 20, 30)' },
  { name: 'react', shape: 'export const mfe', titleColor: 'rgb(40, 50, 60)' },
  { name: 'vue', shape: 'named exports', titleColor: 'rgb(70, 80, 90)' },
];

/** The colour the MFEs' bare `p` rule paints: seen inside their shadow root, never outside. */
const LEAK_COLOR = 'rgb(200, 0, 0)';
/** The colour a page-level `.fx-title` rule paints: must not reach the MFEs' titles. */
const PAGE_TITLE_COLOR = 'rgb(9, 9, 9)';

const entryOf = (name: string): string => new URL(`./fixtures/frameworks/build/${name}.js`, import.meta.url).href;

let seq = 0;
const uniqueLabel = (what: string): string => `${what}-${++seq}-${Math.random().toString(36).slice(2, 8)}`;

/**
 * Resolves with the next `type` event of `el`; rejects on an `mfe-error` first, so a broken
 * load fails the test with the runtime's message instead of a timeout.
 */
function nextLifecycle<K extends Exclude<keyof MfeHostEventMap, 'mfe-error'>>(
  el: HTMLElement,
  type: K,
): Promise<MfeHostEventMap[K]> {
  return new Promise((resolve, reject) => {
    const onEvent = (event: Event): void => {
      done();
      resolve(event as MfeHostEventMap[K]);
    };
    const onError = (event: Event): void => {
      done();
      const { phase, error } = (event as CustomEvent<MfeErrorDetail>).detail;
      reject(new Error(`mfe-error (phase ${phase}) while waiting for ${type}: ${error?.message ?? error}`));
    };
    const done = (): void => {
      el.removeEventListener(type, onEvent);
      el.removeEventListener('mfe-error', onError);
    };
    el.addEventListener(type, onEvent);
    el.addEventListener('mfe-error', onError);
  });
}

/** Renders `<mfe-host>` for the fixture and waits for `mfe-mounted`. */
async function mountFixture(fx: FrameworkFixture, props: Record<string, unknown>): Promise<HostElement> {
  // fixtureSync connects the element synchronously; import() is always asynchronous, so the
  // listener is in place before `mfe-mounted` can fire.
  const el = fixtureSync<HostElement>(html`<mfe-host src=${entryOf(fx.name)} .props=${props}></mfe-host>`);
  const mounted = await nextLifecycle(el, 'mfe-mounted');
  expect(mounted.detail.entry).to.equal(entryOf(fx.name));
  return el;
}

function card(el: HostElement, name: string): HTMLElement {
  const root = el.shadowRoot;
  expect(root, 'mfe-host has an open shadow root').to.be.instanceOf(ShadowRoot);
  const found = root!.querySelector<HTMLElement>(`.fx-card[data-fx="${name}"]`);
  expect(found, `${name} rendered .fx-card inside the shadow root`).to.be.instanceOf(HTMLElement);
  return found!;
}

const part = (el: HostElement, name: string, selector: string): HTMLElement =>
  card(el, name).querySelector<HTMLElement>(selector)!;
const titleText = (el: HostElement, name: string): string => part(el, name, '.fx-title').textContent ?? '';
const countText = (el: HostElement, name: string): string => part(el, name, '.fx-count').textContent ?? '';
const colorOf = (node: Element): string => getComputedStyle(node).color;

function logFor(name: string, label: string) {
  return (globalThis.__mfeFixtureLog ?? []).filter((e) => e.fx === name && e.label === label);
}

/** Page-level nodes a test adds outside fixtures (removed after each test). */
const pageNodes: Element[] = [];
afterEach(() => {
  for (const node of pageNodes.splice(0)) node.remove();
});

for (const fx of FIXTURES) {
  const { name } = fx;

  describe(`${name} MFE (${fx.shape})`, () => {
    it('mounts inside the shadow root with its props and its own styles', async () => {
      const label = uniqueLabel(`${name}-mount`);
      const el = await mountFixture(fx, { label });

      expect(el.getAttribute('status')).to.equal('mounted');
      expect(titleText(el, name)).to.equal(label);
      expect(countText(el, name)).to.equal('0');
      expect(el.querySelector('.fx-card'), 'nothing rendered into light DOM').to.equal(null);
      // The MFE's adopted styles apply to its own markup, `p` rule included.
      expect(colorOf(part(el, name, '.fx-title'))).to.equal(fx.titleColor);
      expect(colorOf(part(el, name, '.fx-text'))).to.equal(LEAK_COLOR);
      expect(logFor(name, label).map((e) => e.phase)).to.deep.equal(['mount']);
    });

    it('re-renders on new props and keeps its framework state', async () => {
      const label = uniqueLabel(`${name}-before`);
      const el = await mountFixture(fx, { label });
      const before = card(el, name);

      // A click is handled by the framework; the MFE reports it with a composed event.
      const counted = oneEvent(el, 'fx-count');
      part(el, name, '.fx-inc').click();
      const { detail } = (await counted) as CustomEvent<{ fx: string; count: number }>;
      expect(detail).to.deep.equal({ fx: name, count: 1 });
      await waitUntil(() => countText(el, name) === '1', `${name} shows count 1 after a click`);

      const next = uniqueLabel(`${name}-after`);
      const updated = nextLifecycle(el, 'mfe-updated');
      el.props = { label: next };
      const updatedEvent: CustomEvent<MfeEventDetail> = await updated;
      expect(updatedEvent.detail.entry).to.equal(entryOf(name));

      // `update` is awaited by the runtime: the new label is on screen once mfe-updated fires.
      expect(titleText(el, name)).to.equal(next);
      expect(countText(el, name), 'counter survives the props update').to.equal('1');
      expect(card(el, name), 'same DOM: updated, not remounted').to.equal(before);
      expect(el.getAttribute('status')).to.equal('mounted');
      expect(logFor(name, next).map((e) => e.phase)).to.deep.equal(['update']);
      expect(logFor(name, label).map((e) => e.phase)).to.deep.equal(['mount']);

      part(el, name, '.fx-inc').click();
      await waitUntil(() => countText(el, name) === '2', `${name} keeps counting after the update`);
      expect(titleText(el, name)).to.equal(next);
    });

    it('isolates styles in both directions', async () => {
      const pageStyle = document.createElement('style');
      pageStyle.textContent = `.fx-title { color: ${PAGE_TITLE_COLOR}; }`;
      document.head.append(pageStyle);
      pageNodes.push(pageStyle);
      const page = fixtureSync<HTMLElement>(
        html`<div><h2 class="fx-title">page title</h2><p class="fx-page-probe">page paragraph</p></div>`,
      );
      const pageTitle = page.querySelector('.fx-title')!;
      const pageP = page.querySelector('.fx-page-probe')!;
      const pagePColor = colorOf(pageP);
      expect(pagePColor).not.to.equal(LEAK_COLOR);
      expect(colorOf(pageTitle), 'the page rule itself works').to.equal(PAGE_TITLE_COLOR);

      const el = await mountFixture(fx, { label: uniqueLabel(`${name}-styles`) });

      // Page → MFE: the page's `.fx-title` rule does not reach into the shadow root.
      expect(colorOf(part(el, name, '.fx-title'))).to.equal(fx.titleColor);
      // MFE → page: the MFE's bare `p` rule paints only its own paragraph.
      expect(colorOf(part(el, name, '.fx-text'))).to.equal(LEAK_COLOR);
      expect(colorOf(pageP)).to.equal(pagePColor);
      expect(colorOf(pageTitle)).to.equal(PAGE_TITLE_COLOR);
    });

    it('unmounts when the element is removed', async () => {
      const label = uniqueLabel(`${name}-unmount`);
      const el = await mountFixture(fx, { label });
      const root = el.shadowRoot!;
      expect(card(el, name).isConnected).to.equal(true);

      const unmounted = nextLifecycle(el, 'mfe-unmounted');
      el.remove();
      const event = await unmounted;
      expect(event.detail.entry).to.equal(entryOf(name));

      expect(root.querySelector('.fx-card'), 'rendered content is gone').to.equal(null);
      expect(root.querySelector('.fx-title')).to.equal(null);
      // The runtime called the MFE's own unmount, which left ctx.host empty.
      const log = logFor(name, label);
      expect(log.map((e) => e.phase)).to.deep.equal(['mount', 'unmount']);
      expect(log[1]!.hostNodes, 'unmount removed everything it rendered').to.equal(0);
    });

    it('keeps separate state for two elements of the same MFE', async () => {
      const labelA = uniqueLabel(`${name}-a`);
      const labelB = uniqueLabel(`${name}-b`);
      const [a, b] = await Promise.all([mountFixture(fx, { label: labelA }), mountFixture(fx, { label: labelB })]);

      part(a, name, '.fx-inc').click();
      part(a, name, '.fx-inc').click();
      await waitUntil(() => countText(a, name) === '2', `${name}: first element counts`);
      expect(countText(b, name)).to.equal('0');

      const labelB2 = uniqueLabel(`${name}-b2`);
      const updated = nextLifecycle(b, 'mfe-updated');
      b.props = { label: labelB2 };
      await updated;
      expect(titleText(b, name)).to.equal(labelB2);
      expect(titleText(a, name)).to.equal(labelA);
      expect(countText(a, name)).to.equal('2');
    });
  });
}
