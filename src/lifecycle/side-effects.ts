/** Side-effect tracking (stub: filled in by its own change). */

/** `configure({ sideEffects })`. */
export interface SideEffectOptions {
  /** Remove what the module left behind at its last unmount: everything tracked (true) or these kinds. */
  clean?: boolean | Array<'listeners' | 'timers' | 'globals'>;
  /** Dispatch `mfe-leak` on the element at the last unmount when something was left behind. */
  report?: boolean;
}

export type Fx = (delta: 1 | -1, host: HTMLElement) => void;

export async function track(
  _url: string,
  _name: string,
  _opts: SideEffectOptions,
  load: () => Promise<Record<string, unknown>>,
): Promise<[Record<string, unknown>, Fx]> {
  return [await load(), () => {}];
}
