// Row 3: the same 200-instance mount/unmount with each peer runtime (one peer per page load:
// they patch the DOM and history). single-spa runs in mount.js, interleaved with mfe-host.
import { N, TRIVIAL, HTML_ENTRY, measure, measureElements } from './common.js';

const B = '/node_modules/.cache/mfe-host-bench/';
await import(TRIVIAL);

/** This run's number: names are new in every run, as 200 new instances are (a runtime's cache of
 * an app by name would otherwise turn a mount into a reactivation). */
let run = 0;

const runners = {
  async 'micro-app'() {
    const microApp = (await import(B + 'micro-app.js')).default;
    microApp.start();
    return () =>
      measureElements(
        'micro-app',
        (i) => {
          const el = document.createElement('micro-app');
          el.setAttribute('name', `mapp${run}-${i}`);
          el.setAttribute('url', HTML_ENTRY);
          return el;
        },
        { mounted: 'mounted', failed: 'error', unmounted: 'unmount' },
      );
  },
  async qiankun() {
    const { loadMicroApp } = await import(B + 'qiankun.js');
    return () =>
      measure(
        'qiankun',
        async (b) => {
          const apps = Array.from({ length: N }, (_, i) =>
            loadMicroApp({ name: `qapp${run}-${i}`, entry: HTML_ENTRY, container: b.appendChild(document.createElement('div')), props: {} }, { sandbox: true }),
          );
          await Promise.all(apps.map((a) => a.mountPromise));
          return apps;
        },
        (apps) => Promise.all(apps.map((a) => a.unmount())),
      );
  },
  async wujie() {
    const { startApp, destroyApp } = await import(B + 'wujie.js');
    return () =>
      measure(
        'wujie',
        (b) => Promise.all(Array.from({ length: N }, (_, i) => startApp({ name: `wapp${i}`, url: HTML_ENTRY, el: b.appendChild(document.createElement('div')), alive: false, sync: false }))),
        async () => {
          for (let i = 0; i < N; i++) destroyApp(`wapp${i}`);
          await new Promise((r) => setTimeout(r));
        },
      );
  },
};

let runNow;
/** Load `peer` into this page (once). */
export async function setup(peer) {
  runNow = await runners[peer]();
}
export const once = () => (run++, runNow());
