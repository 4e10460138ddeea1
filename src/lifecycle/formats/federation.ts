/** format="federation" (stub: filled in by its own change). */
import type { LoadSpec } from '../load.js';

export async function load(url: string, spec: LoadSpec): Promise<Record<string, unknown>> {
  throw new Error(`format="${spec.format}" is not supported yet (${url})`);
}
