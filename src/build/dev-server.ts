/** `mfe-host/dev-server` (stub: filled in by its own change). */
export interface MfeDevServerOptions {
  manifest?: string;
}
export function mfeDevServer(_options: MfeDevServerOptions = {}): { name: string } {
  return { name: 'mfe-host' };
}
