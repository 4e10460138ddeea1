/**
 * `<mfe-host>`: resolves an MFE, loads it once per page, mounts it in a shadow root and keeps it
 * in step with the element's attributes, props and the shell context (api.md §2).
 *
 * The element is a small reconciler: every change marks it dirty, and one serialised loop per
 * element (`#run`) brings what is mounted in line with what is wanted. An attempt in flight is
 * abandoned (never mounted) as soon as what is wanted changes.
 */
import { ReactiveElement } from '@lit/reactive-element';
import type { MfeErrorDetail, MfeEventDetail, MfeHostEventMap, MfePhase, MfeStatus, MountContext } from '../types.js';
import { state, onConfigChange } from '../discovery/config.js';
import { registry } from '../discovery/registry.js';
import type { MfeFormat } from '../lifecycle/formats.js';
import { MfeError, describe } from '../lifecycle/errors.js';
import { BadModule, bootstrap, loadModule, type LoadedModule } from '../lifecycle/load.js';
import { buildSheets, shareSheets } from '../lifecycle/styles.js';
import { isBusy, showsContent } from '../lifecycle/status.js';
import { scopedBus } from '../events/bus.js';

export type ErrorHandling = 'fail' | 'fallback' | 'degrade';
export type Isolation = 'shadow' | 'none' | 'iframe';

interface Mounted {
  key: string;
  mod: LoadedModule;
  ctx: MountContext;
  abort: AbortController;
  container: HTMLElement;
  detail: MfeEventDetail;
  /** The root the MFE's styles were shared into, with `isolation="none"`. */
  styleRoot?: DocumentOrShadowRoot;
}

/** Thrown inside an attempt that is no longer wanted. */
const STALE = Symbol('stale');
/** Thrown when the deadline passes. */
const TIMEOUT = Symbol('timeout');

const hostSheet = new CSSStyleSheet();
hostSheet.replaceSync(':host{display:block}[hidden]{display:none!important}');

const abs = (url: string): string => new URL(url, document.baseURI).href;
const now = (): number => performance.now();
const run = <T>(fn: () => T | Promise<T>): Promise<T> => new Promise<T>((r) => r(fn()));

/** `p`, unless `signal` aborts first (STALE) or `ms` pass (TIMEOUT). */
const race = <T>(p: Promise<T>, signal: AbortSignal | undefined, ms: number): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const stale = (): void => reject(STALE);
    const timer = setTimeout(() => reject(TIMEOUT), Math.max(0, ms));
    signal?.addEventListener('abort', stale);
    p.then(resolve, reject).finally(() => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', stale);
    });
  });

const navigate = (to: string, opts?: { replace?: boolean }): void => {
  history[opts?.replace ? 'replaceState' : 'pushState'](null, '', to);
  dispatchEvent(new PopStateEvent('popstate'));
};

/**
 * Hosts one micro-frontend.
 *
 * @slot - Fallback content: shown until the MFE is mounted, and again on error.
 * @slot loading - Shown only while loading and mounting.
 * @slot error - Shown on error (the default content otherwise).
 * @fires mfe-loaded - The entry was imported and bootstrapped.
 * @fires mfe-mounted - `mount` finished; `detail.timing` holds `{ resolve, load, mount }` in ms.
 * @fires mfe-updated - `update` finished after a props or context change.
 * @fires mfe-unmounted - `unmount` finished (or failed) and the MFE was torn down.
 * @fires mfe-error - Any failure, with `detail.phase` and `detail.error`. Cancel it to keep it off the console.
 */
export class MfeHost extends ReactiveElement {
  static override properties = {
    name: {},
    src: {},
    props: { attribute: false },
    timeout: { type: Number },
    retries: { type: Number },
    errorHandling: { attribute: 'error-handling' },
    fallback: {},
    isolation: {},
    format: {},
    loading: {},
  };

  /** Registry name, resolved through the manifest / `configure({ remotes })`. */
  declare name: string | undefined;
  /** Explicit entry URL; wins over `name`. */
  declare src: string | undefined;
  /** Object handed to the MFE; a new object calls `update` (or remounts an MFE without one). */
  declare props: Record<string, unknown>;
  /** Milliseconds allowed for load + bootstrap + mount (and for unmount). */
  declare timeout: number;
  /** Extra tries of a load that failed on the network. */
  declare retries: number;
  declare errorHandling: ErrorHandling;
  /** Fallback entry URL for `error-handling="fallback"`. */
  declare fallback: string | undefined;
  declare isolation: Isolation;
  declare format: MfeFormat;
  declare loading: 'eager' | 'lazy';

  #status: MfeStatus = 'idle';
  #mounted?: Mounted;
  #dirty = false;
  #running = false;
  #queue: Promise<void> = Promise.resolve();
  #attempt?: AbortController;
  #attemptKey?: string;
  #failedKey?: string;
  #failedPhase?: MfePhase;
  #reloads = 0;
  #seen = false;
  #offConfig?: () => void;
  #slots?: { def: HTMLSlotElement; loading: HTMLSlotElement; error: HTMLSlotElement; content: HTMLSlotElement };

  constructor() {
    super();
    this.props = {};
    this.timeout = 10000;
    this.retries = 2;
    this.errorHandling = 'fail';
    this.isolation = 'shadow';
    this.format = 'esm';
    this.loading = 'eager';
  }

  /** Lifecycle status, reflected as the `status` attribute. */
  get status(): MfeStatus {
    return this.#status;
  }

  /** Resolves with the status once the lifecycle has nothing left to do. */
  get settled(): Promise<MfeStatus> {
    return (async () => {
      await this.updateComplete;
      while (this.#running) await this.#queue;
      return this.#status;
    })();
  }

  /** Resolve again, unmount, load and mount. Resolves with the new status. */
  reload(): Promise<MfeStatus> {
    this.#reloads++;
    this.#kick();
    return this.settled;
  }

  static override get observedAttributes(): string[] {
    return [...super.observedAttributes, 'props'];
  }

  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    if (name !== 'props') return super.attributeChangedCallback(name, old, value);
    if (value === null) return;
    try {
      const props: unknown = JSON.parse(value);
      if (!props || typeof props !== 'object' || Array.isArray(props)) throw new TypeError('not a JSON object');
      this.props = props as Record<string, unknown>;
    } catch (e) {
      // Keep the last good props; the MFE is neither broken nor remounted.
      const entry = this.#mounted?.detail.entry ?? '';
      this.#report(this.#mounted ? 'update' : 'mount', entry, `the props attribute of ${entry || this.src || 'the element'} is not valid: ${describe(e)}`, e);
    }
  }

  protected override createRenderRoot(): ShadowRoot {
    const root = this.attachShadow({ mode: 'open' });
    root.adoptedStyleSheets = [hostSheet];
    const slot = (name?: string): HTMLSlotElement => {
      const s = document.createElement('slot');
      if (name) s.name = name;
      return root.appendChild(s);
    };
    this.#slots = { def: slot(), loading: slot('loading'), error: slot('error'), content: slot('mfe-content') };
    this.#slots.error.addEventListener('slotchange', () => this.#render());
    this.#render();
    return root;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#offConfig ??= onConfigChange(() => {
      if (this.#failedPhase === 'resolve') this.#failedKey = undefined;
      this.#kick();
    });
    if (this.loading === 'lazy' && !this.#seen) MfeHost.#io().observe(this);
    this.#kick();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    // A move within the same task is not a removal: look again in the next task.
    setTimeout(() => {
      if (this.isConnected) return;
      this.#offConfig?.();
      this.#offConfig = undefined;
      MfeHost.#observer?.unobserve(this);
      this.#kick();
    });
  }

  protected override updated(): void {
    if (this.loading === 'lazy' && !this.#seen && this.isConnected) MfeHost.#io().observe(this);
    this.#kick();
  }

  static #observer?: IntersectionObserver;
  static #io(): IntersectionObserver {
    return (MfeHost.#observer ??= new IntersectionObserver(
      (entries) => {
        for (const e of entries) {
          if (!e.isIntersecting) continue;
          const el = e.target as MfeHost;
          MfeHost.#observer?.unobserve(el);
          el.#seen = true;
          el.#kick();
        }
      },
      { rootMargin: '200px' },
    ));
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
    if (this.#attempt && this.#attemptKey !== this.#key()) this.#attempt.abort();
    if (this.#running) return;
    this.#running = true;
    this.#queue = Promise.resolve().then(async () => {
      try {
        while (this.#dirty) {
          this.#dirty = false;
          await this.#step();
        }
      } catch (e) {
        this.#report('mount', '', `internal error: ${describe(e)}`, e);
      } finally {
        this.#running = false;
      }
    });
  }

  async #step(): Promise<void> {
    const key = this.#key();
    const m = this.#mounted;
    if (m && m.key === key) {
      if (m.ctx.props !== this.props || m.ctx.context !== state.context) await this.#update(m);
      return;
    }
    if (m) await this.#unmount(m);
    if (!key) {
      this.#failedKey = undefined;
      this.#setStatus('idle');
      return;
    }
    if (key !== this.#failedKey) await this.#mount(key);
  }

  async #mount(key: string): Promise<void> {
    const attempt = (this.#attempt = new AbortController());
    this.#attemptKey = key;
    this.#failedKey = this.#failedPhase = undefined;
    this.#setStatus('loading');
    const t0 = now();
    let deadline = t0 + this.timeout;
    let name = this.name ?? '';
    let phase: MfePhase = 'resolve';
    let entry = '';
    try {
      let version: string | undefined;
      let fallback = this.fallback ? abs(this.fallback) : undefined;
      let format = this.format;
      if (this.src) {
        entry = abs(this.src);
      } else {
        const r = await race(registry.resolve(name), attempt.signal, deadline - now());
        ({ entry, version } = r);
        fallback ??= r.fallback;
        format = r.format ?? format;
      }
      if (format !== 'esm') throw new Error(`format="${format}" is not supported by this build`);
      if (this.isolation !== 'shadow' && this.isolation !== 'none')
        throw new Error(`isolation="${this.isolation}" is not supported by this build`);
      const tResolve = now() - t0;
      const entries = this.errorHandling === 'fallback' && fallback && fallback !== entry ? [entry, fallback] : [entry];
      for (let i = 0; i < entries.length; i++) {
        entry = entries[i];
        if (i) deadline = now() + this.timeout;
        try {
          phase = 'load';
          const t1 = now();
          return await this.#mountEntry(key, attempt.signal, deadline, { name, entry, version }, (p) => (phase = p), t1, tResolve);
        } catch (e) {
          if (e === STALE || i === entries.length - 1) throw e;
          this.#report(phase, entry, this.#message(e, phase, entry), e, entries[i + 1]);
        }
      }
    } catch (e) {
      if (e === STALE) return;
      this.#failedKey = key;
      this.#failedPhase = phase;
      this.#setStatus('error');
      this.#report(phase, entry, this.#message(e, phase, entry), e);
    } finally {
      if (this.#attempt === attempt) this.#attempt = undefined;
    }
  }

  #message(e: unknown, phase: MfePhase, entry: string): string {
    if (e === TIMEOUT) return `${entry || this.name} timed out after ${this.timeout} ms in ${phase}`;
    if (e instanceof BadModule) return e.message;
    if (phase === 'resolve' || phase === 'load') return describe(e).replace(/^Error: /, '');
    return `${phase}() of ${entry} failed: ${describe(e)}`;
  }

  async #mountEntry(
    key: string,
    signal: AbortSignal,
    deadline: number,
    detail: MfeEventDetail,
    setPhase: (p: MfePhase) => void,
    t1: number,
    tResolve: number,
  ): Promise<void> {
    const { entry, name, version } = detail;
    const mod = await race(loadModule(entry, this.retries, state.retryDelay), signal, deadline - now());
    setPhase('bootstrap');
    await race(bootstrap(mod), signal, deadline - now());
    this.#emit('mfe-loaded', detail);
    const t2 = now();
    setPhase('mount');
    this.#setStatus('mounting');
    const baseUrl = new URL('.', entry).href;
    const sheets = (mod.sheets ??= buildSheets(mod.mfe.styles, baseUrl));
    const shadow = this.isolation === 'shadow';
    const root = this.renderRoot as ShadowRoot;
    const container = document.createElement('div');
    container.setAttribute('part', 'content');
    container.hidden = true;
    let styleRoot: DocumentOrShadowRoot | undefined;
    if (shadow) {
      root.adoptedStyleSheets = [hostSheet, ...sheets];
      root.append(container);
    } else {
      container.slot = 'mfe-content';
      this.append(container);
      shareSheets((styleRoot = this.getRootNode() as Document | ShadowRoot), sheets, 1);
    }
    const abort = new AbortController();
    const ctx: MountContext = {
      host: container,
      shadowRoot: shadow ? root : null,
      props: this.props,
      context: state.context,
      name,
      version,
      baseUrl,
      bus: scopedBus(name, abort.signal),
      signal: abort.signal,
      navigate,
    };
    const m: Mounted = { key, mod, ctx, abort, container, detail, styleRoot };
    const mounting = run(() => mod.mfe.mount(ctx));
    try {
      await race(mounting, signal, deadline - now());
    } catch (e) {
      // Still running (timed out or no longer wanted): undo it whenever it finishes.
      if (e === STALE || e === TIMEOUT) mounting.then(() => mod.mfe.unmount(ctx)).catch(() => {});
      this.#teardown(m);
      throw e;
    }
    this.#mounted = m;
    this.#setStatus('mounted');
    this.#emit('mfe-mounted', { ...detail, timing: { resolve: tResolve, load: t2 - t1, mount: now() - t2 } });
  }

  async #update(m: Mounted): Promise<void> {
    m.ctx.props = this.props;
    m.ctx.context = state.context;
    const { update } = m.mod.mfe;
    if (!update) {
      m.key = ''; // no update(): remount with the new props
      this.#dirty = true;
      return;
    }
    try {
      await race(run(() => update(m.ctx)), undefined, this.timeout);
      this.#emit('mfe-updated', m.detail);
    } catch (e) {
      this.#report('update', m.detail.entry, this.#message(e, 'update', m.detail.entry), e);
    }
  }

  async #unmount(m: Mounted): Promise<void> {
    this.#setStatus('unmounting');
    try {
      await race(run(() => m.mod.mfe.unmount(m.ctx)), undefined, this.timeout);
    } catch (e) {
      this.#report('unmount', m.detail.entry, this.#message(e, 'unmount', m.detail.entry), e);
    }
    this.#teardown(m);
    this.#mounted = undefined;
    this.#setStatus('idle');
    this.#emit('mfe-unmounted', m.detail);
  }

  /** Remove everything a mount added, whatever the MFE did or failed to do. */
  #teardown(m: Mounted): void {
    m.abort.abort();
    m.container.remove();
    if (m.styleRoot) shareSheets(m.styleRoot, m.mod.sheets ?? [], -1);
    else (this.renderRoot as ShadowRoot).adoptedStyleSheets = [hostSheet];
  }

  #setStatus(s: MfeStatus): void {
    this.#status = s;
    this.setAttribute('status', s);
    this.#render();
  }

  /** Show exactly the slots that belong to the current status. */
  #render(): void {
    const s = this.#slots;
    if (!s) return;
    const st = this.#status;
    const error = st === 'error' && this.errorHandling !== 'degrade' && s.error.assignedNodes().length > 0;
    s.loading.hidden = !isBusy(st);
    s.error.hidden = !error;
    s.def.hidden = showsContent(st) || error;
    s.content.hidden = !showsContent(st);
    if (this.#mounted) this.#mounted.container.hidden = !showsContent(st);
  }

  #emit<K extends keyof MfeHostEventMap>(type: K, detail: MfeHostEventMap[K]['detail']): boolean {
    return this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true, cancelable: type === 'mfe-error' }));
  }

  /** The one place failures go: an `mfe-error` event, and the console unless cancelled or degraded. */
  #report(phase: MfePhase, entry: string, message: string, cause: unknown, fallback?: string): void {
    const name = this.name ?? '';
    const error = new MfeError(name, entry, phase, message, cause === TIMEOUT ? undefined : cause);
    const detail: MfeErrorDetail = { name, entry, phase, error };
    if (fallback) detail.fallback = fallback;
    if (this.#emit('mfe-error', detail) && this.errorHandling !== 'degrade') console.error(error);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'mfe-host': MfeHost;
  }
  interface HTMLElementEventMap extends MfeHostEventMap {}
}
