import type { MfePhase } from '../types.js';

/**
 * Every failure the runtime reports, in one shape:
 * `billing: https://cdn/billing/mfe.js load failed: HTTP 404` —
 * the MFE's name, the entry URL (when there is one), the phase and the cause.
 */
export class MfeError extends Error {
  /** The MFE's registry name ("" for an element with only `src`). */
  declare readonly mfe: string;
  /** The entry URL concerned ("" when resolution failed before there was one). */
  declare readonly entry: string;
  declare readonly phase: MfePhase;

  constructor(mfe: string, entry: string, phase: MfePhase, reason: string, cause?: unknown) {
    super(`${mfe || '<mfe-host>'}: ${entry && entry + ' '}${phase} failed: ${reason}`, { cause });
    Object.assign(this, { name: 'MfeError', mfe, entry, phase });
  }
}

/** A short description of anything thrown: `SyntaxError: …`, or the bare message of a plain Error. */
export const describe = (e: unknown): string =>
  e instanceof Error ? (e.name === 'Error' ? e.message : `${e.name}: ${e.message}`) : String(e);
