// Cross-tab bus (items 3 and 9): the other "tabs" are same-origin iframes running
// test/fixtures/bus/tab.js, each with its own copy of the runtime and its own BroadcastChannel.
// No sleeps: to show that something did NOT arrive, a marker is sent after it on the same
// channel (a channel delivers in order) and only the marker arrives.
import { expect } from '@open-wc/testing';
import { bus, configure, type BusMeta } from '../../src/index.js';
import { scopedBus } from '../../src/events/bus.js';
import { uid, nextReport } from '../helpers.js';

interface Report {
  tab: string;
  copy?: number;
  type?: string;
  detail?: unknown;
  meta?: BusMeta;
  ready?: boolean;
}

const reports: Report[] = [];
const waiting = new Set<() => void>();
addEventListener('message', ({ data, origin }: MessageEvent<Report>) => {
  if (origin !== location.origin || !data?.tab) return;
  reports.push(data);
  waiting.forEach((check) => check());
});
/** Resolves when a report matching `pred` has arrived (maybe already). */
const until = (pred: (r: Report) => boolean): Promise<Report> =>
  new Promise((resolve) => {
    const check = (): void => {
      const r = reports.find(pred);
      if (r) waiting.delete(check), resolve(r);
    };
    waiting.add(check);
    check();
  });
/** What tab `tab` delivered, as [copy, type, detail]. */
const got = (tab: string): unknown[] => reports.filter((r) => r.tab === tab && r.type).map((r) => [r.copy, r.type, r.detail]);

const frames: HTMLIFrameElement[] = [];
/** Open another "tab"; resolves once its channel is open. */
async function openTab(params: Record<string, string>): Promise<(emit: [string, unknown, { crossTab: boolean }], copy?: number) => void> {
  const id = `${params['id']}-${uid()}`;
  const frame = document.createElement('iframe');
  frame.src = `/test/fixtures/bus/tab.html?${new URLSearchParams({ ...params, id })}`;
  document.body.append(frame);
  frames.push(frame);
  await until((r) => r.tab === id && !!r.ready);
  params['id'] = id;
  return (emit, copy = 0) => frame.contentWindow!.postMessage({ emit, copy }, location.origin);
}


let runnerOnError: OnErrorEventHandler;
before(() => {
  runnerOnError = window.onerror;
  window.onerror = function (message, ...rest) {
    if (/mfe-host bus: /.test(String(message))) return true;
    return runnerOnError?.call(this, message, ...rest);
  };
});
after(() => {
  window.onerror = runnerOnError;
});
afterEach(() => {
  frames.splice(0).forEach((f) => f.remove());
  configure({ channel: 'mfe-host' });
});

describe('bus across tabs (BroadcastChannel)', () => {
  it('delivers in the other tabs with meta.crossTab and meta.source, once: no echo, no re-broadcast', async () => {
    const T = `xt${uid()}:hello` as const;
    const M = `xt${uid()}:marker` as const;
    configure({ channel: 'mfe-host' }); // the default name
    // Tabs that subscribe but never send: subscribing opened their channel.
    const b = { id: 'b', listen: `${T},${M}` };
    const c = { id: 'c', listen: `${T},${M}` };
    const emitFromB = await openTab(b);
    await openTab(c);
    const here: unknown[] = [];
    bus.on(T, (d, meta) => here.push([d, { ...meta }]));
    bus.on(M, (d, meta) => here.push([d, { ...meta }]));

    scopedBus('billing', new AbortController().signal).emit(T, { n: 1 }, { crossTab: true });
    expect(here, 'delivered in this page at once').to.deep.equal([[{ n: 1 }, { type: T, source: 'billing' }]]);
    const inB = await until((r) => r.tab === b.id && r.type === T);
    await until((r) => r.tab === c.id && r.type === T);
    expect(inB.detail).to.deep.equal({ n: 1 });
    expect(inB.meta).to.deep.equal({ type: T, source: 'billing', crossTab: true });

    // If b re-broadcast what it received, c and this page would get T again before b's marker.
    emitFromB([M, 'from b', { crossTab: true }]);
    await until((r) => r.tab === c.id && r.type === M);
    await new Promise<void>((resolve) => (here.length > 1 ? resolve() : bus.on(M, () => resolve(), { once: true })));
    expect(got(c.id)).to.deep.equal([
      [0, T, { n: 1 }],
      [0, M, 'from b'],
    ]);
    expect(here, 'no echo of T; the marker came from another tab').to.deep.equal([
      [{ n: 1 }, { type: T, source: 'billing' }],
      ['from b', { type: M, source: undefined, crossTab: true }],
    ]);
  });

  it('configure({ channel }) names the channel: tabs on another name do not hear it', async () => {
    const T = `iso${uid()}:x` as const;
    const M = `iso${uid()}:marker` as const;
    const p = `p-${uid()}`;
    const q = `q-${uid()}`;
    configure({ channel: p });
    const onP = { id: 'onP', channel: p, listen: `${T},${M}` };
    const onQ = { id: 'onQ', channel: q, listen: `${T},${M}` };
    await openTab(onP);
    await openTab(onQ);
    bus.emit(T, 'on p', { crossTab: true });
    await until((r) => r.tab === onP.id && r.type === T);
    // The same page renames its channel and sends a marker there.
    configure({ channel: q });
    bus.emit(M, 'on q', { crossTab: true });
    await until((r) => r.tab === onQ.id && r.type === M);
    expect(got(onQ.id), 'only the marker reached the tab on q').to.deep.equal([[0, M, 'on q']]);
    expect(got(onP.id)).to.deep.equal([[0, T, 'on p']]);
  });

  it('a payload that cannot be cloned is delivered in this page and reported; other tabs never get it', async () => {
    const T = `clone${uid()}:x` as const;
    const M = `clone${uid()}:marker` as const;
    const name = `c-${uid()}`;
    configure({ channel: name });
    const other = { id: 'other', channel: name, listen: `${T},${M}` };
    await openTab(other);
    const here: unknown[] = [];
    bus.on(T, (d) => here.push(d));
    const fn = (): number => 1;
    let reported = nextReport(/could not be sent/);
    expect(() => bus.emit(T, { fn }, { crossTab: true })).not.to.throw();
    expect(here).to.deep.equal([{ fn }]);
    let error = await reported;
    expect(error).to.be.instanceOf(TypeError);
    expect(error.message).to.match(new RegExp(`^mfe-host bus: "${T}" could not be sent to other tabs: DataCloneError: `));
    reported = nextReport(/could not be sent/);
    bus.emit(T, document.body, { crossTab: true });
    error = await reported;
    expect(error.message).to.contain('DataCloneError');
    expect(here).to.deep.equal([{ fn }, document.body]);
    bus.emit(M, 'cloneable', { crossTab: true });
    await until((r) => r.tab === other.id && r.type === M);
    expect(got(other.id)).to.deep.equal([[0, M, 'cloneable']]);
  });

  it('two copies of the runtime in one tab deliver a message from another tab once, and never their own again', async () => {
    const T = `two${uid()}:x` as const;
    const Y = `two${uid()}:y` as const;
    const M = `two${uid()}:marker` as const;
    const name = `two-${uid()}`;
    configure({ channel: name });
    const two = { id: 'two', channel: name, listen: `${T},${Y},${M}`, copies: '2' };
    const emitFromTwo = await openTab(two);
    const here: unknown[] = [];
    bus.on(Y, (d, meta) => here.push([d, meta.crossTab]));
    const markers = (n: number): Promise<unknown> => until(() => got(two.id).filter((g) => (g as unknown[])[1] === M).length >= n);

    // From another tab: each copy's channel receives it; it is delivered in the tab once, and
    // each copy's listeners see that one delivery.
    bus.emit(T, 'from here', { crossTab: true });
    bus.emit(M, 1, { crossTab: true });
    await markers(2);
    // From the tab's first copy: the second copy's channel also hears it (same page, another
    // channel object) and must not deliver it again.
    emitFromTwo([Y, 'from copy 0', { crossTab: true }], 0);
    await new Promise<void>((resolve) => (here.length ? resolve() : bus.on(Y, () => resolve(), { once: true })));
    bus.emit(M, 2, { crossTab: true });
    await markers(4);
    const tally = (type: string, copy: number): number => got(two.id).filter((g) => (g as unknown[])[0] === copy && (g as unknown[])[1] === type).length;
    expect([tally(T, 0), tally(T, 1)], 'T once per copy').to.deep.equal([1, 1]);
    expect([tally(Y, 0), tally(Y, 1)], 'Y once per copy').to.deep.equal([1, 1]);
    expect(here).to.deep.equal([['from copy 0', true]]);
  });
});
