// Row 3: the same 200-instance mount/unmount with each peer runtime (one peer per page load:
// they patch the DOM and history). single-spa runs in mount.js, interleaved with mfe-host.
import { N, TRIVIAL, HTML_ENTRY, box, wait, time, check } from './common.js';

const B = '/node_modules/.cache/mfe-host-bench/';
await import(TRIVIAL);

/** This run's number: names are new in every run, as 200 new instances are (a runtime's cache of
 * an app by name would otherwise turn a mount into a reactivation). */
let run = 0;

const runners = {
  async 'micro-app'() {
    const microApp = (await import(B + 'micro-app.js')).default;
    microApp.start();
    return async () => {
      const b = box();
      const [mount, els] = await time(async () => {
        const els = [];
        const done = [];
        for (let i = 0; i < N; i++) {
          const el = document.createElement('micro-app');
          el.setAttribute('name', `mapp${run}-${i}`);
          el.setAttribute('url', HTML_ENTRY);
          done.push(wait(el, 'mounted', 'error'));
          els.push(el);
        }
        b.append(...els);
        await Promise.all(done);
        return els;
      });
      check(b, 'micro-app');
      const [unmount] = await time(async () => {
        const done = els.map((el) => wait(el, 'unmount'));
        b.remove();
        await Promise.all(done);
      });
      return { mount, unmount };
    };
  },
  async qiankun() {
    const { loadMicroApp } = await import(B + 'qiankun.js');
    return async () => {
      const b = box();
      const [mount, apps] = await time(async () => {
        const apps = [];
        for (let i = 0; i < N; i++) {
          const container = b.appendChild(document.createElement('div'));
          apps.push(loadMicroApp({ name: `qapp${run}-${i}`, entry: HTML_ENTRY, container, props: {} }, { sandbox: true }));
        }
        await Promise.all(apps.map((a) => a.mountPromise));
        return apps;
      });
      check(b, 'qiankun');
      const [unmount] = await time(() => Promise.all(apps.map((a) => a.unmount())));
      b.remove();
      return { mount, unmount };
    };
  },
  async wujie() {
    const { startApp, destroyApp } = await import(B + 'wujie.js');
    return async () => {
      const b = box();
      const [mount] = await time(async () => {
        const all = [];
        for (let i = 0; i < N; i++) {
          const el = b.appendChild(document.createElement('div'));
          all.push(startApp({ name: `wapp${i}`, url: HTML_ENTRY, el, alive: false, sync: false }));
        }
        await Promise.all(all);
      });
      check(b, 'wujie');
      const [unmount] = await time(async () => {
        for (let i = 0; i < N; i++) destroyApp(`wapp${i}`);
        await new Promise((r) => setTimeout(r));
      });
      b.remove();
      return { mount, unmount };
    };
  },
};

let runNow;
/** Load `peer` into this page (once). */
export async function setup(peer) {
  runNow = await runners[peer]();
}
export const once = () => (run++, runNow());
