/**
 * The time limit of one attempt (load, bootstrap, mount; or one `update`/`unmount`), which can
 * also be called off when what is wanted changes. It costs nothing until a step actually has to
 * wait: a mount of a module that is already loaded never arms a timer, and a class (no closures
 * per attempt) keeps making one cheap (npm run bench, row 2).
 */

/** Rejection of a step whose attempt was called off. */
export const STALE = Symbol();
/** Rejection of a step that was still running when the time limit passed. */
export const TIMEOUT = Symbol();

export class Deadline {
  /** Why it is over (TIMEOUT or STALE), once it is. */
  #why?: symbol;
  /** What every `race` races against, made at the first one. */
  #stop?: Promise<never>;
  #reject?: (why: symbol) => void;
  #timer?: ReturnType<typeof setTimeout>;
  /** When the time runs out (`performance.now()` clock). */
  #end: number;

  /** `ms` from `start` (default: now). */
  constructor(ms: number, start = performance.now()) {
    this.#end = start + ms;
  }

  /** `p`'s outcome, unless the time limit passes (TIMEOUT) or the attempt is called off (STALE) first. */
  race<T>(p: PromiseLike<T>): Promise<T> {
    // The deadline first: once it has passed or been called off, it wins over a settled `p`.
    return Promise.race([
      (this.#stop ??= new Promise<never>((_, j) => {
        this.#reject = j;
        if (this.#why) j(this.#why);
        else this.#timer = setTimeout(() => j((this.#why = TIMEOUT)), this.#end - performance.now());
      })),
      p,
    ]);
  }

  /** Call the attempt off: whatever it waits for, now or later, rejects with STALE. */
  cancel(): void {
    this.#why ??= STALE;
    this.#reject?.(this.#why);
    this.done();
  }

  /** The attempt is over: release the timer. */
  done(): void {
    clearTimeout(this.#timer);
  }

  /** Whether it was called off. */
  get stale(): boolean {
    return this.#why === STALE;
  }
}
