/**
 * format="html", part 2: run a page's scripts as a browser would on load, one page at a time.
 *
 * Each script becomes a new `<script>` element in `document.head` (so it runs, and
 * `document.currentScript` works for classic ones), with the page's CSP nonce. The next one
 * starts when this one has run: an external script at its `load` event (they are not
 * `async=false`, so one that never loads blocks nothing but its own run), an inline classic one
 * when `append` returns, an inline module when it reports its end, throws or is blocked.
 *
 * A script fails the mount when it does not load (HTTP status named), when it throws while it
 * runs, or (inline ones) when it did not run to its end — e.g. blocked by the CSP: each inline
 * script gets one statement appended that reports it got there. Errors the page's scripts throw
 * while they run become that failure, instead of also reaching `window.onerror`.
 *
 * While a page runs (and only then), `document` and `window` get own properties that make the
 * late run look like a page load: `document.readyState` goes `loading` → `interactive` (deferred
 * scripts and modules) → `complete`; `document.write()`/`writeln()` insert at the script's place
 * (instead of replacing the host page) and the scripts they write run next; `DOMContentLoaded`
 * and `load` listeners added by the page (and `window.onload`, `<body onload>`) are called after
 * the last script; and the run ends once the zero-delay timeouts it queued (jQuery's ready
 * handlers) have run.
 */
import type { Page, PageScript } from './html-page.js';
import { PLACEHOLDER, absolutize, extractScripts } from './html-page.js';
import { describe } from '../errors.js';
import { trustedHTML, trustedScript, trustedScriptURL } from '../trusted.js';
import { prefer } from './html-bridge.js';

/** A script to run and where its `document.write` output goes (before `at`). */
export interface Item {
  s: PageScript;
  at: Node;
}

/** One page's run: what it inserted, for unmount. */
export interface Run {
  scripts: HTMLScriptElement[];
}

/** The page's nonce, for scripts under a nonce-based CSP (as lifecycle/integrity.ts finds it). */
const nonce = (): string => (Document.prototype.querySelector.call(document, 'script[nonce]') as HTMLScriptElement | null)?.nonce ?? '';

/** Scripts marked `data-mfe-once` that ran: their URL (inline ones: page URL + label). */
const onceRan = new Set<string>();
/** Runs per module URL: later runs get `#mfe-run=N`, a new module instance. */
const moduleRuns = new Map<string, number>();
/** Inline scripts report they ran to the end with this event. */
const RAN = 'mfe-html-ran';
let tokens = 0;
/** One page at a time: the hooks below belong to the running page. */
let queue: Promise<unknown> = Promise.resolve();

const REDECLARED = /already been declared|redeclaration|duplicate variable/i;

/** An error thrown by a script, with what it was and a hint when it is a second run's redeclaration. */
const failure = (s: PageScript, what: string, cause?: unknown): Error => {
  const msg = `${s.label} ${what}${cause === undefined ? '' : `: ${describe(cause)}`}`;
  const hint = REDECLARED.test(String((cause as Error | undefined)?.message ?? ''))
    ? ' (the page\'s scripts run again at every mount, and a top-level let/const/class cannot be declared twice: use var, wrap the script in a function, or mark it data-mfe-once)'
    : '';
  return new Error(msg + hint, { cause });
};

const strip = (u: string): string => u.replace(/#.*/, '');

/** Own properties set on `target` for a run (values, or descriptors with `get`); returns their undo. */
function patch(target: object, props: Record<string, unknown>): () => void {
  const desc = (v: unknown): PropertyDescriptor =>
    v && typeof v == 'object' && 'get' in v ? { ...(v as PropertyDescriptor), configurable: true } : { value: v, configurable: true, writable: true };
  const mine = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, desc(v)]));
  const before = Object.keys(props).map((k) => [k, Object.getOwnPropertyDescriptor(target, k)] as const);
  for (const [k, d] of Object.entries(mine)) Object.defineProperty(target, k, d);
  return () => {
    for (const [k, d] of before) {
      // Leave alone what someone set over ours meanwhile.
      const now = Object.getOwnPropertyDescriptor(target, k);
      if (now?.value !== mine[k]!.value || now?.get !== mine[k]!.get) continue;
      if (d) Object.defineProperty(target, k, d);
      else delete (target as Record<string, unknown>)[k];
    }
  };
}

type Listener = EventListenerOrEventListenerObject;

/**
 * Run `items` (a page's scripts) in order; `host` is the page's container. Rejects with the first
 * script's failure, or `signal.reason` once aborted.
 */
export function runScripts(page: Page, items: Item[], host: HTMLElement, signal: AbortSignal, run: Run): Promise<void> {
  const go = queue.then(() => runNow(page, items, host, signal, run));
  queue = go.catch(() => {});
  return go;
}

async function runNow(page: Page, items: Item[], host: HTMLElement, signal: AbortSignal, run: Run): Promise<void> {
  signal.throwIfAborted();
  let written: string[] = [];
  /** Errors reported while the current script runs, kept when `owns` says they are its own. */
  let caught: unknown;
  let owns: ((filename: string) => boolean) | undefined;
  /** Told when the current script reported its end (its token) or threw (undefined). */
  let wake: ((token?: string) => void) | undefined;
  const onError = (e: ErrorEvent): void => {
    if (!owns?.(e.filename)) return;
    caught ??= e.error ?? new Error(e.message);
    wake?.();
    // The failure is reported once, as the mount's (mfe-error), not also as an uncaught error.
    e.preventDefault();
    e.stopImmediatePropagation();
  };
  // Chromium calls window.onerror before capturing listeners added after it: wrap it, in place.
  const onerror = window.onerror;
  const onerrorWrap: OnErrorEventHandlerNonNull = function (this: unknown, msg, file, line, col, err) {
    if (owns?.(file ?? '')) {
      caught ??= err ?? new Error(String(msg));
      wake?.();
      return true;
    }
    return typeof onerror == 'function' ? onerror.call(this as Window, msg, file, line, col, err) : false;
  };
  const ran = new Set<string>();
  const onRan = (e: Event): void => {
    const token = String((e as CustomEvent).detail);
    ran.add(token);
    wake?.(token);
  };
  /** Listeners the page added for the events of a load that already happened. */
  const late: Array<[EventTarget, string, Listener]> = [];
  /** Zero-delay timeouts queued while the page runs, and what wakes the wait for them. */
  const timers = new Set<number>();
  let drained: (() => void) | undefined;
  let budget = 200;

  const realAdd = EventTarget.prototype.addEventListener;
  const realRemove = EventTarget.prototype.removeEventListener;
  const adder = (target: EventTarget) =>
    function (this: EventTarget, type: string, fn: Listener | null, opts?: boolean | AddEventListenerOptions): void {
      if (fn && (type === 'DOMContentLoaded' || (type === 'load' && target === window))) late.push([target, type, fn]);
      realAdd.call(this, type, fn, opts);
    };
  const remover = (target: EventTarget) =>
    function (this: EventTarget, type: string, fn: Listener | null, opts?: boolean | EventListenerOptions): void {
      const i = late.findIndex(([t, ty, f]) => t === target && ty === type && f === fn);
      if (i >= 0) late.splice(i, 1);
      realRemove.call(this, type, fn, opts);
    };
  /** What `document.readyState` says while the page "loads". */
  let readyState: DocumentReadyState = 'loading';
  const write = (...parts: string[]): void => void written.push(parts.join(''));
  const setT = window.setTimeout;
  const clearT = window.clearTimeout;
  const undo = [
    patch(document, {
      write,
      writeln: (...parts: string[]) => write(...parts, '\n'),
      // A script-inserted open() would replace the host page.
      open: () => document,
      close: () => {},
      addEventListener: adder(document),
      removeEventListener: remover(document),
      readyState: { get: () => readyState },
    }),
    patch(window, {
      addEventListener: adder(window),
      removeEventListener: remover(window),
      setTimeout: (fn: TimerHandler, ms?: number, ...args: unknown[]): number => {
        if (typeof fn !== 'function' || (ms ?? 0) > 0 || budget <= 0) return setT(fn, ms, ...args);
        budget--;
        const id = setT(() => {
          timers.delete(id);
          try {
            (fn as (...a: unknown[]) => void).apply(window, args);
          } finally {
            if (!timers.size) drained?.();
          }
        }, ms);
        timers.add(id);
        return id;
      },
      clearTimeout: (id?: number) => {
        clearT(id);
        if (id !== undefined && timers.delete(id) && !timers.size) drained?.();
      },
    }),
  ];
  const onload = window.onload;
  addEventListener('error', onError, true);
  window.onerror = onerrorWrap;
  document.addEventListener(RAN, onRan);
  prefer(host);
  const aborted = new Promise<never>((_, reject) => {
    const stop = (): void => reject(signal.reason);
    if (signal.aborted) stop();
    signal.addEventListener('abort', stop, { once: true });
  });
  aborted.catch(() => {});
  const wait = <T>(p: Promise<T>): Promise<T> => Promise.race([p, aborted]);
  try {
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      const { s } = item;
      signal.throwIfAborted();
      if (s.defer) readyState = 'interactive';
      const key = s.src ?? page.url + ' ' + s.label;
      if (s.once && (onceRan.has(key) || (s.src && present(s.src)))) continue;
      written = [];
      caught = undefined;
      const el = document.createElement('script');
      for (const [k, v] of s.attrs) el.setAttribute(k, v);
      // Where it came from, for whoever looks at the page's <head>.
      el.setAttribute('data-mfe-html', page.url);
      el.nonce = nonce();
      if (s.src) {
        let src = s.src;
        if (s.module) {
          const n = (moduleRuns.get(s.src) ?? 0) + 1;
          moduleRuns.set(s.src, n);
          if (n > 1) src += `#mfe-run=${n}`;
        }
        el.src = trustedScriptURL(src);
        // A classic script runs in one task: its errors name its URL. A module's may name a module
        // it imports: every error while it loads and runs is taken as its own.
        owns = s.module ? () => true : (file) => !!file && strip(file) === strip(el.src);
        const loaded = new Promise<boolean>((r) => {
          el.onload = () => r(true);
          el.onerror = () => r(false);
        });
        run.scripts.push(document.head.appendChild(el));
        if (!(await wait(loaded))) {
          const { diagnose } = await import('../diagnose.js');
          const why = await diagnose(s.src);
          throw failure(s, `did not load: ${why || 'blocked (Content-Security-Policy, MIME type or integrity?)'}`);
        }
        if (caught !== undefined) throw failure(s, 'threw', caught);
      } else {
        const token = `${++tokens}`;
        // One statement after the script's own: it ran to its end (not blocked, did not throw).
        el.textContent = trustedScript(`${s.text}\n;document.dispatchEvent(new CustomEvent(${JSON.stringify(RAN)},{detail:${JSON.stringify(token)}}));`);
        if (s.module) {
          // It runs later (after its imports): done when it reports its end, throws, fails to
          // import, is blocked, or (WebKit) fires load.
          let done!: () => void;
          const over = new Promise<void>((r) => (done = r));
          owns = () => true;
          wake = (t) => (t === undefined || t === token) && done();
          el.onload = el.onerror = () => done();
          el.addEventListener('securitypolicyviolation', () => done());
          run.scripts.push(document.head.appendChild(el));
          await wait(over);
          wake = undefined;
        } else {
          owns = () => true;
          run.scripts.push(document.head.appendChild(el));
        }
        owns = undefined;
        if (caught !== undefined) throw failure(s, 'threw', caught);
        if (!ran.has(token))
          throw failure(s, 'did not run: blocked by the Content-Security-Policy? (give the page a nonce on a <script nonce>, which mfe-host copies, or move the script to a file)');
      }
      owns = undefined;
      if (s.once) onceRan.add(key);
      if (written.length) items.splice(i + 1, 0, ...insertWritten(written.join(''), page, item.at));
    }
    // The page has been parsed: DOMContentLoaded, and what it set off (jQuery's ready handlers).
    const fire = (type: string): void => {
      // As dispatched at document and bubbling to window: document's listeners first.
      const listeners = late.filter(([, t]) => t === type);
      for (const [target, , fn] of [...listeners.filter(([t]) => t === document), ...listeners.filter(([t]) => t !== document)])
        call(fn, target, new Event(type));
    };
    const settle = (): Promise<void> | void => (timers.size ? wait(new Promise<void>((r) => (drained = r))) : undefined);
    readyState = 'interactive';
    fire('DOMContentLoaded');
    await settle();
    // ... and has loaded: <body onload> (which is window's onload, set first), load listeners,
    // a window.onload the scripts set.
    readyState = 'complete';
    if (page.onload) {
      // An inline event handler, compiled by the engine (and subject to the CSP) as in the page.
      host.setAttribute('onload', page.onload);
      host.dispatchEvent(new Event('load'));
      host.removeAttribute('onload');
    }
    fire('load');
    if (window.onload !== onload && typeof window.onload === 'function') window.onload.call(window, new Event('load'));
    await settle();
  } finally {
    owns = undefined;
    prefer(undefined);
    removeEventListener('error', onError, true);
    if (window.onerror === onerrorWrap) window.onerror = onerror;
    document.removeEventListener(RAN, onRan);
    for (const u of undo) u();
  }
}

/** A listener called as the event would call it; what it throws is reported, as an event's would be. */
function call(fn: Listener, target: EventTarget, ev: Event): void {
  try {
    if (typeof fn === 'function') fn.call(target, ev);
    else fn.handleEvent(ev);
  } catch (e) {
    reportError(e);
  }
}

/** Is a script with this URL in the document already (the host page loaded it)? */
const present = (src: string): boolean =>
  [...document.scripts].some((el) => el.src && strip(el.src) === strip(src));

/**
 * Insert what a script wrote with `document.write` before `at`, and return its scripts, to run
 * next (as a browser runs written scripts right after the one that wrote them).
 */
function insertWritten(html: string, page: Page, at: Node): Item[] {
  const t = document.createElement('template');
  t.innerHTML = trustedHTML(html);
  absolutize(t.content, page.base);
  const scripts = extractScripts(t.content, page.base, true, page.scripts.length);
  const marks = placeholders(t.content);
  for (const el of t.content.querySelectorAll<HTMLElement>('[data-mfe-style]')) styleOf(el);
  at.parentNode?.insertBefore(t.content, at);
  return scripts.map((s) => ({ s, at: marks[s.at] ?? at }));
}

/** The script placeholders under `root`, in document order. */
export function placeholders(root: Node): Comment[] {
  const out: Comment[] = [];
  const walk = document.createTreeWalker(root, NodeFilter.SHOW_COMMENT);
  while (walk.nextNode()) if ((walk.currentNode as Comment).data === PLACEHOLDER) out.push(walk.currentNode as Comment);
  return out;
}

/** Apply a `style` attribute taken out at parse time, through the CSSOM (allowed under any CSP). */
export function styleOf(el: HTMLElement): void {
  el.style.cssText = el.getAttribute('data-mfe-style') ?? '';
  el.removeAttribute('data-mfe-style');
}
