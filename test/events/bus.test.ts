import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { z } from 'zod';
import { bus, configure, setContext } from '../../src/index.js';
import { host, logOf, scenario, uid, nextReport } from '../helpers.js';


/** Every error matching `re` reported while `fn` runs (synchronously), kept from the runner. */
function reportsDuring(re: RegExp, fn: () => void): Error[] {
  const errors: Error[] = [];
  const onError = (e: ErrorEvent): void => {
    if (!re.test(String(e.error?.message))) return;
    e.preventDefault();
    errors.push(e.error as Error);
  };
  addEventListener('error', onError);
  try {
    fn();
  } finally {
    removeEventListener('error', onError);
  }
  return errors;
}

// The runner fails a test on any window error through `window.onerror`, which runs before the
// tests' own `error` listeners: let the errors these tests provoke on purpose through.
let runnerOnError: OnErrorEventHandler;
before(() => {
  runnerOnError = window.onerror;
  window.onerror = function (message, ...rest) {
    if (/mfe-host bus: |boom /.test(String(message))) return true;
    return runnerOnError?.call(this, message, ...rest);
  };
});
after(() => {
  window.onerror = runnerOnError;
});

describe('bus (in-page)', () => {
  it('is a CustomEvent of the same type on window, both ways', () => {
    const type = `t${uid()}:ping` as const;
    const plain: unknown[] = [];
    const viaBus: unknown[] = [];
    const listener = (e: Event): number => plain.push((e as CustomEvent).detail);
    addEventListener(type, listener);
    const off = bus.on(type, (d, meta) => viaBus.push([d, meta.source]));
    bus.emit(type, { n: 1 });
    dispatchEvent(new CustomEvent(type, { detail: { n: 2 } }));
    off();
    bus.emit(type, { n: 3 });
    removeEventListener(type, listener);
    expect(plain).to.deep.equal([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(viaBus).to.deep.equal([[{ n: 1 }, undefined], [{ n: 2 }, undefined]]);
    expect(bus.last(type)).to.deep.equal({ n: 3 });
  });

  it('supports replay, once and signal', () => {
    const type = `r${uid()}:x` as const;
    bus.emit(type, 1);
    const got: unknown[] = [];
    bus.on(type, (d) => got.push(['replay', d]), { replay: true, once: true });
    const ac = new AbortController();
    bus.on(type, (d) => got.push(['signal', d]), { signal: ac.signal });
    bus.on(type, (d) => got.push(['once', d]), { once: true });
    bus.emit(type, 2);
    ac.abort();
    bus.emit(type, 3);
    expect(got).to.deep.equal([['replay', 1], ['signal', 2], ['once', 2]]);
  });

  it('rejects types that are not namespaced, in emit, on and contract', () => {
    expect(() => bus.emit('nocolon' as `${string}:${string}`, 1)).to.throw(/"nocolon" is not a namespaced event type/);
    expect(() => bus.on(':x' as `${string}:${string}`, () => {})).to.throw(/":x" is not a namespaced event type/);
    expect(() => bus.contract('a b:c' as `${string}:${string}`, () => true)).to.throw(/"a b:c" is not a namespaced event type/);
  });

  it('a listener that throws stops neither the other listeners nor the emitter, in replay either', () => {
    const type = `boom${uid()}:x` as const;
    const got: unknown[] = [];
    const re = /^boom /;
    bus.on(type, () => {
      throw new Error('boom 1');
    });
    bus.on(type, (d) => got.push(d));
    addEventListener(type, (e) => got.push(['plain', (e as CustomEvent).detail]));
    const errors = reportsDuring(re, () => bus.emit(type, 1));
    expect(got).to.deep.equal([1, ['plain', 1]]);
    expect(errors.map((e) => e.message)).to.deep.equal(['boom 1']);
    // Replay calls the listener inside on(): what it throws is reported, not thrown at the caller.
    let off: (() => void) | undefined;
    const replayed = reportsDuring(re, () => {
      off = bus.on(type, () => {
        throw new Error('boom replay');
      }, { replay: true });
    });
    expect(replayed.map((e) => e.message)).to.deep.equal(['boom replay']);
    expect(off).to.be.a('function');
    off!();
  });
});

describe('bus contracts', () => {
  it('a zod schema: valid payloads pass; invalid ones reach no listener and are reported with their issues', async () => {
    const type = `cart${uid()}:add-item` as const;
    bus.contract(type, z.object({ productId: z.string(), quantity: z.number().int().positive() }));
    const viaBus: unknown[] = [];
    const plain: unknown[] = [];
    bus.on(type, (d) => viaBus.push(d));
    addEventListener(type, (e) => plain.push((e as CustomEvent).detail));
    bus.emit(type, { productId: 'p1', quantity: 2 });
    const reported = nextReport(/payload rejected/);
    expect(() => bus.emit(type, { productId: 7, quantity: 0 })).not.to.throw();
    const error = await reported;
    expect(error).to.be.instanceOf(TypeError);
    expect(error.message).to.match(new RegExp(`^mfe-host bus: "${type}" payload rejected by its contract: productId: .+; quantity: .+`));
    expect(viaBus).to.deep.equal([{ productId: 'p1', quantity: 2 }]);
    expect(plain, 'not dispatched at all').to.deep.equal([{ productId: 'p1', quantity: 2 }]);
    expect(bus.last(type)).to.deep.equal({ productId: 'p1', quantity: 2 });
  });

  it('nested paths read path.to.field: message', async () => {
    const type = `order${uid()}:placed` as const;
    bus.contract(type, z.object({ customer: z.object({ address: z.object({ zip: z.string() }) }) }));
    const reported = nextReport(/payload rejected/);
    bus.emit(type, { customer: { address: { zip: 12345 } } });
    expect((await reported).message).to.match(/contract: customer\.address\.zip: /);
  });

  it('a plain function: true or nothing is valid; false, a message, a list or a throw is not', async () => {
    const type = `fn${uid()}:x` as const;
    bus.contract(type, (d) => {
      if (d === 'throw') throw new Error('cannot check');
      return d === 'ok' ? true : d === 'undef' ? undefined : d === 'false' ? false : d === 'list' ? ['too short', { message: 'bad', path: ['a', 0] }] : `not "${String(d)}"`;
    });
    const got: unknown[] = [];
    bus.on(type, (d) => got.push(d));
    const messages: string[] = [];
    for (const d of ['ok', 'false', 'undef', 'list', 'throw', 'other']) {
      const reported = d === 'ok' || d === 'undef' ? undefined : nextReport(/payload rejected/);
      bus.emit(type, d);
      if (reported) messages.push((await reported).message.replace(/^.*contract: /, ''));
    }
    expect(got).to.deep.equal(['ok', 'undef']);
    expect(messages).to.deep.equal(['invalid payload', 'too short; a.0: bad', 'cannot check', 'not "other"']);
  });

  it('plain DOM dispatches: bus listeners get only valid payloads (reported once), plain listeners get all', async () => {
    const type = `dom${uid()}:x` as const;
    bus.contract(type, z.number());
    const a: unknown[] = [];
    const b: unknown[] = [];
    const plain: unknown[] = [];
    bus.on(type, (d) => a.push(d));
    bus.on(type, (d) => b.push(d));
    addEventListener(type, (e) => plain.push((e as CustomEvent).detail));
    const reports: Error[] = [];
    const onError = (e: ErrorEvent): void => {
      if (!/payload rejected/.test(String(e.error?.message))) return;
      e.preventDefault();
      reports.push(e.error as Error);
    };
    addEventListener('error', onError);
    dispatchEvent(new CustomEvent(type, { detail: 'nope' }));
    dispatchEvent(new CustomEvent(type, { detail: 5 }));
    // The report is worded by a chunk loaded on demand; a second rejection after it proves
    // the first was reported once.
    await nextReport(/payload rejected/);
    removeEventListener('error', onError);
    expect(reports.length).to.equal(1);
    expect(a).to.deep.equal([5]);
    expect(b).to.deep.equal([5]);
    expect(plain).to.deep.equal(['nope', 5]);
    expect(bus.last(type)).to.equal(5);
  });

  it('an async Standard Schema validator delays delivery until it resolves', async () => {
    const type = `async${uid()}:x` as const;
    const schema = z.string().refine(async (s) => s.length > 2, 'too short');
    expect(schema['~standard'].validate('abc')).to.be.instanceOf(Promise);
    bus.contract(type, schema);
    const got: unknown[] = [];
    const delivered = new Promise<void>((resolve) => bus.on(type, (d) => got.push(d) && d === 'last' && resolve()));
    const reported = nextReport(/payload rejected/);
    bus.emit(type, 'abc');
    expect(got, 'not yet: the validator has not resolved').to.deep.equal([]);
    bus.emit(type, 'x');
    bus.emit(type, 'last');
    await delivered;
    expect((await reported).message).to.match(/contract: too short$/);
    expect(got).to.deep.equal(['abc', 'last']);
  });
});

describe('ctx.bus, MFE → host events, shared context', () => {
  it('ctx.bus stamps meta.source and drops its subscriptions at unmount', async () => {
    const src = scenario('bus-user');
    for (let i = 0; i < 3; i++) {
      const el = await host(src, { name: 'busy' });
      bus.emit('test:ping', { n: i });
      el.remove();
      await oneEvent(el, 'mfe-unmounted');
    }
    bus.emit('test:ping', { n: 99 });
    expect(logOf(src)).to.deep.equal(['ping:0:', 'ping:1:', 'ping:2:']);
  });

  it('meta.source is the MFE name for what it emits', async () => {
    const type = 'test:mounted';
    const got: unknown[] = [];
    const off = bus.on(type, (d, meta) => got.push([d, meta.source]));
    const el = await host(scenario('bus-user'), { name: 'busy' });
    off();
    el.remove();
    expect(got).to.deep.equal([[{ name: 'busy' }, 'busy']]);
  });

  it('100 mounts and unmounts leave no bus listener behind', async function () {
    this.timeout(60_000);
    const type = 'test:ping';
    // Count the window listeners of `type`: added, minus removed, minus those whose signal aborted.
    const live = new Map<EventListenerOrEventListenerObject, AbortSignal | undefined>();
    let added = 0;
    const { addEventListener: add, removeEventListener: remove } = window;
    window.addEventListener = function (this: Window, t: string, fn: EventListenerOrEventListenerObject | null, o?: boolean | AddEventListenerOptions) {
      if (t === type && fn) {
        added++;
        live.set(fn, typeof o === 'object' ? o.signal : undefined);
      }
      return add.call(this, t, fn!, o);
    } as typeof window.addEventListener;
    window.removeEventListener = function (this: Window, t: string, fn: EventListenerOrEventListenerObject | null, o?: boolean | EventListenerOptions) {
      if (t === type && fn) live.delete(fn);
      return remove.call(this, t, fn!, o);
    } as typeof window.removeEventListener;
    const count = (): number => [...live.values()].filter((s) => !s?.aborted).length;
    const src = scenario('bus-user');
    const wrapper = await fixture<HTMLDivElement>(html`<div></div>`);
    const el = document.createElement('mfe-host');
    el.setAttribute('name', 'busy');
    el.src = src;
    const during: number[] = [];
    try {
      for (let i = 0; i < 100; i++) {
        wrapper.append(el);
        expect(await el.settled).to.equal('mounted');
        during.push(count());
        el.remove();
        await oneEvent(el, 'mfe-unmounted');
      }
    } finally {
      window.addEventListener = add;
      window.removeEventListener = remove;
    }
    expect(added, 'one subscription per mount').to.equal(100);
    expect(new Set(during), 'exactly one live while mounted').to.deep.equal(new Set([1]));
    expect(count(), 'none left after the last unmount').to.equal(0);
    bus.emit(type, { n: 1 });
    expect(logOf(src).length).to.equal(0);
  });

  it('an MFE talks to its host with a composed CustomEvent from ctx.host', async () => {
    const el = document.createElement('mfe-host');
    el.setAttribute('name', 'billing');
    el.props = { invoice: 'inv-7' };
    el.src = scenario('host-event');
    const onElement: unknown[] = [];
    const onDocument: unknown[] = [];
    el.addEventListener('billing:paid', (e) => onElement.push((e as CustomEvent).detail));
    const docListener = (e: Event): number => onDocument.push([(e as CustomEvent).detail, e.target === el]);
    document.addEventListener('billing:paid', docListener);
    (await fixture<HTMLDivElement>(html`<div></div>`)).append(el);
    await el.settled;
    document.removeEventListener('billing:paid', docListener);
    expect(onElement).to.deep.equal([{ invoice: 'inv-7', by: 'billing' }]);
    expect(onDocument, 'retargeted to the <mfe-host> element').to.deep.equal([[{ invoice: 'inv-7', by: 'billing' }, true]]);
  });

  it('shared context: configure({ context }) and setContext() update mounted MFEs; later mounts see the current one', async () => {
    configure({ context: { locale: 'en' } });
    const src = scenario('context');
    const el = await host(src);
    let updated = oneEvent(el, 'mfe-updated');
    setContext({ locale: 'fr' });
    await updated;
    updated = oneEvent(el, 'mfe-updated');
    configure({ context: { locale: 'de' } });
    await updated;
    expect(el.shadowRoot!.textContent).to.contain('de');
    const late = await host(src);
    expect(late.shadowRoot!.textContent).to.contain('de');
    expect(logOf(src)).to.deep.equal(['mount:en', 'update:fr', 'update:de', 'mount:de']);
  });
});
