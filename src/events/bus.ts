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
/** Last payload and meta per type, for `last()` and `replay`. */
const seen = new Map<string, [unknown, BusMeta]>();

const check = (type: string): string => {
  if (!/^[^:\s]+:\S+$/.test(type)) throw new TypeError(`mfe-host bus: "${type}" is not a namespaced event type ("domain:name")`);
  return type;
};

const emitAs = (source: string | undefined, type: string, detail: unknown): void => {
  const meta: BusMeta = { type: check(type), source };
  const event = new CustomEvent(type, { detail });
  metaOf.set(event, meta);
  seen.set(type, [detail, meta]);
  dispatchEvent(event);
};

type AnyListener = (detail: unknown, meta: BusMeta) => void;

const subscribe = (type: string, listener: AnyListener, { replay, once, signal }: OnOptions = {}): (() => void) => {
  const last = seen.get(check(type));
  if (replay && last && !signal?.aborted) {
    listener(...last);
    if (once) return () => {};
  }
  const handler = (e: Event): void => {
    const { detail } = e as CustomEvent;
    let meta = metaOf.get(e);
    // A plain DOM dispatch: the bus sees it too.
    if (!meta) seen.set(type, [detail, (meta = { type })]);
    if (once) off();
    listener(detail, meta);
  };
  const off = (): void => removeEventListener(type, handler);
  addEventListener(type, handler, { signal });
  return off;
};

/** The page-wide bus. */
export const bus: MfeBus = {
  emit: (type, detail) => emitAs(undefined, type, detail),
  on: (type, listener, options) => subscribe(type, listener as AnyListener, options),
  last: (type) => seen.get(type)?.[0] as never,
};

/**
 * A bus for one mounted MFE: stamps `meta.source` and drops every subscription when `signal`
 * aborts (at unmount).
 */
export const scopedBus = (source: string, signal: AbortSignal): MfeBus => ({
  emit: (type, detail) => emitAs(source, type, detail),
  on: (type, listener, options = {}) =>
    subscribe(type, listener as AnyListener, {
      ...options,
      signal: options.signal ? AbortSignal.any([options.signal, signal]) : signal,
    }),
  last: bus.last,
});
