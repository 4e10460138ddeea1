import { MfeHost } from './mfe-host.js';

/**
 * Define `<mfe-host>` unless a copy of the runtime already did: two copies on one page (two
 * bundles that each include mfe-host) must not throw.
 */
export function define(tag = 'mfe-host'): void {
  if (!customElements.get(tag)) customElements.define(tag, tag === 'mfe-host' ? MfeHost : class extends MfeHost {});
}
