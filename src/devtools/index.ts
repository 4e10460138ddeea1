/**
 * mfe-host/devtools: `<mfe-devtools>`, a panel listing every `<mfe-host>` on the page and
 * logging bus events (README "Devtools"). Its own entry point, never part of the main one;
 * importing it defines the element (idempotently) and starts recording `<mfe-host>` events, so
 * a panel added later still shows the mounts that happened before it.
 *
 * ```js
 * import 'mfe-host/devtools';
 * document.body.append(document.createElement('mfe-devtools'));
 * ```
 */
import { MfeDevtools } from './panel.js';
import { startRecording } from './records.js';

export { MfeDevtools } from './panel.js';
export type { BusEntry } from './bus-log.js';
export type { HostRecord } from './records.js';
export type { SharingRow } from './sharing.js';

/**
 * Define `<mfe-devtools>` (or `tag`) unless it is already defined: two copies on one page must
 * not throw.
 */
export function define(tag = 'mfe-devtools'): void {
  if (!customElements.get(tag)) customElements.define(tag, tag === 'mfe-devtools' ? MfeDevtools : class extends MfeDevtools {});
}

startRecording();
define();

declare global {
  interface HTMLElementTagNameMap {
    'mfe-devtools': MfeDevtools;
  }
}
