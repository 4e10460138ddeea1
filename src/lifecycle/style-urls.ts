/**
 * Stylesheet URLs of a remote (`styles` in the manifest), loaded on demand and adopted into the
 * shadow root before `mount`, so there is no flash of unstyled content. Each URL is fetched
 * once per page into one constructable sheet shared by every instance (works under
 * `style-src 'self'`); a failed one is forgotten, so a later mount tries again. Relative
 * `url()`s resolve against the CSS file; `@font-face` rules are also installed in the document.
 * Being fetched, cross-origin files need CORS; `@import` is not followed (constructable sheets
 * ignore it): list every file.
 */
import { hoistFonts, toSheet } from './styles.js';

const sheets = new Map<string, Promise<CSSStyleSheet>>();

async function load(url: string): Promise<CSSStyleSheet> {
  const res = await fetch(url).catch((e: unknown) => {
    throw new Error(`${url}: network error`, { cause: e });
  });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  const type = res.headers.get('content-type');
  // As browsers do for <link rel="stylesheet">; catches an HTML page served for a missing file.
  if (type && !/css/i.test(type)) throw new Error(`${url}: served as ${type}, not text/css`);
  const base = res.url || url; // after redirects, as for <link>
  const sheet = toSheet(await res.text(), base);
  hoistFonts([sheet], base);
  return sheet;
}

/**
 * The sheets of `urls` (resolved against the page), in order. Rejects with an Error naming the
 * first URL that failed and why: `https://x/inventory.css: HTTP 404`, `…: network error`.
 */
export function loadStyleUrls(urls: string[]): Promise<CSSStyleSheet[]> {
  return Promise.all(
    urls.map((u) => {
      const url = new URL(u, document.baseURI).href;
      let p = sheets.get(url);
      if (!p) {
        sheets.set(url, (p = load(url)));
        p.catch(() => sheets.delete(url));
      }
      return p;
    }),
  );
}
