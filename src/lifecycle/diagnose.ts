/**
 * Error path only, loaded on demand: turn a browser's terse import failure ("Importing a module
 * script failed.") into its cause: `HTTP 404`, `network error`, or the parse/evaluation error.
 */
import { describe } from './errors.js';

export async function diagnose(url: string, e: unknown, network: boolean): Promise<string> {
  if (network) {
    try {
      const res = await fetch(url, { cache: 'no-store' });
      if (!res.ok) return `HTTP ${res.status}`;
    } catch {
      return 'network error';
    }
  }
  return describe(e);
}
