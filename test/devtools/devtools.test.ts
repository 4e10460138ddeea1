/**
 * `<mfe-devtools>` (mfe-host/devtools): the MFE list (discovery in the document and in shadow
 * roots, live status, timing, errors, reload, highlight), the bus log (through a
 * `window.dispatchEvent` wrapper that is removed with the panel), the pill and the shortcut.
 */
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { bus, configure, registry, type MfeHost } from '../../src/index.js';
import { MfeDevtools, define } from '../../src/devtools/index.js';
import { emitterOf, frames } from '../../src/devtools/source.js';
import { json, shortUrl } from '../../src/devtools/format.js';
import { host, logOf, openGate, quiet, scenario, uid } from '../helpers.js';

const fixtureUrl = (name: string): string => new URL(`/test/fixtures/devtools/${name}.js?t=${uid()}`, location.origin).href;

/** A panel in the page, rendered. */
async function panel(open = true): Promise<MfeDevtools> {
  const p = await fixture<MfeDevtools>(open ? html`<mfe-devtools open></mfe-devtools>` : html`<mfe-devtools></mfe-devtools>`);
  await p.updateComplete;
  return p;
}

const $ = <T extends Element = HTMLElement>(p: MfeDevtools, selector: string): T | null => p.shadowRoot!.querySelector<T>(selector);
const $$ = <T extends Element = HTMLElement>(p: MfeDevtools, selector: string): T[] => [...p.shadowRoot!.querySelectorAll<T>(selector)];
const text = (el: Element | null | undefined): string => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();

/** The table row of the MFE labelled `name`, or of the element `el`. */
const row = (p: MfeDevtools, name: string | Element): HTMLTableRowElement | undefined =>
  typeof name === 'string'
    ? $$<HTMLTableRowElement>(p, 'tr.mfe').find((tr) => text(tr.querySelector('.name')).replace(/^↳ /, '') === name)
    : $$<HTMLTableRowElement>(p, 'tr.mfe')[p.hosts.indexOf(name)];
const cell = (p: MfeDevtools, name: string | Element, cls: string): string => text(row(p, name)?.querySelector(`.${cls}`));

/** An <mfe-host name=…> resolved through `configure({ remotes })`, settled. */
async function named(name: string, entry: string, version?: string): Promise<MfeHost> {
  configure({ remotes: { [name]: { entry, version } } });
  const el = document.createElement('mfe-host');
  el.setAttribute('name', name);
  (await fixture<HTMLDivElement>(html`<div></div>`)).append(el);
  await el.settled;
  return el;
}

/** An <mfe-host name=…> (with `src`, if given) that fails, once its first mfe-error has fired (kept off the console). */
async function failing(name: string, src?: string): Promise<MfeHost> {
  const el = document.createElement('mfe-host');
  el.setAttribute('name', name);
  if (src) el.setAttribute('src', src);
  el.addEventListener('mfe-error', quiet);
  const failed = oneEvent(el, 'mfe-error');
  (await fixture<HTMLDivElement>(html`<div></div>`)).append(el);
  await failed;
  return el;
}

/** The bus log's rows as [type, source, payload] (without what the type was emitted during). */
const logRows = (p: MfeDevtools): string[][] =>
  $$(p, '.log li').map((li) => ['.type', '.source', '.payload'].map((c) => text(li.querySelector(c)).replace(/ ← .*/, '')));

// The runner fails a test on any window error: let the one these tests provoke on purpose through.
let runnerOnError: OnErrorEventHandler;
before(() => {
  runnerOnError = window.onerror;
  window.onerror = function (message, ...rest) {
    if (/devtools tap exploded/.test(String(message))) return true;
    return runnerOnError?.call(this, message, ...rest);
  };
});
after(() => {
  window.onerror = runnerOnError;
});

describe('<mfe-devtools>', () => {
  it('is defined by importing mfe-host/devtools, idempotently', () => {
    expect(customElements.get('mfe-devtools')).to.equal(MfeDevtools);
    define();
    define('mfe-devtools');
    expect(customElements.get('mfe-devtools')).to.equal(MfeDevtools);
    const tag = `dt-${uid()}`;
    define(tag);
    expect(document.createElement(tag)).to.be.instanceOf(MfeDevtools);
  });

  it('lists mounted MFEs with name, version, entry, status and mount timing', async () => {
    const p = await panel();
    const a = `alpha-${uid()}`;
    const b = `beta-${uid()}`;
    const entryA = scenario('happy');
    await named(a, entryA, '1.2.3');
    await host(scenario('default-export'), { name: b });
    await p.updateComplete;
    expect(p.hosts).to.have.length(2);
    expect(cell(p, a, 'version')).to.equal('1.2.3');
    expect(cell(p, b, 'version')).to.equal('—');
    const entryCell = row(p, a)!.querySelector('.entry')!;
    expect(entryCell.getAttribute('title')).to.equal(entryA);
    expect(text(entryCell)).to.equal('…/scenarios/happy.js');
    expect(cell(p, a, 'status')).to.equal('mounted');
    expect(cell(p, b, 'status')).to.equal('mounted');
    expect(cell(p, a, 'timing')).to.match(/^\d+(\.\d)? ms$/);
    expect(row(p, a)!.querySelector('.timing')!.getAttribute('title')).to.match(/^resolve .* ms · load .* ms · mount .* ms$/);
    // Table semantics: column headers and a row header per MFE.
    expect($$(p, 'thead th[scope=col]').map(text)).to.include.members(['Name', 'Version', 'Entry', 'Status', 'Mount', 'Last error']);
    expect(row(p, a)!.querySelector('th[scope=row]')).to.exist;
  });

  it('shows MFEs mounted before the panel was added (recorded since import)', async () => {
    const name = `early-${uid()}`;
    await named(name, scenario('happy'), '0.9.0');
    const p = await panel();
    expect(cell(p, name, 'version')).to.equal('0.9.0');
    expect(cell(p, name, 'timing')).to.match(/ ms$/);
  });

  it('follows status live: idle when it unmounts, gone when it is removed', async () => {
    const p = await panel();
    const name = `live-${uid()}`;
    const el = await host(scenario('happy'), { name });
    await p.updateComplete;
    expect(cell(p, name, 'status')).to.equal('mounted');
    // Nothing wanted any more: unmounted, idle.
    el.removeAttribute('src');
    el.removeAttribute('name');
    await el.settled;
    await p.updateComplete;
    expect(cell(p, el, 'status')).to.equal('idle');
    el.remove();
    await p.updateComplete;
    expect(row(p, name)).to.equal(undefined);
    expect(p.hosts).to.not.include(el);
  });

  it('shows the transitional statuses (the status attribute is observed)', async () => {
    const p = await panel();
    const name = `slow-${uid()}`;
    const url = scenario('gated');
    const el = document.createElement('mfe-host');
    el.setAttribute('name', name);
    el.setAttribute('src', url);
    (await fixture<HTMLDivElement>(html`<div></div>`)).append(el);
    await oneEvent(el, 'mfe-loaded');
    await p.updateComplete;
    expect(cell(p, name, 'status')).to.equal('mounting');
    expect(cell(p, name, 'timing')).to.equal('—');
    openGate(url);
    await el.settled;
    await p.updateComplete;
    expect(cell(p, name, 'status')).to.equal('mounted');
  });

  it('shows the last error, announces it, and counts it in the pill', async () => {
    const p = await panel();
    const name = `broken-${uid()}`;
    const el = await failing(name, scenario('mount-throws'));
    await el.settled;
    await host(scenario('happy'), { name: `fine-${uid()}` });
    await p.updateComplete;
    expect(cell(p, name, 'status')).to.equal('error');
    expect(cell(p, name, 'last-error')).to.equal('mount: mount exploded');
    expect(row(p, name)!.querySelector('.last-error')!.getAttribute('title')).to.match(new RegExp(`^${name}: .*mount-throws.js.* mount failed: mount exploded$`));
    const live = $(p, '[aria-live]')!;
    expect(live.getAttribute('role')).to.equal('status');
    expect(text(live)).to.equal(`${name}: mount failed: mount exploded`);
    expect(text($(p, 'header .summary'))).to.equal('2 MFEs, 1 error');
    p.open = false;
    await p.updateComplete;
    const pill = $(p, 'button.pill')!;
    expect($(p, '.panel')).to.equal(null);
    expect(text(pill)).to.equal('2 MFEs, 1 error');
    expect(pill.getAttribute('aria-expanded')).to.equal('false');
  });

  it('shows an error of the resolve phase (unknown name)', async () => {
    const p = await panel();
    const name = `unknown-${uid()}`;
    await failing(name);
    await p.updateComplete;
    expect(cell(p, name, 'last-error')).to.match(/^resolve: /);
    expect(cell(p, name, 'entry')).to.equal('—');
  });

  it('clears the error once the MFE mounts again', async () => {
    const p = await panel();
    const name = `recovers-${uid()}`;
    const el = await failing(name, scenario('mount-throws'));
    await p.updateComplete;
    expect(cell(p, name, 'last-error')).to.match(/mount exploded/);
    el.setAttribute('src', scenario('happy'));
    await oneEvent(el, 'mfe-mounted');
    await p.updateComplete;
    expect(cell(p, name, 'last-error')).to.equal('');
    expect(cell(p, name, 'status')).to.equal('mounted');
  });

  it('pill without errors: count only', async () => {
    const p = await panel(false);
    await host(scenario('happy'), { name: `one-${uid()}` });
    await p.updateComplete;
    expect(text($(p, '.pill'))).to.equal('1 MFE');
    $(p, '.pill')!.click();
    await p.updateComplete;
    expect(p.open).to.equal(true);
    expect(p.hasAttribute('open')).to.equal(true);
    expect($(p, '.panel')).to.exist;
    // Focus follows the toggle, so keyboard users stay on the control.
    expect(p.shadowRoot!.activeElement).to.equal($(p, 'button.collapse'));
    $(p, 'button.collapse')!.click();
    await p.updateComplete;
    expect(p.open).to.equal(false);
    expect(p.shadowRoot!.activeElement).to.equal($(p, 'button.pill'));
  });

  it('toggles with Alt+Shift+D, and not with other keys', async () => {
    const p = await panel(false);
    const key = (init: KeyboardEventInit): boolean => dispatchEvent(new KeyboardEvent('keydown', { bubbles: true, cancelable: true, ...init }));
    expect(key({ code: 'KeyD', key: 'D', shiftKey: true })).to.equal(true);
    expect(p.open).to.equal(false);
    expect(key({ code: 'KeyD', key: 'Î', altKey: true, shiftKey: true })).to.equal(false);
    expect(p.open).to.equal(true);
    key({ code: 'KeyD', key: 'D', altKey: true, shiftKey: true });
    expect(p.open).to.equal(false);
    p.remove();
    key({ code: 'KeyD', key: 'D', altKey: true, shiftKey: true });
    expect(p.open).to.equal(false);
  });

  it('finds hosts in open shadow roots and nested in MFEs; never the host of a closed root', async () => {
    const p = await panel();
    // An <mfe-host> inside an open shadow root of the page.
    const shadowName = `in-shadow-${uid()}`;
    const wrapper = await fixture<HTMLDivElement>(html`<div></div>`);
    const open = wrapper.attachShadow({ mode: 'open' });
    const a = document.createElement('mfe-host');
    a.setAttribute('name', shadowName);
    a.setAttribute('src', scenario('happy'));
    open.append(a);
    await a.settled;
    // An MFE that mounts an <mfe-host> of its own (inside the outer host's shadow root).
    const outerName = `outer-${uid()}`;
    const innerName = `inner-${uid()}`;
    const innerMounted = new Promise<void>((resolve) =>
      document.addEventListener('mfe-mounted', function on(e) {
        if ((e.composedPath()[0] as Element).getAttribute('name') !== innerName) return;
        document.removeEventListener('mfe-mounted', on);
        resolve();
      }),
    );
    await host(fixtureUrl('nest'), { name: outerName, props: JSON.stringify({ inner: scenario('happy'), innerName }) });
    await innerMounted;
    // An <mfe-host> in a closed shadow root cannot be seen; its events, seen from outside, come
    // from the root's host, which must not be taken for an MFE.
    const closedName = `closed-${uid()}`;
    const closedHost = await fixture<HTMLDivElement>(html`<div></div>`);
    const closed = closedHost.attachShadow({ mode: 'closed' });
    const c = document.createElement('mfe-host');
    c.setAttribute('name', closedName);
    c.setAttribute('src', scenario('happy'));
    closed.append(c);
    await c.settled;
    await p.updateComplete;
    expect(cell(p, shadowName, 'status')).to.equal('mounted');
    expect(cell(p, innerName, 'status')).to.equal('mounted');
    expect(row(p, innerName)!.querySelector('.name')!.getAttribute('data-depth')).to.equal('1');
    expect(row(p, outerName)!.querySelector('.name')!.getAttribute('data-depth')).to.equal('0');
    expect(row(p, closedName)).to.equal(undefined);
    expect(p.hosts).to.not.include(closedHost);
    expect(p.hosts).to.have.length(3);
    // Inner after outer: tree order.
    const names = $$(p, 'tr.mfe .name').map((n) => text(n).replace(/^↳ /, ''));
    expect(names.indexOf(innerName)).to.equal(names.indexOf(outerName) + 1);
    // Removing the outer MFE removes the inner host with it.
    const outer = p.hosts.find((h) => h.getAttribute('name') === outerName)!;
    outer.remove();
    await p.updateComplete;
    expect(row(p, outerName)).to.equal(undefined);
    expect(row(p, innerName)).to.equal(undefined);
  });

  it('reload button calls reload() and shows the new mount', async () => {
    const p = await panel();
    const name = `reload-${uid()}`;
    const url = scenario('happy');
    const el = await host(url, { name });
    await p.updateComplete;
    const button = row(p, name)!.querySelector<HTMLButtonElement>('button.reload')!;
    expect(button.getAttribute('aria-label')).to.equal(`Reload ${name}`);
    const mounted = oneEvent(el, 'mfe-mounted');
    button.click();
    await mounted;
    await el.settled;
    expect(logOf(url).filter((s) => s === 'mount')).to.have.length(2);
    expect(logOf(url)).to.include('unmount');
    await p.updateComplete;
    expect(cell(p, name, 'status')).to.equal('mounted');
  });

  it('outlines the host under the pointer with an overlay, without touching the element', async () => {
    const p = await panel();
    const name = `hover-${uid()}`;
    const el = await host(scenario('happy'), { name });
    await p.updateComplete;
    const styleBefore = el.getAttribute('style');
    const tr = row(p, name)!;
    tr.dispatchEvent(new MouseEvent('mouseenter'));
    const overlay = $(p, '.overlay')!;
    expect(overlay.hidden).to.equal(false);
    const a = overlay.getBoundingClientRect();
    const b = el.getBoundingClientRect();
    expect([a.left, a.top, a.width, a.height].map(Math.round)).to.deep.equal([b.left, b.top, b.width, b.height].map(Math.round));
    expect(text(overlay)).to.equal(name);
    expect(el.getAttribute('style')).to.equal(styleBefore);
    tr.dispatchEvent(new MouseEvent('mouseleave'));
    expect(overlay.hidden).to.equal(true);
    // Keyboard focus outlines too.
    tr.querySelector('button')!.focus();
    expect(overlay.hidden).to.equal(false);
    // A highlighted host that goes away takes the outline with it.
    el.remove();
    await p.updateComplete;
    expect(overlay.hidden).to.equal(true);
  });

  describe('bus log', () => {
    it('logs events emitted by the shell and by an MFE, with payload preview and source', async () => {
      const p = await panel();
      const type = `dt${uid()}:ping` as const;
      bus.emit(type, { n: 1, nested: { ok: true } });
      const name = `emitter-${uid()}`;
      await host(fixtureUrl('emitter'), { name });
      // The MFE emits from its bus listener, called from the shell's emit: the innermost frame wins.
      bus.emit('devtools:emit-now', { type: `${type}-mfe`, payload: [1, 'two'] });
      await p.updateComplete;
      const rows = logRows(p);
      expect(rows).to.deep.include([type, '—', '{"n":1,"nested":{"ok":true}}']);
      expect(rows).to.deep.include(['devtools:hello', name, `{"from":"${name}","n":1}`]);
      expect(rows).to.deep.include([`${type}-mfe`, name, '[1,"two"]']);
      expect(rows).to.deep.include(['devtools:emit-now', '—', `{"type":"${type}-mfe","payload":[1,"two"]}`]);
      // Newest first.
      expect(rows[0][0]).to.equal(`${type}-mfe`);
      expect(p.log.entries[0].time).to.be.closeTo(Date.now(), 5000);
      expect($(p, '.log li time')!.getAttribute('datetime')).to.match(/^\d{4}-\d\d-\d\dT/);
    });

    it('never credits an event to the MFE whose event led to it', async () => {
      const p = await panel();
      const relay = `relay${uid()}:in` as const;
      const sender = `sender-${uid()}`;
      const relayer = `relayer-${uid()}`;
      await host(fixtureUrl('emitter'), { name: sender });
      await host(fixtureUrl('relay'), { name: relayer, props: JSON.stringify({ relay }) });
      bus.emit('devtools:emit-now', { type: relay, payload: 1 });
      await p.updateComplete;
      const rows = logRows(p);
      expect(rows).to.deep.include([relay, sender, '1']);
      const out = rows.find((r) => r[0] === `${relay}-out`)!;
      // The relayer's frame is in the stack, except in WebKit, where its call in tail position
      // leaves none: then it is unknown, never the sender (whose frame is further out).
      expect(out[1]).to.be.oneOf([relayer, '—']);
      // Each row says which event was being delivered when it was emitted.
      const during = (type: string): string | undefined => p.log.entries.find((e) => e.type === type)?.during;
      expect(during(`${relay}-out`)).to.equal(relay);
      expect(during(relay)).to.equal('devtools:emit-now');
      expect(during('devtools:emit-now')).to.equal(undefined);
      expect($$(p, '.log .during').map(text)).to.include(`← ${relay}`);
    });

    it('logs plain DOM dispatches of namespaced types, and nothing else', async () => {
      const p = await panel();
      const type = `dom${uid()}:changed` as const;
      window.dispatchEvent(new CustomEvent(type, { detail: 'x' }));
      dispatchEvent(new CustomEvent('not-namespaced', { detail: 1 }));
      dispatchEvent(new Event(`${type}-plain-event`));
      document.dispatchEvent(new CustomEvent(`${type}-on-document`));
      await p.updateComplete;
      expect(logRows(p).map((r) => r[0])).to.deep.equal([type]);
      expect(logRows(p)[0][2]).to.equal('"x"');
    });

    it('delivers events exactly as without it (listeners, return value, this)', async () => {
      await panel();
      const type = `same${uid()}:x` as const;
      const got: unknown[] = [];
      const on = (e: Event): void => {
        got.push((e as CustomEvent).detail);
        e.preventDefault();
      };
      addEventListener(type, on);
      const off = bus.on(type, (d, meta) => got.push(['bus', d, meta.source]));
      expect(window.dispatchEvent(new CustomEvent(type, { detail: 1, cancelable: true }))).to.equal(false);
      bus.emit(type, 2);
      removeEventListener(type, on);
      off();
      expect(got).to.deep.equal([1, ['bus', 1, undefined], 2, ['bus', 2, undefined]]);
    });

    it('previews payloads that are not plain JSON without throwing', () => {
      const cyclic: Record<string, unknown> = { a: 1 };
      cyclic.self = cyclic;
      expect(json(cyclic)).to.equal('{"a":1,"self":"[circular]"}');
      expect(json(undefined)).to.equal('undefined');
      const o = { named(): void {} };
      expect(json({ big: 10n, f: o.named, el: document.body, e: new TypeError('bad') })).to.equal(
        '{"big":"10n","f":"ƒ named","el":"<body>","e":"TypeError: bad"}',
      );
      expect(
        json({
          toJSON() {
            throw new Error('nope');
          },
        }),
      ).to.equal('[unreadable: nope]');
    });

    it('cuts long payloads, keeps the full text for the tooltip', async () => {
      const p = await panel();
      const type = `long${uid()}:x` as const;
      bus.emit(type, 'y'.repeat(500));
      await p.updateComplete;
      const payload = $(p, '.log .payload')!;
      expect(text(payload)).to.have.length(80);
      expect(text(payload).endsWith('…')).to.equal(true);
      expect(payload.getAttribute('title')).to.equal(JSON.stringify('y'.repeat(500)));
    });

    it('is capped, filterable and can be cleared', async () => {
      const p = await panel();
      const id = uid();
      for (let i = 0; i < 205; i++) bus.emit(`cap${id}:${i % 2 ? 'odd' : 'even'}`, { i });
      await p.updateComplete;
      expect(p.log.entries).to.have.length(200);
      expect(p.log.entries[0].preview).to.equal('{"i":204}');
      expect(p.log.entries[199].preview).to.equal('{"i":5}');
      const input = $<HTMLInputElement>(p, 'input[type=search]')!;
      expect(input.getAttribute('aria-label')).to.equal('Filter bus events');
      input.value = 'ODD';
      input.dispatchEvent(new Event('input'));
      await p.updateComplete;
      expect(logRows(p)).to.have.length(100);
      expect(logRows(p).every((r) => r[0] === `cap${id}:odd`)).to.equal(true);
      // Payload text matches too.
      input.value = '"i":20';
      input.dispatchEvent(new Event('input'));
      await p.updateComplete;
      expect(logRows(p).map((r) => r[2])).to.deep.equal(['{"i":204}', '{"i":203}', '{"i":202}', '{"i":201}', '{"i":200}', '{"i":20}']);
      expect(text($(p, '.bus h3'))).to.equal('Bus (6/200)');
      $(p, 'button.clear')!.click();
      await p.updateComplete;
      expect(p.log.entries).to.have.length(0);
      expect(logRows(p)).to.have.length(0);
    });

    it('restores window.dispatchEvent when the last panel is removed', async () => {
      const original = window.dispatchEvent;
      expect(Object.hasOwn(window, 'dispatchEvent')).to.equal(false);
      const a = await panel();
      expect(Object.hasOwn(window, 'dispatchEvent')).to.equal(true);
      const b = await panel();
      const wrapped = window.dispatchEvent;
      a.remove();
      // b still listens: the wrapper stays, and still logs.
      expect(window.dispatchEvent).to.equal(wrapped);
      bus.emit(`still${uid()}:here`, 1);
      await b.updateComplete;
      expect(b.log.entries).to.have.length(1);
      b.remove();
      expect(window.dispatchEvent).to.equal(original);
      expect(window.dispatchEvent).to.equal(EventTarget.prototype.dispatchEvent);
      expect(Object.hasOwn(window, 'dispatchEvent')).to.equal(false);
      // A panel added again taps again.
      const c = await panel();
      bus.emit(`again${uid()}:here`, 1);
      await c.updateComplete;
      expect(c.log.entries).to.have.length(1);
      c.remove();
      expect(window.dispatchEvent).to.equal(original);
    });

    it('leaves a wrapper installed over its own in place, and passes events through it', async () => {
      const original = window.dispatchEvent;
      const p = await panel();
      const ours = window.dispatchEvent;
      const seen: string[] = [];
      const theirs = function (this: unknown, e: Event): boolean {
        seen.push(e.type);
        return ours.call(this ?? window, e);
      };
      window.dispatchEvent = theirs;
      try {
        p.remove();
        expect(window.dispatchEvent).to.equal(theirs);
        const type = `through${uid()}:x` as const;
        const got: unknown[] = [];
        const off = bus.on(type, (d) => got.push(d));
        bus.emit(type, 7);
        off();
        expect(seen).to.include(type);
        expect(got).to.deep.equal([7]);
        expect(p.log.entries).to.have.length(0);
      } finally {
        window.dispatchEvent = original;
        delete (window as { dispatchEvent?: unknown }).dispatchEvent;
      }
      expect(window.dispatchEvent).to.equal(original);
    });

    it('a failing panel never stops the event (reported instead)', async () => {
      const p = await panel();
      const add = p.log.add;
      p.log.add = () => {
        throw new Error('devtools tap exploded');
      };
      const reported = new Promise<ErrorEvent>((resolve) =>
        addEventListener('error', function on(e) {
          if (!/devtools tap exploded/.test(String(e.error?.message))) return;
          e.preventDefault();
          removeEventListener('error', on);
          resolve(e);
        }),
      );
      const type = `fail${uid()}:x` as const;
      const got: unknown[] = [];
      const off = bus.on(type, (d) => got.push(d));
      bus.emit(type, 1);
      off();
      p.log.add = add;
      expect(got).to.deep.equal([1]);
      expect((await reported).error.message).to.equal('devtools tap exploded');
    });
  });

  describe('source attribution from stacks', () => {
    const mfes = [
      { name: 'billing', entry: 'https://cdn.example/billing/2.0/entry.js' },
      { name: 'billing-chunks', entry: 'https://cdn.example/billing/entry.js' },
      { name: 'flat', entry: 'https://app.example/flat.js' },
    ];
    const page = 'https://app.example/index.html';
    const tapUrl = 'https://app.example/devtools.min.js';
    it('reads frames in the format of every engine', () => {
      expect(frames('Error\n    at emitAs (https://a.example/bus.js:10:5)\n    at https://b.example/x.js?t=1:2:3')).to.deep.equal([
        'https://a.example/bus.js',
        'https://b.example/x.js?t=1',
      ]);
      expect(frames('emitAs@https://a.example/bus.js:10:5\nmount@https://b.example/x.js?t=1:2:3\n')).to.deep.equal([
        'https://a.example/bus.js',
        'https://b.example/x.js?t=1',
      ]);
      expect(frames('no frames here')).to.deep.equal([]);
    });
    it('picks the innermost frame that belongs to an MFE, the deepest folder first', () => {
      const at = (...urls: string[]): string => urls.map((u) => `f@${u}:1:1`).join('\n');
      expect(emitterOf(at('https://app.example/runtime.js', 'https://cdn.example/billing/2.0/chunk-a.js'), mfes, { page })).to.equal('billing');
      expect(emitterOf(at('https://cdn.example/billing/other.js'), mfes, { page })).to.equal('billing-chunks');
      // The page's own folder proves nothing: only the exact entry counts there.
      expect(emitterOf(at('https://app.example/shell.js'), mfes, { page })).to.equal(undefined);
      expect(emitterOf(at('https://app.example/flat.js'), mfes, { page })).to.equal('flat');
      expect(emitterOf(at('https://app.example/shell.js', 'https://cdn.example/billing/2.0/entry.js#x'), mfes, { page })).to.equal('billing');
      expect(emitterOf('', mfes, { page })).to.equal(undefined);
    });
    it('looks only at the frames of the dispatch being tapped', () => {
      const at = (...urls: string[]): string => urls.map((u) => `f@${u}:1:1`).join('\n');
      const opts = { page, boundary: tapUrl };
      // tap, bus, emitter: the emitter.
      expect(emitterOf(at(tapUrl, tapUrl, 'https://app.example/runtime.js', 'https://app.example/flat.js'), mfes, opts)).to.equal('flat');
      // tap, bus, (listener frame lost), bus, tap of the outer dispatch, the outer emitter: unknown.
      const nested = at(tapUrl, 'https://app.example/runtime.js', 'https://app.example/runtime.js', tapUrl, 'https://cdn.example/billing/2.0/entry.js');
      expect(emitterOf(nested, mfes, opts)).to.equal(undefined);
      expect(emitterOf(nested, mfes, { page })).to.equal('billing');
      // No boundary frame at all (an engine that hides them): every frame counts.
      expect(emitterOf(at('https://app.example/flat.js'), mfes, opts)).to.equal('flat');
    });
    it('answers unknown when a frame could be several MFEs', () => {
      const at = (...urls: string[]): string => urls.map((u) => `f@${u}:1:1`).join('\n');
      const twins = [
        { name: 'a', entry: 'https://cdn.example/m/entry.js?v=1' },
        { name: 'b', entry: 'https://cdn.example/m/entry.js?v=2' },
        { name: 'c', entry: 'https://cdn.example/c/entry.js' },
      ];
      // Engines that keep the query tell them apart; WebKit's frames have no query.
      expect(emitterOf(at('https://cdn.example/m/entry.js?v=2'), twins, { page })).to.equal('b');
      expect(emitterOf(at('https://cdn.example/m/entry.js', 'https://cdn.example/c/entry.js'), twins, { page })).to.equal(undefined);
      // A shared helper in a folder of two MFEs.
      expect(emitterOf(at('https://cdn.example/m/helper.js', 'https://cdn.example/c/entry.js'), twins, { page })).to.equal(undefined);
      // Two elements of one MFE: one name.
      expect(emitterOf(at('https://cdn.example/c/entry.js'), [...twins, { name: 'c', entry: 'https://cdn.example/c/entry.js' }], { page })).to.equal('c');
    });
  });

  describe('shared dependencies', () => {
    const hasSharing = typeof (registry as { sharing?: unknown }).sharing === 'function';

    it(hasSharing ? 'lists the decisions of registry.sharing()' : 'has no sharing section without registry.sharing()', async () => {
      const p = await panel();
      if (!hasSharing) {
        expect($(p, '.sharing')).to.equal(null);
        return;
      }
      const name = `shares-${uid()}`;
      const pkg = `devtools-missing-${uid()}`;
      configure({ remotes: { [name]: { entry: scenario('happy'), shared: { [pkg]: { requiredVersion: '^1.0.0' } } } as never } });
      const el = document.createElement('mfe-host');
      el.setAttribute('name', name);
      el.setAttribute('retries', '0');
      el.addEventListener('mfe-error', quiet);
      (await fixture<HTMLDivElement>(html`<div></div>`)).append(el);
      await el.settled;
      await p.updateComplete;
      const tr = $$(p, '.sharing tbody tr').find((r) => text(r).includes(pkg));
      expect(tr, 'a row for the package').to.exist;
      expect(text(tr!.querySelector('th'))).to.equal(name);
      expect(text(tr!.querySelector('.decision'))).to.equal('rejected');
      expect(tr!.querySelector('td[title]')!.getAttribute('title')).to.include(pkg);
    });
  });
});

describe('format', () => {
  it('shortens entry URLs', () => {
    expect(shortUrl(`${location.origin}/a/b/c/entry.js?t=1`)).to.equal('…/c/entry.js');
    expect(shortUrl(`${location.origin}/entry.js`)).to.equal('/entry.js');
    expect(shortUrl('https://cdn.example/x/y/z.js')).to.equal('cdn.example…/y/z.js');
    expect(shortUrl('')).to.equal('');
  });
});

describe('<mfe-devtools> under a strict Content-Security-Policy', () => {
  interface Report {
    upgraded: boolean;
    rows: string[][];
    log: string[][];
    position: string;
    overlay: boolean;
    tapped: boolean;
    restored: boolean;
    violations: string[];
    canaryColor: string;
  }
  async function run(query: string): Promise<Report> {
    const got = new Promise<Report>((resolve) =>
      addEventListener('message', function on(e: MessageEvent) {
        if (!e.data?.devtoolsCsp) return;
        removeEventListener('message', on);
        resolve(e.data.devtoolsCsp);
      }),
    );
    await fixture(html`<iframe src=${`/test/fixtures/devtools/csp.html${query}`}></iframe>`);
    return got;
  }
  const check = (r: Report): void => {
    expect(r.upgraded).to.equal(true);
    expect(r.rows).to.deep.equal([
      ['csp-happy', 'mounted'],
      ['csp-emitter', 'mounted'],
      ['csp-relay', 'mounted'],
    ]);
    expect(r.log).to.deep.include(['csp:x', 'csp-emitter']);
    expect(r.log).to.deep.include(['devtools:emit-now', '—']);
    expect(r.log.find((l) => l[0] === 'csp:x-out')?.[1]).to.be.oneOf(['csp-relay', '—']);
    expect(r.position, 'adopted stylesheets apply under style-src self').to.equal('fixed');
    expect(r.overlay, 'the highlight overlay is placed through the CSSOM').to.equal(true);
    expect(r.tapped).to.equal(true);
    expect(r.restored).to.equal(true);
    expect(r.violations).to.deep.equal([]);
    expect(r.canaryColor, 'the policy is in force').not.to.equal('rgb(1, 2, 3)');
  };

  it('works from the sources', async () => {
    check(await run(''));
  });

  it('works from the built bundle (dist/browser/devtools.min.js, after npm run build)', async function () {
    if (!(await fetch('/dist/browser/devtools.min.js', { method: 'HEAD' })).ok) this.skip();
    check(await run('?dist'));
  });
});
