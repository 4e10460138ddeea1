import { expect, oneEvent } from '@open-wc/testing';
import { bus } from '../../src/index.js';
import { host, logOf, scenario, uid } from '../helpers.js';

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
    bus.emit(type, 2);
    ac.abort();
    bus.emit(type, 3);
    expect(got).to.deep.equal([['replay', 1], ['signal', 2]]);
  });

  it('rejects types that are not namespaced', () => {
    expect(() => bus.emit('nocolon' as `${string}:${string}`, 1)).to.throw(/"nocolon" is not a namespaced event type/);
  });

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
});
