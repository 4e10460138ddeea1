/**
 * Seeing every bus event without a hook in the bus: the bus (src/events/bus.ts) delivers each
 * event as a `CustomEvent` of its namespaced type through the global `dispatchEvent(…)`, which is
 * looked up on `window` at every call. While someone taps, `window` gets an own `dispatchEvent`
 * property that shows the event to the taps, then calls the one it shadows. With no taps left it
 * is removed again, so `window.dispatchEvent` is the very function it was before.
 *
 * Plain DOM `window.dispatchEvent(new CustomEvent('cart:add', …))` goes through it too (that is
 * a bus event as well); `EventTarget.prototype.dispatchEvent.call(window, …)` does not.
 */

/** What a tap is told besides the event. */
export interface Dispatch {
  /** The call stack of the dispatch (read by ./source.ts). */
  stack: string;
  /** The bus event being delivered when this one was dispatched (by one of its listeners). */
  during?: string;
}
/** A tap is shown each bus event before any listener runs. */
export type Tap = (event: CustomEvent, dispatch: Dispatch) => void;

/** This module's URL: its frames in a stack mark where a dispatch went through the tap. */
export const TAP_URL = import.meta.url;

/** The stack of the dispatch, at least 50 frames deep (V8 keeps 10 by default; the emitter may be deeper). */
function stack(): string {
  const v8 = Error as { stackTraceLimit?: number };
  const limit = v8.stackTraceLimit;
  if (typeof limit === 'number') v8.stackTraceLimit = Math.max(limit, 50);
  try {
    return new Error().stack ?? '';
  } finally {
    if (typeof limit === 'number') v8.stackTraceLimit = limit;
  }
}

/** A namespaced bus type ("domain:name"), the bus's own rule. */
const BUS_TYPE = /^[^:\s]+:\S+$/;

const taps = new Set<Tap>();
/** Types of the bus events being dispatched, outermost first. */
const delivering: string[] = [];

interface Installed {
  wrapper: (this: unknown, event: Event) => boolean;
  /** `window`'s own `dispatchEvent` before ours, if it had one (another tool's wrapper). */
  before: PropertyDescriptor | undefined;
  /** Off once uninstalled: a wrapper that another tool wrapped in turn stays a pass-through. */
  live: boolean;
}
let installed: Installed | undefined;

function install(): void {
  const before = Object.getOwnPropertyDescriptor(window, 'dispatchEvent');
  const inner = window.dispatchEvent;
  const self: Installed = {
    before,
    live: true,
    wrapper(this: unknown, event: Event): boolean {
      // A bare `dispatchEvent(e)` call in module code has no `this`: it means `window`.
      const target = this ?? window;
      if (!(self.live && target === window && event instanceof CustomEvent && BUS_TYPE.test(event.type)))
        return inner.call(target as EventTarget, event);
      const dispatch: Dispatch = { stack: stack(), during: delivering.at(-1) };
      for (const tap of taps)
        try {
          tap(event, dispatch);
        } catch (e) {
          // The devtools' own failure must never stop the event.
          reportError(e);
        }
      delivering.push(event.type);
      // Inside try/finally the call is not in tail position: WebKit (proper tail calls) would
      // drop this frame, which must stay in the stacks of the events dispatched inside.
      try {
        return inner.call(target as EventTarget, event);
      } finally {
        delivering.pop();
      }
    },
  };
  Object.defineProperty(window, 'dispatchEvent', { value: self.wrapper, writable: true, configurable: true });
  installed = self;
}

function uninstall(): void {
  const self = installed!;
  installed = undefined;
  self.live = false;
  // Someone wrapped ours since: leave theirs in place (ours now only passes events on).
  if (window.dispatchEvent !== self.wrapper) return;
  if (self.before) Object.defineProperty(window, 'dispatchEvent', self.before);
  else delete (window as { dispatchEvent?: unknown }).dispatchEvent;
}

/** Show every bus event dispatched on `window` to `fn`, until the returned function is called. */
export function tap(fn: Tap): () => void {
  taps.add(fn);
  if (!installed) install();
  return () => {
    if (taps.delete(fn) && !taps.size && installed) uninstall();
  };
}
