import type { MfePhase } from '../types.js';

/**
 * Every failure the runtime reports. The message always starts with the MFE's name and
 * names the entry URL and the cause, e.g.
 * `billing: https://cdn/billing/mfe.js does not export mount()`.
 */
export class MfeError extends Error {
  /** The MFE's registry name ("" for an element with only `src`). */
  readonly mfe: string;
  /** The entry URL concerned ("" when resolution failed before there was one). */
  readonly entry: string;
  readonly phase: MfePhase;

  constructor(mfe: string, entry: string, phase: MfePhase, message: string, cause?: unknown) {
    super(`${mfe || '<mfe-host>'}: ${message}`, { cause });
    this.name = 'MfeError';
    this.mfe = mfe;
    this.entry = entry;
    this.phase = phase;
  }
}

/** A short, single-line description of anything thrown. */
export const describe = (e: unknown): string =>
  e instanceof Error ? `${e.name}: ${e.message}` : String(e);
