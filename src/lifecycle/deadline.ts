/**
 * The time limit of one attempt (load, bootstrap, mount; or one `update`/`unmount`), which can
 * also be called off when what is wanted changes. It costs nothing until a step actually has to
 * wait: a mount of a module that is already loaded never arms a timer (npm run bench, row 2).
 */

/** Rejection of a step whose attempt was called off. */
export const STALE = Symbol();
/** Rejection of a step that was still running when the time limit passed. */
export const TIMEOUT = Symbol();

export interface Deadline {
  /** `p`'s outcome, unless the time limit passes (TIMEOUT) or the attempt is called off (STALE) first. */
  race<T>(p: PromiseLike<T>): Promise<T>;
  /** Call the attempt off: whatever it waits for, now or later, rejects with STALE. */
  cancel(): void;
  /** The attempt is over: release the timer. */
  done(): void;
  /** Whether it was called off. */
  readonly stale: boolean;
}

/** A deadline `ms` from now. */
export const deadline = (ms: number): Deadline => {
  const end = performance.now() + ms;
  let why: symbol | undefined;
  let stop: Promise<never> | undefined;
  let reject: ((why: symbol) => void) | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const d: Deadline = {
    // The deadline first: once it has passed or been called off, it wins over a settled `p`.
    race: (p) =>
      Promise.race([
        (stop ??= new Promise<never>((_, j) => {
          reject = j;
          if (why) j(why);
          else timer = setTimeout(() => j((why = TIMEOUT)), end - performance.now());
        })),
        p,
      ]),
    cancel() {
      why ??= STALE;
      reject?.(why);
      d.done();
    },
    done: () => clearTimeout(timer),
    get stale() {
      return why === STALE;
    },
  };
  return d;
};
