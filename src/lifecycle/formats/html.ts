/**
 * format="html": an ordinary HTML page as an MFE (HTML entry). Loaded on demand.
 *
 * `load` fetches the page once per URL and parses it with DOMParser (nothing runs): relative URLs
 * in the markup become absolute against the page (`<base href>` honoured), its `<style>`s and
 * `<link rel=stylesheet>`s become constructable sheets (`styles`, adopted into the shadow root,
 * so they apply inside only and work under `style-src 'self'`), and its scripts are listed in the
 * order a browser runs them (html-page.ts).
 *
 * Every `mount` puts a copy of the body's markup into `ctx.host` and runs the page's scripts
 * again, in order (html-run.ts), so each mount is a fresh page load; in shadow isolation the
 * document bridge (html-bridge.ts) lets the page's `document.getElementById`/`querySelector`/
 * `$('#x')` find that markup. `unmount` removes the markup and the script elements; what the
 * scripts did to `window` and `document` (globals, listeners, timers) stays, as it would in a page.
 * Props, context and the bus do not reach the page: `update` does nothing (no remount).
 */
import type { LoadSpec } from '../load.js';
import type { MicroFrontend, MountContext } from '../../types.js';
import { fetchPage } from './html-page.js';
import { placeholders, runScripts, styleOf, type Run } from './html-run.js';
import { bridge } from './html-bridge.js';

interface Mount {
  run: Run;
  classes: string[];
  unbridge?: () => void;
}

export async function load(url: string, _spec: LoadSpec): Promise<Record<string, unknown>> {
  const page = await fetchPage(url);
  const mounts = new WeakMap<MountContext, Mount>();

  const clean = (ctx: MountContext): void => {
    const m = mounts.get(ctx);
    if (!m) return;
    mounts.delete(ctx);
    m.unbridge?.();
    for (const s of m.run.scripts) s.remove();
    ctx.host.replaceChildren();
    ctx.host.removeAttribute('data-mfe-page');
    ctx.host.classList.remove(...m.classes);
  };

  const mfe: MicroFrontend = {
    styles: page.sheets,
    async mount(ctx) {
      const { host } = ctx;
      const classes = page.bodyClass.split(/\s+/).filter((c) => c && !host.classList.contains(c));
      const m: Mount = { run: { scripts: [] }, classes };
      mounts.set(ctx, m);
      // `body`, `html` and `:root` rules of the page select this (html-page.ts).
      host.setAttribute('data-mfe-page', String(page.id));
      host.classList.add(...classes);
      const markup = document.importNode(page.markup, true);
      for (const el of markup.querySelectorAll<HTMLElement>('[data-mfe-style]')) styleOf(el);
      const marks = placeholders(markup);
      // Where `document.write` from a script in the page's <head> goes: the top of the body.
      const top = document.createComment('mfe-head');
      host.append(top, markup);
      if (page.bridge) m.unbridge = bridge(host, !ctx.shadowRoot);
      try {
        await runScripts(page, page.scripts.map((s) => ({ s, at: s.at < 0 ? top : marks[s.at]! })), host, ctx.signal, m.run);
      } catch (e) {
        clean(ctx);
        throw e;
      }
    },
    update() {},
    unmount: clean,
  };
  return mfe as unknown as Record<string, unknown>;
}
