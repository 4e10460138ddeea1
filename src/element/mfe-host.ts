/**
 * `<mfe-host>`: resolves an MFE, loads it once per page, mounts it in a shadow root and keeps it
 * in step with the element's attributes, props and the shell context (api.md §2).
 *
 * The element is a small reconciler: every change marks it dirty (`#kick`), and one serialised
 * loop per element (`#step` until nothing is dirty) brings what is mounted in line with what is
 * wanted. An attempt in flight is abandoned (never mounted) as soon as what is wanted changes.
 * A module that is already loaded mounts without awaiting anything.
 */
import type { MfeErrorDetail, MfeEventDetail, MfeHostEventMap, MfePhase, MfeStatus, MountContext } from '../types.js';
import { state, onConfigChange } from '../discovery/config.js';
import { registry, resolveNow } from '../discovery/registry.js';
import type { ResolvedRemote } from '../discovery/types.js';
import { abs } from '../discovery/url.js';
import type { MfeFormat } from '../lifecycle/formats.js';
import { MfeError, describe } from '../lifecycle/errors.js';
import { bootstrap, loaded, loadModule, type LoadedModule, type LoadSpec } from '../lifecycle/load.js';
import { Deadline, STALE, TIMEOUT } from '../lifecycle/deadline.js';
import { scopedBus, type MfeBus } from '../events/bus.js';
import type { Scope, scope as ScopeFn } from './scope.js';

export type ErrorHandling = 'fail' | 'fallback' | 'degrade';
export type Isolation = 'shadow' | 'none' | 'iframe';

interface Mounted {
  key: string;
  mod: LoadedModule;
  ctx: MountContext;
  /** Aborts `ctx.signal` (made on first use), now and for a first use later. */
  stop: () => void;
  scope: Scope;
  detail: MfeEventDetail;
}

const hostSheet = new CSSStyleSheet();
// Which slot shows follows the reflected status in CSS, so a status change writes one attribute
// instead of toggling four slots (npm run bench, row 2). Only the error case, which depends on
// whether the error slot has content, is written by #render, with `hidden`. The container (in
// the shadow root, or slotted into mfe-content with isolation="none") shows once mounted.
hostSheet.replaceSync(
  ':host{display:block}[hidden]{display:none!important}[name=loading],[name=mfe-content],:host([status=mounted]) slot[name=""],:host([status=unmounting]) slot[name=""],:host(:not([status=mounted],[status=unmounting])) [part=content]{display:none}' +
    ':host([status=loading]) [name=loading],:host([status=mounting]) [name=loading],:host([status=mounted]) [name=mfe-content],:host([status=unmounting]) [name=mfe-content]{display:contents}',
);
/**
 * The default, loading, error and content slots (cloned: faster than building them), put in
 * only once the element has light DOM to show (or renders into it): four slots were a sixth of
 * the cost of a mount (npm run bench, row 2). Built as DOM once, never parsed from a string, so
 * the runtime imports under Trusted Types.
 */
const slotsTemplate = document.createDocumentFragment();
for (const name of ['', 'loading', 'error', 'mfe-content']) {
  const slot = slotsTemplate.appendChild(document.createElement('slot'));
  slot.name = name; // name="" is the default slot (hostSheet selects it as slot[name=""])
  slot.hidden = name == 'error';
}

const now = (): number => performance.now();
/** The scope chunk, imported once: a dynamic import() per mount doubled the time to mount 200 (npm run bench). */
let scopeChunk: Promise<unknown> | undefined;
/** Its `scope`, once loaded: a mount of an already-loaded module then never awaits. */
let scopeNow: typeof ScopeFn | undefined;

/**
 * The public properties: accessors over `#v` (no ReactiveElement: what it did for this class is
 * these accessors, the attribute conversion and one batched update per microtask).
 */
const PROPS = 'name src props route timeout retries errorHandling fallback isolation format loading'.split(' ');
/** Their defaults (and what a removed or unreadable attribute sets); `props` is a new `{}` per element. */
const DEFAULTS: Record<string, unknown> = { timeout: 1e4, retries: 2, errorHandling: 'fail', isolation: 'shadow', format: 'esm', loading: 'eager' };

/** Elements disconnected in the current task: one task later, those still out are unmounted. */
const gone = new Set<MfeHost>();

const navigate = (to: string, opts?: { replace?: boolean }): void => {
  history[opts?.replace ? 'replaceState' : 'pushState'](null, '', to);
  dispatchEvent(new PopStateEvent('popstate'));
};

/**
 * Hosts one micro-frontend.
 *
 * @tagname mfe-host
 * @attr props - Props as JSON, e.g. `props='{"invoiceId":"inv-7"}'`; the `props` property takes any object.
 * @attr {MfeStatus} status - Reflected lifecycle status (read-only): `idle`, `loading`, `mounting`, `mounted`, `unmounting` or `error`.
 * @slot - Fallback content: shown until the MFE is mounted, and again on error.
 * @slot loading - Shown only while loading and mounting.
 * @slot error - Shown on error (the default content otherwise).
 * @fires {CustomEvent<MfeEventDetail>} mfe-loaded - The entry was imported and bootstrapped.
 * @fires {CustomEvent<MfeMountedDetail>} mfe-mounted - `mount` finished; `detail.timing` holds `{ resolve, load, mount }` in ms.
 * @fires {CustomEvent<MfeEventDetail>} mfe-updated - `update` finished after a props or context change.
 * @fires {CustomEvent<MfeEventDetail>} mfe-unmounted - `unmount` finished (or failed) and the MFE was torn down.
 * @fires {CustomEvent<MfeErrorDetail>} mfe-error - Any failure, with `detail.phase` and `detail.error`. Cancel it to keep it off the console.
 * @fires {CustomEvent<MfeLeakDetail>} mfe-leak - The last instance of a module unmounted and left globals, listeners or timers behind.
 */
export class MfeHost extends HTMLElement {
  static observedAttributes = ['name', 'src', 'props', 'timeout', 'retries', 'error-handling', 'fallback', 'isolation', 'format', 'loading'];

  static {
    // Each property is an accessor: a new value schedules an update (#request).
    for (const p of PROPS)
      Object.defineProperty(this.prototype, p, {
        get(this: MfeHost) {
          return this.#v[p];
        },
        set(this: MfeHost, v: unknown) {
          if (this.#v[p] !== v) {
            this.#v[p] = v;
            this.#request();
          }
        },
      });
  }

  /**
   * Registry name, resolved through the manifest / `configure({ remotes })`.
   * @attr
   */
  declare name: string | undefined;
  /**
   * Explicit entry URL; wins over `name`.
   * @attr
   */
  declare src: string | undefined;
  /**
   * Object handed to the MFE; a new object calls `update` (or remounts an MFE without one).
   * @default {}
   */
  declare props: Record<string, unknown>;
  /** Set by `<mfe-router>`: becomes `ctx.route`; a new object calls `update` (no remount). */
  declare route: MountContext['route'];
  /**
   * Milliseconds allowed for load + bootstrap + mount (and for unmount).
   * @attr
   * @default 1e4
   */
  declare timeout: number;
  /**
   * Extra tries of a load that failed on the network.
   * @attr
   * @default 2
   */
  declare retries: number;
  /**
   * @attr error-handling
   * @default 'fail'
   */
  declare errorHandling: ErrorHandling;
  /**
   * Fallback entry URL for `error-handling="fallback"`.
   * @attr
   */
  declare fallback: string | undefined;
  /**
   * @attr
   * @default 'shadow'
   */
  declare isolation: Isolation;
  /**
   * @attr
   * @default 'esm'
   */
  declare format: MfeFormat;
  /**
   * @attr
   * @default 'eager'
   */
  declare loading: 'eager' | 'lazy';

  /** The values of the properties above. */
  #v: Record<string, unknown> = { ...DEFAULTS, props: {} };
  /** The update scheduled by a property change (#request) until it has run; before the first connection, that connection. */
  #pending?: Promise<boolean>;
  /** Resolves `#pending` at the first connection. */
  #connected?: (v: boolean) => void;

  #status: MfeStatus = 'idle';
  /** The status last written to the attribute (an unmount and the step after it both say idle). */
  #shown?: MfeStatus;
  #mounted?: Mounted;
  #dirty = false;
  #running = false;
  #queue: Promise<void> = Promise.resolve();
  #attempt?: { key: string; d: Deadline };
  #failedKey?: string;
  #failedPhase?: MfePhase;
  #reloads = 0;
  #seen = false;
  #offConfig?: () => void;
  #unlazy?: () => void;
  /** The shadow root, from the first connection on. */
  #root?: ShadowRoot;
  /** The default, loading, error and content slots, once there is light DOM to show (#slotted). */
  #slots?: HTMLCollectionOf<HTMLSlotElement>;
  /** Whether the error slot's slotchange is listened to (from the first error on). */
  #watching = false;
  /** Whether the error slot is shown instead of the default content. */
  #errorShown = false;

  constructor() {
    super();
    // Properties set on the element before the class was defined shadow the accessors: pass
    // them through the accessors instead.
    const own = this as unknown as Record<string, unknown>;
    for (const p of PROPS)
      if (this.hasOwnProperty(p)) {
        const v = own[p];
        delete own[p];
        own[p] = v;
      }
  }

  /** Lifecycle status, reflected as the `status` attribute. */
  get status(): MfeStatus {
    return this.#status;
  }

  /** Resolves once the update scheduled by property changes (if any) has run; not before the first connection. */
  get updateComplete(): Promise<boolean> {
    return this.#pending ?? (this.#root ? Promise.resolve(true) : (this.#pending = new Promise((r) => (this.#connected = r))));
  }

  /** Resolves with the status once the lifecycle has nothing left to do. */
  get settled(): Promise<MfeStatus> {
    return this.updateComplete.then(async () => {
      while (this.#running) await this.#queue;
      return this.#status;
    });
  }

  /** Resolve again, unmount, load and mount. Resolves with the new status. */
  reload(): Promise<MfeStatus> {
    this.#reloads++;
    this.#kick();
    return this.settled;
  }

  /** Call the mounted MFE's `activated` / `deactivated` hook (used by `<mfe-router>` keep-alive). */
  hook(name: 'activated' | 'deactivated'): void {
    this.#mounted?.mod.mfe[name]?.(this.#mounted.ctx);
  }

  attributeChangedCallback(name: string, _old: string | null, value: string | null): void {
    // Attributes set properties (never the other way round).
    if (name !== 'props') {
      const p = name == 'error-handling' ? 'errorHandling' : name;
      const v = value !== null && (name == 'timeout' || name == 'retries') ? +value : value;
      // A removed attribute, or a number that does not parse, means the default again.
      (this as unknown as Record<string, unknown>)[p] = v === null || v !== v ? DEFAULTS[p] : v;
      return;
    }
    if (value === null) return;
    try {
      const props: unknown = JSON.parse(value);
      // A JSON object (not an array, a string, a number or null).
      if ((props as object | null)?.constructor !== Object) throw new TypeError('not a JSON object');
      this.props = props as Record<string, unknown>;
    } catch (e) {
      // Keep the last good props; the MFE is neither broken nor remounted.
      this.#report(this.#mounted ? 'update' : 'mount', this.#mounted?.detail.entry ?? '', Error(`props attribute: ${describe(e)}`, { cause: e }));
    }
  }

  connectedCallback(): void {
    if (!this.#root) {
      this.#root = this.attachShadow({ mode: 'open' });
      this.#root.adoptedStyleSheets = [hostSheet];
      // Slots only once there is light DOM to show: now, or when some is added.
      if (this.firstChild) this.#slotted();
      else MfeHost.#children.observe(this, { childList: true });
      this.#connected?.(true);
      this.#pending = undefined;
    }
    this.#offConfig ??= onConfigChange(() => {
      if (this.#failedPhase === 'resolve') this.#failedKey = undefined;
      this.#kick();
    });
    this.#lazy();
    this.#kick();
  }

  disconnectedCallback(): void {
    // A move within the same task is not a removal: look again in the next task (one task for
    // every element removed in this one).
    if (!gone.size)
      setTimeout(() => {
        for (const el of gone)
          if (!el.isConnected) {
            el.#offConfig?.();
            el.#offConfig = undefined;
            el.#unlazy?.();
            el.#unlazy = undefined;
            el.#kick();
          }
        gone.clear();
      });
    gone.add(this);
  }

  /** Light DOM was added to elements that have no slots yet. */
  static #children = new MutationObserver((records) => {
    for (const r of records) (r.target as MfeHost).#slotted();
  });

  /** Put the slots in (once), before whatever the shadow root holds. */
  #slotted(): void {
    if (this.#slots) return;
    this.#root!.prepend(slotsTemplate.cloneNode(true));
    // Live, but its first four children are always the slots.
    this.#slots = this.#root!.children as HTMLCollectionOf<HTMLSlotElement>;
    this.#render();
  }

  /**
   * After a property change, once per microtask, and only from the first connection on (what
   * changed before it is taken up by connectedCallback).
   */
  #request(): void {
    if (this.#root)
      this.#pending ??= Promise.resolve().then(() => {
        this.#pending = undefined;
        this.#lazy();
        this.#kick();
        return true;
      });
  }

  /** With `loading="lazy"`, wait until near the viewport (the observer loads on demand). */
  #lazy(): void {
    if (this.loading !== 'lazy' || this.#seen || this.#unlazy || !this.isConnected) return;
    this.#unlazy = () => {};
    import('./lazy.js').then(({ whenNear }) => {
      if (this.#unlazy)
        this.#unlazy = whenNear(this, () => {
          this.#seen = true;
          this.#kick();
        });
    });
  }

  /** What should be mounted, as a comparable key; "" for nothing. */
  #key(): string {
    const want = this.isConnected && (this.src || this.name) && (this.loading !== 'lazy' || this.#seen);
    return want
      ? JSON.stringify([this.src, this.name, this.fallback, this.errorHandling, this.format, this.isolation, this.#reloads])
      : '';
  }

  #kick(): void {
    this.#dirty = true;
    if (this.#attempt && this.#attempt.key !== this.#key()) this.#attempt.d.cancel();
    if (this.#running) return;
    this.#running = true;
    this.#queue = Promise.resolve().then(async () => {
      try {
        while (this.#dirty) {
          this.#dirty = false;
          // Awaited only when a step has something to wait for.
          const p = this.#step();
          if (p) await p;
        }
      } catch (e) {
        this.#report('mount', '', e);
      } finally {
        this.#running = false;
      }
    });
  }

  /** One step towards what is wanted: a promise while it has something to wait for. */
  #step(): Promise<void> | undefined {
    const key = this.#key();
    const m = this.#mounted;
    if (m && m.key === key) {
      if (m.ctx.props !== this.props || m.ctx.context !== state.context || m.ctx.route !== this.route) return this.#update(m);
      return;
    }
    if (m) {
      // The mount, if one is wanted, is the next step.
      this.#dirty = true;
      return this.#unmount(m);
    }
    if (!key) {
      this.#failedKey = undefined;
      this.#setStatus('idle');
      return;
    }
    if (key !== this.#failedKey) return this.#mount(key);
  }

  async #mount(key: string): Promise<void> {
    // Called off by #kick as soon as what is wanted changes.
    let t = now();
    const attempt: { key: string; d: Deadline } = (this.#attempt = { key, d: new Deadline(this.timeout, t) });
    this.#failedKey = this.#failedPhase = undefined;
    /** Milliseconds since the last lap. */
    const lap = (): number => {
      const n = now();
      const d = n - t;
      t = n;
      return d;
    };
    const name = this.name ?? '';
    let phase: MfePhase = 'resolve';
    let entry = this.src && abs(this.src);
    let fallback = this.fallback && abs(this.fallback);
    let format = this.format;
    let version: string | undefined;
    let integrity: string | undefined;
    let styles: string[] | undefined;
    let expose: string | undefined;
    let shared: LoadSpec['shared'];
    const spec = (): LoadSpec => ({ name, format, expose, shared, iframe: this.isolation == 'iframe', sideEffects: state.sideEffects || undefined });
    /** What the manifest says of `name`. */
    const resolved = (r: ResolvedRemote): void => {
      ({ entry, version, integrity, styles, expose, shared } = r);
      // The element's own fallback attribute wins over the manifest's.
      fallback ||= r.fallback;
      format = r.format ?? format;
    };
    // A name resolves without waiting once the manifest is at hand (a failure is left to the
    // awaited resolve below, which reports it).
    if (!entry)
      try {
        const r = resolveNow(name);
        if (r) resolved(r);
      } catch {}
    // An entry that is already loaded (and the scope chunk with it), with no stylesheets to
    // fetch, mounts without a single await: no 'loading' status, no timer (npm run bench, row 2).
    const ready = entry && scopeNow && !styles?.length && loaded(entry, spec());
    if (!ready) this.#setStatus('loading');
    /** `p` within the deadline, unless the attempt is called off. */
    const wait = <T>(p: Promise<T>): Promise<T> => attempt.d.race(p);
    try {
      if (!entry) resolved(await wait(registry.resolve(name)));
      const main = entry!;
      // Looking up a module that is already loaded takes no time worth a clock read.
      const timing = { resolve: ready ? 0 : lap(), load: 0, mount: 0 };
      const entries = this.errorHandling === 'fallback' && fallback && fallback !== main ? [main, fallback] : [main];
      for (const [i, url] of entries.entries()) {
        entry = url;
        if (i) {
          t = now();
          attempt.d.done();
          attempt.d = new Deadline(this.timeout, t);
        }
        const detail: MfeEventDetail = { name, entry, version };
        try {
          phase = 'load';
          let mod = (!i && ready) || loaded(entry, spec());
          let urlSheets: CSSStyleSheet[] = [];
          // Manifest stylesheets (not a fallback's) load alongside the module and are adopted before mount.
          if (!i && styles?.length) {
            const css = import('../lifecycle/style-urls.js').then((m) => m.loadStyleUrls(styles!));
            css.catch(() => {});
            urlSheets = await wait(css);
          }
          if (!mod || !scopeNow) {
            // The mount's scope (registry, overlay) loads alongside, so mounting never waits for it.
            const scoping = (scopeChunk ??= import('./scope.js').then((m) => (scopeNow = m.scope)));
            // The integrity hash is the main entry's; a fallback has other bytes.
            mod = await wait(loadModule(entry, this.retries, state.retryDelay, i ? undefined : integrity, spec()));
            await wait(scoping);
            phase = 'bootstrap';
            await wait(bootstrap(mod));
          }
          this.#emit('mfe-loaded', detail);
          if (i || !ready) timing.load = lap();
          phase = 'mount';
          this.#setStatus('mounting', false);
          const m = this.#create(key, mod, detail, urlSheets, scopeNow!);
          let mounting: unknown;
          try {
            mounting = mod.mfe.mount(m.ctx);
            if (mounting && typeof (mounting as PromiseLike<void>).then === 'function') {
              this.#setStatus('mounting');
              await wait(Promise.resolve(mounting));
            }
            if (attempt.d.stale) throw STALE; // mount() itself changed what is wanted
          } catch (e) {
            // Still running (timed out or no longer wanted): undo it whenever it finishes.
            if (e === STALE || e === TIMEOUT) Promise.resolve(mounting).then(() => mod.mfe.unmount(m.ctx)).catch(() => {});
            this.#teardown(m);
            throw e;
          }
          this.#mounted = m;
          this.#setStatus('mounted');
          timing.mount = lap();
          this.#emit('mfe-mounted', { ...detail, timing });
          return;
        } catch (e) {
          if (e === STALE || i === entries.length - 1) throw e;
          this.#report(phase, entry, e, entries[i + 1]);
        }
      }
    } catch (e) {
      if (e === STALE) return;
      this.#failedKey = key;
      this.#failedPhase = phase;
      this.#setStatus('error');
      this.#report(phase, entry ?? '', e);
    } finally {
      attempt.d.done();
      if (this.#attempt === attempt) this.#attempt = undefined;
    }
  }

  /** The container, registry, styles and context of one mount. */
  #create(key: string, mod: LoadedModule, detail: MfeEventDetail, urlSheets: CSSStyleSheet[], scope: typeof ScopeFn): Mounted {
    const { name, version } = detail;
    const baseUrl = mod.base;
    const sheets = urlSheets.length ? [...urlSheets, ...mod.sheets] : mod.sheets;
    const shadow = this.isolation !== 'none';
    const root = this.#root!;
    // Shadow: styles adopted over the host sheet, container in the shadow root. None: styles
    // shared with the enclosing root, container slotted into the content slot.
    if (!shadow) this.#slotted();
    const s = scope(name, this, shadow ? root : null, [hostSheet, ...sheets]);
    // `ctx.signal` and `ctx.bus` are made when the MFE first asks for them: most never do.
    let ac: AbortController | undefined;
    let over = false;
    let bus: MfeBus | undefined;
    const signal = (): AbortSignal => {
      ac ??= new AbortController();
      if (over) ac.abort();
      return ac.signal;
    };
    const ctx: MountContext = {
      host: s.container,
      shadowRoot: shadow ? root : null,
      props: this.props,
      context: state.context,
      name,
      version,
      baseUrl,
      get bus() {
        return (bus ??= scopedBus(name, signal()));
      },
      get signal() {
        return signal();
      },
      navigate,
      route: this.route,
      registry: s.registry,
      get overlayRoot() {
        return s.overlay();
      },
    };
    mod.fx?.(1, this);
    const stop = (): void => {
      over = true;
      ac?.abort();
    };
    return { key, mod, ctx, stop, scope: s, detail };
  }

  async #update(m: Mounted): Promise<void> {
    m.ctx.props = this.props;
    m.ctx.context = state.context;
    m.ctx.route = this.route;
    const { update } = m.mod.mfe;
    if (!update) {
      m.key = ''; // no update(): remount with the new props
      this.#dirty = true;
    } else if (await this.#call(m, 'update', update)) this.#emit('mfe-updated', m.detail);
  }

  /**
   * Run an `update`/`unmount` within the timeout; report and return false when it fails. A call
   * that returns a promise first sets the status `waiting` (if any) asked for.
   */
  async #call(m: Mounted, phase: MfePhase, fn: (ctx: MountContext) => unknown, waiting?: MfeStatus): Promise<boolean> {
    try {
      const r = fn(m.ctx) as PromiseLike<unknown> | undefined;
      // Only a call that returns a promise needs (and arms) a deadline.
      if (r && typeof r.then == 'function') {
        if (waiting) this.#setStatus(waiting);
        const d = new Deadline(this.timeout);
        try {
          await d.race(r);
        } finally {
          d.done();
        }
      }
      return true;
    } catch (e) {
      this.#report(phase, m.detail.entry, e);
      return false;
    }
  }

  async #unmount(m: Mounted): Promise<void> {
    this.#setStatus('unmounting', false);
    await this.#call(m, 'unmount', m.mod.mfe.unmount, 'unmounting');
    this.#teardown(m);
    this.#mounted = undefined;
    this.#setStatus('idle');
    this.#emit('mfe-unmounted', m.detail);
  }

  /** Remove everything a mount added, whatever the MFE did or failed to do. */
  #teardown(m: Mounted): void {
    m.stop();
    m.scope.remove();
    m.mod.fx?.(-1, this);
  }

  /**
   * Set the status, and reflect it unless `reflect` is false: `mounting` and `unmounting` are
   * written only once `mount`/`unmount` turn out to need waiting for, since a status that ends
   * in the task it began in is never rendered (a write per status was the costliest DOM call of
   * a mount: npm run bench, row 2).
   */
  #setStatus(s: MfeStatus, reflect = true): void {
    this.#status = s;
    if (reflect) {
      if (this.#shown !== s) this.setAttribute('status', (this.#shown = s));
      this.#render();
    }
  }

  /**
   * On error, show the error slot instead of the default content if it has content (the CSS of
   * `hostSheet` shows and hides the slots for every other status).
   */
  #render(): void {
    const s = this.#slots;
    if (!s) return;
    const error = this.#status === 'error' && this.errorHandling !== 'degrade' && s[2].assignedNodes().length > 0;
    if (this.#status === 'error' && !this.#watching) {
      // Error content added or removed while in error: look again.
      this.#watching = true;
      s[2].addEventListener('slotchange', () => this.#render());
    }
    if (error !== this.#errorShown) {
      s[2].hidden = !(this.#errorShown = error);
      s[0].hidden = error;
    }
  }

  #emit<K extends keyof MfeHostEventMap>(type: K, detail: MfeHostEventMap[K]['detail']): boolean {
    return this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true, cancelable: true }));
  }

  /** The one place failures go: an `mfe-error` event, and the console unless cancelled or degraded. */
  #report(phase: MfePhase, entry: string, cause: unknown, fallback?: string): void {
    const name = this.name ?? '';
    const timeout = cause === TIMEOUT;
    const error = new MfeError(name, entry, phase, timeout ? `timed out after ${this.timeout} ms` : describe(cause), timeout ? undefined : cause);
    const detail: MfeErrorDetail = { name, entry, phase, error, fallback };
    if (this.#emit('mfe-error', detail) && this.errorHandling !== 'degrade') console.error(error);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'mfe-host': MfeHost;
  }
  // The events bubble and are composed, so they reach document and window too.
  interface HTMLElementEventMap extends MfeHostEventMap {}
  interface DocumentEventMap extends MfeHostEventMap {}
  interface WindowEventMap extends MfeHostEventMap {}
}
