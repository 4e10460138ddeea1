/** Shared helpers for the browser tests. */
import '../src/index.js';
import { fixture, html, oneEvent } from '@open-wc/testing';
import type { MfeErrorDetail, MfeHost } from '../src/index.js';

let n = 0;
/** A unique token per call, so each test imports its own copy of a scenario module. */
export const uid = (): string => `${Date.now().toString(36)}-${++n}`;

/** URL of a scenario MFE (test/fixtures/scenarios/<name>.js), unique to the caller. */
export const scenario = (name: string, prefix = ''): string =>
  new URL(`${prefix}/test/fixtures/scenarios/${name}.js?t=${uid()}`, location.origin).href;

type Log = Record<string, string[]>;
/** What a scenario module recorded (see test/fixtures/scenarios/_log.js). */
export const logOf = (url: string): string[] => (((globalThis as unknown as { __mfeLog?: Log }).__mfeLog ??= {})[url] ??= []);

type Gate = { resolve(): void; promise: Promise<void> };
/** Open the gate a `gated.js` / `hang-load.js` scenario waits on (before or after it got there). */
export const openGate = (url: string): void => {
  const gates = ((globalThis as unknown as { __gate?: Record<string, Gate> }).__gate ??= {});
  if (!gates[url]) {
    let resolve!: () => void;
    gates[url] = { promise: new Promise<void>((r) => (resolve = r)), resolve: () => resolve() };
  }
  gates[url].resolve();
};

/** Create an <mfe-host> for `src` with optional attributes, and wait for it to settle. */
export async function host(src: string, attrs: Record<string, string> = {}): Promise<MfeHost> {
  const el = document.createElement('mfe-host');
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  el.setAttribute('src', src);
  const wrapper = await fixture<HTMLDivElement>(html`<div></div>`);
  wrapper.append(el);
  await el.settled;
  return el;
}

/**
 * An <mfe-host> of a new `gated.js` scenario with no light DOM, connected; resolves once its
 * `mount` is under way and waiting for `openGate(src)`.
 */
export async function gatedMount(): Promise<[MfeHost, string]> {
  const src = scenario('gated');
  const el = document.createElement('mfe-host');
  el.src = src;
  const loaded = oneEvent(el, 'mfe-loaded');
  (await fixture(html`<div></div>`)).append(el);
  // mount() is called in the same turn as mfe-loaded: once this resolves, it has started.
  await loaded;
  return [el, src];
}

/** Wait for the next `mfe-error` on `el` and return its detail. */
export const nextError = async (el: HTMLElement): Promise<MfeErrorDetail> =>
  (await oneEvent(el, 'mfe-error')).detail as MfeErrorDetail;

/** Silence the runtime's console.error for errors a test provokes on purpose. */
export const quiet = (e: Event): void => e.preventDefault();

/**
 * The next error reported with `reportError` (a window `error` event) whose message matches
 * `re`; `preventDefault()` keeps it off the console and away from the test runner.
 */
export const nextReport = (re: RegExp): Promise<Error> =>
  new Promise((resolve) => {
    const onError = (e: ErrorEvent): void => {
      if (!re.test(String(e.error?.message))) return;
      e.preventDefault();
      removeEventListener('error', onError);
      resolve(e.error as Error);
    };
    addEventListener('error', onError);
  });

/** Connects a new <mfe-host> with `props` set; resolves once it mounted, with every value its `status` attribute took. */
export async function mountTrail(props: Partial<Pick<MfeHost, 'src' | 'name'>>): Promise<[MfeHost, (string | null)[]]> {
  const el = Object.assign(document.createElement('mfe-host'), props);
  const trail = statusTrail(el);
  const mounted = oneEvent(el, 'mfe-mounted');
  (await fixture(html`<div></div>`)).append(el);
  await mounted;
  return [el, trail()];
}

/**
 * Records every value `el`'s `status` attribute takes from now on; call the result to stop and
 * get them, the current one last.
 */
export function statusTrail(el: HTMLElement): () => (string | null)[] {
  const records: MutationRecord[] = [];
  const observer = new MutationObserver((r) => records.push(...r));
  observer.observe(el, { attributeFilter: ['status'], attributeOldValue: true });
  return () => {
    records.push(...observer.takeRecords());
    observer.disconnect();
    // Each record holds the value before it: drop the first (the value when recording began).
    return [...records.map((r) => r.oldValue), el.getAttribute('status')].slice(1);
  };
}
