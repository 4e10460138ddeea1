/**
 * The panel's record of bus events: newest first, capped, filterable. Everything is read when
 * the event is dispatched (payloads change later; the log shows what was sent).
 */
import { cut, json } from './format.js';

export interface BusEntry {
  /** Unique per page, for keyed rendering. */
  id: number;
  /** `Date.now()` at dispatch. */
  time: number;
  type: string;
  /** The payload as JSON, up to {@link PREVIEW} characters. */
  preview: string;
  /** The payload as JSON, up to {@link FULL} characters (for a tooltip). */
  full: string;
  /** The MFE that emitted it, when the stack tells (./source.ts). */
  source?: string;
  /** The bus event being delivered when it was emitted (by one of that event's listeners). */
  during?: string;
}

/** Characters of payload shown in a row, and kept for its tooltip. */
export const PREVIEW = 80;
export const FULL = 2000;

let ids = 0;

export class BusLog {
  #entries: BusEntry[] = [];

  constructor(readonly max = 200) {}

  /** Newest first. */
  get entries(): readonly BusEntry[] {
    return this.#entries;
  }

  add(type: string, detail: unknown, source?: string, during?: string): BusEntry {
    const text = json(detail);
    const entry: BusEntry = { id: ++ids, time: Date.now(), type, preview: cut(text, PREVIEW), full: cut(text, FULL), source, during };
    this.#entries.unshift(entry);
    if (this.#entries.length > this.max) this.#entries.length = this.max;
    return entry;
  }

  clear(): void {
    this.#entries = [];
  }

  /** Entries whose type, source or payload contains `text` (case-insensitive); all for "". */
  filter(text: string): BusEntry[] {
    const q = text.trim().toLowerCase();
    if (!q) return [...this.#entries];
    return this.#entries.filter((e) => `${e.type}\n${e.source ?? ''}\n${e.full}`.toLowerCase().includes(q));
  }
}
