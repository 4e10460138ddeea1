/**
 * Side-effect tracking (`configure({ sideEffects })`): what an MFE module leaves on the page
 * while it loads and while it is mounted — globals on `window`, listeners on `window` and
 * `document`, timeouts, intervals and animation frames. At the last unmount of the module
 * (no instance of it mounted any more) it is removed per `clean` and reported as `mfe-leak`.
 * Loaded on demand by lifecycle/load.ts, around the module's evaluation.
 *
 * Attribution
 * - Listeners and timers: while a tracked module is live (loading, or mounted) the page's
 *   `window`/`document` `addEventListener`/`removeEventListener` and the timer functions are
 *   patched. Each call is attributed by its caller's script URL, read from `new Error().stack`
 *   (V8 `at f (url:l:c)`, SpiderMonkey and JavaScriptCore `f@url:l:c`): to the module whose
 *   entry that URL is, else to the one whose folder holds it (the deepest such folder). So what
 *   the MFE's own code does later — from handlers, timers, promise continuations — is attributed
 *   too, while what the page, the runtime or a library served from elsewhere does is not, even
 *   when the MFE called it. Removed listeners and cleared or finished timers are forgotten.
 * - Globals: the own keys of `window` are compared at checkpoints (a load starts and ends, a
 *   mount starts and ends, an unmount ends). New keys belong to a module for sure when exactly
 *   one module ran code in between for sure: its evaluation (load end), its bootstrap (first
 *   mount start) or its `mount()` (mount start to end). Otherwise, when exactly one module was
 *   mounted, they are reported as its but never deleted; when several were, as nobody's.
 *
 * Cleaning never touches what was not attributed, and deletes a global only when the module
 * surely created it, it is configurable and it still holds what the module put there. What a
 * module left while loading is put back at its next mount, since its code does not run again.
 */
import type { MfeLeak, MfeLeakDetail } from '../types.js';
import { describe } from './errors.js';

/** What `clean` may list. `timers` covers timeouts, intervals and animation frames. */
export type SideEffectKind = 'listeners' | 'timers' | 'globals';

/** `configure({ sideEffects })`. Read when a module loads: later changes apply to modules loaded later. */
export interface SideEffectOptions {
  /**
   * At the last unmount, remove what the module left behind: `true` for every kind, or the
   * kinds listed. Listeners are removed, timers cleared, globals deleted (only those it surely
   * created, configurable, still holding its value). What it left while loading is put back
   * at its next mount. Default: nothing is removed.
   */
  clean?: boolean | SideEffectKind[];
  /** Dispatch `mfe-leak` on the element at the last unmount when something was left behind; each thing is reported once. */
  report?: boolean;
}

export type Fx = (delta: 1 | -1, host: HTMLElement) => void;

/** When something was created: while the module loaded (evaluation, bootstrap) or while an instance was mounted. */
export type LeakPhase = 'load' | 'mount';

/** One leak as reported in `mfe-leak`. */
export type LeakInfo = MfeLeak;

type Fn = (...a: unknown[]) => unknown;

interface Mod {
  name: string;
  url: string;
  /** Folder whose scripts are this module's ("" when only the entry file is: see {@link scopeOf}). */
  scope: string;
  opts: SideEffectOptions;
  /** Loading, or loaded and not mounted yet (bootstrap runs then). */
  pending: boolean;
  /** Instances mounted (or mounting). */
  count: number;
  mounted: boolean;
  version?: string;
  /** Listeners and timers it has now. */
  recs: Set<Rec>;
  globals: Map<PropertyKey, Global>;
  /** Removed at the last unmount, created while loading: put back at the next mount. */
  suspended: Array<Rec | Global>;
}

interface Base {
  mod: Mod;
  phase: LeakPhase;
  source: string;
  reported?: boolean;
}
interface Timer extends Base {
  kind: 'timeout' | 'interval' | 'animation-frame';
  fn: Fn;
  delay: unknown;
  args: unknown[];
  /** The id the module knows. */
  id: number;
  /** The engine's id (another one once put back after a clean). */
  real: number;
  /** Timeouts and frames: the callback handed to the engine, which forgets the record when it runs. */
  run?: Fn;
}
interface Listener extends Base {
  kind: 'listener';
  target: 'window' | 'document';
  on: EventTarget;
  type: string;
  fn: EventListenerOrEventListenerObject;
  capture: boolean;
  options: unknown;
  /** `once` listeners: ours, right behind it, that forgets the record when the event comes. */
  watch?: () => void;
}
type Rec = Timer | Listener;
interface Global {
  kind: 'global';
  mod: Mod;
  key: PropertyKey;
  /** Its value (or getter) when it was seen first. */
  value: unknown;
  desc?: PropertyDescriptor;
  phase: LeakPhase;
  sure: boolean;
  reported?: boolean;
}

const W = window;
const D = document;
/** `stackTraceLimit`: V8, JavaScriptCore and recent SpiderMonkey. */
const E = Error as unknown as { stackTraceLimit?: number };
/** This chunk's URL: its own frames are skipped. */
const OWN = import.meta.url.replace(/[?#].*/, '');
/** A script URL followed by `:line[:column]` in a stack frame of any of the three engines. */
const FRAME = /((?:blob:)?[a-z][\w+.-]*:\/\/[^\s()]*?)(?::\d+){1,2}(?=[\s)]|$)/gi;
/** The `url:line:column` of each frame of `stack` that has a script URL, innermost first (exported for tests). */
export const scriptsOf = (stack: string): string[] => {
  FRAME.lastIndex = 0;
  return [...stack.matchAll(FRAME)].map((m) => m[0]);
};
/** Own keys of `window` we add ourselves. */
// Also page-wide by design: Module Federation's runtime state and the federation share scope
// (formats/federation.ts), shared by every container on the page, never one MFE's leak.
const IGNORE = new Set<PropertyKey>(['addEventListener', 'removeEventListener', '__FEDERATION__', '__VMOK__', '__GLOBAL_LOADING_REMOTE_ENTRY__', '__mfeShareScope']);

const mods: Mod[] = [];
/** Timeouts and intervals (they share ids), and animation frames, by the id the module knows. */
const timers = new Map<number, Timer>();
const frames = new Map<number, Timer>();
const listeners = new Map<string, Listener[]>();
/** Script URL → its module (null: nobody's). */
const owners = new Map<string, Mod | null>();
/** Elements whose mount runs now (from just before `mount()` to `mfe-mounted` or the teardown). */
const mounting = new Map<HTMLElement, { mod: Mod; stop: () => void }>();
/** Own keys of `window` at the last checkpoint. */
let known: Set<PropertyKey> | undefined;
/** Patches installed and recording. */
let on = false;

// ---------------------------------------------------------------------------------------------
// Patches

interface Patch {
  target: object;
  prop: string;
  /** What was there when we patched (the engine's, or another wrapper's). */
  orig: Fn;
  /** window/document listener methods are their prototype's: looked up at each call, so later wrappers there run too. */
  inherited?: boolean;
  fn: Fn;
  desc?: PropertyDescriptor;
  /** off: not installed; on: ours is there; kept: someone patched over ours, which stays as a pass-through. */
  state: 'off' | 'on' | 'kept';
}

const patches: Patch[] = [];
const patch = (target: object, prop: string, make: (p: Patch) => Fn): Patch => {
  const p: Patch = { target, prop, orig: (target as Record<string, Fn>)[prop], fn: () => {}, state: 'off' };
  p.fn = make(p);
  Object.defineProperty(p.fn, 'name', { value: prop });
  patches.push(p);
  return p;
};
const call = (p: Patch, self: unknown, a: unknown[]): unknown =>
  Reflect.apply(p.inherited ? (Reflect.get(Object.getPrototypeOf(p.target) as object, p.prop, p.target) as Fn) : p.orig, self, a);
/**
 * Recording, and ours is what the page calls. Under another wrapper installed after ours (say
 * zone.js loaded by an MFE), the caller we would see is that wrapper, not who called it: no
 * attribution then, rather than a wrong one.
 */
const recording = (p: Patch): boolean => on && (p.target as Record<string, unknown>)[p.prop] === p.fn;

const live = (m: Mod): boolean => m.pending || m.count > 0;
const phaseOf = (m: Mod): LeakPhase => (m.count > 0 ? 'mount' : 'load');

/** Where the calling script belongs: the module and the frame, if it is a live one's. */
function caller(): [Mod, string] | undefined {
  let stack: unknown;
  const limit = E.stackTraceLimit;
  let short = false;
  try {
    // The caller is the third frame (after this one and the patch): a short stack costs less.
    if (typeof limit === 'number' && limit > 6) [E.stackTraceLimit, short] = [6, true];
    stack = new Error().stack;
  } catch {
    return; // a throwing Error.prepareStackTrace, a read-only stackTraceLimit
  } finally {
    if (short) E.stackTraceLimit = limit;
  }
  if (typeof stack !== 'string') return;
  FRAME.lastIndex = 0;
  for (let m; (m = FRAME.exec(stack)); ) {
    if (m[1].startsWith(OWN)) continue;
    const mod = owner(m[1]);
    return mod && live(mod) ? [mod, m[0]] : undefined;
  }
  return;
}

/** The module a script URL belongs to: its entry (any retry of it), else the deepest folder holding it. */
function owner(url: string): Mod | null {
  let found = owners.get(url);
  if (found !== undefined) return found;
  const u = url.replace(/#.*/, '');
  const path = u.replace(/\?.*/, '');
  found = null;
  let len = 0;
  let tie = false;
  for (const m of mods) {
    if (u === m.url || (u.startsWith(m.url) && /^[?&]mfe-retry=\d+$/.test(u.slice(m.url.length)))) {
      [found, len, tie] = [m, Infinity, false];
      break;
    }
    if (!m.scope || !path.startsWith(m.scope) || m.scope.length < len) continue;
    // Two modules from one folder (as the same file with two queries): its other files are nobody's.
    tie = m.scope.length === len;
    [found, len] = [m, m.scope.length];
  }
  if (tie) found = null;
  owners.set(url, found);
  return found;
}

/**
 * The folder of `url`, whose other scripts count as the module's; "" when that folder also
 * holds the page or the runtime (an entry at the site root), so only the entry file counts.
 */
function scopeOf(url: string): string {
  try {
    const s = new URL('.', url).href;
    return location.href.startsWith(s) || OWN.startsWith(s) ? '' : s;
  } catch {
    return '';
  }
}

function setTimer(kind: Timer['kind'], map: Map<number, Timer>) {
  return (p: Patch): Fn =>
    function (this: unknown, ...a: unknown[]) {
      const fn = a[0];
      const who = typeof fn === 'function' && recording(p) ? caller() : undefined;
      if (!who) return call(p, this, a);
      const t: Timer = { kind, fn: fn as Fn, delay: a[1], args: a.slice(2), id: 0, real: 0, mod: who[0], phase: phaseOf(who[0]), source: who[1] };
      if (kind !== 'interval') a[0] = t.run = runner(t);
      t.id = t.real = call(p, this, a) as number;
      enroll(t, map);
      return t.id;
    };
}
const runner = (t: Timer): Fn =>
  function (this: unknown, ...b: unknown[]) {
    forget(t);
    return Reflect.apply(t.fn, this, b);
  };

function clearTimer(map: Map<number, Timer>) {
  return (p: Patch): Fn =>
    function (this: unknown, ...a: unknown[]) {
      const t = map.size ? map.get(a[0] as number) : undefined;
      if (t) {
        forget(t);
        if (t.real !== t.id) call(p, this, [t.real]);
      }
      return call(p, this, a);
    };
}

const captureOf = (options: unknown): boolean =>
  typeof options === 'boolean' ? options : !!(options as AddEventListenerOptions | null | undefined)?.capture;
const find = (on: EventTarget, type: string, fn: unknown, capture: boolean): Listener | undefined =>
  listeners.get(type)?.find((l) => l.on === on && l.fn === fn && l.capture === capture);

function addListener(target: EventTarget, label: Listener['target']) {
  return (p: Patch): Fn =>
    function (this: unknown, ...a: unknown[]) {
      const r = call(p, this, a);
      const [type, fn, options] = a;
      if (fn && (this ?? W) === target && recording(p)) {
        const who = caller();
        if (who) listen(who, target, label, String(type), fn as EventListenerOrEventListenerObject, options);
      }
      return r;
    };
}

function removeListener(target: EventTarget) {
  return (p: Patch): Fn =>
    function (this: unknown, ...a: unknown[]) {
      if (listeners.size && (this ?? W) === target) {
        const l = find(target, String(a[0]), a[1], captureOf(a[2]));
        if (l) forget(l);
      }
      return call(p, this, a);
    };
}

const P = {
  setTimeout: patch(W, 'setTimeout', setTimer('timeout', timers)),
  setInterval: patch(W, 'setInterval', setTimer('interval', timers)),
  requestAnimationFrame: patch(W, 'requestAnimationFrame', setTimer('animation-frame', frames)),
  clearTimeout: patch(W, 'clearTimeout', clearTimer(timers)),
  clearInterval: patch(W, 'clearInterval', clearTimer(timers)),
  cancelAnimationFrame: patch(W, 'cancelAnimationFrame', clearTimer(frames)),
  addWindow: patch(W, 'addEventListener', addListener(W, 'window')),
  removeWindow: patch(W, 'removeEventListener', removeListener(W)),
  addDocument: patch(D, 'addEventListener', addListener(D, 'document')),
  removeDocument: patch(D, 'removeEventListener', removeListener(D)),
};
const adder = (on: EventTarget): Patch => (on === W ? P.addWindow : P.addDocument);
const remover = (on: EventTarget): Patch => (on === W ? P.removeWindow : P.removeDocument);

function install(): void {
  on = true;
  for (const p of patches) {
    const t = p.target as Record<string, unknown>;
    if (p.state === 'kept' && t[p.prop] === p.fn) p.state = 'on';
    if (p.state !== 'off') continue; // a kept one is still in the chain, under the other wrapper
    const desc = Object.getOwnPropertyDescriptor(t, p.prop);
    const orig = t[p.prop];
    if (typeof orig !== 'function' || (desc && (!desc.configurable || !('value' in desc)))) continue; // not ours to wrap
    [p.desc, p.orig, p.inherited] = [desc, orig as Fn, !desc];
    // window.addEventListener is EventTarget.prototype's: ours is an own property, not enumerable.
    Object.defineProperty(t, p.prop, { writable: true, enumerable: false, configurable: true, ...desc, value: p.fn });
    p.state = 'on';
  }
}

function uninstall(): void {
  on = false;
  for (const p of patches) {
    if (p.state !== 'on') continue;
    const t = p.target as Record<string, unknown>;
    if (t[p.prop] !== p.fn) {
      p.state = 'kept'; // someone wrapped ours: removing it would cut them off
      continue;
    }
    if (p.desc) Object.defineProperty(t, p.prop, p.desc);
    else delete t[p.prop];
    p.state = 'off';
  }
}

// ---------------------------------------------------------------------------------------------
// Records

function enroll(t: Timer, map: Map<number, Timer>): void {
  t.mod.recs.add(t);
  map.set(t.id, t);
}

function listen(who: [Mod, string], on: EventTarget, target: Listener['target'], type: string, fn: EventListenerOrEventListenerObject, options: unknown): void {
  const capture = captureOf(options);
  if (find(on, type, fn, capture)) return; // the same listener again: a no-op
  const o = options && typeof options === 'object' ? (options as AddEventListenerOptions) : undefined;
  if (o?.signal?.aborted) return;
  const l: Listener = { kind: 'listener', target, on, type, fn, capture, options, mod: who[0], phase: phaseOf(who[0]), source: who[1] };
  enlist(l);
  o?.signal?.addEventListener('abort', () => forget(l), { once: true });
}

function enlist(l: Listener): void {
  l.mod.recs.add(l);
  const list = listeners.get(l.type);
  if (list) list.push(l);
  else listeners.set(l.type, [l]);
  if ((l.options as AddEventListenerOptions | undefined)?.once) {
    l.watch = () => forget(l);
    call(adder(l.on), l.on, [l.type, l.watch, { capture: l.capture, once: true, passive: true }]);
  }
}

/** Forget a record: removed, cleared or finished. */
function forget(r: Rec): void {
  if (!r.mod.recs.delete(r)) return;
  if (r.kind === 'listener') {
    const list = listeners.get(r.type)!;
    list.splice(list.indexOf(r), 1);
    if (!list.length) listeners.delete(r.type);
    if (r.watch) call(remover(r.on), r.on, [r.type, r.watch, r.capture]);
  } else {
    const map = r.kind === 'animation-frame' ? frames : timers;
    if (map.get(r.id) === r) map.delete(r.id);
  }
}

/** Undo it (the record is forgotten already). */
function stop(r: Rec): void {
  if (r.kind === 'listener') call(remover(r.on), r.on, [r.type, r.fn, r.capture]);
  else call(r.kind === 'animation-frame' ? P.cancelAnimationFrame : P.clearTimeout, W, [r.real]);
}

/** Put back what a clean removed, of what the module created while loading. */
function resume(mod: Mod): void {
  for (const s of mod.suspended.splice(0)) {
    if (s.kind === 'global') {
      if (Object.prototype.hasOwnProperty.call(W, s.key)) continue; // taken meanwhile: not ours to replace
      Object.defineProperty(W, s.key, s.desc!);
      known?.add(s.key);
      mod.globals.set(s.key, s);
    } else if (s.kind === 'listener') {
      if ((s.options as AddEventListenerOptions | undefined)?.signal?.aborted) continue;
      call(adder(s.on), s.on, [s.type, s.fn, s.options]);
      enlist(s);
    } else {
      const p = s.kind === 'timeout' ? P.setTimeout : s.kind === 'interval' ? P.setInterval : P.requestAnimationFrame;
      s.real = call(p, W, [s.run ?? s.fn, s.delay, ...s.args]) as number;
      enroll(s, s.kind === 'animation-frame' ? frames : timers);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Globals

/**
 * Compare the own keys of `window` with the last checkpoint and attribute what appeared.
 * `closer`: the module whose code ran for sure just before (its evaluation or bootstrap, or
 * its `mount()` that just finished).
 */
function checkpoint(closer?: Mod): void {
  const keys = Reflect.ownKeys(W);
  if (known) {
    const added: PropertyKey[] = [];
    for (const k of keys) if (!known.has(k) && !IGNORE.has(k)) added.push(k);
    attribute(added, closer);
  }
  known = new Set(keys);
}

const valueOf = (key: PropertyKey): unknown => {
  const d = Object.getOwnPropertyDescriptor(W, key);
  return d && ('value' in d ? d.value : d.get);
};

function attribute(keys: PropertyKey[], closer?: Mod): void {
  const ran = new Set([...mounting.values()].map((m) => m.mod));
  if (closer) ran.add(closer);
  let to: Mod | undefined;
  const sure = ran.size === 1;
  if (sure) {
    to = [...ran][0];
    // Only its code ran for sure: a new value in one of its globals is its own (say, set again by a new mount).
    for (const g of to.globals.values()) g.value = valueOf(g.key);
  } else if (!ran.size) {
    const mounted = mods.filter((m) => m.count > 0);
    if (mounted.length === 1) to = mounted[0];
  }
  if (!to || !live(to)) return; // several modules, or none: nobody's
  for (const key of keys) to.globals.set(key, { kind: 'global', mod: to, key, value: valueOf(key), phase: phaseOf(to), sure });
}

// ---------------------------------------------------------------------------------------------
// Lifecycle

const cleaning = (clean: SideEffectOptions['clean']): Set<SideEffectKind> =>
  new Set(clean === true ? ['listeners', 'timers', 'globals'] : Array.isArray(clean) ? clean : []);

const nameOf = (r: Rec): string => (r.kind === 'listener' ? r.type : r.fn.name || '(anonymous)');

/** Remove (per `clean`) what the module left, and list what was not reported yet. */
function settle(mod: Mod): LeakInfo[] {
  const kinds = cleaning(mod.opts.clean);
  const leaks: LeakInfo[] = [];
  for (const r of [...mod.recs]) {
    const removed = kinds.has(r.kind === 'listener' ? 'listeners' : 'timers');
    if (removed) {
      forget(r);
      stop(r);
      if (r.phase === 'load') mod.suspended.push(r);
    }
    if (r.reported) continue;
    r.reported = true;
    const leak: LeakInfo = { kind: r.kind, name: nameOf(r), removed, phase: r.phase, source: r.source };
    if (r.kind === 'listener') leak.target = r.target;
    leaks.push(leak);
  }
  for (const g of [...mod.globals.values()]) {
    const d = Object.getOwnPropertyDescriptor(W, g.key);
    if (!d) {
      mod.globals.delete(g.key); // it deleted it itself
      continue;
    }
    const removed =
      kinds.has('globals') && g.sure && !!d.configurable && Object.is('value' in d ? d.value : d.get, g.value) && Reflect.deleteProperty(W, g.key);
    if (removed) {
      mod.globals.delete(g.key);
      known?.delete(g.key);
      if (g.phase === 'load') mod.suspended.push(Object.assign(g, { desc: d }));
    }
    if (g.reported) continue;
    g.reported = true;
    leaks.push({ kind: 'global', name: String(g.key), removed, phase: g.phase });
  }
  return leaks;
}

function oops(mod: Pick<Mod, 'name' | 'url'>, e: unknown): void {
  try {
    reportError(new Error(`${mod.name || '<mfe-host>'}: ${mod.url} side-effect tracking failed: ${describe(e)}`, { cause: e }));
  } catch {
    /* nowhere left to tell */
  }
}
const safe = (mod: Mod, f: () => void): void => {
  try {
    f();
  } catch (e) {
    oops(mod, e);
  }
};

const done = (): void => {
  if (on && !mods.some(live)) uninstall();
};

/** The module could not be loaded or is unusable: it never mounts, so clean up now (nothing to report to). */
function fail(mod: Mod): void {
  checkpoint(mod);
  mod.pending = false;
  settle(mod);
  const i = mods.indexOf(mod);
  if (i >= 0) mods.splice(i, 1);
  owners.clear();
  done();
}

/** A usable MFE module (lifecycle/load.ts checks it too, and fails it otherwise). */
const usable = (ns: Record<string, unknown>): boolean =>
  [ns, ns.default, ns.mfe].some((m) => !!m && typeof (m as Record<string, unknown>).mount === 'function' && typeof (m as Record<string, unknown>).unmount === 'function');

function fx(mod: Mod): Fx {
  return (delta, host) => {
    try {
      if (delta > 0) {
        if (!on) install();
        // Since it loaded, its bootstrap ran (once per module, before its first mount).
        checkpoint(mod.mounted ? undefined : mod);
        if (mod.count++ === 0) resume(mod);
        mod.mounted = true;
        mod.pending = false;
        watch(mod, host);
      } else {
        checkpoint();
        mounting.get(host)?.stop();
        if (mod.count > 0 && --mod.count === 0) {
          const leaks = settle(mod);
          done();
          if (mod.opts.report && leaks.length) {
            const detail: MfeLeakDetail = { name: mod.name, entry: mod.url, version: mod.version, leaks };
            host.dispatchEvent(new CustomEvent('mfe-leak', { detail, bubbles: true, composed: true }));
          }
        }
      }
    } catch (e) {
      oops(mod, e);
    }
  };
}

/** From now until `mfe-mounted` (or the teardown), its `mount()` runs. */
function watch(mod: Mod, host: HTMLElement): void {
  const h = (e: Event): void => {
    if (e.composedPath()[0] !== host) return; // a nested element's
    stop();
    mod.version = (e as CustomEvent<MfeLeakDetail>).detail?.version;
    safe(mod, () => checkpoint(mod));
  };
  const stop = (): void => {
    host.removeEventListener('mfe-mounted', h);
    mounting.delete(host);
  };
  mounting.get(host)?.stop();
  mounting.set(host, { mod, stop });
  host.addEventListener('mfe-mounted', h);
}

/**
 * Track the module at `url` while `load()` evaluates it and while it is mounted. Returns its
 * namespace and the `fx` the element calls before each mount (+1) and after each teardown (-1).
 * Errors of `load()` are passed on; errors of the tracking itself are reported (`reportError`),
 * never thrown.
 */
export async function track(
  url: string,
  name: string,
  opts: SideEffectOptions,
  load: () => Promise<Record<string, unknown>>,
): Promise<[Record<string, unknown>, Fx]> {
  let mod: Mod | undefined = { name, url: url.replace(/#.*/, ''), scope: scopeOf(url), opts, pending: true, count: 0, mounted: false, recs: new Set(), globals: new Map(), suspended: [] };
  try {
    mods.push(mod);
    owners.clear();
    if (!on) install();
    checkpoint();
  } catch (e) {
    oops(mod, e);
    mods.splice(mods.indexOf(mod), 1);
    mod = undefined;
  }
  if (!mod) return [await load(), () => {}];
  let ns: Record<string, unknown>;
  try {
    ns = await load();
  } catch (e) {
    safe(mod, () => fail(mod));
    throw e;
  }
  safe(mod, () => (usable(ns) ? checkpoint(mod) : fail(mod)));
  return [ns, fx(mod)];
}
