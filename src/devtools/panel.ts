/**
 * `<mfe-devtools>`: a small panel, fixed at the bottom right, that lists every `<mfe-host>` on
 * the page (name, version, entry, live status, last mount timing, last error, a reload button,
 * hover to outline it), the shared-dependency decisions when the runtime reports them, and a
 * log of bus events. Collapsed it is a pill with the count of MFEs and errors; the `open`
 * attribute or Alt+Shift+D toggles it.
 *
 * Rendered with lit-html alone, not LitElement: the runtime has no dependencies, and this
 * optional entry stays small too. dist/browser/devtools.min.js carries its own copy of lit-html.
 */
import { html, nothing, render, type TemplateResult } from 'lit/html.js';
import { BusLog, type BusEntry } from './bus-log.js';
import { HostWatcher, type Found } from './discover.js';
import { clock, cut, ms, shortUrl } from './format.js';
import { recordOf, recorded, type HostEvent, type HostRecord } from './records.js';
import { hasSharing, sharingRows, type SharingRow } from './sharing.js';
import { emitterOf, type Emitter } from './source.js';
import { sheet } from './styles.js';
import { TAP_URL, tap, type Dispatch } from './tap.js';

/** One row of the MFE table, read from the element and what its events recorded. */
interface Row {
  el: Element;
  depth: number;
  label: string;
  status: string;
  entry: string;
  record: HostRecord | undefined;
}

const plural = (n: number, one: string): string => `${n} ${one}${n === 1 ? '' : 's'}`;

function rowOf({ el, depth }: Found): Row {
  const record = recordOf(el);
  const src = el.getAttribute('src');
  const entry = record?.entry || (src ? new URL(src, el.baseURI).href : '');
  const label = el.getAttribute('name') || shortUrl(entry) || '(no name or src)';
  return { el, depth, label, status: el.getAttribute('status') ?? 'idle', entry, record };
}

/**
 * Devtools for mfe-host.
 *
 * @tagname mfe-devtools
 * @attr open - Expanded (else a pill). Alt+Shift+D toggles it.
 */
export class MfeDevtools extends HTMLElement {
  static readonly observedAttributes = ['open'];

  /** Bus events seen while connected, newest first (capped at 200). */
  readonly log = new BusLog(200);

  #root: ShadowRoot;
  #ui: HTMLElement;
  #overlay: HTMLElement;
  #watcher: HostWatcher;
  #filter = '';
  #sharing: SharingRow[] | undefined;
  #sharingBusy: Promise<void> | undefined;
  #sharingAgain = false;
  #announce = '';
  #lit: Element | undefined;
  #pending: Promise<void> | undefined;
  #focus: '.pill' | '.collapse' | undefined;
  #untap?: () => void;

  constructor() {
    super();
    this.#root = this.attachShadow({ mode: 'open' });
    this.#root.adoptedStyleSheets = [sheet];
    this.#overlay = Object.assign(document.createElement('div'), { className: 'overlay', hidden: true });
    this.#overlay.append(document.createElement('span'));
    this.#ui = document.createElement('div');
    this.#root.append(this.#ui, this.#overlay);
    this.#watcher = new HostWatcher(() => this.requestRender(), this.#root);
  }

  /** Expanded; reflects the `open` attribute. */
  get open(): boolean {
    return this.hasAttribute('open');
  }
  set open(value: boolean) {
    this.toggleAttribute('open', value);
  }

  /**
   * Resolves once everything that changed so far is rendered: the DOM changes and events
   * already queued are looked at first (their observers run in microtasks queued before this),
   * and so are the sharing decisions being fetched.
   */
  get updateComplete(): Promise<void> {
    return (async () => {
      do await (this.#pending ?? this.#sharingBusy);
      while (this.#pending || this.#sharingBusy || this.#watcher.busy);
    })();
  }

  /** The hosts listed, in the order shown. */
  get hosts(): Element[] {
    return this.#watcher.hosts.map((f) => f.el);
  }

  connectedCallback(): void {
    recorded.addEventListener('record', this.#onRecord);
    addEventListener('keydown', this.#onKey, true);
    this.#untap = tap(this.#onBus);
    this.#watcher.start();
    if (this.open) this.#refreshSharing();
    this.requestRender();
  }

  disconnectedCallback(): void {
    recorded.removeEventListener('record', this.#onRecord);
    removeEventListener('keydown', this.#onKey, true);
    this.#untap?.();
    this.#untap = undefined;
    this.#watcher.stop();
    this.#highlight();
  }

  attributeChangedCallback(): void {
    if (this.open && this.isConnected) this.#refreshSharing();
    this.requestRender();
  }

  /** Render in a microtask (many changes, one render). */
  requestRender(): void {
    this.#pending ??= Promise.resolve().then(() => {
      this.#pending = undefined;
      render(this.#template(), this.#ui, { host: this });
      if (this.#focus) this.#root.querySelector<HTMLElement>(this.#focus)?.focus();
      this.#focus = undefined;
    });
  }

  #onRecord = (e: Event): void => {
    const { host, source } = e as HostEvent;
    this.#watcher.saw(host);
    if (source.type === 'mfe-error') {
      const error = recordOf(host)?.error;
      if (error) this.#announce = `${rowOf({ el: host, depth: 0 }).label}: ${error.phase} failed: ${cut(error.cause, 200)}`;
    }
    // Decisions are made when an entry loads (or fails to).
    if (source.type === 'mfe-loaded' || source.type === 'mfe-error') this.#refreshSharing();
    this.requestRender();
  };

  #onBus = (event: CustomEvent, { stack, during }: Dispatch): void => {
    const emitters: Emitter[] = this.#watcher.hosts.map((f) => rowOf(f)).map((r) => ({ name: r.label, entry: r.entry }));
    this.log.add(event.type, event.detail, emitterOf(stack, emitters, { boundary: TAP_URL }), during);
    this.requestRender();
  };

  #onKey = (e: KeyboardEvent): void => {
    if (!e.altKey || !e.shiftKey || e.ctrlKey || e.metaKey) return;
    // `code`: with Alt held, `key` is another character on some layouts (macOS: "Î").
    if (e.code !== 'KeyD' && e.key.toLowerCase() !== 'd') return;
    e.preventDefault();
    this.open = !this.open;
  };

  #toggle(open: boolean): void {
    this.open = open;
    this.#focus = open ? '.collapse' : '.pill';
  }

  #refreshSharing(): void {
    if (!hasSharing() || !this.open) return;
    if (this.#sharingBusy) {
      this.#sharingAgain = true;
      return;
    }
    this.#sharingBusy = sharingRows()
      .then(
        (rows) => void (this.#sharing = rows),
        (e: unknown) => console.warn('mfe-devtools: registry.sharing() failed', e),
      )
      .finally(() => {
        this.#sharingBusy = undefined;
        this.requestRender();
        if (this.#sharingAgain) {
          this.#sharingAgain = false;
          this.#refreshSharing();
        }
      });
  }

  /** Outline `el` (an overlay above the page; the element itself is not touched), or nothing. */
  #highlight(el?: Element, label = ''): void {
    this.#lit = el;
    const box = this.#overlay;
    if (!el?.isConnected) {
      box.hidden = true;
      return;
    }
    const r = el.getBoundingClientRect();
    // CSSOM, not a style attribute: allowed under a strict CSP.
    for (const [k, v] of [['left', r.left], ['top', r.top], ['width', r.width], ['height', r.height]] as const) box.style.setProperty(k, `${v}px`);
    box.firstElementChild!.textContent = label;
    box.hidden = false;
  }

  #template(): TemplateResult {
    const rows = this.#watcher.hosts.map(rowOf);
    const errors = rows.filter((r) => r.record?.error || r.status === 'error').length;
    const counts = html`<span class="count">${plural(rows.length, 'MFE')}</span>${errors
        ? html`<span class="errors">, ${plural(errors, 'error')}</span>`
        : nothing}`;
    if (this.#lit && !rows.some((r) => r.el === this.#lit)) this.#highlight();
    return html`<div class="sr" role="status" aria-live="polite">${this.#announce}</div>
      ${this.open
        ? html`<section class="panel" aria-label="mfe-host devtools">
            <header>
              <h2>mfe-host</h2>
              <span class="summary">${counts}</span>
              <button class="collapse" aria-expanded="true" title="Collapse (Alt+Shift+D)" @click=${() => this.#toggle(false)}>Collapse</button>
            </header>
            ${this.#hostsTable(rows)} ${this.#sharingTable()} ${this.#busLog()}
          </section>`
        : html`<button class="pill" aria-expanded="false" title="mfe-host devtools (Alt+Shift+D)" @click=${() => this.#toggle(true)}>${counts}</button>`}`;
  }

  #hostsTable(rows: Row[]): TemplateResult {
    if (!rows.length) return html`<p class="muted">No &lt;mfe-host&gt; on this page.</p>`;
    return html`<table class="mfes">
      <caption class="sr">Micro-frontends</caption>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Version</th>
          <th scope="col">Entry</th>
          <th scope="col">Status</th>
          <th scope="col">Mount</th>
          <th scope="col">Last error</th>
          <th scope="col"><span class="sr">Actions</span></th>
        </tr>
      </thead>
      <tbody>
        ${rows.map((r) => this.#hostRow(r))}
      </tbody>
    </table>`;
  }

  #hostRow(r: Row): TemplateResult {
    const { record } = r;
    const t = record?.timing;
    const error = record?.error;
    const leaks = record?.leaks?.length;
    const on = (): void => this.#highlight(r.el, r.label);
    const off = (): void => this.#highlight();
    return html`<tr class="mfe" @mouseenter=${on} @mouseleave=${off} @focusin=${on} @focusout=${off}>
      <th scope="row" class="name" data-depth=${Math.min(r.depth, 4)}>${r.depth ? '↳ ' : ''}${r.label}</th>
      <td class="version">${record?.version ?? '—'}</td>
      <td class="entry" title=${r.entry}>${shortUrl(r.entry) || '—'}</td>
      <td><span class="status ${r.status}">${r.status}</span></td>
      <td class="timing" title=${t ? `resolve ${ms(t.resolve)} · load ${ms(t.load)} · mount ${ms(t.mount)}` : 'not mounted since devtools loaded'}>
        ${t ? ms(t.resolve + t.load + t.mount) : '—'}
      </td>
      <td class="last-error" title=${error?.message ?? ''}>
        ${error ? `${error.phase}: ${cut(error.cause, 120)}` : ''}
        ${leaks ? html`<span class="leaks" title=${record!.leaks!.map((l) => `${l.kind} ${l.name}`).join('\n')}>${plural(leaks, 'leak')}</span>` : nothing}
      </td>
      <td><button class="reload" aria-label="Reload ${r.label}" @click=${() => void (r.el as Element & { reload?: () => unknown }).reload?.()}>Reload</button></td>
    </tr>`;
  }

  #sharingTable(): TemplateResult | typeof nothing {
    const rows = this.#sharing;
    if (!hasSharing()) return nothing;
    return html`<section class="sharing" aria-label="Shared dependencies">
      <h3>Shared dependencies</h3>
      ${!rows
        ? html`<p class="muted">Loading…</p>`
        : !rows.length
          ? html`<p class="muted">No shared packages negotiated yet.</p>`
          : html`<table>
              <thead>
                <tr>
                  <th scope="col">MFE</th>
                  <th scope="col">Package</th>
                  <th scope="col">Wants</th>
                  <th scope="col">Decision</th>
                  <th scope="col">Reason</th>
                </tr>
              </thead>
              <tbody>
                ${rows.map(
                  (d) => html`<tr>
                    <th scope="row">${d.mfe}</th>
                    <td>${d.package}</td>
                    <td>${d.requiredVersion ?? ''}</td>
                    <td><span class="decision ${d.decision}">${d.decision}</span></td>
                    <td title=${d.reason}>${cut(d.reason, 100)}</td>
                  </tr>`,
                )}
              </tbody>
            </table>`}
    </section>`;
  }

  #busLog(): TemplateResult {
    const shown = this.log.filter(this.#filter);
    return html`<section class="bus" aria-label="Bus events">
      <div class="bar">
        <h3>Bus <span class="muted">(${shown.length}/${this.log.entries.length})</span></h3>
        <input
          type="search"
          aria-label="Filter bus events"
          placeholder="Filter: type, source, payload"
          .value=${this.#filter}
          @input=${(e: Event) => {
            this.#filter = (e.target as HTMLInputElement).value;
            this.requestRender();
          }}
        />
        <button
          class="clear"
          @click=${() => {
            this.log.clear();
            this.requestRender();
          }}
        >
          Clear
        </button>
      </div>
      <ol class="log">
        ${shown.map((e: BusEntry) => html`<li>
          <time datetime=${new Date(e.time).toISOString()}>${clock(e.time)}</time>
          <span class="type">${e.type}${e.during ? html` <span class="during" title="emitted while ${e.during} was delivered">← ${e.during}</span>` : nothing}</span>
          <span class="source" title=${e.source ? 'emitted by this MFE' : 'the shell, plain DOM, or not known'}>${e.source ?? '—'}</span>
          <span class="payload" title=${e.full}>${e.preview}</span>
        </li>`)}
      </ol>
    </section>`;
  }
}
