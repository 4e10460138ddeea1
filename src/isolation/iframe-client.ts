/**
 * The iframe side of `isolation="iframe"`, and the messages both sides exchange.
 *
 * {@link client} runs inside the sandboxed iframe. It is never imported there: the parent
 * serialises it (`String(client)`) into the one inline script of the iframe's `srcdoc`, so the
 * iframe needs no request to the runtime's origin. It must therefore stay self-contained: no
 * imports, no reference to anything outside its own body (types are erased, which is fine).
 * The builds (ES2022, minified or not) keep it so; a consumer's toolchain that rewrites
 * node_modules into code calling shared helpers (Babel down to ES5, coverage instrumentation)
 * would break it.
 *
 * Connection: the client creates a `MessageChannel` and posts one end to `parent` with the
 * parent's origin as `targetOrigin` (the browser delivers it only if the parent really has that
 * origin). The parent accepts it only from this iframe's window. Nothing else is ever read
 * from window messages on either side: all further traffic goes over the private port.
 */
import type { BusMeta } from '../events/bus.js';

/** What the parent writes into the iframe's bootstrap script. */
export interface ClientConfig {
  format: 'esm' | 'html';
  /** Entry URL (esm) or page URL (html). */
  url: string;
  name: string;
  version?: string;
  baseUrl: string;
  /** The page's origin: the only target the connection is posted to. */
  parent: string;
  /** html only: props and context as JSON, readable by the page's scripts before the first message. */
  props?: Record<string, unknown>;
  context?: Record<string, unknown>;
}

/** `ctx.route` on the wire: `query` as a string (a `URLSearchParams` does not clone). */
export interface WireRoute {
  basePath: string;
  path: string;
  params: Record<string, string>;
  query: string;
}

export interface WireState {
  props: Record<string, unknown>;
  context: Record<string, unknown>;
  route?: WireRoute;
}

/** Parent → iframe. Requests carry an `id` the answer repeats. */
export type Down =
  | ({ t: 'mount' | 'update'; id: number } & WireState)
  | { t: 'unmount'; id: number }
  | { t: 'hook'; name: 'activated' | 'deactivated' }
  | { t: 'event'; type: string; detail: unknown; meta: BusMeta; replay: boolean };

/** Where in the iframe a request failed. */
export type Stage = 'import' | 'bootstrap' | 'mount' | 'update' | 'unmount';

/** Iframe → parent. */
export type Up =
  | { t: 'done'; id: number }
  | { t: 'fail'; id: number; stage: Stage; name: string; message: string }
  | { t: 'size'; height: number }
  | { t: 'emit'; type: string; detail: unknown; crossTab: boolean }
  | { t: 'on' | 'off'; type: string }
  | { t: 'navigate'; to: string; replace: boolean }
  | { t: 'loaded' | 'gone' };

/** The first (and only) window message: `{ mfeHost: 'connect' }`, with the port transferred. */
export const CONNECT = 'connect';

/**
 * Runs in the iframe (see the file comment: self-contained). Connects to the parent, reports
 * the document's height, bridges the bus, and for `esm` imports the entry and runs its
 * lifecycle on the parent's requests; for `html` exposes `window.mfeHost` to the page's scripts.
 */
export function client(cfg: ClientConfig): void {
  type Listener = (detail: unknown, meta: BusMeta) => void;
  type Sub = { fn: Listener; replay: boolean; once: boolean };
  type Check = boolean | string | ReadonlyArray<unknown> | undefined | void;
  type Schema = { '~standard': { validate(v: unknown): { issues?: ReadonlyArray<unknown> } | Promise<{ issues?: ReadonlyArray<unknown> }> } };
  type Validator = Schema | ((detail: unknown) => Check);
  type Mod = {
    bootstrap?(): unknown;
    mount(ctx: object): unknown;
    update?(ctx: object): unknown;
    unmount(ctx: object): unknown;
    activated?(ctx: object): unknown;
    deactivated?(ctx: object): unknown;
    styles?: unknown;
  };

  const channel = new MessageChannel();
  const port = channel.port1;
  const post = (m: Up): void => port.postMessage(m);
  const describe = (e: unknown): string =>
    e instanceof Error ? (e.name === 'Error' ? e.message : `${e.name}: ${e.message}`) : String(e);

  // ---- bus ----
  const subs = new Map<string, Set<Sub>>();
  const seen = new Map<string, [unknown, BusMeta]>();
  const contracts = new Map<string, Validator>();
  const checkType = (type: string): string => {
    if (!/^[^:\s]+:\S+$/.test(type)) throw new TypeError(`mfe-host bus: "${type}" is not a namespaced event type ("domain:name")`);
    return type;
  };
  /** Whether `detail` passes this iframe's contract for `type` (a promise only for an async schema). */
  const admit = (type: string, detail: unknown): boolean | Promise<boolean> => {
    const verdict = (r: Check): boolean => {
      if ((r ?? true) === true) return true;
      reportError(new TypeError(`mfe-host bus: "${type}" payload rejected by its contract: ${JSON.stringify(r)}`));
      return false;
    };
    const v = contracts.get(type);
    try {
      if (!v) return true;
      if (typeof v == 'function') return verdict(v(detail));
      const r = v['~standard'].validate(detail);
      return r instanceof Promise ? r.then((x) => verdict(x.issues), (e) => verdict(describe(e))) : verdict(r.issues);
    } catch (e) {
      return verdict(describe(e));
    }
  };
  /** `f(v)` now, or once `v` resolves. */
  const then = (v: boolean | Promise<boolean>, f: (ok: boolean) => void): void => void (v instanceof Promise ? v.then(f) : f(v));
  const deliver = (type: string, detail: unknown, meta: BusMeta, replay: boolean): void => {
    then(admit(type, detail), (ok) => {
      if (!ok) return;
      seen.set(type, [detail, meta]);
      for (const s of [...(subs.get(type) ?? [])]) {
        if (replay && !s.replay) continue;
        if (s.once) subs.get(type)!.delete(s);
        try {
          s.fn(detail, meta);
        } catch (e) {
          reportError(e);
        }
      }
    });
  };
  const busFor = (scope?: AbortSignal) => ({
    emit(type: string, detail: unknown, options?: { crossTab?: boolean }): void {
      checkType(type);
      then(admit(type, detail), (ok) => {
        if (!ok) return;
        try {
          post({ t: 'emit', type, detail, crossTab: !!options?.crossTab });
        } catch (e) {
          reportError(new TypeError(`mfe-host bus: "${type}" cannot leave the iframe: ${describe(e)}`));
        }
      });
    },
    on(type: string, fn: Listener, o: { replay?: boolean; once?: boolean; signal?: AbortSignal } = {}): () => void {
      checkType(type);
      const signal = o.signal && scope ? AbortSignal.any([o.signal, scope]) : o.signal || scope;
      const last = seen.get(type);
      if (o.replay && last && !signal?.aborted) {
        try {
          fn(...last);
        } catch (e) {
          reportError(e);
        }
        if (o.once) return () => {};
      }
      let set = subs.get(type);
      if (!set) subs.set(type, (set = new Set()));
      const sub: Sub = { fn, replay: !!o.replay, once: !!o.once };
      const off = (): void => {
        if (!set.delete(sub) || set.size) return;
        subs.delete(type);
        post({ t: 'off', type });
      };
      if (signal?.aborted) return () => {};
      // The parent subscribes once per type, and forwards only the types asked for here.
      if (!set.size) post({ t: 'on', type });
      set.add(sub);
      signal?.addEventListener('abort', off);
      return off;
    },
    last: (type: string): unknown => seen.get(type)?.[0],
    contract(type: string, v: Validator): void {
      contracts.set(checkType(type), v);
    },
  });
  const navigate = (to: string, o?: { replace?: boolean }): void => post({ t: 'navigate', to: String(to), replace: !!o?.replace });

  // ---- auto-size: the document's height, whenever it changes ----
  let height = -1;
  const measure = (): void => {
    const root = document.documentElement;
    // Not rendered (the element keeps its content hidden until mounted): nothing true to report.
    if (!root || !innerWidth) return;
    const h = Math.ceil(root.getBoundingClientRect().height);
    if (h !== height) post({ t: 'size', height: (height = h) });
  };
  if (typeof ResizeObserver == 'function') new ResizeObserver(measure).observe(document.documentElement);

  // ---- lifecycle ----
  const route = (r?: WireRoute) => r && { ...r, query: new URLSearchParams(r.query) };
  const pick = (m: unknown): Mod | undefined =>
    m && typeof (m as Mod).mount == 'function' ? (m as Mod) : undefined;
  let imported: Promise<Mod> | undefined;
  if (cfg.format == 'esm')
    (imported = import(/* @vite-ignore */ /* webpackIgnore: true */ cfg.url).then((ns: Record<string, unknown>) => {
      const m = pick(ns) ?? pick(ns.default) ?? pick(ns.mfe);
      if (!m) throw new Error('does not export mount()');
      if (typeof m.unmount != 'function') throw new Error('does not export unmount()');
      return m;
    })).catch(() => {}); // reported when the parent asks to mount
  let mod: Mod | undefined;
  let ctx: (Record<string, unknown> & { signal: AbortSignal; props: unknown }) | undefined;
  let abort: AbortController | undefined;
  let host: HTMLElement | undefined;

  const page = cfg.format == 'html' ? { props: cfg.props ?? {}, context: cfg.context ?? {} } : undefined;
  let pageAbort: AbortController | undefined;
  if (page) {
    pageAbort = new AbortController();
    // The page's own scripts (which run after this one) use this: props, context, the bus.
    Object.assign(window, {
      mfeHost: Object.assign(page, {
        name: cfg.name,
        version: cfg.version,
        baseUrl: cfg.baseUrl,
        bus: busFor(),
        navigate,
        signal: pageAbort.signal,
      }),
    });
  }

  if (page)
    // With a <base>, `href="#part"` means the page's real URL: a navigation away from this
    // document (and its bridge). Scroll within it instead, as the page would on its own.
    addEventListener('click', (e) => {
      const a = (e.target as Element | null)?.closest?.('a[href]') as HTMLAnchorElement | null;
      if (!a || e.defaultPrevented || (a.target && a.target != '_self')) return;
      const u = new URL(a.href);
      if (u.hash && u.href.split('#')[0] == cfg.url.split('#')[0]) {
        e.preventDefault();
        location.hash = u.hash;
      }
    });

  /** Adopt the module's `styles` (constructable sheets: allowed under a strict CSP). */
  const adopt = (styles: unknown): void => {
    const base = new CSSStyleSheet();
    base.replaceSync('body{margin:0}');
    const sheets = [base];
    for (const s of ([] as unknown[]).concat(styles ?? [])) {
      if (s instanceof CSSStyleSheet) sheets.push(s);
      else if (typeof s == 'string') {
        const sheet = new CSSStyleSheet();
        sheet.replaceSync(s);
        sheets.push(sheet);
      }
    }
    document.adoptedStyleSheets = sheets;
  };

  const newCtx = (m: WireState): NonNullable<typeof ctx> => {
    abort = new AbortController();
    host ??= document.body.appendChild(document.createElement('div'));
    return {
      host,
      shadowRoot: null,
      props: m.props,
      context: m.context,
      name: cfg.name,
      version: cfg.version,
      baseUrl: cfg.baseUrl,
      bus: busFor(abort.signal),
      signal: abort.signal,
      registry: customElements,
      route: route(m.route),
      navigate,
    };
  };

  const lifecycle = async (m: Extract<Down, { id: number }>): Promise<void> => {
    let stage: Stage = m.t == 'mount' ? 'import' : m.t;
    try {
      if (page) {
        // An html page: its scripts have run once the document is parsed.
        if (m.t != 'unmount') {
          page.props = m.props;
          page.context = m.context;
          if (m.t == 'update') dispatchEvent(new CustomEvent('mfe-update', { detail: { props: m.props, context: m.context } }));
          else if (document.readyState == 'loading')
            await new Promise((r) => addEventListener('DOMContentLoaded', r, { once: true }));
        } else {
          dispatchEvent(new CustomEvent('mfe-unmount'));
          pageAbort!.abort();
        }
      } else if (m.t == 'mount') {
        mod = await imported!;
        stage = 'bootstrap';
        await mod.bootstrap?.();
        stage = 'mount';
        adopt(mod.styles);
        ctx = newCtx(m);
        await mod.mount(ctx);
      } else if (mod && ctx) {
        if (m.t == 'update') {
          Object.assign(ctx, { props: m.props, context: m.context, route: route(m.route) });
          if (mod.update) await mod.update(ctx);
          else {
            // No update(): unmount and mount again, inside this same iframe.
            await mod.unmount(ctx);
            abort!.abort();
            host!.replaceChildren();
            ctx = newCtx(m);
            await mod.mount(ctx);
          }
        } else {
          const c = ctx;
          ctx = undefined;
          try {
            await mod.unmount(c);
          } finally {
            abort!.abort();
          }
        }
      }
      post({ t: 'done', id: m.id });
    } catch (e) {
      post({ t: 'fail', id: m.id, stage, name: e instanceof Error ? e.name : 'Error', message: e instanceof Error ? e.message : String(e) });
    }
    measure();
  };

  // The parent counts the frame's documents: this one is ours. And when it goes away
  // (navigated, or the frame was moved or removed), say so where the browser lets us.
  addEventListener('load', () => post({ t: 'loaded' }));
  addEventListener('pagehide', () => post({ t: 'gone' }));

  // Lifecycle requests run one after another; bus events are delivered at once.
  let queue = Promise.resolve();
  port.onmessage = (e: MessageEvent<Down>): void => {
    const m = e.data;
    if (m.t == 'event') deliver(m.type, m.detail, m.meta, m.replay);
    else if (m.t == 'hook') {
      if (mod && ctx)
        try {
          mod[m.name]?.(ctx);
        } catch (err) {
          reportError(err);
        }
    } else queue = queue.then(() => lifecycle(m));
  };
  // An opaque-origin parent (a sandboxed page) cannot be named as a target: then '*'.
  parent.postMessage({ mfeHost: 'connect' }, cfg.parent == 'null' ? '*' : cfg.parent, [channel.port2]);
}
