/**
 * format="html", part 1: fetch an HTML page once and take it apart (DOMParser, no script runs)
 * into what every mount reuses: the body's markup with absolute URLs, its scripts in the order
 * a browser runs them, and its styles as constructable sheets.
 */
import { BadModule } from '../load.js';
import { describe } from '../errors.js';
import { trustedHTML } from '../trusted.js';

/** One `<script>` of the page. */
export interface PageScript {
  /** Absolute URL of an external script. */
  src?: string;
  /** Text of an inline script (relative module specifiers made absolute). */
  text?: string;
  module: boolean;
  /** Runs after the classic scripts, as a browser runs modules and `defer` scripts after parsing. */
  defer: boolean;
  /** Attributes copied onto the script element that runs it (not `src`, `async`, `defer`, `nonce`). */
  attrs: Array<[string, string]>;
  /** `data-mfe-once`: runs at the first mount only (and not at all if the page already has it). */
  once: boolean;
  /** Index of its placeholder among the body's scripts; -1 for a script in `<head>`. */
  at: number;
  /** For messages: the URL, or `inline script #n (first words)`. */
  label: string;
}

/** A parsed page: what every mount of it starts from. */
export interface Page {
  /** The document's URL (after redirects). */
  url: string;
  /** What relative URLs resolve against: `<base href>`, else the document's URL. */
  base: string;
  /** The body's content; each script replaced by a `<!--mfe-script-->` placeholder. */
  markup: DocumentFragment;
  /** `class` of `<body>` (given to the container). */
  bodyClass: string;
  /** `onload` of `<body>`, run (as an inline handler) after the scripts. */
  onload: string;
  /** Classic scripts in document order, then deferred ones and modules in document order. */
  scripts: PageScript[];
  sheets: CSSStyleSheet[];
  /** Page number: `<body>`, `<html>` and `:root` rules select `[data-mfe-page="<id>"]`. */
  id: number;
  /** Document-level queries look into the shadow root (`<meta name="mfe-document-bridge" content="off">` turns it off). */
  bridge: boolean;
}

/** The comment that marks where a script stood in the markup (and where its `document.write` goes). */
export const PLACEHOLDER = 'mfe-script';

let pages = 0;

/** Attributes holding URLs, made absolute against the page (`#fragment`-only values stay). */
const URL_ATTRS = ['src', 'href', 'poster', 'action', 'formaction', 'cite', 'background', 'longdesc', 'xlink:href'];

const JS_TYPE = /^(?:(?:text|application)\/(?:x-)?(?:java|ecma)script|text\/(?:jscript|livescript))$/i;

/** Rewrite relative `url()`s in CSS to absolute ones against `base`. */
export const rebaseCss = (css: string, base: string): string =>
  css.replace(/url\(\s*(['"]?)([^'")]*)\1\s*\)/g, (m, q: string, u: string) =>
    !u || u[0] === '#' || /^data:/i.test(u) ? m : `url(${q}${abs(u, base)}${q})`,
  );

const abs = (u: string, base: string): string => {
  try {
    return new URL(u, base).href;
  } catch {
    return u;
  }
};

/** `srcset` candidates, each URL made absolute (descriptors kept). */
const srcset = (v: string, base: string): string =>
  v
    .split(/,(?=\s|$)|,(?=[^,\s]+\s+[\d.]+[wx]\s*(?:,|$))/)
    .map((c) => c.trim().replace(/^\S+/, (u) => abs(u, base)))
    .filter(Boolean)
    .join(', ');

/** Relative specifiers of an inline module's static imports and `import('…')` calls, made absolute. */
const rebaseImports = (code: string, base: string): string =>
  code.replace(/(\bfrom\s*|\bimport\s*\(?\s*)(['"])(\.{0,2}\/[^'"]*)\2/g, (_m, pre: string, q: string, spec: string) => `${pre}${q}${abs(spec, base)}${q}`);

/** Make every URL in `root` (and in its `<template>`s) absolute; move `style` attributes to `data-mfe-style`. */
export function absolutize(root: ParentNode, base: string): void {
  for (const el of root.querySelectorAll('*')) {
    for (const name of URL_ATTRS) {
      const v = el.getAttribute(name);
      if (v && v[0] !== '#' && !(name === 'href' && el.localName === 'base')) el.setAttribute(name, abs(v.trim(), base));
    }
    const set = el.getAttribute('srcset');
    if (set) el.setAttribute('srcset', srcset(set, base));
    if (el.localName === 'object' && el.getAttribute('data')) el.setAttribute('data', abs(el.getAttribute('data')!, base));
    // Set through the CSSOM at mount: a `style` attribute in markup is blocked by a CSP without
    // 'unsafe-inline' (Firefox blocks it even on imported nodes); `el.style` never is.
    const style = el.getAttribute('style');
    if (style !== null) {
      el.setAttribute('data-mfe-style', rebaseCss(style, base));
      el.removeAttribute('style');
    }
    if (el instanceof HTMLTemplateElement) absolutize(el.content, base);
  }
}

/**
 * Take the scripts out of `root` (a placeholder comment where each stood in the body) and return
 * them as {@link PageScript}s, in document order. Non-JavaScript types (templates, JSON) stay in
 * the markup as the data they are; import maps, speculation rules and `nomodule` scripts go.
 */
export function extractScripts(root: ParentNode, base: string, body: boolean, first = 0): PageScript[] {
  const out: PageScript[] = [];
  let at = 0;
  for (const el of root.querySelectorAll('script')) {
    const type = (el.getAttribute('type') ?? '').split(';')[0]!.trim();
    const module = type.toLowerCase() === 'module';
    const classic = !type || JS_TYPE.test(type);
    if (!module && !classic) {
      if (/^(importmap|speculationrules)$/i.test(type)) el.remove();
      continue;
    }
    const inBody = body && !el.closest('head');
    if (inBody) el.replaceWith(el.ownerDocument.createComment(PLACEHOLDER));
    else el.remove();
    if (el.hasAttribute('nomodule')) continue;
    const src = el.getAttribute('src');
    const text = el.textContent ?? '';
    const n = first + out.length + 1;
    out.push({
      src: src === null ? undefined : abs(src.trim(), base),
      text: src === null ? (module ? rebaseImports(text, base) : text) : undefined,
      module,
      defer: module || (src !== null && el.hasAttribute('defer')),
      attrs: [...el.attributes].filter((a) => !/^(src|async|defer|nonce)$/i.test(a.name)).map((a) => [a.name, a.value]),
      once: el.hasAttribute('data-mfe-once'),
      at: inBody ? at++ : -1,
      label: src === null ? `inline script #${n} (${text.trim().replace(/\s+/g, ' ').slice(0, 40) || 'empty'})` : `script ${abs(src.trim(), base)}`,
    });
  }
  return out;
}

/**
 * `<body>`/`<html>`/`:root` in a selector become the page's container, so the page's own base
 * styles (font, background, custom properties) apply to it, and nowhere else.
 */
const BODY = /(^|[\s,>+~(])(?:html|:root)(?:\s*>\s*|\s+)body(?![\w-])|(^|[\s,>+~(])(?:html|body|:root)(?![\w-])/g;
function scopeRoots(rules: CSSRuleList, page: string): void {
  for (const r of rules) {
    if (r instanceof CSSStyleRule && /\b(html|body)\b|:root/.test(r.selectorText))
      r.selectorText = r.selectorText.replace(BODY, (_m, a?: string, b?: string) => `${a ?? b ?? ''}${page}`);
    if ('cssRules' in r && r.cssRules instanceof CSSRuleList) scopeRoots(r.cssRules, page);
  }
}

/** Fetch a linked stylesheet and the ones it `@import`s (constructable sheets ignore `@import`). */
async function linked(url: string, init: RequestInit, depth = 0): Promise<string> {
  const res = await fetch(url, init).catch((e: unknown) => {
    throw new TypeError(`stylesheet ${url}: fetch failed (${describe(e)})`, { cause: e });
  });
  if (!res.ok) throw new BadModule(`stylesheet ${url}: HTTP ${res.status}`);
  const type = res.headers.get('content-type');
  if (type && !/css/i.test(type)) throw new BadModule(`stylesheet ${url}: served as ${type}, not text/css`);
  return imports(rebaseCss(await res.text(), res.url || url), res.url || url, init, depth);
}

/** Inline the `@import`s at the top of `css` (their media queries kept as `@media`). */
async function imports(css: string, base: string, init: RequestInit, depth: number): Promise<string> {
  // @import is only valid before any other rule (after @charset and comments).
  const head = /^(?:\s+|\/\*[\s\S]*?\*\/|@charset[^;]*;|@import\s[^;]*;)*/.exec(css)![0];
  const found = [...head.replace(/\/\*[\s\S]*?\*\//g, '').matchAll(/@import\s+(?:url\(\s*)?(['"]?)([^'")\s]+)\1\s*\)?\s*([^;]*);/g)];
  if (!found.length || depth > 4) return css;
  const parts = await Promise.all(
    found.map(async ([, , u, cond]) => {
      const t = await linked(abs(u!, base), init, depth + 1);
      // `layer()` and `supports()` conditions are dropped (imported unconditionally); media kept.
      const media = cond!.replace(/\b(layer|supports)(\([^)]*\))?/g, '').trim();
      return media ? `@media ${media} {\n${t}\n}` : t;
    }),
  );
  return parts.join('\n') + '\n' + css.slice(head.length);
}

/** The page's `<style>`s and `<link rel=stylesheet>`s, in document order, as sheets. */
async function styles(doc: Document, base: string, id: number): Promise<CSSStyleSheet[]> {
  const texts = [...doc.querySelectorAll<HTMLElement>('style, link[rel~="stylesheet" i]:not([rel~="alternate" i])')].map(async (el) => {
    const media = el.getAttribute('media')?.trim();
    let css: string;
    if (el instanceof HTMLLinkElement) {
      const href = el.getAttribute('href');
      el.remove();
      if (!href) return '';
      const cors = el.getAttribute('crossorigin');
      css = await linked(abs(href, base), {
        integrity: el.getAttribute('integrity') ?? undefined,
        credentials: cors === 'use-credentials' ? 'include' : 'same-origin',
      });
    } else {
      el.remove();
      css = await imports(rebaseCss(el.textContent ?? '', base), base, {}, 0);
    }
    return media && media !== 'all' ? `@media ${media} {\n${css}\n}` : css;
  });
  return (await Promise.all(texts)).filter(Boolean).map((css) => {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    scopeRoots(sheet.cssRules, `[data-mfe-page="${id}"]`);
    return sheet;
  });
}

/**
 * Fetch `url` and parse it. Rejects with a `TypeError` (retried by the loader) when the network
 * fails or the server answers 5xx, and with a `BadModule` for a 4xx, a response that is not HTML,
 * a stylesheet that is missing or not CSS.
 */
export async function fetchPage(url: string): Promise<Page> {
  const res = await fetch(url, { credentials: 'same-origin' }).catch((e: unknown) => {
    throw new TypeError(`fetch failed: ${describe(e)}`, { cause: e });
  });
  if (res.status >= 500) throw new TypeError(`fetch failed: HTTP ${res.status}`);
  if (!res.ok) throw new BadModule(`HTTP ${res.status}`);
  const type = res.headers.get('content-type');
  if (type && !/html/i.test(type)) throw new BadModule(`served as ${type.split(';')[0]}, not text/html (format="html" expects an HTML page)`);
  const doc = new DOMParser().parseFromString(trustedHTML(await res.text()), 'text/html');
  const docUrl = res.url || url;
  const baseHref = doc.querySelector('base[href]')?.getAttribute('href');
  const base = baseHref ? abs(baseHref, docUrl) : docUrl;
  const id = ++pages;
  const sheets = await styles(doc, base, id);
  doc.querySelectorAll('noscript').forEach((n) => n.remove());
  absolutize(doc, base);
  const scripts = extractScripts(doc, base, true);
  const markup = doc.createDocumentFragment();
  markup.append(...doc.body.childNodes);
  const bridge = doc.querySelector('meta[name="mfe-document-bridge" i]')?.getAttribute('content')?.trim().toLowerCase() !== 'off';
  return {
    url: docUrl,
    base,
    markup,
    bodyClass: doc.body.getAttribute('class') ?? '',
    onload: doc.body.getAttribute('onload') ?? '',
    // As a browser runs them: classic scripts as met, then `defer` ones and modules.
    scripts: [...scripts.filter((s) => !s.defer), ...scripts.filter((s) => s.defer)],
    sheets,
    id,
    bridge,
  };
}
