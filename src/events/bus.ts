/**
 * The event bus (api.md §4). In the page an event is a `CustomEvent` of the very same type on
 * `window`, so legacy code can listen and dispatch with plain DOM calls and the bus sees it.
 * Cross-tab delivery lives in ./cross-tab.ts, a chunk loaded on demand.
 */
import type { StandardSchemaV1 } from './standard-schema.js';

/**
 * Payload types, filled by declaration merging:
 * `declare module 'mfe-host' { interface MfeEvents { 'cart:add-item': { id: string } } }`
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface MfeEvents {}

/** An event type: `domain:name`. */
export type MfeEventType = keyof MfeEvents | `${string}:${string}`;
/** The payload of `T`: declared in {@link MfeEvents}, else `unknown`. */
export type MfePayload<T extends string> = T extends keyof MfeEvents ? MfeEvents[T] : unknown;

export interface BusMeta {
  type: string;
  /** Name of the MFE that emitted it through its `ctx.bus`; absent for the shell and plain DOM. */
  source?: string;
  /** True when it came from another tab. */
  crossTab?: boolean;
}
export interface OnOptions {
  /** Call the listener at once with the last payload of this type, if there was one. */
  replay?: boolean;
  once?: boolean;
  signal?: AbortSignal;
}
export interface EmitOptions {
  /** Also deliver it in the other tabs of this origin (over a `BroadcastChannel`). */
  crossTab?: boolean;
}
export type BusListener<T extends string> = (detail: MfePayload<T>, meta: BusMeta) => void;

/**
 * What a plain function contract returns: `true` or nothing (`undefined`) when the payload is
 * valid; anything else means invalid: `false`, a message, or a list of messages or issues
 * (`{ message, path? }`). A contract that throws rejects the payload with the error's message.
 */
export type BusCheck = boolean | string | ReadonlyArray<string | StandardSchemaV1.Issue> | undefined | void;
/** A contract: a Standard Schema validator (zod, valibot, arktype…) or a plain function. */
export type BusValidator<T extends string> = StandardSchemaV1<unknown, MfePayload<T>> | ((detail: unknown) => BusCheck);

export interface MfeBus {
  /**
   * Deliver `detail` to every listener of `type` (a `CustomEvent` on `window`); with `crossTab`,
   * to the other tabs too. Throws only for a type that is not `domain:name`: a throwing listener,
   * a rejected payload or one that cannot be sent to other tabs is reported with `reportError`.
   */
  emit<T extends MfeEventType>(type: T, detail: MfePayload<T>, options?: EmitOptions): void;
  /** Subscribe; returns the unsubscribe function. */
  on<T extends MfeEventType>(type: T, listener: BusListener<T>, options?: OnOptions): () => void;
  /** The last payload seen for `type`. */
  last<T extends MfeEventType>(type: T): MfePayload<T> | undefined;
  /**
   * Check every payload of `type` before it is delivered (replaces an earlier contract): emitted
   * here, received from another tab, or dispatched with plain DOM calls (then only bus listeners
   * are protected). An invalid one is not delivered and is reported with `reportError`; a Standard
   * Schema validator that answers with a promise delays delivery until it resolves.
   */
  contract<T extends MfeEventType>(type: T, validator: BusValidator<T>): void;
}

/** A bus event's meta, or 0 when its contract rejected it; a promise while an async contract runs. */
type Verdict = BusMeta | 0 | Promise<BusMeta | 0>;
type AnyListener = (detail: unknown, meta: BusMeta) => void;

/** Where an event carries its verdict (a property, not a WeakMap: read once per listener, npm run bench row 4). */
const META = Symbol();
type Judged = Event & { [META]?: Verdict };
/** Last payload and meta per type, for `last()` and `replay`. */
const seen = new Map<string, [unknown, BusMeta]>();
const contracts = new Map<string, BusValidator<string>>();

/** `f(v)` now, or when `v` resolves if it is a promise. */
const then = <T, R>(v: T | Promise<T>, f: (v: T) => R): R | Promise<R> => (v instanceof Promise ? v.then(f) : f(v));

/** Types already checked. */
const valid = new Set<string>();
const check = (type: string): string => {
  if (!valid.has(type)) {
    if (!/^[^:\s]+:\S+$/.test(type)) throw new TypeError(`mfe-host bus: "${type}" is not a namespaced event type ("domain:name")`);
    valid.add(type);
  }
  return type;
};

type Tabs = typeof import('./cross-tab.js');
let tabs: Promise<Tabs> | undefined;
/**
 * Load the on-demand half of the bus (./cross-tab.ts: the channel to other tabs, and the wording
 * of rejected payloads) once, then run `f` with it. Loading it opens the channel.
 */
export const withTabs = (f?: (m: Tabs) => void): unknown => (tabs ??= import('./cross-tab.js')).then(f);

/**
 * Run `detail` through the contract of `meta.type`: its meta (remembered for `last`), or 0 when
 * the contract rejects it (reported by the on-demand chunk, which words the issues).
 */
const admit = (meta: BusMeta, detail: unknown): Verdict => {
  const v = contracts.get(check(meta.type));
  let r: BusCheck | Promise<BusCheck>;
  try {
    r = v && ('~standard' in v ? then(v['~standard'].validate(detail), (x) => x.issues) : v(detail));
  } catch (e) {
    r = [e as Error]; // an Error reads as an issue: its message
  }
  return then(r, (r) => {
    if ((r ?? true) === true) return seen.set(meta.type, [detail, meta]), meta;
    withTabs((m) => m.rejected(meta.type, r));
    return 0;
  });
};

/** Emit `detail` with `meta` (also how the cross-tab chunk delivers what other tabs sent). */
export const emitAs = (meta: BusMeta, detail: unknown, crossTab?: boolean): void => {
  then(admit(meta, detail), (ok) => {
    if (!ok) return;
    const event: Judged = new CustomEvent(meta.type, { detail });
    event[META] = ok;
    dispatchEvent(event);
    if (crossTab) withTabs((m) => m.send(meta, detail));
  });
};

const busFor = (source?: string, scope?: AbortSignal): MfeBus => ({
  emit: (type, detail, options) => emitAs({ type, source }, detail, options?.crossTab),
  on(type, listener, { replay, once, signal } = {}) {
    const last = seen.get(check(type));
    signal = signal && scope ? AbortSignal.any([signal, scope]) : signal || scope;
    // A tab that listens can receive from other tabs without ever sending.
    withTabs();
    if (replay && last && !signal?.aborted) {
      // Not inside a dispatch: what the listener throws is reported here, never to the caller.
      try {
        (listener as AnyListener)(...last);
      } catch (e) {
        reportError(e);
      }
      if (once) return () => {};
    }
    const handler = (e: Judged): void => {
      const { detail } = e as CustomEvent;
      // A plain DOM dispatch: checked against the contract once, however many listeners it has.
      then((e[META] ??= admit({ type }, detail)), (meta) => {
        if (!meta) return;
        if (once) off();
        (listener as AnyListener)(detail, meta);
      });
    };
    const off = (): void => removeEventListener(type, handler);
    addEventListener(type, handler, { signal });
    return off;
  },
  last: (type) => seen.get(type)?.[0] as never,
  contract: (type, validator) => void contracts.set(check(type), validator as BusValidator<string>),
});

/** The page-wide bus. */
export const bus: MfeBus = busFor();

/**
 * A bus for one mounted MFE: stamps `meta.source` and drops every subscription when `signal`
 * aborts (at unmount).
 */
export const scopedBus: (source: string, signal: AbortSignal) => MfeBus = busFor;
