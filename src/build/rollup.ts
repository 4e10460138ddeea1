/** `mfe-host/rollup` (stub: filled in by its own change). */
export interface MfeRollupOptions {
  /** Remote name (default: package.json name without scope). */
  name?: string;
}
export function mfe(_options: MfeRollupOptions = {}): { name: string } {
  return { name: 'mfe-host' };
}
