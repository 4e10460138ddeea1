/**
 * What the `<mfe-host>` events told about each element: entry, version, timing, last error,
 * leaks. Recorded from the moment `mfe-host/devtools` is imported (not only while a panel is
 * open), so a panel opened later still shows the mounts that happened before it.
 *
 * The events bubble and are composed, so one capturing listener on `window` per type sees them
 * all before any handler can stop them; the element that fired is the first node of the composed
 * path (`target` is retargeted at `window`). A host inside a closed shadow root stays hidden:
 * the path seen from `window` starts at that root's host, which is not an `<mfe-host>`.
 */
import { MfeHost } from '../index.js';
import type { MfeErrorDetail, MfeEventDetail, MfeHostEventMap, MfeLeakDetail, MfeMountedDetail, MfePhase } from '../index.js';

/** An `<mfe-host>`: of this runtime (any tag from `define(tag)`), or of another copy on the page. */
export const isHost = (el: unknown): el is MfeHost => el instanceof MfeHost || (el instanceof Element && el.localName === 'mfe-host');

export interface HostRecord {
  entry?: string;
  version?: string;
  /** Milliseconds of the last mount's steps. */
  timing?: MfeMountedDetail['timing'];
  /** The last failure, cleared by the next successful mount. */
  error?: {
    phase: MfePhase;
    /** The error's whole message (`<name>: <entry> <phase> failed: <cause>`). */
    message: string;
    /** Its cause only, for a table cell: the row already says which MFE and entry. */
    cause: string;
    at: number;
  };
  /** What the last unmount of its module left behind. */
  leaks?: MfeLeakDetail['leaks'];
  /** Mounts seen. */
  mounts: number;
}

const records = new WeakMap<Element, HostRecord>();
/** Told about every recorded event: the element that fired it and the event. */
export const recorded = new EventTarget();

export const recordOf = (el: Element): HostRecord | undefined => records.get(el);

export const TYPES = ['mfe-loaded', 'mfe-mounted', 'mfe-updated', 'mfe-unmounted', 'mfe-error', 'mfe-leak'] as const satisfies ReadonlyArray<keyof MfeHostEventMap>;

/** The `<mfe-host>` (or element of a tag from `define(tag)`) that fired `e`. */
export class HostEvent extends Event {
  constructor(
    readonly host: MfeHost,
    readonly source: Event,
  ) {
    super('record');
  }
}

function record(e: Event): void {
  const host = e.composedPath()[0];
  if (!isHost(host) || !(e instanceof CustomEvent)) return;
  const detail = e.detail as Partial<MfeEventDetail> | undefined;
  const r = records.get(host) ?? { mounts: 0 };
  records.set(host, r);
  if (detail?.entry) r.entry = detail.entry;
  if (detail && 'version' in detail) r.version = detail.version;
  switch (e.type) {
    case 'mfe-mounted':
      r.timing = (detail as MfeMountedDetail).timing;
      r.mounts++;
      r.error = undefined;
      break;
    case 'mfe-error': {
      const { phase, error } = detail as MfeErrorDetail;
      const message = error instanceof Error ? error.message : String(error);
      const marker = ` ${phase} failed: `;
      const i = message.indexOf(marker);
      r.error = { phase, message, cause: i < 0 ? message : message.slice(i + marker.length), at: Date.now() };
      break;
    }
    case 'mfe-leak':
      r.leaks = (detail as MfeLeakDetail).leaks;
      break;
  }
  recorded.dispatchEvent(new HostEvent(host, e));
}

let started = false;
/** Start recording (once per page, idempotent). */
export function startRecording(): void {
  if (started) return;
  started = true;
  for (const type of TYPES) addEventListener(type, record, true);
}
