/** Small helpers shared by the demo shells (demo/shell.ts, demo/routed/shell.ts). */

/** The element for `selector`; a missing one is a bug in the page, said loudly. */
export const $ = <T extends Element = HTMLElement>(selector: string): T => {
  const el = document.querySelector<T>(selector);
  if (!el) throw new Error(`demo: ${selector} is missing from the page`);
  return el;
};

/** A side-panel event log in `list`: newest first, at most `max` lines, time since page start. */
export function eventLog<K extends string>(list: HTMLOListElement, max: number): (kind: K, text: string) => void {
  const started = performance.now();
  const span = (className: string, text: string): HTMLSpanElement =>
    Object.assign(document.createElement('span'), { className, textContent: text });
  return (kind, text) => {
    const li = document.createElement('li');
    li.className = `log-${kind}`;
    li.append(span('log-time', `${((performance.now() - started) / 1000).toFixed(2)}s`), span('log-kind', kind), span('log-msg', text));
    list.prepend(li);
    while (list.children.length > max) list.lastElementChild?.remove();
  };
}
