/**
 * What one mount gets besides its shadow root, loaded on demand with the first mount: the
 * container it renders into, its custom element registry (`ctx.registry`) and its overlay layer
 * (`ctx.overlayRoot`).
 *
 * Where the engine has scoped custom element registries (Chromium), every mount gets a fresh
 * `CustomElementRegistry` and a container that belongs to it, so two MFEs can define the same
 * tag with different classes. Elsewhere (Firefox ESR, WebKitGTK) and with `isolation="none"`,
 * `ctx.registry` is the global registry with a guard: defining, from `mount`, a tag that is
 * already defined keeps the first definition and warns, naming both MFEs, instead of throwing.
 */

import { shareSheets } from '../lifecycle/shared-sheets.js';

/** Tag → the MFE that defined it in the global registry. */
const owners = new Map<string, string>();
const warned = new Set<string>();
let scopedSupported: boolean | undefined;

/** A new scoped registry, or undefined where the engine has none ("Illegal constructor"). */
const scopedRegistry = (): CustomElementRegistry | undefined => {
  if (scopedSupported !== false)
    try {
      const r = new CustomElementRegistry();
      scopedSupported = true;
      return r;
    } catch {
      scopedSupported = false;
    }
};

/** The MFE whose `mount` is running synchronously (set before it starts, cleared in the next microtask). */
let mounting: string | undefined;

/**
 * The global registry, shared safely between MFEs (see the file comment). `ctx.registry` is the
 * real `customElements` (engines check the type of `{ customElementRegistry }`, so a wrapper
 * would not do); its `define` gets an own-property guard, installed once: a define made while
 * an MFE's `mount` runs that would clash with an earlier definition warns and is skipped (the
 * same class again is a no-op). Everything else, the page's own defines included, behaves as
 * the engine's `define`.
 */
const globalFor = (name: string): CustomElementRegistry => {
  mounting = name;
  queueMicrotask(() => (mounting = undefined));
  const registry = customElements;
  if (!Object.prototype.hasOwnProperty.call(registry, 'define')) {
    const define = registry.define;
    registry.define = function (this: CustomElementRegistry, tag: string, ctor: CustomElementConstructor, options?: ElementDefinitionOptions): void {
      const had = this.get(tag);
      const mfe = mounting;
      if (!had || mfe === undefined) {
        define.call(this, tag, ctor, options);
        if (mfe !== undefined) owners.set(tag, mfe);
      } else if (had !== ctor && !warned.has(tag + ' ' + mfe)) {
        warned.add(tag + ' ' + mfe);
        const owner = owners.get(tag);
        console.warn(
          `${mfe || 'mfe'}: <${tag}> is already defined ${owner !== undefined ? `by MFE "${owner}"` : 'on this page'}; ` +
            `this browser has no scoped custom element registries, so ${mfe || 'this MFE'} gets that definition, not its own. ` +
            `Give the tag a prefix of your own (e.g. <${mfe || 'my'}-${tag}>) or mount with isolation="iframe".`,
        );
      }
    };
  }
  return registry;
};

/** The slot of `<mfe-host>` that shows what is mounted into its light DOM. */
const SLOT = 'mfe-content';

export interface Scope {
  container: HTMLElement;
  registry: CustomElementRegistry;
  /** Creates the overlay layer on first use. */
  overlay(): HTMLElement;
  /** Removes the container, the overlay and the styles. */
  remove(): void;
}

/**
 * The scope of one mount of MFE `name`, put in place. With `root` (shadow isolation) container
 * and overlay go into `root`, and `sheets` (the host sheet first) are adopted by `root`. Without
 * it (`isolation="none"`) they go into `host`'s light DOM, slotted into its `mfe-content` slot,
 * and `sheets` but the host sheet are shared with the root `host` is in.
 */
export function scope(name: string, host: HTMLElement, root: ShadowRoot | null, sheets: CSSStyleSheet[]): Scope {
  const scoped = root ? scopedRegistry() : undefined;
  const make = (): HTMLElement =>
    scoped ? document.createElement('div', { customElementRegistry: scoped } as ElementCreationOptions) : document.createElement('div');
  const container = make();
  container.setAttribute('part', 'content');
  const [hostSheet, ...own] = sheets;
  const styleRoot = host.getRootNode() as Document | ShadowRoot;
  if (root) {
    if (own.length) root.adoptedStyleSheets = sheets;
    root.append(container);
  } else {
    shareSheets(styleRoot, own, 1);
    container.slot = SLOT;
    host.append(container);
  }
  let layer: HTMLElement | undefined;
  return {
    container,
    registry: scoped ?? globalFor(name),
    overlay() {
      if (!layer) {
        layer = make();
        layer.setAttribute('part', 'overlay');
        // A zero-size box at the viewport's corner: it covers nothing, and what the MFE puts in
        // it (position: fixed modals, absolutely placed popovers) is laid out against the viewport.
        layer.style.cssText = 'position:fixed;inset:0 auto auto 0;width:0;height:0;margin:0;padding:0;border:0;overflow:visible;background:none;color:inherit';
        if (!root) layer.slot = SLOT;
        layer.popover = 'manual';
        (root ?? host).append(layer);
        // The top layer: above the page whatever its z-index, transforms and overflow.
        try {
          layer.showPopover();
        } catch {
          layer.style.zIndex = '2147483647';
        }
      }
      return layer;
    },
    remove() {
      container.remove();
      layer?.remove();
      if (root) {
        if (own.length) root.adoptedStyleSheets = [hostSheet];
      } else shareSheets(styleRoot, own, -1);
    },
  };
}
