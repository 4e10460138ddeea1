/**
 * format="html", the document bridge: lets a legacy page's scripts find its markup although it
 * lives in a shadow root, where `document.getElementById('x')` and `$('#x')` do not look.
 *
 * While at least one HTML MFE is mounted (and its page does not opt out), `document` gets own
 * properties `getElementById`, `querySelector`, `querySelectorAll`, `getElementsByClassName`,
 * `getElementsByTagName` and `getElementsByName` that look into the containers of those MFEs in
 * shadow roots too. Removed again (`delete`, back to the prototype's methods) when the last one
 * unmounts; nothing else is patched, and a page without HTML MFEs is never touched. With
 * `isolation="none"` the markup is in the light DOM, where the document finds it anyway: only the
 * last two rules below apply.
 *
 * - Single results: the document first, then the containers in mount order. While one page's
 *   scripts run, its own container comes first, so each instance initialises its own elements.
 * - Lists: the document's matches, then each container's. When no container matches, the
 *   engine's own live `NodeList`/`HTMLCollection` is returned unchanged; otherwise a static array
 *   with `item()` and `namedItem()`.
 * - The fallback content of an `<mfe-host>` whose HTML MFE is mounted (its light-DOM children,
 *   hidden while mounted) is left out of document results: the page replaced it, usually with
 *   the same ids (the strangler-fig pattern).
 */

type Lookup = 'getElementById' | 'querySelector' | 'querySelectorAll' | 'getElementsByClassName' | 'getElementsByTagName' | 'getElementsByName';
const NAMES: Lookup[] = ['getElementById', 'querySelector', 'querySelectorAll', 'getElementsByClassName', 'getElementsByTagName', 'getElementsByName'];

/** Containers of mounted HTML MFEs, in mount order. */
const containers: HTMLElement[] = [];
/** Those in the light DOM (`isolation="none"`): the document's own results hold their elements. */
const light = new WeakSet<HTMLElement>();
/** The container whose page's scripts are running, searched first. */
let running: HTMLElement | undefined;
/** What `document` had before (own properties of someone else's, else undefined). */
let saved: Map<Lookup, PropertyDescriptor | undefined> | undefined;

type Fn = (this: Document, ...args: string[]) => unknown;
const proto = Document.prototype as unknown as Record<Lookup, Fn>;

/** The containers in search order: the one whose scripts run first. */
const order = (): HTMLElement[] => (running && containers.includes(running) ? [running, ...containers.filter((c) => c !== running)] : containers);

/** Is `el` fallback content of an `<mfe-host>` that has an HTML MFE mounted? */
const hidden = (el: Element): boolean => {
  for (const c of containers) {
    const host = light.has(c) ? c.parentElement : (c.getRootNode() as ShadowRoot).host;
    if (host && host !== el && host.contains(el) && !c.contains(el)) return true;
  }
  return false;
};
/** Matches in the shadow-root containers, to add to the document's. */
const more = <T extends Element>(find: (c: HTMLElement) => Iterable<T>): T[] => order().flatMap((c) => (light.has(c) ? [] : [...find(c)]));

const list = <T extends Element>(own: ArrayLike<T>, more: T[]): ArrayLike<T> => {
  const mine = Array.prototype.filter.call(own, (e: T) => !hidden(e)) as T[];
  if (!more.length && mine.length === own.length) return own;
  return Object.assign([...mine, ...more], {
    item(this: T[], i: number) {
      return this[i] ?? null;
    },
    namedItem(this: T[], name: string) {
      return this.find((e) => e.id === name || e.getAttribute('name') === name) ?? null;
    },
  });
};

/** Call what `document` had (someone else's own property, or the prototype's method). */
const call = (name: Lookup, args: string[]): unknown => {
  const d = saved?.get(name);
  return ((d?.value as Fn | undefined) ?? proto[name]).apply(document, args);
};

/**
 * The first match: in the running page's container, then in the document (leaving out hidden
 * fallback content), then in the other containers.
 */
const first = (own: Element | null, sel: string, find: (root: HTMLElement) => Element | null): Element | null => {
  const visible = own && hidden(own) ? [...(call('querySelectorAll', [sel]) as NodeListOf<Element>)].find((e) => !hidden(e)) ?? null : own;
  for (const c of order()) {
    if (c !== running && visible) return visible;
    const el = find(c);
    if (el) return el;
  }
  return visible;
};

const bridged: Record<Lookup, Fn> = {
  getElementById(id) {
    const sel = `#${CSS.escape(String(id))}`;
    return first(call('getElementById', [id]) as Element | null, sel, (c) => (id ? c.querySelector(sel) : null));
  },
  querySelector(sel) {
    return first(call('querySelector', [sel]) as Element | null, sel, (c) => c.querySelector(sel));
  },
  querySelectorAll(sel) {
    return list(call('querySelectorAll', [sel]) as NodeListOf<Element>, more((c) => c.querySelectorAll(sel)));
  },
  getElementsByClassName(names) {
    return list(call('getElementsByClassName', [names]) as HTMLCollection, more((c) => c.getElementsByClassName(names)));
  },
  getElementsByTagName(tag) {
    return list(call('getElementsByTagName', [tag]) as HTMLCollection, more((c) => c.getElementsByTagName(tag)));
  },
  getElementsByName(name) {
    const sel = `[name="${CSS.escape(String(name))}"]`;
    return list(call('getElementsByName', [name]) as NodeListOf<HTMLElement>, more((c) => c.querySelectorAll<HTMLElement>(sel)));
  },
};

function install(): void {
  saved = new Map(NAMES.map((n) => [n, Object.getOwnPropertyDescriptor(document, n)]));
  for (const n of NAMES) Object.defineProperty(document, n, { value: bridged[n], configurable: true, writable: true });
}

function uninstall(): void {
  for (const n of NAMES) {
    // Leave alone what someone installed over ours; put back what was there before.
    if (Object.getOwnPropertyDescriptor(document, n)?.value !== bridged[n]) continue;
    const d = saved?.get(n);
    if (d) Object.defineProperty(document, n, d);
    else delete (document as unknown as Record<string, unknown>)[n];
  }
  saved = undefined;
}

/**
 * Make `container` visible to document-level queries (`inLight`: it is in the light DOM already);
 * returns the function that undoes it.
 */
export function bridge(container: HTMLElement, inLight: boolean): () => void {
  if (!containers.length) install();
  containers.push(container);
  if (inLight) light.add(container);
  return () => {
    const i = containers.indexOf(container);
    if (i < 0) return;
    containers.splice(i, 1);
    if (running === container) running = undefined;
    if (!containers.length) uninstall();
  };
}

/** While a page's scripts run, its container is searched first (and before the document). */
export function prefer(container: HTMLElement | undefined): void {
  running = container;
}
