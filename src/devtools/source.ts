/**
 * Which MFE emitted a bus event, guessed from the call stack of its dispatch. The bus knows
 * (`meta.source`) but keeps it private, and asking it (a `bus.on` per type) would change what
 * the page does: it loads the cross-tab half, and runs contracts on plain DOM events nobody else
 * listens to. Stack frames name the script of each caller in every engine:
 * `at f (https://…/x.js:1:2)` (Chromium), `f@https://…/x.js:1:2` (Firefox, WebKit).
 *
 * Best effort, and never a wrong answer on purpose: an emit behind an async contract or from
 * another tab has no MFE frame, and WebKit drops the frame of a call in tail position (strict
 * code has proper tail calls there), so `(d) => ctx.bus.emit(…)` is not seen. Frames beyond the
 * dispatch that is being looked at (an MFE emitting from a listener of another MFE's event) are
 * not used: they belong to the outer event's emitter.
 */

/** An MFE as far as attribution needs: its name and its entry URL. */
export interface Emitter {
  name: string;
  entry: string;
}

export interface EmitterOptions {
  /** URL of the page (its folder proves nothing). */
  page?: string;
  /**
   * Script whose frames mark a dispatch going through the tap: only the frames between the
   * innermost run of them and the next one belong to this event's emitter.
   */
  boundary?: string;
}

/** The script URL of each stack frame, innermost first. */
export const frames = (stack: string): string[] =>
  stack.split('\n').flatMap((line) => {
    const m = /(\w[\w+.-]*:\/\/[^\s()]+?):\d+:\d+\)?\s*$/.exec(line);
    return m ? [m[1]] : [];
  });

const strip = (url: string): string => url.split('#')[0];
/** Without query and fragment: WebKit's frames have neither. */
const bare = (url: string): string => url.split(/[?#]/)[0];
const folder = (url: string): string => bare(url).slice(0, bare(url).lastIndexOf('/') + 1);

/** The frames of the emit being dispatched: after the innermost boundary frames, before the next. */
function ownFrames(all: string[], boundary: string | undefined): string[] {
  if (!boundary) return all;
  const b = bare(boundary);
  const first = all.findIndex((u) => bare(u) === b);
  if (first < 0) return all;
  let start = first;
  while (start < all.length && bare(all[start]) === b) start++;
  const next = all.findIndex((u, i) => i >= start && bare(u) === b);
  return all.slice(start, next < 0 ? undefined : next);
}

/** The one name among `mfes`, `null` when they disagree, `undefined` when there are none. */
const one = (mfes: Emitter[]): string | null | undefined => {
  const names = new Set(mfes.map((m) => m.name));
  return names.size > 1 ? null : mfes[0]?.name;
};

/**
 * The MFE whose code is the innermost frame of the emit that belongs to one: a frame that is an
 * entry itself, or lies in an entry's folder (its chunks), the deepest folder winning. A folder
 * that also holds the page (an entry next to index.html) proves nothing: only entry matches
 * count there. When a frame could be several MFEs' (two entries that differ only in their query,
 * which WebKit's frames leave out; two MFEs in one folder), the answer is unknown: a frame
 * further out would be another emitter's.
 */
export function emitterOf(stack: string, mfes: Iterable<Emitter>, { page = location.href, boundary }: EmitterOptions = {}): string | undefined {
  const list = [...mfes].filter((m) => m.entry);
  const pageFolder = folder(page);
  /** The MFEs whose folder is the deepest one holding `url` (never one holding the page). */
  const byFolder = (url: string): Emitter[] => {
    const holds = list.filter((m) => url.startsWith(folder(m.entry)) && !pageFolder.startsWith(folder(m.entry)));
    const deepest = Math.max(0, ...holds.map((m) => folder(m.entry).length));
    return holds.filter((m) => folder(m.entry).length === deepest);
  };
  for (const url of ownFrames(frames(stack), boundary))
    for (const candidates of [
      () => list.filter((m) => strip(m.entry) === strip(url)),
      () => list.filter((m) => bare(m.entry) === bare(url)),
      () => byFolder(url),
    ]) {
      const name = one(candidates());
      if (name === null) return undefined;
      if (name !== undefined) return name;
    }
  return undefined;
}
