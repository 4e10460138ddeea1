/**
 * The on-demand half of the bus: cross-tab delivery (and, re-exported at the end, the wording of
 * payloads a contract rejected, which the happy path never needs). Loaded by the first
 * subscription (so a tab receives without ever sending), the first `emit(…, { crossTab: true })`
 * or `configure({ channel })`; loading it opens one `BroadcastChannel` named
 * `configure({ channel })` (default "mfe-host"), reopened when the name changes.
 *
 * A message from another tab is emitted here with `meta.crossTab` and is never sent on: only
 * `emit(…, { crossTab: true })` sends. Every message carries an id, and the ids a page sent or
 * delivered are kept in one page-wide set shared by every copy of the runtime on the page, so
 * two copies (each with its own channel object) deliver a message once, and a copy never
 * delivers what another copy of the same page sent (it was already delivered in the page).
 */
import { state, onConfigChange } from '../discovery/config.js';
import { emitAs, type BusMeta } from './bus.js';

interface Message {
  id: string;
  type: string;
  detail: unknown;
  source?: string | undefined;
}

const ids: Set<string> = ((globalThis as { __mfeBusIds?: Set<string> }).__mfeBusIds ??= new Set());

/** True if `id` was already sent or delivered in this page; remembers it (the last 500). */
const known = (id: string): boolean => {
  if (ids.has(id)) return true;
  ids.add(id);
  if (ids.size > 500) ids.delete(ids.values().next().value!);
  return false;
};

let channel: BroadcastChannel | undefined;

/** The channel for the configured name, (re)opened if the name changed. */
const open = (): BroadcastChannel => {
  if (channel?.name !== state.channel) {
    channel?.close();
    channel = new BroadcastChannel(state.channel);
    channel.onmessage = ({ data }: MessageEvent<Message>) => {
      if (typeof data?.id == 'string' && !known(data.id)) emitAs({ type: data.type, source: data.source, crossTab: true }, data.detail);
    };
  }
  return channel;
};
open();
onConfigChange(open);

/** Send an event that was just delivered in this page to the other tabs. */
export const send = ({ type, source }: BusMeta, detail: unknown): void => {
  const id = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  known(id);
  try {
    open().postMessage({ id, type, detail, source } satisfies Message);
  } catch (e) {
    reportError(new TypeError(`mfe-host bus: "${type}" could not be sent to other tabs: ${e}`, { cause: e }));
  }
};

// Kept in this chunk so the entry loads one chunk, with one import(), for both.
export { rejected } from './rejected.js';
