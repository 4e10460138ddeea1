/**
 * Finding every `<mfe-host>` on the page and keeping the list current: in the document and in
 * every open shadow root (MFEs nest hosts, router outlets live in shadow roots). Hosts inside
 * closed shadow roots cannot be seen, neither here nor through their events. A host whose events
 * arrive before a walk found it (or that the walk cannot reach) is added as it fires.
 *
 * One `MutationObserver` watches the document and each open shadow root found: a batch of
 * mutations that adds or removes elements triggers one new walk, one that only changes the
 * `status`, `name` or `src` attributes only a new look at the hosts already known (text changes,
 * an MFE rendering, trigger nothing). Walking is linear in the size of the DOM: fine for a tool
 * that is open while someone looks at it.
 */
import type { MfeHost } from '../index.js';
import { isHost } from './records.js';

/** A host found, with how many hosts it is nested in. */
export interface Found {
  el: MfeHost;
  depth: number;
}

export class HostWatcher {
  #observer = new MutationObserver((records) => {
    const moved = records.some((r) => [...r.addedNodes, ...r.removedNodes].some((n) => n instanceof Element));
    if (moved || records.some((r) => r.type === 'attributes')) this.#schedule(moved);
  });
  /** Hosts known from their events that no walk found yet. */
  #extra = new Set<MfeHost>();
  #found: Found[] = [];
  /** A walk, or only a new look at the same hosts, is due in a microtask. */
  #pending: 'walk' | 'look' | undefined;
  #onChange: () => void;
  /** Roots never searched: the panel's own. */
  #skip: Node | undefined;
  /** Between start() and stop(). */
  #on = false;

  constructor(onChange: () => void, skip?: Node) {
    this.#onChange = onChange;
    this.#skip = skip;
  }

  /** Hosts in tree order (document first, then each shadow root where its host is). */
  get hosts(): readonly Found[] {
    return this.#found;
  }

  /** A walk or look is due. */
  get busy(): boolean {
    return !!this.#pending;
  }

  start(): void {
    this.#on = true;
    this.#observe(document);
    this.scan();
  }

  stop(): void {
    this.#on = false;
    this.#observer.disconnect();
    this.#extra.clear();
    this.#found = [];
  }

  /** A host made itself known through an event; adds it if the walk cannot see it. */
  saw(el: MfeHost): void {
    if (!this.#found.some((f) => f.el === el)) {
      this.#extra.add(el);
      this.#schedule(true);
    }
  }

  /** Walk the page again now. */
  scan(): void {
    const found: Found[] = [];
    const walk = (root: Document | ShadowRoot, depth: number): void => {
      for (const el of root.querySelectorAll('*')) {
        const host = isHost(el);
        if (host) found.push({ el, depth });
        const shadow = el.shadowRoot;
        if (shadow && shadow !== this.#skip) {
          this.#observe(shadow);
          walk(shadow, depth + (host ? 1 : 0));
        }
      }
    };
    walk(document, 0);
    for (const el of this.#extra) {
      if (!el.isConnected) this.#extra.delete(el);
      else if (!found.some((f) => f.el === el)) found.push({ el, depth: 0 });
    }
    this.#found = found;
    this.#onChange();
  }

  #observe(root: Document | ShadowRoot): void {
    // Observing a node again replaces its options: never twice.
    this.#observer.observe(root, { childList: true, subtree: true, attributes: true, attributeFilter: ['status', 'name', 'src'] });
  }

  #schedule(walk: boolean): void {
    if (this.#pending === 'walk' || (this.#pending && !walk)) return;
    const first = !this.#pending;
    this.#pending = walk ? 'walk' : 'look';
    if (first)
      queueMicrotask(() => {
        const walk = this.#pending === 'walk';
        this.#pending = undefined;
        if (!this.#on) return;
        if (walk) this.scan();
        else this.#onChange();
      });
  }
}
