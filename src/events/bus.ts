/**
 * The event bus (api.md §4). In the page an event is a `CustomEvent` of the very same type on
 * `window`, so legacy code can listen and dispatch with plain DOM calls and the bus sees it.
 */

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
  crossTab?: boolean;
}
export type BusListener<T extends string> = (detail: MfePayload<T>, meta: BusMeta) => void;

export interface MfeBus {
  emit<T extends MfeEventType>(type: T, detail: MfePayload<T>, options?: EmitOptions): void;
  /** Subscribe; returns the unsubscribe function. */
  on<T extends MfeEventType>(type: T, listener: BusListener<T>, options?: OnOptions): () => void;
  /** The last payload seen for `type`. */
  last<T extends MfeEventType>(type: T): MfePayload<T> | undefined;
}

const metaOf = new WeakMap<Event, BusMeta>();
const lastSeen = new Map<string, { detail: unknown; meta: BusMeta }>();

const check = (type: string): void => {
  if (!/^[^:\s]+:[^\s]+$/.test(type)) throw new TypeError(`mfe-host bus: "${type}" is not a namespaced event type ("domain:name")`);
};

const emitAs = (source: string | undefined, type: string, detail: unknown): void => {
  check(type);
  const meta: BusMeta = source ? { type, source } : { type };
  const event = new CustomEvent(type, { detail });
  metaOf.set(event, meta);
  lastSeen.set(type, { detail, meta });
  dispatchEvent(event);
};

const subscribe = (type: string, listener: (d: unknown, m: BusMeta) => void, options: OnOptions = {}): (() => void) => {
  check(type);
  const { signal, once } = options;
  const seen = lastSeen.get(type);
  if (signal?.aborted) return () => {};
  if (options.replay && seen) {
    listener(seen.detail, seen.meta);
    if (once) return () => {};
  }
  const handler = (e: Event): void => {
    const detail = (e as CustomEvent).detail;
    const meta = metaOf.get(e) ?? { type };
    if (!metaOf.has(e)) lastSeen.set(type, { detail, meta });
    if (once) off();
    listener(detail, meta);
  };
  const off = (): void => {
    removeEventListener(type, handler);
    signal?.removeEventListener('abort', off);
  };
  addEventListener(type, handler);
  signal?.addEventListener('abort', off);
  return off;
};

/** The page-wide bus. */
export const bus: MfeBus = {
  emit: (type, detail) => emitAs(undefined, type, detail),
  on: (type, listener, options) => subscribe(type, listener as (d: unknown, m: BusMeta) => void, options),
  last: (type) => lastSeen.get(type)?.detail as never,
};

/**
 * A bus for one mounted MFE: stamps `meta.source` and drops every subscription when `signal`
 * aborts (at unmount).
 */
export const scopedBus = (source: string, signal: AbortSignal): MfeBus => ({
  emit: (type, detail) => emitAs(source, type, detail),
  on: (type, listener, options = {}) =>
    subscribe(type, listener as (d: unknown, m: BusMeta) => void, {
      ...options,
      signal: options.signal ? AbortSignal.any([options.signal, signal]) : signal,
    }),
  last: bus.last,
});
