import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { bus } from '../../src/index.js';
import type { BusMeta, MfeErrorDetail, MfeHost } from '../../src/index.js';
import { host, nextError, quiet, uid } from '../helpers.js';

addEventListener('mfe-error', quiet);

/** A fixture of test/fixtures/iframe/, served with `Access-Control-Allow-Origin: *` (routes.mjs). */
const cors = (file: string): string => new URL(`/iframe-routes/cors/test/fixtures/iframe/${file}?t=${uid()}`, location.origin).href;
/** The same fixture without CORS. */
const plain = (file: string): string => new URL(`/test/fixtures/iframe/${file}?t=${uid()}`, location.origin).href;

type Detail = Record<string, unknown> & { name: string };
/** The next bus event of `type` whose payload names the MFE `name`. */
const next = (type: string, name: string): Promise<{ detail: Detail; meta: BusMeta }> =>
  new Promise((resolve) => {
    const off = bus.on(type as `x:${string}`, (detail, meta) => {
      if ((detail as Detail)?.name !== name) return;
      off();
      resolve({ detail: detail as Detail, meta });
    });
  });

const frameOf = (el: MfeHost): HTMLIFrameElement | null => el.shadowRoot!.querySelector('iframe');

/**
 * Resolves once `test(height)` holds for the element's box (a ResizeObserver: no polling). Settles
 * in a task of its own: a new observer made while observers are being delivered is an RO loop error.
 */
const heightBecomes = (el: Element, h: number | ((h: number) => boolean)): Promise<void> =>
  new Promise((resolve) => {
    const test = typeof h == 'number' ? (x: number) => x === h : h;
    const ro = new ResizeObserver(() => {
      if (!test(Math.round(el.getBoundingClientRect().height))) return;
      ro.disconnect();
      setTimeout(resolve);
    });
    ro.observe(el);
  });

/** Resolves with the element's iframe as soon as it is inserted (observing its shadow root). */
const inserted = async (el: MfeHost): Promise<HTMLIFrameElement> => {
  await el.updateComplete;
  return new Promise((resolve) =>
    new MutationObserver((_, mo) => {
      const f = frameOf(el);
      if (f) mo.disconnect(), resolve(f);
    }).observe(el.shadowRoot!, { subtree: true, childList: true }),
  );
};

/** Mount `src` in an iframe and wait for the fixture's `iframe:probe` report. */
async function mountProbe(src: string, attrs: Record<string, string> = {}, props?: Record<string, unknown>) {
  const name = `probe-${uid()}`;
  const probe = next('iframe:probe', name);
  const el = document.createElement('mfe-host');
  for (const [k, v] of Object.entries({ isolation: 'iframe', name, ...attrs })) el.setAttribute(k, v);
  if (props) el.props = props;
  el.src = src;
  (await fixture<HTMLDivElement>(html`<div></div>`)).append(el);
  expect(await el.settled).to.equal('mounted');
  return { el, name, ...(await probe) };
}

/** Records `message` listeners added to and removed from window, to prove none is left behind. */
function spyMessageListeners(): { live: Set<EventListenerOrEventListenerObject>; restore(): void } {
  const live = new Set<EventListenerOrEventListenerObject>();
  const add = window.addEventListener;
  const remove = window.removeEventListener;
  window.addEventListener = function (this: Window, type: string, l: EventListenerOrEventListenerObject | null, o?: boolean | AddEventListenerOptions) {
    if (type === 'message' && l) {
      live.add(l);
      if (typeof o == 'object') o.signal?.addEventListener('abort', () => live.delete(l));
    }
    return add.call(this, type, l!, o);
  } as typeof window.addEventListener;
  window.removeEventListener = function (this: Window, type: string, l: EventListenerOrEventListenerObject | null, o?: boolean | EventListenerOptions) {
    if (type === 'message' && l) live.delete(l);
    return remove.call(this, type, l!, o);
  } as typeof window.removeEventListener;
  return {
    live,
    restore() {
      window.addEventListener = add;
      window.removeEventListener = remove;
    },
  };
}

describe('isolation="iframe"', () => {
  describe('an ESM MFE', () => {
    it('mounts in a sandboxed, opaque-origin iframe inside the shadow root', async () => {
      const src = cors('probe.js');
      const { el, name, detail } = await mountProbe(src, {}, { who: 'Ada' });
      const frame = frameOf(el)!;
      expect(frame, 'the iframe is in the shadow root').to.be.instanceOf(HTMLIFrameElement);
      expect(frame.getAttribute('sandbox')).to.equal('allow-scripts');
      expect(frame.title).to.equal(name);
      expect(frame.contentDocument, 'opaque origin: the page cannot read the frame').to.equal(null);
      expect(el.querySelector('iframe'), 'nothing in light DOM').to.equal(null);
      expect(detail.inIframe).to.equal(true);
      expect(detail.origin, 'window.origin in the frame').to.equal('null');
      expect(detail.parentDoc, 'parent.document is out of reach').to.equal('SecurityError');
      expect(detail.storage, 'no storage in an opaque origin').to.equal('SecurityError');
      expect(detail.props).to.deep.equal({ who: 'Ada' });
      expect(detail.baseUrl).to.equal(new URL('.', src).href);
      expect(detail.hostInBody).to.equal(true);
      expect(detail.shadowRoot).to.equal(null);
      expect(detail.signal).to.equal(false);
      expect(detail.mounts).to.equal(1);
      expect(el.status).to.equal('mounted');
    });

    it('gets new props through update(), without a remount', async () => {
      const { el, name } = await mountProbe(cors('probe.js'), {}, { who: 'Ada' });
      const frame = frameOf(el);
      const updated = next('iframe:updated', name);
      const done = oneEvent(el, 'mfe-updated');
      el.props = { who: 'Grace', when: new Date(0), tags: new Set(['a']) };
      const { detail } = await updated;
      await done;
      expect(detail.props).to.deep.equal({ who: 'Grace', when: new Date(0), tags: new Set(['a']) });
      expect(detail.mounts, 'mounted once').to.equal(1);
      expect(frameOf(el), 'the same iframe').to.equal(frame);
    });

    it('sizes the iframe to its content, growing and shrinking; width follows the host', async () => {
      const { el } = await mountProbe(cors('probe.js'), {}, { lines: 1 });
      const frame = frameOf(el)!;
      if (Math.round(frame.getBoundingClientRect().height) !== 20) await heightBecomes(frame, 20);
      expect(frame.getBoundingClientRect().width).to.equal(el.getBoundingClientRect().width);
      const grown = heightBecomes(frame, 100);
      el.props = { lines: 5 };
      await grown;
      const shrunk = heightBecomes(frame, 40);
      el.props = { lines: 2 };
      await shrunk;
      expect(Math.round(frame.getBoundingClientRect().height)).to.equal(40);
    });

    it('bridges the bus: iframe → page with meta.source, page → iframe only for subscribed types', async () => {
      const last = { at: uid() };
      bus.emit('page:last', last);
      const { el, name, meta } = await mountProbe(cors('probe.js'));
      expect(meta.source, 'events from the frame are stamped with the MFE name').to.equal(name);
      // What the page posts into the frame, seen at the parent's ports.
      const sent: string[] = [];
      const post = MessagePort.prototype.postMessage;
      MessagePort.prototype.postMessage = function (this: MessagePort, m: unknown, ...rest: [StructuredSerializeOptions?]) {
        const d = m as { t?: string; type?: string };
        if (d?.t === 'event') sent.push(d.type!);
        return post.call(this, m, ...rest);
      } as typeof post;
      try {
        const pong = next('iframe:pong', name);
        bus.emit('page:other', { n: 0 });
        bus.emit('page:ping', { n: 7 });
        const { detail, meta: m } = await pong;
        expect(detail.n).to.equal(7);
        expect(detail.source, 'meta of the page event, as seen in the frame').to.equal(null);
        expect(m.source).to.equal(name);
        expect(sent).to.include('page:ping');
        expect(sent, 'a type the frame did not subscribe to stays out').not.to.include('page:other');
      } finally {
        MessagePort.prototype.postMessage = post;
      }
      // replay: the page's last `page:last` reached the frame's subscription made with { replay: true }.
      const updated = next('iframe:updated', name);
      el.props = { n: 1 };
      expect((await updated).detail.lastReplay).to.deep.equal(last);
    });

    it('bus: crossTab goes both ways; the frame\'s own contracts apply in the frame', async () => {
      const { name } = await mountProbe(cors('probe.js'));
      // Another tab, as the runtime's cross-tab channel sees it.
      const tab = new BroadcastChannel('mfe-host');
      try {
        const sent = new Promise<{ type: string; source: string }>((resolve) => {
          tab.onmessage = (e) => e.data?.type === 'iframe:cross' && e.data.source === name && resolve(e.data);
        });
        bus.emit('page:cross', {});
        expect((await sent).source, 'an emit with { crossTab: true } in the frame reaches other tabs').to.equal(name);
        const pong = next('iframe:pong', name);
        tab.postMessage({ id: `iframe-test-${uid()}`, type: 'page:ping', detail: { n: 9 }, source: 'other-tab' });
        const { detail } = await pong;
        expect(detail).to.include({ n: 9, source: 'other-tab', crossTab: true });
      } finally {
        tab.close();
      }
      // The rejection is reported inside the frame (reportError there); here only its effect shows.
      const checked = next('iframe:checked', name);
      bus.emit('page:checked', { n: 'not a number' });
      bus.emit('page:checked', { n: 2 });
      expect((await checked).detail.checked).to.deep.equal([2]);
    });

    it('navigate() in the frame navigates the page (same-origin URLs only)', async () => {
      const { name } = await mountProbe(cors('probe.js'));
      const before = location.href;
      const hash = `#iframe-${uid()}`;
      const popped = oneEvent(window, 'popstate');
      bus.emit('page:navigate', { to: hash, name });
      await popped;
      expect(location.hash).to.equal(hash);
      history.replaceState(null, '', before);
      // A cross-origin URL is refused by history.pushState: the page stays, with a warning.
      const warn = console.warn;
      const warnings: string[] = [];
      console.warn = (...a: unknown[]) => void warnings.push(a.join(' '));
      try {
        const pong = next('iframe:pong', name);
        bus.emit('page:navigate', { to: 'https://example.com/elsewhere' });
        bus.emit('page:ping', { n: 1 });
        await pong;
      } finally {
        console.warn = warn;
      }
      expect(location.href).to.equal(before);
      expect(warnings.join('\n')).to.match(/iframe request "navigate" refused/);
    });

    it('ignores messages from other windows pretending to be the MFE', async () => {
      const name = `probe-${uid()}`;
      const el = document.createElement('mfe-host');
      el.setAttribute('isolation', 'iframe');
      el.name = name;
      el.src = cors('probe.js');
      const wrapper = await fixture<HTMLDivElement>(html`<div></div>`);
      // Another sandboxed frame that posts a fake connection (and fake bus traffic) to this page.
      const evil = document.createElement('iframe');
      evil.sandbox.add('allow-scripts');
      evil.srcdoc = `<script>
        addEventListener('message', () => {
          const c = new MessageChannel();
          c.port1.onmessage = () => c.port1.postMessage({ t: 'emit', type: 'evil:pwned', detail: { name: '${name}' } });
          parent.postMessage({ mfeHost: 'connect' }, '*', [c.port2]);
          parent.postMessage({ t: 'emit', type: 'evil:pwned', detail: { name: '${name}' } }, '*');
          parent.postMessage('evil-done', '*');
        });
      </script>`;
      const evilLoaded = oneEvent(evil, 'load');
      wrapper.append(evil);
      await evilLoaded;
      let pwned = 0;
      const off = bus.on('evil:pwned', () => pwned++);
      // The page's own window posting a connection while the real frame connects.
      const fake = new MessageChannel();
      const fakeGot: unknown[] = [];
      fake.port1.onmessage = (e) => fakeGot.push(e.data);
      const evilDone = new Promise<void>((r) => addEventListener('message', function on(e) {
        if (e.data !== 'evil-done') return;
        removeEventListener('message', on);
        r();
      }));
      const probe = next('iframe:probe', name);
      wrapper.append(el);
      void inserted(el).then(() => {
        postMessage({ mfeHost: 'connect' }, '*', [fake.port2]);
        evil.contentWindow!.postMessage('go', '*');
      });
      expect(await el.settled).to.equal('mounted');
      await probe;
      await evilDone;
      // A round trip with the real frame, after every fake message was posted.
      const pong = next('iframe:pong', name);
      bus.emit('page:ping', { n: 1 });
      await pong;
      off();
      expect(fakeGot, 'the fake port got no mount request').to.deep.equal([]);
      expect(pwned).to.equal(0);
    });

    it('forwards ctx.route and the activated hook', async () => {
      const name = `probe-${uid()}`;
      const probe = next('iframe:probe', name);
      const el = document.createElement('mfe-host');
      el.setAttribute('isolation', 'iframe');
      el.name = name;
      el.route = { basePath: '/b', path: '/b/x', params: {}, query: new URLSearchParams('q=42') };
      el.src = cors('probe.js');
      (await fixture<HTMLDivElement>(html`<div></div>`)).append(el);
      await el.settled;
      expect((await probe).detail.route).to.deep.equal({ path: '/b/x', q: '42' });
      const hook = next('iframe:hook', name);
      el.hook('activated');
      expect((await hook).detail.hook).to.equal('activated');
    });

    it('unmounts inside the frame, then removes the iframe (reload)', async () => {
      const { el, name } = await mountProbe(cors('probe.js'));
      const frame = frameOf(el);
      const order: string[] = [];
      const unmounted = next('iframe:unmounted', name).then(() => order.push('iframe unmount'));
      const done = oneEvent(el, 'mfe-unmounted').then(() => order.push('mfe-unmounted'));
      const again = next('iframe:probe', name);
      void el.reload();
      await Promise.all([unmounted, done]);
      expect(order).to.deep.equal(['iframe unmount', 'mfe-unmounted']);
      expect(frame!.isConnected).to.equal(false);
      expect((await again).detail.mounts, 'a fresh frame, a fresh module').to.equal(1);
      expect(await el.settled).to.equal('mounted');
      expect(frameOf(el)).not.to.equal(frame);
    });

    it('removed from the document: the frame is gone at once, unmount finishes without waiting for it', async () => {
      const { el } = await mountProbe(cors('probe.js'));
      const frame = frameOf(el)!;
      let errors = 0;
      el.addEventListener('mfe-error', () => errors++);
      el.remove();
      expect(frame.isConnected).to.equal(false);
      await oneEvent(el, 'mfe-unmounted');
      expect(el.status).to.equal('idle');
      expect(errors).to.equal(0);
      expect(frameOf(el)).to.equal(null);
    });

    it('moved in the document (the iframe reloads): mounted again in the new document, current props', async () => {
      const { el, name } = await mountProbe(cors('probe.js'), {}, { who: 'Ada' });
      el.props = { who: 'Grace' };
      await el.settled;
      const again = next('iframe:probe', name);
      const elsewhere = await fixture<HTMLDivElement>(html`<div></div>`);
      elsewhere.append(el); // removed and inserted in one task: a move, not an unmount
      const { detail } = await again;
      expect(detail.props).to.deep.equal({ who: 'Grace' });
      expect(detail.mounts, 'a new document, a new module instance').to.equal(1);
      expect(el.status).to.equal('mounted');
      const pong = next('iframe:pong', name);
      bus.emit('page:ping', { n: 2 });
      expect((await pong).detail.n, 'the bus is bridged to the new document').to.equal(2);
      const updated = next('iframe:updated', name);
      el.props = { who: 'Hopper' };
      expect((await updated).detail.props).to.deep.equal({ who: 'Hopper' });
    });

    it('leaves nothing behind when the element is removed mid-mount', async () => {
      const spy = spyMessageListeners();
      try {
        const name = `hang-${uid()}`;
        const hanging = next('iframe:hanging', name);
        const el = document.createElement('mfe-host');
        el.setAttribute('isolation', 'iframe');
        el.name = name;
        el.src = cors('hang.js');
        (await fixture<HTMLDivElement>(html`<div></div>`)).append(el);
        await hanging;
        const frame = frameOf(el)!;
        expect(el.status).to.equal('mounting');
        expect(spy.live.size, 'one window listener per frame (a reloaded frame connects again)').to.equal(1);
        el.remove();
        expect(await el.settled).to.equal('idle');
        expect(frame.isConnected).to.equal(false);
        expect(frameOf(el)).to.equal(null);
        expect(spy.live.size).to.equal(0);
      } finally {
        spy.restore();
      }
    });

    it('a mount that outlives the timeout fails, and its frame goes with it', async () => {
      const spy = spyMessageListeners();
      try {
        const name = `slow-${uid()}`;
        const el = document.createElement('mfe-host');
        el.setAttribute('isolation', 'iframe');
        el.name = name;
        el.timeout = 500;
        el.src = cors('hang.js');
        const err = nextError(el);
        (await fixture<HTMLDivElement>(html`<div></div>`)).append(el);
        const frame = await inserted(el);
        const d = await err;
        expect(d.phase).to.equal('mount');
        expect(d.error.message).to.match(/mount failed: timed out after 500 ms$/);
        expect(frame.isConnected).to.equal(false);
        expect(spy.live.size).to.equal(0);
      } finally {
        spy.restore();
      }
    });

    it('removes the window listener when abandoned before the frame connects', async () => {
      const spy = spyMessageListeners();
      try {
        const el = document.createElement('mfe-host');
        el.setAttribute('isolation', 'iframe');
        el.name = `early-${uid()}`;
        el.src = cors('hang.js');
        const wrapper = await fixture<HTMLDivElement>(html`<div></div>`);
        wrapper.append(el);
        const frame = await inserted(el);
        expect(spy.live.size, 'listening for the connection').to.equal(1);
        el.remove();
        expect(await el.settled).to.equal('idle');
        expect(frame.isConnected).to.equal(false);
        expect(spy.live.size).to.equal(0);
      } finally {
        spy.restore();
      }
    });
  });

  describe('failures', () => {
    it('a mount that throws in the frame fails the mount with its message; no iframe remains', async () => {
      const el = document.createElement('mfe-host');
      el.setAttribute('isolation', 'iframe');
      el.name = 'thrower';
      el.src = cors('throws.js');
      const err = nextError(el);
      (await fixture<HTMLDivElement>(html`<div></div>`)).append(el);
      const d = await err;
      expect(d.phase).to.equal('mount');
      expect(d.error.message).to.equal(`thrower: ${el.src} mount failed: RangeError: boom in the iframe`);
      expect(await el.settled).to.equal('error');
      expect(frameOf(el)).to.equal(null);
    });

    it('reports 404, missing CORS, failed imports and missing exports clearly', async () => {
      const cases: Array<[string, string, RegExp]> = [
        [new URL(`/status/404/iframe-${uid()}.js`, location.origin).href, 'load', /load failed: HTTP 404$/],
        [plain('probe.js'), 'mount', /mount failed: could not import the entry in the sandboxed iframe .*Access-Control-Allow-Origin: \*"; the entry has no such header$/],
        [cors('imports-missing.js'), 'mount', /mount failed: could not import the entry in the sandboxed iframe/],
        [cors('no-mount.js'), 'mount', /mount failed: the entry in the iframe: does not export mount\(\)$/],
        [new URL(`/test/fixtures/iframe/legacy.html?t=${uid()}`, location.origin).href, 'load', /load failed: served as "text\/html.*", not JavaScript$/],
      ];
      for (const [src, phase, re] of cases) {
        const el = document.createElement('mfe-host');
        el.setAttribute('isolation', 'iframe');
        el.retries = 0;
        el.src = src;
        const err = nextError(el);
        (await fixture<HTMLDivElement>(html`<div></div>`)).append(el);
        const d = await err;
        expect(d.phase, src).to.equal(phase);
        expect(d.error.message, src).to.match(re);
        expect(await el.settled).to.equal('error');
        expect(frameOf(el), src).to.equal(null);
      }
    });

    it('a prop that cannot be cloned fails the mount naming it, with nothing created', async () => {
      const el = document.createElement('mfe-host');
      el.setAttribute('isolation', 'iframe');
      el.name = 'fn-prop';
      el.src = cors('probe.js');
      el.props = { ok: 1, onSave: () => {} };
      let created = false;
      const mo = new MutationObserver(() => (created ||= !!frameOf(el)));
      const err = nextError(el);
      (await fixture<HTMLDivElement>(html`<div></div>`)).append(el);
      mo.observe(el.shadowRoot!, { subtree: true, childList: true });
      const d = await err;
      mo.disconnect();
      expect(d.phase).to.equal('mount');
      expect(d.error.message).to.match(/mount failed: TypeError: prop "onSave" cannot be sent to the iframe \(a function\)/);
      expect(created, 'no iframe was created').to.equal(false);
      expect(frameOf(el)).to.equal(null);
    });

    it('a DOM node in new props fails the update; the MFE stays mounted with its old props', async () => {
      const { el, name } = await mountProbe(cors('probe.js'), {}, { who: 'Ada' });
      const err = nextError(el);
      el.props = { who: 'x', node: document.createElement('div') };
      const d = await err;
      expect(d.phase).to.equal('update');
      expect(d.error.message).to.match(/prop "node" cannot be sent to the iframe \(a DOM node\)/);
      expect(el.status).to.equal('mounted');
      const updated = next('iframe:updated', name);
      el.props = { who: 'ok' };
      expect((await updated).detail.props).to.deep.equal({ who: 'ok' });
    });
  });

  describe('sandbox tokens', () => {
    it('adds the element’s sandbox tokens (and allow); drops unknown ones with a warning', async () => {
      const warn = console.warn;
      const warnings: string[] = [];
      console.warn = (...a: unknown[]) => void warnings.push(a.join(' '));
      try {
        const { el } = await mountProbe(cors('probe.js'), { sandbox: 'allow-forms allow-bogus-token', allow: 'fullscreen' });
        expect(frameOf(el)!.getAttribute('sandbox')).to.equal('allow-scripts allow-forms');
        expect(frameOf(el)!.allow, 'the allow attribute (permissions policy) is passed on').to.equal('fullscreen');
        expect(warnings.join('\n')).to.match(/"allow-bogus-token" is not supported/);
      } finally {
        console.warn = warn;
      }
    });

    it('allow-same-origin is honoured with a warning (no CORS needed then)', async () => {
      const warn = console.warn;
      const warnings: string[] = [];
      console.warn = (...a: unknown[]) => void warnings.push(a.join(' '));
      try {
        const { detail } = await mountProbe(plain('probe.js'), { sandbox: 'allow-same-origin' });
        expect(detail.origin).to.equal(location.origin);
        expect(warnings.join('\n')).to.match(/allow-same-origin.*same-origin with the page/);
      } finally {
        console.warn = warn;
      }
    });
  });

  describe('an HTML page (format="html")', () => {
    it('runs the page with its own window: its globals stay out of the page', async () => {
      const name = `legacy-${uid()}`;
      const src = plain('legacy.html');
      const ready = next('legacy:ready', name);
      const title = document.title;
      const el = await host(src, { isolation: 'iframe', format: 'html', name, props: '{"who":"Ada"}' });
      expect(el.status).to.equal('mounted');
      const { detail, meta } = await ready;
      expect(meta.source).to.equal(name);
      expect(detail.legacyGlobal, 'the legacy script ran (relative URL, via <base>)').to.equal(42);
      expect(detail.legacyVar).to.equal('legacy var');
      expect(detail.origin).to.equal('null');
      expect(detail.baseURI).to.equal(src);
      expect(detail.props).to.deep.equal({ who: 'Ada' });
      expect(detail.title).to.equal('legacy page');
      expect(detail.logo, 'the page\'s URLs are made absolute').to.equal(new URL('logo.svg', src).href);
      expect('legacyGlobal' in window).to.equal(false);
      expect('legacyVar' in window).to.equal(false);
      expect('mfeHost' in window).to.equal(false);
      expect(document.title).to.equal(title);
      await heightBecomes(frameOf(el)!, (h) => h > 0);
      // props and the bus, both ways
      const updated = next('legacy:updated', name);
      el.props = { who: 'Grace' };
      expect((await updated).detail.props).to.deep.equal({ who: 'Grace' });
      // A link to a part of the page scrolls within it, rather than leaving for the page's real URL.
      const hash = next('legacy:hash', name);
      bus.emit('page:click', { id: 'frag' });
      const h = (await hash).detail;
      expect(h.hash).to.equal('#section');
      expect(h.href).to.equal('about:srcdoc#section');
      const pong = next('legacy:pong', name);
      bus.emit('page:ping', { n: 3 });
      expect((await pong).detail.n).to.equal(3);
      el.remove();
      await oneEvent(el, 'mfe-unmounted');
      expect(frameOf(el)).to.equal(null);
    });

    it('a link that navigates the frame away: the bridge is gone, update says so, unmount does not wait', async () => {
      const name = `legacy-${uid()}`;
      const ready = next('legacy:ready', name);
      const el = await host(plain('legacy.html'), { isolation: 'iframe', format: 'html', name });
      await ready;
      const frame = frameOf(el)!;
      // The other page says it is there (a plain window message, which the runtime ignores).
      const arrived = new Promise<void>((resolve) =>
        addEventListener('message', function on(e) {
          if (e.source !== frame.contentWindow || e.data !== 'legacy-other-page') return;
          removeEventListener('message', on);
          resolve();
        }),
      );
      bus.emit('page:click', {});
      await arrived;
      const err = nextError(el);
      el.props = { who: 'nobody' };
      const d = await err;
      expect(d.phase).to.equal('update');
      expect(d.error.message).to.match(/update failed: the iframe (navigated away from the MFE|no longer shows the MFE)/);
      const t = performance.now();
      el.remove();
      await oneEvent(el, 'mfe-unmounted');
      expect(performance.now() - t, 'no unmount timeout').to.be.below(2000);
      expect(frame.isConnected).to.equal(false);
    });

    it('a missing page fails the load with HTTP 404', async () => {
      const el = document.createElement('mfe-host');
      el.setAttribute('isolation', 'iframe');
      el.setAttribute('format', 'html');
      el.retries = 0;
      el.src = new URL(`/status/404/page-${uid()}.html`, location.origin).href;
      const err = nextError(el);
      (await fixture<HTMLDivElement>(html`<div></div>`)).append(el);
      const d: MfeErrorDetail = await err;
      expect(d.phase).to.equal('load');
      expect(d.error.message).to.match(/load failed: HTTP 404$/);
    });
  });

  describe('under a strict Content-Security-Policy', () => {
    const run = (page: string): Promise<Record<string, unknown>> =>
      new Promise((resolve) => {
        addEventListener('message', function on(e: MessageEvent) {
          if (!e.data?.iframeCsp) return;
          removeEventListener('message', on);
          resolve(e.data.iframeCsp);
        });
        void fixture(html`<iframe src=${page}></iframe>`);
      });

    it('mounts an ESM MFE and an HTML page, with the page’s nonce copied onto the bootstrap script', async () => {
      const r = await run('/test/fixtures/iframe/csp.html');
      expect(r.status).to.equal('mounted');
      expect(r.origin).to.equal('null');
      // The one expected: `base-uri 'none'` refuses the HTML page's <base> (Chromium reports it to the page).
      expect((r.violations as string[]).filter((v) => !v.startsWith('base-uri '))).to.deep.equal([]);
      // An HTML page: `base-uri 'none'` blocks the <base>, but its URLs were made absolute.
      expect(r.pageStatus).to.equal('mounted');
      const legacy = r.legacy as Record<string, unknown>;
      expect(legacy.legacyGlobal).to.equal(42);
      expect(legacy.origin).to.equal('null');
    });

    it('without a nonce, says the bootstrap script was blocked', async () => {
      const r = await run('/test/fixtures/iframe/csp-no-nonce.html');
      expect(r.status).to.equal('error');
      expect(r.error).to.match(/bootstrap script did not run: is it blocked by the page's Content-Security-Policy/);
    });
  });
});
