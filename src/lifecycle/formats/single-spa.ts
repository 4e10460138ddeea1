/**
 * `format="single-spa"`: mounts a module that exports single-spa lifecycles (what
 * single-spa-react, single-spa-vue, single-spa-angular… return), without single-spa itself.
 *
 * The lifecycles (`bootstrap`, `mount`, `unmount`, optional `update`; each a function that returns
 * a promise, or an array of them run in order) are taken from the named exports, else from
 * `default`, and mapped onto the MFE contract:
 *
 * - `bootstrap()`, once per module → `bootstrap({ name, mountParcel, singleSpa })`.
 * - `mount(ctx)` → `mount(props)`, props being single-spa's `{ ...customProps, name, mountParcel,
 *   singleSpa }` with `ctx.props` as the custom props, plus `domElement: ctx.host` and `mfe` (a
 *   read-only view of `ctx`: bus, context, navigate…). `name` is unique on the page: the first
 *   instance gets the MFE's name, concurrent ones `name#2`, `name#3`… (the helpers key their
 *   React roots and Vue apps by it).
 * - `update(ctx)` → `update(props)` when exported; without it the runtime remounts.
 * - `unmount(ctx)` → the instance's parcels are unmounted, then `unmount(props)`.
 *
 * As in single-spa, a mount that fails is undone with `unmount` before the error is reported, and
 * `props.mountParcel` mounts parcels that are unmounted with their owner.
 */
import type { MicroFrontend, MountContext } from '../../types.js';
import { describe } from '../errors.js';
import { BadModule, type LoadSpec } from '../load.js';

/** What single-spa passes to every lifecycle. */
export type SingleSpaProps = Record<string, unknown> & { name: string; mountParcel: MountParcel; singleSpa: SingleSpaShim };
/** A lifecycle as a module exports it. */
export type LifecycleFn = (props: SingleSpaProps) => PromiseLike<unknown>;
type Phase = 'bootstrap' | 'mount' | 'unmount' | 'update';
/** Lifecycles normalised to one function each (absent ones do nothing, `update` stays absent). */
interface Lifecycles {
  bootstrap: (props: SingleSpaProps) => Promise<void>;
  mount: (props: SingleSpaProps) => Promise<void>;
  unmount: (props: SingleSpaProps) => Promise<void>;
  update?: (props: SingleSpaProps) => Promise<void>;
}

/** single-spa's statuses, as a parcel's `getStatus()` reports them. */
export type ParcelStatus =
  | 'LOADING_SOURCE_CODE'
  | 'NOT_BOOTSTRAPPED'
  | 'BOOTSTRAPPING'
  | 'NOT_MOUNTED'
  | 'MOUNTING'
  | 'MOUNTED'
  | 'UPDATING'
  | 'UNMOUNTING'
  | 'SKIP_BECAUSE_BROKEN';

export interface ParcelConfig {
  name?: string;
  bootstrap?: LifecycleFn | LifecycleFn[];
  mount: LifecycleFn | LifecycleFn[];
  unmount: LifecycleFn | LifecycleFn[];
  update?: LifecycleFn | LifecycleFn[];
}
/** What `mountParcel` returns (single-spa's parcel API). */
export interface Parcel {
  mount(): Promise<null>;
  unmount(): Promise<null>;
  /** Present when the parcel's config has `update`. */
  update?(customProps: Record<string, unknown>): Promise<null>;
  getStatus(): ParcelStatus;
  loadPromise: Promise<null>;
  bootstrapPromise: Promise<null>;
  mountPromise: Promise<null>;
  unmountPromise: Promise<null>;
}
export type MountParcel = (
  config: ParcelConfig | (() => PromiseLike<ParcelConfig>),
  customProps: Record<string, unknown> & { domElement: HTMLElement },
) => Parcel;
/** The part of single-spa's API that `props.singleSpa` offers. */
export interface SingleSpaShim {
  /** A URL, a click event on a link, or a link: navigate the page (the shell owns the URL). */
  navigateToUrl(to: string | Event | { href: string }): void;
  /** A parcel that belongs to no application: it stays until it is unmounted. */
  mountRootParcel: MountParcel;
}

const LIFECYCLES: readonly Phase[] = ['bootstrap', 'mount', 'unmount', 'update'];

const thenable = (v: unknown): v is PromiseLike<unknown> =>
  !!v && (typeof v == 'object' || typeof v == 'function') && typeof (v as PromiseLike<unknown>).then == 'function';
/** Mark `p` handled (it still rejects for whoever awaits it) and return it. */
const quietly = <T>(p: Promise<T>): Promise<T> => (p.catch(() => {}), p);
const done = (p: Promise<unknown>): Promise<null> => p.then(() => null);

/**
 * The lifecycles on `o`, each as one function: an array runs in order, and every function must
 * return a promise (single-spa's rule). Throws `BadModule` for one that is neither a function nor
 * an array of functions, and `missing()` without mount or unmount.
 */
function lifecycles(o: Record<string, unknown>, missing: () => string): Lifecycles {
  const out: Partial<Lifecycles> = {};
  for (const phase of LIFECYCLES) {
    const v = o[phase];
    if (v == null) continue;
    const fns: unknown[] = Array.isArray(v) ? v : [v];
    if (!fns.every((f) => typeof f == 'function'))
      throw new BadModule(`single-spa lifecycle ${phase} is neither a function nor an array of functions`);
    out[phase] = (props) =>
      fns.reduce<Promise<void>>(
        (prev, fn, i) =>
          prev.then(() => {
            const r: unknown = (fn as LifecycleFn)(props);
            if (!thenable(r)) throw new Error(`single-spa lifecycle ${phase} at array index ${i} did not return a promise`);
            return r as Promise<void>;
          }),
        Promise.resolve(),
      );
  }
  if (!out.mount || !out.unmount) throw new BadModule(missing());
  out.bootstrap ??= () => Promise.resolve();
  return out as Lifecycles;
}

// --- Shadow roots -------------------------------------------------------------------------------
// single-spa-vue mounts through a selector (`#single-spa-application:<name> .single-spa-container`)
// that Vue looks up with `document.querySelector`, which never sees inside a shadow root. While a
// lifecycle of an app or parcel that lives in a shadow root runs, document.querySelector falls
// back to that shadow root when the document has no match; it is restored once none runs.

/** Shadow roots with a lifecycle running, and how many. */
const reachable = new Map<ShadowRoot, number>();
let shim: ((this: Document, selectors: string) => Element | null) | undefined;
let saved: PropertyDescriptor | undefined;

const reach = (): void => {
  if (shim && document.querySelector === shim) return;
  // Wraps whatever is there now (the native method, or someone's wrapper).
  saved = Object.getOwnPropertyDescriptor(document, 'querySelector');
  const native = document.querySelector as (this: Document, selectors: string) => Element | null;
  shim = function (selectors) {
    const hit = native.call(this, selectors);
    if (hit || this !== document) return hit;
    for (const root of reachable.keys()) {
      const found = root.querySelector(selectors);
      if (found) return found;
    }
    return null;
  };
  Object.defineProperty(document, 'querySelector', { value: shim, configurable: true, writable: true });
};

const unreach = (): void => {
  // Wrapped by someone else since: ours stays in their chain, inert while nothing is reachable.
  if (shim && document.querySelector === shim) {
    if (saved) Object.defineProperty(document, 'querySelector', saved);
    else Reflect.deleteProperty(document, 'querySelector');
  }
  shim = saved = undefined;
};

/** Run a lifecycle of something rendered at `node`, with its shadow root reachable meanwhile. */
function within(node: Node | undefined, run: () => Promise<void>): Promise<void> {
  const root = node?.getRootNode();
  if (!(root instanceof ShadowRoot)) return run();
  reachable.set(root, (reachable.get(root) ?? 0) + 1);
  reach();
  return new Promise<void>((r) => r(run())).finally(() => {
    const n = reachable.get(root)! - 1;
    if (n) reachable.set(root, n);
    else reachable.delete(root);
    if (!reachable.size) unreach();
  });
}

// --- Applications and parcels -------------------------------------------------------------------

/**
 * One application (a mounted `<mfe-host>`) or parcel: single-spa's "appOrParcel", with its status
 * and the parcels it owns. Transitions return early unless the status is the expected one.
 */
class Unit {
  status: ParcelStatus;
  readonly parcels = new Set<Child>();
  lc?: Lifecycles;
  readonly mountParcel: MountParcel = (config, customProps) => mountParcel(this, config, customProps);

  constructor(
    public name: string,
    readonly kind: 'application' | 'parcel',
    readonly singleSpa: SingleSpaShim,
    /** Custom props, and where it renders. */
    readonly custom: () => Record<string, unknown>,
    status: ParcelStatus,
  ) {
    this.status = status;
  }

  /** Fresh props for one lifecycle call, as single-spa's `getProps`. */
  props(): SingleSpaProps {
    return { ...this.custom(), name: this.name, mountParcel: this.mountParcel, singleSpa: this.singleSpa };
  }

  call(phase: Phase): Promise<void> {
    const fn = this.lc?.[phase];
    if (!fn) return Promise.resolve();
    const props = this.props();
    return within(props.domElement as Node | undefined, () => fn(props));
  }

  async bootstrap(): Promise<void> {
    if (this.status !== 'NOT_BOOTSTRAPPED') return;
    this.status = 'BOOTSTRAPPING';
    await this.fail(this.call('bootstrap'));
    this.status = 'NOT_MOUNTED';
  }

  async mount(): Promise<void> {
    if (this.status !== 'NOT_MOUNTED') return;
    this.status = 'MOUNTING';
    try {
      await this.call('mount');
      this.status = 'MOUNTED';
    } catch (e) {
      // As single-spa does: unmount whatever did mount, then give up on it. The mount's own
      // error is the one reported.
      this.status = 'MOUNTED';
      await this.unmount().catch(() => {});
      this.status = 'SKIP_BECAUSE_BROKEN';
      throw e;
    }
  }

  async unmount(): Promise<void> {
    if (this.status !== 'MOUNTED') return;
    this.status = 'UNMOUNTING';
    // Parcels first; one whose mount failed has reported that already.
    const parcels = await Promise.allSettled([...this.parcels].map((p) => p.mounting.then(() => p.unmountThis(), () => {})));
    await this.fail(this.call('unmount'));
    const failed = parcels.find((r): r is PromiseRejectedResult => r.status == 'rejected');
    if (failed) {
      this.status = 'SKIP_BECAUSE_BROKEN';
      throw new Error(`${this.kind} '${this.name}' unmounted, but a parcel inside it did not: ${describe(failed.reason)}`, { cause: failed.reason });
    }
    this.status = 'NOT_MOUNTED';
  }

  async update(): Promise<void> {
    if (this.status !== 'MOUNTED') throw new Error(`Cannot update ${this.kind} '${this.name}' because it is not mounted`);
    this.status = 'UPDATING';
    try {
      await this.call('update');
    } finally {
      // Unlike single-spa, a failed update leaves it mounted, so that it can still be unmounted.
      this.status = 'MOUNTED';
    }
  }

  /** `p`, marking this broken if it fails. */
  async fail(p: Promise<void>): Promise<void> {
    try {
      await p;
    } catch (e) {
      this.status = 'SKIP_BECAUSE_BROKEN';
      throw e;
    }
  }
}

/** A parcel: a unit with an owner. */
interface Child extends Unit {
  /** Settles when its latest mount does. */
  mounting: Promise<void>;
  unmountThis(): Promise<void>;
}

let parcelCount = 0;

/** single-spa's `mountParcel`, for `owner`: validates like single-spa, then loads, bootstraps and mounts. */
function mountParcel(owner: Unit, config: unknown, customProps: unknown): Parcel {
  if (!config || (typeof config != 'object' && typeof config != 'function'))
    throw new Error('Cannot mount parcel without a config object or config loading function');
  const given = (config as { name?: unknown }).name;
  if (given && typeof given != 'string') throw new Error(`Parcel name must be a string, if provided. Was given ${typeof given}`);
  const id = parcelCount++;
  const name = (given as string) || `parcel-${id}`;
  if (typeof customProps != 'object' || !customProps)
    throw new Error(`Parcel ${name} has invalid customProps -- must be an object but was given ${customProps === null ? 'null' : typeof customProps}`);
  if (!(customProps as { domElement?: unknown }).domElement) throw new Error(`Parcel ${name} cannot be mounted without a domElement provided as a prop`);
  const loading: unknown = typeof config == 'function' ? (config as () => unknown)() : Promise.resolve(config);
  if (!thenable(loading))
    throw new Error('When mounting a parcel, the config loading function must return a promise that resolves with the parcel config');

  let props = customProps as Record<string, unknown>;
  const first = props.domElement;
  let resolveUnmount!: () => void;
  let rejectUnmount!: (e: unknown) => void;
  const unmountPromise = new Promise<void>((res, rej) => ((resolveUnmount = res), (rejectUnmount = rej)));

  const parcel = new Unit(
    name,
    'parcel',
    owner.singleSpa,
    // An update may leave domElement out: the parcel stays where it was mounted.
    () => ({ domElement: first, ...props, unmountSelf: api.unmount }),
    typeof config == 'function' ? 'LOADING_SOURCE_CODE' : 'NOT_BOOTSTRAPPED',
  ) as Child;
  /** The unmount in flight: its owner and the parcel's own code may both ask for it. */
  let unmounting: Promise<void> | undefined;
  parcel.unmountThis = () =>
    (unmounting ??= parcel.mounting
      .then(() => {
        if (parcel.status !== 'MOUNTED') throw new Error(`Cannot unmount parcel '${parcel.name}' -- it is in a ${parcel.status} status`);
        return parcel.unmount();
      })
      .then(
        () => {
          owner.parcels.delete(parcel);
          resolveUnmount();
        },
        (e: unknown) => {
          rejectUnmount(e);
          throw e;
        },
      )
      .finally(() => (unmounting = undefined)));
  /** Load, bootstrap or mount failed: broken, and no longer the owner's to unmount. */
  const broken = (e: unknown): never => {
    parcel.status = 'SKIP_BECAUSE_BROKEN';
    owner.parcels.delete(parcel);
    throw e;
  };

  const loadPromise = Promise.resolve(loading).then((cfg: unknown) => {
    if (!cfg || typeof cfg != 'object')
      throw new Error('When mounting a parcel, the config loading function returned a promise that did not resolve with a parcel config');
    const c = cfg as Record<string, unknown>;
    parcel.name = (typeof c.name == 'string' && c.name) || `parcel-${id}`;
    parcel.lc = lifecycles(c, () => `Parcel ${parcel.name} must have a valid mount and unmount function`);
    parcel.status = 'NOT_BOOTSTRAPPED';
    if (parcel.lc.update)
      api.update = (next) =>
        done(
          Promise.resolve().then(() => {
            props = next;
            return parcel.update();
          }),
        );
  });
  const bootstrapPromise = loadPromise.then(() => parcel.bootstrap());
  const mountPromise = bootstrapPromise.then(() => parcel.mount()).catch(broken);
  parcel.mounting = mountPromise;
  owner.parcels.add(parcel);

  const api: Parcel = {
    mount() {
      if (parcel.status !== 'NOT_MOUNTED')
        return Promise.reject(new Error(`Cannot mount parcel '${parcel.name}' -- it is in a ${parcel.status} status`));
      owner.parcels.add(parcel);
      return done((parcel.mounting = parcel.mount().catch(broken)));
    },
    unmount: () => done(parcel.unmountThis()),
    getStatus: () => parcel.status,
    // The same failure rejects all of these: only mountPromise reaches the console if unheeded.
    loadPromise: quietly(done(loadPromise)),
    bootstrapPromise: quietly(done(bootstrapPromise)),
    mountPromise: done(mountPromise),
    unmountPromise: quietly(done(unmountPromise)),
  };
  return api;
}

/** The page's URL changes; the shell routes (as `ctx.navigate`). */
const pushUrl = (to: string): void => {
  history.pushState(null, '', to);
  dispatchEvent(new PopStateEvent('popstate'));
};

/** single-spa's `navigateToUrl` over `navigate`: a URL, a click on a link, or a link. */
const navigator =
  (navigate: (to: string) => void) =>
  (to: string | Event | { href: string }): void => {
    let href: unknown = to;
    if (to instanceof Event) {
      to.preventDefault();
      href = (to.currentTarget as { href?: unknown } | null)?.href;
    } else if (to && typeof to == 'object') href = to.href;
    if (typeof href != 'string') throw new Error('navigateToUrl needs a URL, a click event on a link, or a link');
    navigate(href);
  };

const rootSingleSpa: SingleSpaShim = Object.freeze<SingleSpaShim>({
  navigateToUrl: navigator(pushUrl),
  mountRootParcel: (config, customProps) => root.mountParcel(config, customProps),
});
/** Owns the parcels of `mountRootParcel` and of bootstrap: they stay until unmounted. */
const root = new Unit('', 'application', rootSingleSpa, () => ({}), 'MOUNTED');

/** Application names in use on the page (single-spa's names are unique, and helpers key by them). */
const taken = new Set<string>();
const claim = (base: string): string => {
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}#${i}`;
  taken.add(name);
  return name;
};

/**
 * A frozen, read-only view of `ctx`: it follows `ctx`, and being frozen, frameworks that make
 * their props reactive (Vue's `data`) leave it, and the bus behind it, as it is.
 */
const viewOf = (ctx: MountContext): MountContext =>
  Object.freeze(
    Object.defineProperties(
      {},
      Object.fromEntries(Object.keys(ctx).map((k) => [k, { enumerable: true, get: () => ctx[k as keyof MountContext] }])),
    ),
  ) as MountContext;

/** The file name without extension: the application's name when the element has only `src`. */
const nameOf = (url: string): string =>
  new URL(url).pathname
    .split('/')
    .pop()!
    .replace(/\.[cm]?[jt]sx?$/, '') || 'single-spa-application';

/** Import `url` and adapt its single-spa lifecycles to the MFE contract. */
export async function load(url: string, spec: LoadSpec): Promise<Record<string, unknown>> {
  const ns = (await import(/* @vite-ignore */ url)) as Record<string, unknown>;
  const named = LIFECYCLES.some((k) => ns[k] != null);
  const source = named || !ns.default || typeof ns.default != 'object' ? ns : (ns.default as Record<string, unknown>);
  const lc = lifecycles(source, () => {
    const has = Object.keys(ns).sort();
    return `does not export single-spa lifecycles mount/unmount (${has.length ? `exports: ${has.join(', ')}` : 'exports nothing'})`;
  });
  const base = spec.name || nameOf(url);
  const apps = new WeakMap<MountContext, Unit>();
  const appOf = (ctx: MountContext): Unit => {
    const app = apps.get(ctx);
    if (!app) throw new Error(`single-spa application '${ctx.name || base}' is not mounted`);
    return app;
  };

  const mfe: MicroFrontend = {
    bootstrap: () => lc.bootstrap({ name: base, mountParcel: root.mountParcel, singleSpa: rootSingleSpa }),
    async mount(ctx) {
      const mfeView = viewOf(ctx);
      const singleSpa: SingleSpaShim = Object.freeze({ navigateToUrl: navigator((to) => ctx.navigate(to)), mountRootParcel: rootSingleSpa.mountRootParcel });
      const app = new Unit(claim(ctx.name || base), 'application', singleSpa, () => ({ ...ctx.props, domElement: ctx.host, mfe: mfeView }), 'NOT_MOUNTED');
      app.lc = lc;
      try {
        await app.mount();
      } catch (e) {
        taken.delete(app.name);
        throw e;
      }
      apps.set(ctx, app);
    },
    async unmount(ctx) {
      const app = apps.get(ctx);
      if (!app) return;
      apps.delete(ctx);
      try {
        await app.unmount();
      } finally {
        taken.delete(app.name);
      }
    },
  };
  if (lc.update) mfe.update = (ctx) => appOf(ctx).update();
  return mfe as unknown as Record<string, unknown>;
}
