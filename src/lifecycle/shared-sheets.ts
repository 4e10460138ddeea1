/**
 * Styles of `isolation="none"` MFEs go into a root shared with other code (the document, or an
 * enclosing shadow root). Loaded on demand: shadow-isolated pages do not pay for it.
 */
const uses = new WeakMap<CSSStyleSheet, Map<DocumentOrShadowRoot, number>>();

/**
 * Adopt (`+1`) or release (`-1`) `sheets` in `root`, reference-counted per root, so the last
 * instance to leave removes them.
 */
export function shareSheets(root: DocumentOrShadowRoot, sheets: CSSStyleSheet[], delta: 1 | -1): void {
  for (const sheet of sheets) {
    let counts = uses.get(sheet);
    if (!counts) uses.set(sheet, (counts = new Map()));
    const n = (counts.get(root) ?? 0) + delta;
    counts.set(root, n);
    if (delta > 0 && n === 1) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
    if (n === 0) root.adoptedStyleSheets = root.adoptedStyleSheets.filter((x) => x !== sheet);
  }
}
