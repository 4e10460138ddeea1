/**
 * `loading="lazy"`: one shared IntersectionObserver. Loaded on demand, so pages that never use
 * lazy loading do not pay for it.
 */
const waiting = new Map<Element, () => void>();
let io: IntersectionObserver | undefined;

/** Call `near` once `el` comes within 200px of the viewport; returns a function that stops waiting. */
export function whenNear(el: Element, near: () => void): () => void {
  io ??= new IntersectionObserver(
    (entries) => {
      for (const e of entries) {
        if (!e.isIntersecting) continue;
        waiting.get(e.target)?.();
        stop(e.target);
      }
    },
    { rootMargin: '200px' },
  );
  waiting.set(el, near);
  io.observe(el);
  return () => stop(el);
}

const stop = (el: Element): void => {
  waiting.delete(el);
  io?.unobserve(el);
};
