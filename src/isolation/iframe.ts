/** isolation="iframe" (stub: filled in by its own change). */
import type { LoadSpec } from '../lifecycle/load.js';

export async function load(url: string, spec: LoadSpec): Promise<Record<string, unknown>> {
  throw new Error(`isolation="iframe" is not supported yet (${spec.format} ${url})`);
}
