import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { configure } from '../../src/index.js';
import type { MfeHost, MfeLeak, MfeLeakDetail } from '../../src/index.js';
import { scriptsOf, type LeakInfo } from '../../src/lifecycle/side-effects.js';
import { host, nextReport, quiet, uid } from '../helpers.js';

// The engine's own functions, before anything could patch them.
const native = {
  setTimeout: window.setTimeout,
  setInterval: window.setInterval,
  requestAnimationFrame: window.requestAnimationFrame,
  addEventListener: EventTarget.prototype.addEventListener,
};

addEventListener('mfe-error', quiet);

// The runner fails a test on any window error through `window.onerror`, which runs before the
// tests' own `error` listeners: let the errors these tests provoke on purpose through.
let runnerOnError: OnErrorEventHandler;
before(() => {
  runnerOnError = window.onerror;
  window.onerror = function (message, ...rest) {
    if (/side-effect tracking failed: listener exploded/.test(String(message))) return true;
    return runnerOnError?.call(this, message, ...rest);
  };
});
after(() => {
  window.onerror = runnerOnError;
});

/** A fresh copy of a side-effects fixture, in a folder of its own (/count/<key>/…; an "@" in it, as CDN URLs of scoped packages have). */
const copy = (file: string): string => new URL(`/count/fx@${uid()}/test/fixtures/side-effects/${file}`, location.origin).href;

interface Leaky {
  names: { load: string; mount: string };
  counts: Record<'loadPing' | 'ping' | 'docPing' | 'ticks' | 'frames' | 'never', number>;
  nextTick(): Promise<void>;
  nextFrame(): Promise<void>;
  stop(): void;
}
interface Tidy {
  counts: Record<'ping' | 'once' | 'fired', number>;
  fired: Promise<void>;
}

/** The module namespace the element loaded (same URL, same instance). */
const ns = <T,>(src: string): Promise<T> => import(/* @vite-ignore */ src) as Promise<T>;

/** Remove the element; resolves with the `mfe-leak` detail it dispatched while unmounting, if any. */
async function unmount(el: MfeHost): Promise<MfeLeakDetail | undefined> {
  let leak: MfeLeakDetail | undefined;
  const onLeak = (e: Event): void => {
    expect(leak, 'one mfe-leak per last unmount').to.equal(undefined);
    leak = (e as CustomEvent<MfeLeakDetail>).detail;
  };
  el.addEventListener('mfe-leak', onLeak);
  const gone = oneEvent(el, 'mfe-unmounted');
  el.remove();
  await gone;
  el.removeEventListener('mfe-leak', onLeak);
  return leak;
}

async function mounted(src: string): Promise<MfeHost> {
  const el = await host(src);
  expect(el.status).to.equal('mounted');
  return el;
}

/** Resolves after `n` ticks of an interval of our own (same period as the leaked one). */
const ownTicks = (n: number, ms = 10): Promise<void> =>
  new Promise((resolve) => {
    let i = 0;
    const id = setInterval(() => {
      if (++i < n) return;
      clearInterval(id);
      resolve();
    }, ms);
  });
const ownFrames = async (n: number): Promise<void> => {
  for (let i = 0; i < n; i++) await new Promise((r) => requestAnimationFrame(r));
};

/** The leaks without `source`, sorted, for comparison. */
const plain = (leaks: MfeLeak[]): Array<Omit<LeakInfo, 'source'>> =>
  (leaks as LeakInfo[]).map(({ source: _, ...rest }) => rest).sort((a, b) => `${a.kind} ${a.name} ${a.target}`.localeCompare(`${b.kind} ${b.name} ${b.target}`));

/** What leaky.js leaves: `removed` per kind. */
const leakyLeaks = (m: Leaky, removed: { listeners: boolean; timers: boolean; globals: boolean }, phases = ['load', 'mount']) =>
  plain(
    (
      [
        { kind: 'global', name: m.names.load, removed: removed.globals, phase: 'load' },
        { kind: 'listener', name: 'fx-load-ping', target: 'window', removed: removed.listeners, phase: 'load' },
        { kind: 'global', name: m.names.mount, removed: removed.globals, phase: 'mount' },
        { kind: 'listener', name: 'fx-ping', target: 'window', removed: removed.listeners, phase: 'mount' },
        { kind: 'listener', name: 'fx-doc-ping', target: 'document', removed: removed.listeners, phase: 'mount' },
        { kind: 'timeout', name: 'never', removed: removed.timers, phase: 'mount' },
        { kind: 'interval', name: 'tick', removed: removed.timers, phase: 'mount' },
        { kind: 'animation-frame', name: 'frame', removed: removed.timers, phase: 'mount' },
      ] as LeakInfo[]
    ).filter((l) => phases.includes(l.phase)),
  );

const ping = (): void => {
  dispatchEvent(new Event('fx-ping'));
  dispatchEvent(new Event('fx-load-ping'));
  document.dispatchEvent(new Event('fx-doc-ping'));
};

describe('side-effect tracking', () => {
  afterEach(() => configure({ sideEffects: { report: true } }));

  it('reports each kind a leaky MFE left, with names, once its last instance unmounts (report only)', async () => {
    const src = copy('leaky.js');
    const name = `fx-leaky-${uid()}`;
    configure({ remotes: { [name]: { entry: src, version: '1.2.3' } } });
    const el = document.createElement('mfe-host');
    el.name = name;
    (await fixture(html`<div></div>`)).append(el);
    expect(await el.settled).to.equal('mounted');
    const m = await ns<Leaky>(src);
    await m.nextTick();
    const leak = await unmount(el);
    expect(leak).to.include({ name, entry: src, version: '1.2.3' });
    expect(plain(leak!.leaks)).to.deep.equal(leakyLeaks(m, { listeners: false, timers: false, globals: false }));
    for (const l of leak!.leaks as LeakInfo[]) if (l.kind !== 'global') expect(l.source).to.match(/\/side-effects\/leaky\.js(\?[^:]*)?:\d+(:\d+)?$/);
    // Report only: all still there, and the interval still ticks.
    await m.nextTick();
    expect(m.names.load in window && m.names.mount in window).to.equal(true);
    m.stop();
  });

  it('with clean: the interval and frame loop stop, listeners stay silent, globals are deleted; what it left while loading comes back at its next mount', async () => {
    configure({ sideEffects: { report: true, clean: true } });
    const src = copy('leaky.js');
    const el = await mounted(src);
    const m = await ns<Leaky>(src);
    await Promise.all([m.nextTick(), m.nextFrame()]);
    const leak = await unmount(el);
    expect(plain(leak!.leaks)).to.deep.equal(leakyLeaks(m, { listeners: true, timers: true, globals: true }));

    const before = { ...m.counts };
    await ownTicks(6); // the leaked interval (same period) would have ticked meanwhile
    await ownFrames(3);
    ping();
    expect(m.counts).to.deep.equal(before);
    expect(m.names.load in window || m.names.mount in window).to.equal(false);

    // Mounted again: its module code does not run again, so what it did then is put back.
    const again = await mounted(src);
    expect(m.names.load in window).to.equal(true);
    dispatchEvent(new Event('fx-load-ping'));
    expect(m.counts.loadPing).to.equal(before.loadPing + 1);
    await m.nextTick();
    const second = await unmount(again);
    // Reported once: only what this mount added is new.
    expect(plain(second!.leaks)).to.deep.equal(leakyLeaks(m, { listeners: true, timers: true, globals: true }, ['mount']));
    const after = { ...m.counts };
    await ownTicks(6);
    ping();
    expect(m.counts).to.deep.equal(after);
    expect(m.names.load in window).to.equal(false);
  });

  it('clean: ["timers"] clears timers and leaves listeners and globals', async () => {
    configure({ sideEffects: { report: true, clean: ['timers'] } });
    const src = copy('leaky.js');
    // Imported (evaluated) here first, untracked: what it does while loading is nobody's.
    const m = await ns<Leaky>(src);
    const el = await mounted(src);
    await m.nextTick();
    const leak = await unmount(el);
    expect(plain(leak!.leaks)).to.deep.equal(leakyLeaks(m, { listeners: false, timers: true, globals: false }, ['mount']));
    const ticks = m.counts.ticks;
    await ownTicks(6);
    expect(m.counts.ticks).to.equal(ticks);
    dispatchEvent(new Event('fx-ping'));
    expect(m.counts.ping).to.equal(1);
    m.stop();
  });

  it('with two instances, reports only when the last one unmounts', async () => {
    configure({ sideEffects: { report: true, clean: true } });
    const src = copy('leaky.js');
    const [a, b] = [await mounted(src), await mounted(src)];
    const m = await ns<Leaky>(src);
    expect(await unmount(a)).to.equal(undefined);
    await m.nextTick(); // still mounted in b: nothing removed
    const leak = await unmount(b);
    // Each mount started its own timers and frame loop; listeners and globals were the same ones.
    const kinds = leak!.leaks.map((l) => l.kind).sort();
    expect(kinds).to.deep.equal(['animation-frame', 'animation-frame', 'global', 'global', 'interval', 'interval', 'listener', 'listener', 'listener', 'timeout', 'timeout']);
    expect(leak!.leaks.every((l) => l.removed)).to.equal(true);
    const ticks = m.counts.ticks;
    await ownTicks(6);
    expect(m.counts.ticks).to.equal(ticks);
  });

  it('a well-behaved MFE reports nothing, and loses nothing to clean', async () => {
    configure({ sideEffects: { report: true, clean: true } });
    const src = copy('tidy.js');
    const el = await mounted(src);
    const m = await ns<Tidy>(src);
    await m.fired;
    expect(m.counts.once).to.equal(1);
    dispatchEvent(new Event('fx-ping'));
    expect(await unmount(el)).to.equal(undefined);
    dispatchEvent(new Event('fx-ping'));
    expect(m.counts).to.deep.equal({ ping: 1, once: 1, fired: 1 });
  });

  it('attributes what a chunk in a sub-folder does (static and dynamic imports)', async () => {
    const src = copy('chunked.js');
    const el = await mounted(src);
    const leak = await unmount(el);
    const leaks = leak!.leaks as LeakInfo[];
    expect(plain(leaks)).to.deep.equal([
      { kind: 'interval', name: 'chunkTick', removed: false, phase: 'mount' },
      { kind: 'listener', name: 'fx-lazy', target: 'window', removed: false, phase: 'mount' },
    ]);
    expect(leaks.find((l) => l.kind === 'interval')!.source).to.contain('/side-effects/sub/chunk.js:');
    expect(leaks.find((l) => l.kind === 'listener')!.source).to.contain('/side-effects/sub/lazy.js:');
  });

  it('attributes leaks made by async callbacks after mount() returned (fetch, timeout, microtask)', async () => {
    const src = copy('late.js');
    const el = await mounted(src);
    await (await ns<{ ready: Promise<void> }>(src)).ready;
    const leak = await unmount(el);
    expect(plain(leak!.leaks)).to.deep.equal([
      { kind: 'interval', name: 'lateTick', removed: false, phase: 'mount' },
      { kind: 'listener', name: 'fx-late', target: 'window', removed: false, phase: 'mount' },
      { kind: 'listener', name: 'fx-late-doc', target: 'document', removed: false, phase: 'mount' },
      { kind: 'listener', name: 'fx-micro', target: 'window', removed: false, phase: 'mount' },
    ]);
  });

  it("never touches the page's own listeners, timers and globals made while an MFE is mounted", async () => {
    configure({ sideEffects: { report: true, clean: true } });
    const src = copy('leaky.js');
    const el = await mounted(src);
    let heard = 0;
    const onPage = (): void => void heard++;
    addEventListener('fx-page', onPage);
    let ticks = 0;
    const id = setInterval(() => ticks++, 10);
    const global = `fxPage_${uid()}`;
    (window as unknown as Record<string, unknown>)[global] = 1;
    await unmount(el);
    dispatchEvent(new Event('fx-page'));
    expect(heard).to.equal(1);
    const t = ticks;
    await ownTicks(3);
    expect(ticks).to.be.above(t);
    // Seen while exactly one MFE was mounted, outside its load and mount: it may be reported
    // as that MFE's, but is never deleted.
    expect(global in window).to.equal(true);
    clearInterval(id);
    removeEventListener('fx-page', onPage);
    delete (window as unknown as Record<string, unknown>)[global];
  });

  it('sideEffects: false installs no patches and reports nothing', async () => {
    configure({ sideEffects: false });
    const src = copy('leaky.js');
    const el = await mounted(src);
    expect(window.setTimeout).to.equal(native.setTimeout);
    expect(window.requestAnimationFrame).to.equal(native.requestAnimationFrame);
    expect(Object.prototype.hasOwnProperty.call(window, 'addEventListener')).to.equal(false);
    expect(document.addEventListener).to.equal(native.addEventListener);
    expect(await unmount(el)).to.equal(undefined);
    (await ns<Leaky>(src)).stop();
  });

  it('patches only while a tracked module is live, then restores the originals', async () => {
    const src = copy('tidy.js');
    expect(window.setTimeout).to.equal(native.setTimeout);
    const el = await mounted(src);
    expect(window.setTimeout).not.to.equal(native.setTimeout);
    expect(Object.prototype.hasOwnProperty.call(window, 'addEventListener')).to.equal(true);
    await unmount(el);
    expect(window.setTimeout).to.equal(native.setTimeout);
    expect(window.setInterval).to.equal(native.setInterval);
    expect(Object.prototype.hasOwnProperty.call(window, 'addEventListener')).to.equal(false);
    expect(document.addEventListener).to.equal(native.addEventListener);
  });

  it('keeps its patch as a pass-through when something else patched over it, and restores later', async () => {
    const el = await mounted(copy('tidy.js'));
    const ours = window.setTimeout;
    let wrapped = 0;
    const wrapper = ((...a: Parameters<typeof setTimeout>) => (wrapped++, ours(...a))) as typeof setTimeout;
    window.setTimeout = wrapper;
    await unmount(el);
    expect(window.setTimeout).to.equal(wrapper);
    const calls = wrapped;
    await new Promise((r) => setTimeout(r, 0)); // still works, through ours
    expect(wrapped).to.be.above(calls);
    // Tracking again while it is kept: nothing is patched twice. Calls through the other
    // wrapper cannot be attributed (the caller seen is the wrapper): timeouts go unrecorded,
    // the other kinds are recorded as usual.
    const src = copy('leaky.js');
    const again = await mounted(src);
    expect(window.setTimeout).to.equal(wrapper);
    const leak = await unmount(again);
    const kinds = leak!.leaks.map((l) => l.kind);
    expect(kinds).to.include('interval');
    expect(kinds).not.to.include('timeout');
    (await ns<Leaky>(src)).stop();
    // The other wrapper goes away: the next time nothing is tracked, the engine's is back.
    window.setTimeout = ours;
    await unmount(await mounted(copy('tidy.js')));
    expect(window.setTimeout).to.equal(native.setTimeout);
  });

  it('errors inside tracking never break mounting or unmounting', async () => {
    configure({ sideEffects: { report: true, clean: true } });
    // V8 calls Error.prepareStackTrace for every stack: make it throw while the MFE mounts.
    const E = Error as unknown as { prepareStackTrace?: unknown };
    const prepare = E.prepareStackTrace;
    E.prepareStackTrace = () => {
      throw new Error('no stacks here');
    };
    const src = copy('leaky.js');
    let el: MfeHost;
    try {
      el = await mounted(src);
    } finally {
      E.prepareStackTrace = prepare;
    }
    // The leak report itself fails: reported, and the unmount still completes.
    el.dispatchEvent = function (this: MfeHost, e: Event): boolean {
      if (e.type === 'mfe-leak') throw new Error('listener exploded');
      return HTMLElement.prototype.dispatchEvent.call(this, e);
    };
    const reported = nextReport(/side-effect tracking failed: listener exploded/);
    const gone = oneEvent(el, 'mfe-unmounted');
    el.remove();
    await gone;
    expect((await reported).message).to.contain(src);
    expect(el.status).to.equal('idle');
    (await ns<Leaky>(src)).stop();
    expect(window.setTimeout).to.equal(native.setTimeout);
  });

  it('a module that fails while it evaluates: what it added is cleaned at once (clean), and the error is the usual one', async () => {
    configure({ sideEffects: { report: true, clean: true } });
    const src = copy('throws.js');
    const el = document.createElement('mfe-host');
    el.src = src;
    (await fixture(html`<div></div>`)).append(el);
    const error = await oneEvent(el, 'mfe-error');
    expect(error.detail.phase).to.equal('load');
    expect(error.detail.error.message).to.contain('evaluation failed on purpose');
    const heard: string[] = [];
    dispatchEvent(new CustomEvent('fx-throw', { detail: heard }));
    expect(heard).to.deep.equal([]);
    expect(window.setTimeout).to.equal(native.setTimeout);
  });

  it('reads the script URL of each frame in V8, SpiderMonkey and JavaScriptCore stacks', () => {
    const ours = 'http://localhost:8000/src/lifecycle/side-effects.ts';
    const mfe = 'https://cdn.example:8443/npm/@acme/billing@1.2.3/dist/mfe.js?v=2';
    const expected = [`${ours}:170:13`, `${ours}:240:19`, `${mfe}:10:5`, 'https://cdn.example/app/main.js:3:1'];
    const v8 = [
      'Error',
      `    at caller (${ours}:170:13)`,
      `    at setTimeout (${ours}:240:19)`,
      `    at mount (${mfe}:10:5)`,
      '    at async Promise.all (index 0)',
      '    at https://cdn.example/app/main.js:3:1',
    ];
    const spiderMonkey = [
      `caller@${ours}:170:13`,
      `setTimeout@${ours}:240:19`,
      `mount/<@${mfe}:10:5`,
      '@https://cdn.example/x.js line 2 > eval:1:1',
      'async*@https://cdn.example/app/main.js:3:1',
      '',
    ];
    const javaScriptCore = [
      `caller@${ours}:170:13`,
      `setTimeout@${ours}:240:19`,
      'forEach@[native code]',
      `mount@${mfe}:10:5`,
      'module code@https://cdn.example/app/main.js:3:1',
    ];
    for (const stack of [v8, spiderMonkey, javaScriptCore]) expect(scriptsOf(stack.join('\n'))).to.deep.equal(expected);
    // And this engine's own format: this test file, then mocha's.
    expect(scriptsOf(new Error().stack ?? '')[0]).to.match(/\/test\/lifecycle\/side-effects\.test\.ts(\?[^:]*)?:\d+:\d+$/);
  });
});
