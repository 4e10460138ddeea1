// Row 5: mount/unmount cycles of an MFE with listeners and timers; distinct names mounted once.
import { configure } from '/dist/browser/mfe-host.min.js';
import { box, wait } from './common.js';

const BUSY = new URL('/test/perf/mfe/busy.js', location.href).href;

const mountUnmount = async (parent, setup) => {
  const el = document.createElement('mfe-host');
  setup(el);
  const mounted = wait(el, 'mfe-mounted', 'mfe-error');
  parent.append(el);
  await mounted;
  const unmounted = wait(el, 'mfe-unmounted', 'mfe-error');
  el.remove();
  await unmounted;
};

/** `n` mount/unmount cycles of the same MFE, one after the other. */
export async function cycles(n) {
  const b = box();
  for (let i = 0; i < n; i++) await mountUnmount(b, (el) => el.setAttribute('src', BUSY));
  b.remove();
}

let next = 0;
/** `n` MFE names never seen before (same entry), registered and mounted once each, 50 at a time. */
export async function names(n) {
  const ids = Array.from({ length: n }, () => `bench-${next++}`);
  configure({ remotes: Object.fromEntries(ids.map((id) => [id, { entry: BUSY, version: '1.0.0' }])) });
  const b = box();
  for (let i = 0; i < n; i += 50)
    await Promise.all(ids.slice(i, i + 50).map((id) => mountUnmount(b, (el) => el.setAttribute('name', id))));
  b.remove();
}
