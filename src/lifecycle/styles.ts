/**
 * `styles` become constructable stylesheets, built once per module and adopted by every
 * instance (works under `style-src 'self'`: no `<style>` elements). `@font-face` rules are also
 * installed once at document level, because fonts declared inside a shadow root do not load.
 */
import type { MfeStyles } from '../types.js';

/** Relative `url()`s resolve against `base` (the MFE's folder, or the CSS file), not the page. */
const rebase = (css: string, base: string): string =>
  css.replace(/url\(\s*(['"]?)([^'")]*)\1\s*\)/g, (m, q: string, u: string) =>
    !u || u[0] === '#' ? m : `url(${q}${new URL(u, base).href}${q})`,
  );

/** A CSS string as a constructable sheet, its `url()`s rebased; a sheet as it is. */
export const toSheet = (s: string | CSSStyleSheet, base: string): CSSStyleSheet => {
  if (typeof s !== 'string') return s;
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(rebase(s, base));
  return sheet;
};

/** Install the `@font-face` rules of `sheets` in the document (call once per sheet). */
export function hoistFonts(sheets: CSSStyleSheet[], base: string): void {
  const fonts = sheets.flatMap((s) => [...s.cssRules].filter((r) => r instanceof CSSFontFaceRule).map((r) => r.cssText));
  if (fonts.length) document.adoptedStyleSheets = [...document.adoptedStyleSheets, toSheet(fonts.join('\n'), base)];
}

/** Build the module's sheets and hoist their `@font-face` rules to the document. */
export function buildSheets(styles: MfeStyles | undefined, base: string): CSSStyleSheet[] {
  const sheets = (styles ? [styles].flat() : []).map((s) => toSheet(s, base));
  hoistFonts(sheets, base);
  return sheets;
}
