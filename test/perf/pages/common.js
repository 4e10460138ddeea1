// Helpers shared by the scenario pages.
export const N = 200;
export const TRIVIAL = new URL('/test/perf/mfe/trivial.js', location.href).href;
export const HTML_ENTRY = new URL('/test/perf/mfe/index.html', location.href).href;
export const stage = () => document.getElementById('stage');
export const box = () => stage().appendChild(document.createElement('div'));
export const wait = (el, ok, bad) =>
  new Promise((resolve, reject) => {
    el.addEventListener(ok, resolve, { once: true });
    if (bad) el.addEventListener(bad, (e) => reject(e.detail?.error ?? e.detail ?? new Error(bad)), { once: true });
  });
/** Wall time of `f()` in ms. */
export const time = async (f) => {
  const t0 = performance.now();
  const r = await f();
  return [performance.now() - t0, r];
};
/** How many `<p>hello</p>` the trivial MFE rendered under `root`, open shadow roots included. */
export const rendered = (root) => {
  let n = 0;
  const walk = (node) => {
    for (const el of node.querySelectorAll('*')) {
      if (el.localName === 'p' && el.textContent === 'hello') n++;
      if (el.shadowRoot) walk(el.shadowRoot);
    }
  };
  walk(root);
  return n;
};
/** Throw unless all `N` instances rendered (so a peer that mounts nothing is never timed as fast). */
export const check = (root, what) => {
  const n = rendered(root);
  if (n !== N) throw new Error(`${what}: ${n} of ${N} instances rendered`);
};

/**
 * One run of a scenario: `mountAll(box)` puts N instances into a fresh box (timed), all N must
 * have rendered, then `unmountAll(whatMountAllReturned, box)` takes them down (timed).
 */
export async function measure(what, mountAll, unmountAll) {
  const b = box();
  const [mount, state] = await time(() => mountAll(b));
  check(b, what);
  const [unmount] = await time(() => unmountAll(state, b));
  b.remove();
  return { mount, unmount };
}

/**
 * `measure` for a runtime that is an element: N elements from `make(i)`, appended at once, are
 * mounted once each has fired `mounted` (rejected by `failed`); removing the box unmounts them,
 * once each has fired `unmounted`.
 */
export const measureElements = (what, make, { mounted, failed, unmounted }) =>
  measure(
    what,
    async (b) => {
      const els = Array.from({ length: N }, (_, i) => make(i));
      const done = els.map((el) => wait(el, mounted, failed));
      b.append(...els);
      await Promise.all(done);
      return els;
    },
    async (els, b) => {
      const done = els.map((el) => wait(el, unmounted, failed));
      b.remove();
      await Promise.all(done);
    },
  );
