/**
 * `isolation="iframe"`: the MFE runs in a sandboxed iframe inside the element's shadow root,
 * with its own window, document and globals, and (by default) an opaque origin, so it can read
 * nothing of the page. A chunk of its own, loaded only for elements that ask for it.
 *
 * - `sandbox="allow-scripts"`, plus the tokens of the element's own `sandbox` attribute (a
 *   warning when that makes the frame same-origin, which undoes the isolation).
 * - Content: a `srcdoc` with one inline script (the page's CSP nonce copied onto it) running
 *   ./iframe-client.ts. For an ESM entry it imports the entry (which therefore needs CORS:
 *   `Access-Control-Allow-Origin: *`, as the frame's origin is opaque) and mounts it into a
 *   `<div>` of the frame's body. For an HTML page (`format="html"`) the page itself, fetched
 *   here, with a `<base href>` so its relative URLs resolve, and `window.mfeHost` for its scripts.
 * - Messaging: one `MessageChannel` per frame. Its port comes in the frame's only window
 *   message, accepted only from that frame's window (and origin); everything else goes over it.
 *   Props, context and bus payloads are structured clones.
 * - Size: the frame reports its document's height and the frame follows it; width is 100%.
 */
import type { MicroFrontend, MountContext } from '../types.js';
import type { MfeBus, MfeEventType } from '../events/bus.js';
import { BadModule, type LoadSpec } from '../lifecycle/load.js';
import { DEV } from '../env.js';
import { trustedHTML } from '../lifecycle/trusted.js';
import { client, CONNECT, type ClientConfig, type Down, type Up, type WireRoute, type WireState } from './iframe-client.js';

/** What `load` learnt about the entry. */
interface Entry {
  url: string;
  name: string;
  format: 'esm' | 'html';
  /** html: the page, parsed (never rendered here). */
  page?: Document;
  /** esm, same-origin entry: whether it came with `Access-Control-Allow-Origin`. */
  cors?: boolean;
}

/** One mounted frame. */
interface Frame {
  frame: HTMLIFrameElement;
  port?: MessagePort;
  calls: Map<number, { resolve(): void; reject(e: Error): void }>;
  /** Bus types the frame listens to → unsubscribe. */
  subs: Map<string, () => void>;
  /** The MFE's mount finished (in this document or an earlier one of the frame). */
  mounted: boolean;
  /** Its current document has loaded (said over the port). */
  loaded(): void;
  /** Forgets the current document of the frame: its port, bus subscriptions, pending requests. */
  drop(reason: Error): void;
  /** Removes the frame and every listener; idempotent. */
  close(reason?: Error): void;
}

const frames = new WeakMap<MountContext, Frame>();
let ids = 0;

const describe = (e: unknown): string =>
  e instanceof Error ? (e.name === 'Error' ? e.message : `${e.name}: ${e.message}`) : String(e);

/** The page's CSP nonce (as lifecycle/integrity.ts finds it): the frame inherits the page's policy. */
const nonce = (): string => document.querySelector<HTMLScriptElement>('script[nonce]')?.nonce ?? '';

const attr = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** The client and its configuration as the text of an inline script (`<` escaped: no `</script>` inside). */
const script = (cfg: ClientConfig): string => {
  const n = nonce();
  const json = JSON.stringify(cfg).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  return `<script${n ? ` nonce="${attr(n)}"` : ''}>(${String(client)})(${json})</script>`;
};

/** Why `value` cannot go to the frame, in words. */
const kind = (value: unknown, e: unknown): string =>
  typeof value == 'function'
    ? 'a function'
    : typeof Node == 'function' && value instanceof Node
      ? 'a DOM node'
      : describe(e);

/** Throw, naming the offending key, unless every value of `obj` survives a structured clone. */
const cloneable = (obj: Record<string, unknown>, what: string): void => {
  try {
    structuredClone(obj);
  } catch (e) {
    for (const [k, v] of Object.entries(obj))
      try {
        structuredClone(v);
      } catch (err) {
        throw new TypeError(
          `${what} "${k}" cannot be sent to the iframe (${kind(v, err)}): with isolation="iframe", ${what}s must be structured-cloneable data, no functions or DOM nodes`,
          { cause: err },
        );
      }
    throw new TypeError(`${what}s cannot be sent to the iframe: ${describe(e)}`, { cause: e });
  }
};

const wireRoute = (r: MountContext['route']): WireRoute | undefined => r && { ...r, query: r.query.toString() };

const state = (ctx: MountContext): WireState => {
  cloneable(ctx.props, 'prop');
  cloneable(ctx.context, 'context key');
  return { props: ctx.props, context: ctx.context, route: wireRoute(ctx.route) };
};

const ABORTED = (): Error => new DOMException('the iframe was removed', 'AbortError');

/**
 * The `sandbox` tokens: `allow-scripts` plus the `<mfe-host sandbox="…">` ones. Unknown tokens
 * are dropped with a warning; `allow-same-origin` is kept, with a warning (it makes the frame
 * same-origin with the page, so its scripts could reach into the page and lift the sandbox).
 */
const sandboxOf = (frame: HTMLIFrameElement, el: Element | undefined, name: string): string[] => {
  const tokens = new Set(['allow-scripts']);
  for (const t of (el?.getAttribute('sandbox') ?? '').toLowerCase().split(/\s+/).filter(Boolean)) {
    if (frame.sandbox.supports?.(t) === false) {
      if (DEV) console.warn(`${name || 'mfe-host'}: sandbox token "${t}" is not supported by this browser; ignored`);
      continue;
    }
    tokens.add(t);
  }
  if (tokens.has('allow-same-origin'))
    console.warn(
      `${name || 'mfe-host'}: sandbox="allow-same-origin" with allow-scripts makes the iframe same-origin with the page: ` +
        'its scripts can reach into the page and remove their own sandbox. Use it only for content you trust.',
    );
  return [...tokens];
};

/** The frame's document: the bootstrap for an ESM entry, the page plus bootstrap for HTML. */
const srcdoc = (entry: Entry, cfg: ClientConfig): string => {
  if (!entry.page)
    return `<!doctype html><html><head><meta charset="utf-8"><title>${attr(entry.name)}</title></head><body>${script(cfg)}</body></html>`;
  const doc = entry.page.cloneNode(true) as Document;
  const href = new URL(doc.querySelector('base[href]')?.getAttribute('href') ?? '', entry.url).href;
  // The page's own URLs made absolute, so its scripts, styles and images load even where the
  // page's CSP forbids <base> (base-uri), which the frame inherits.
  for (const a of ['src', 'href', 'action', 'poster'])
    for (const n of doc.querySelectorAll(`[${a}]`))
      try {
        n.setAttribute(a, new URL(n.getAttribute(a)!, href).href);
      } catch {
        /* not a URL: left as it is */
      }
  // Before anything of the page's own: the first <base> wins (for URLs its scripts make), and the bridge runs first.
  const base = doc.createElement('base');
  base.href = href;
  const tpl = doc.createElement('template');
  tpl.innerHTML = trustedHTML(script(cfg));
  doc.head.prepend(base, tpl.content);
  const doctype = doc.doctype ? new XMLSerializer().serializeToString(doc.doctype) : '';
  return doctype + doc.documentElement.outerHTML;
};

/**
 * Fetch the entry once per page: a 4xx is final (`HTTP 404`), a network error or 5xx is a
 * `TypeError` the loader retries. An ESM entry must be JavaScript; an HTML page is parsed here.
 */
async function probe(url: string, spec: LoadSpec): Promise<Entry> {
  if (spec.format != 'esm' && spec.format != 'html')
    throw new BadModule(`isolation="iframe" runs format esm or html, not ${spec.format}`);
  let res: Response;
  try {
    res = await fetch(url, { credentials: 'same-origin' });
  } catch (e) {
    throw new TypeError(`fetch failed: ${describe(e)}`, { cause: e });
  }
  if (!res.ok) {
    void res.body?.cancel();
    if (res.status >= 500) throw new TypeError(`fetch failed: HTTP ${res.status}`);
    throw new BadModule(`HTTP ${res.status}`);
  }
  const entry: Entry = { url, name: spec.name, format: spec.format };
  const type = res.headers.get('content-type') ?? '';
  if (spec.format == 'html') entry.page = new DOMParser().parseFromString(trustedHTML(await res.text()), 'text/html');
  else {
    void res.body?.cancel();
    if (type && !/javascript|ecmascript/i.test(type)) throw new BadModule(`served as "${type}", not JavaScript`);
    if (res.type == 'basic') entry.cors = res.headers.has('access-control-allow-origin');
  }
  return entry;
}

/** The parent's message for a failure inside the frame. */
const failure = (entry: Entry, m: Extract<Up, { t: 'fail' }>): Error => {
  const name = String(m.name);
  const message = String(m.message);
  const cause = name == 'Error' ? message : `${name}: ${message}`;
  if (m.stage == 'import' && !/^does not export/.test(message))
    return new Error(
      `could not import the entry in the sandboxed iframe (${cause}). The iframe has an opaque origin, so the entry and every ` +
        `module it imports must be served with "Access-Control-Allow-Origin: *"` +
        (entry.cors === false ? '; the entry has no such header' : ''),
    );
  if (m.stage == 'import' || m.stage == 'bootstrap') return new Error(`${m.stage == 'import' ? 'the entry' : 'bootstrap()'} in the iframe: ${cause}`);
  // The element words it as for an MFE in the page: `RangeError: boom`.
  return Object.assign(new Error(message), { name });
};

/**
 * The frame of a mount, connected: resolves once the client inside sends its port. The frame's
 * window may connect again later: its document was replaced (the element was moved, which
 * reloads an iframe), and the MFE is mounted again in the new one with the current props.
 */
function open(entry: Entry, ctx: MountContext): Promise<Frame> {
  const el = (ctx.host.getRootNode() as ShadowRoot).host as Element | undefined;
  const frame = document.createElement('iframe');
  const tokens = sandboxOf(frame, el, entry.name);
  frame.setAttribute('sandbox', tokens.join(' '));
  const allow = el?.getAttribute('allow');
  if (allow) frame.allow = allow;
  frame.title = entry.name || entry.url;
  frame.setAttribute('part', 'frame');
  // CSSOM, not a style attribute: allowed under style-src 'self'. Height 0 until the frame reports its own.
  frame.style.cssText = 'display:block;width:100%;height:0;border:0;margin:0;padding:0';
  const sameOrigin = tokens.includes('allow-same-origin');
  const cfg: ClientConfig = { format: entry.format, url: entry.url, name: entry.name, version: ctx.version, baseUrl: ctx.baseUrl, parent: location.origin };
  if (entry.page) {
    // Readable by the page's scripts at once; JSON (the structured clone comes with `mount`).
    try {
      cfg.props = JSON.parse(JSON.stringify(ctx.props)) as Record<string, unknown>;
      cfg.context = JSON.parse(JSON.stringify(ctx.context)) as Record<string, unknown>;
    } catch {
      /* not JSON: only the mount message carries them */
    }
  }
  frame.srcdoc = srcdoc(entry, cfg);

  const f: Frame = { frame, calls: new Map(), subs: new Map(), mounted: false, loaded: () => {}, drop: () => {}, close: () => {} };
  // Every document of ours says `loaded` over its port when it has loaded; the frame's `load`
  // events count every document. One more `load` than `loaded`: the document shown is not ours
  // (a link navigated the frame away), or our script did not run (blocked by a CSP without the
  // page's nonce). Messages and `load` are different task sources: the count gets a moment to
  // catch up before that is decided.
  let loads = 0;
  let ours = 0;
  let grace: ReturnType<typeof setTimeout> | undefined;
  f.loaded = (): void => {
    ours++;
    if (ours >= loads) clearTimeout(grace), (grace = undefined);
  };
  return new Promise<Frame>((resolve, reject) => {
    const onMessage = (e: MessageEvent): void => {
      // Only this frame's window, with the origin it must have; anything else is not ours.
      if (e.source !== frame.contentWindow || e.origin !== (sameOrigin ? location.origin : 'null')) return;
      if ((e.data as { mfeHost?: unknown } | null)?.mfeHost !== CONNECT || !e.ports[0]) return;
      const again = !!f.port || f.mounted;
      f.drop(new Error('the iframe reloaded'));
      f.port = e.ports[0];
      listen(entry, f, ctx);
      if (!again) return resolve(f);
      // A new document in the same frame: mount there again, with what the element has now.
      if (f.mounted)
        void (async () => call(f, { t: 'mount', id: ++ids, ...state(ctx) }))().catch((err: unknown) =>
          reportError(new Error(`${entry.name || 'mfe-host'}: ${entry.url} mount failed after the iframe reloaded: ${describe(err)}`, { cause: err })),
        );
    };
    const onLoad = (): void => {
      if (ours >= ++loads) return;
      clearTimeout(grace);
      grace = setTimeout(() => {
        grace = undefined;
        ours = loads;
        if (f.port || f.mounted) return f.drop(new Error('the iframe navigated away from the MFE'));
        f.close(
          new Error(
            `the iframe's bootstrap script did not run: is it blocked by the page's Content-Security-Policy? ` +
              `The iframe inherits the policy; give the page a <script nonce> (its nonce is copied) or allow 'unsafe-inline'`,
          ),
        );
      }, 1000);
    };
    f.drop = (reason: Error): void => {
      for (const off of f.subs.values()) off();
      f.subs.clear();
      if (f.port) {
        f.port.onmessage = null;
        f.port.close();
        f.port = undefined;
      }
      for (const c of f.calls.values()) c.reject(reason);
      f.calls.clear();
    };
    f.close = (reason = ABORTED()): void => {
      removeEventListener('message', onMessage);
      ctx.signal.removeEventListener('abort', onAbort);
      frame.removeEventListener('load', onLoad);
      clearTimeout(grace);
      f.drop(reason);
      frame.remove();
      if (frames.get(ctx) === f) frames.delete(ctx);
      reject(reason);
    };
    const onAbort = (): void => f.close();
    if (ctx.signal.aborted) return f.close();
    ctx.signal.addEventListener('abort', onAbort);
    // Until the frame is closed: a reloaded frame connects again.
    addEventListener('message', onMessage);
    frame.addEventListener('load', onLoad);
    ctx.host.append(frame);
  });
}

/** Send a request and wait for the frame's answer. */
const call = (f: Frame, m: Extract<Down, { id: number }>): Promise<void> =>
  new Promise<void>((resolve, reject) => {
    if (!f.port) throw new Error('the iframe no longer shows the MFE (its document navigated away)');
    f.calls.set(m.id, { resolve, reject });
    f.port.postMessage(m);
  });

/** What the frame says, checked: it is untrusted content. */
function listen(entry: Entry, f: Frame, ctx: MountContext): void {
  const bus: MfeBus = ctx.bus;
  const who = entry.name || entry.url;
  f.port!.onmessage = (e: MessageEvent<Up>): void => {
    const m = e.data;
    if (!m || typeof m != 'object') return;
    try {
      switch (m.t) {
        case 'done':
        case 'fail': {
          const c = f.calls.get(m.id);
          f.calls.delete(m.id);
          if (m.t == 'done') c?.resolve();
          else c?.reject(failure(entry, m));
          break;
        }
        case 'size':
          if (Number.isFinite(m.height) && m.height >= 0) f.frame.style.height = `${Math.ceil(m.height)}px`;
          break;
        case 'emit':
          bus.emit(String(m.type) as MfeEventType, m.detail, { crossTab: m.crossTab === true });
          break;
        case 'on': {
          const type = String(m.type) as MfeEventType;
          if (f.subs.has(type)) break;
          // The last page event of the type goes in too, flagged: the frame's `last()` and `replay`.
          let replay = true;
          f.subs.set(
            type,
            bus.on(
              type,
              (detail, meta) => {
                try {
                  f.port?.postMessage({ t: 'event', type, detail, meta: { ...meta }, replay } satisfies Down);
                } catch (err) {
                  if (DEV) console.warn(`${who}: bus event "${type}" cannot be sent into the iframe: ${describe(err)}`);
                }
              },
              { replay: true },
            ),
          );
          replay = false;
          break;
        }
        case 'off':
          f.subs.get(String(m.type))?.();
          f.subs.delete(String(m.type));
          break;
        case 'navigate':
          ctx.navigate(String(m.to), { replace: m.replace === true });
          break;
        case 'loaded':
          f.loaded();
          break;
        case 'gone':
          // The document is being replaced (a link or form navigated the frame, or the element
          // moved): until a new one connects, there is nobody to talk to. Out of the document,
          // the element is being removed: its own teardown follows.
          if (f.frame.isConnected) f.drop(new Error('the iframe navigated away from the MFE'));
          break;
      }
    } catch (err) {
      // A bad request from the frame (a type that is not domain:name, a cross-origin URL): its problem.
      if (DEV) console.warn(`${who}: iframe request "${String(m.t)}" refused: ${describe(err)}`);
    }
  };
}

/** The MicroFrontend the element drives: every instance gets its own frame. */
const mfe = (entry: Entry): MicroFrontend => ({
  async mount(ctx) {
    // Checked before anything exists, so a bad prop leaves nothing half-mounted.
    const s = state(ctx);
    const f = await open(entry, ctx);
    frames.set(ctx, f);
    try {
      await call(f, { t: 'mount', id: ++ids, ...s });
      f.mounted = true;
    } catch (e) {
      f.close(e as Error);
      throw e;
    }
  },
  async update(ctx) {
    const f = frames.get(ctx);
    if (!f) throw new Error('not mounted');
    await call(f, { t: 'update', id: ++ids, ...state(ctx) });
  },
  async unmount(ctx) {
    const f = frames.get(ctx);
    if (!f) return;
    // Out of the document the frame's document is gone already, and one that navigated away
    // has no MFE left: nothing to unmount.
    if (!f.frame.contentWindow || !f.port) return f.close();
    try {
      await call(f, { t: 'unmount', id: ++ids });
    } finally {
      f.close();
    }
  },
  activated(ctx) {
    frames.get(ctx)?.port?.postMessage({ t: 'hook', name: 'activated' } satisfies Down);
  },
  deactivated(ctx) {
    frames.get(ctx)?.port?.postMessage({ t: 'hook', name: 'deactivated' } satisfies Down);
  },
});

/**
 * The adapter: check the entry (once per URL per page) and return an MFE whose every mount
 * runs the entry in a fresh sandboxed iframe.
 */
export async function load(url: string, spec: LoadSpec): Promise<Record<string, unknown>> {
  return mfe(await probe(url, spec)) as unknown as Record<string, unknown>;
}
