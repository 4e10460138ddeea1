import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { host, nextError, quiet, uid } from '../../helpers.js';
import type { MfeHost } from '../../../src/index.js';

// format="html": test/fixtures/html/legacy/ is a jQuery page of the old school (globals, inline
// scripts, document.write, a ready handler); test/fixtures/html/broken/ holds pages that fail.

/** URL of a fixture page, unique to the caller (each is a new module for the loader). */
const page = (path: string): string => new URL(`/test/fixtures/html/${path}${path.includes('?') ? '&' : '?'}t=${uid()}`, location.origin).href;
const LEGACY = 'legacy/index.html';
const FOLDER = new URL('/test/fixtures/html/legacy/', location.origin).href;

const setTimeoutAtStart = window.setTimeout;

type LegacyWindow = Window & { legacyLog?: string[]; jQuery?: unknown };
const log = (): string[] => ((window as LegacyWindow).legacyLog ??= []);
// The pages under broken/ log with the global the legacy page defines (as `function log`).
(window as unknown as { log: (m: string) => void }).log = (m) => void log().push(m);

/** What the legacy page logs on a load, in order (as in a browser, see the standalone test). */
const LOAD_ORDER = [
  'head inline, jQuery 4.0.0, loading',
  'written.js',
  'app.js, function, loading, js/app.js',
  'body inline, loading, 1 list',
  'widget.mjs, util.mjs',
  'inline module, util.mjs',
  'deferred.js, interactive',
  'DOMContentLoaded',
  'ready',
  'body onload',
  'load, complete',
];

const $ = <T extends Element = HTMLElement>(el: MfeHost, sel: string): T => {
  const found = el.shadowRoot!.querySelector<T>(sel) ?? el.querySelector<T>(sel);
  if (!found) throw new Error(`${sel} not found`);
  return found;
};
const color = (el: Element): string => getComputedStyle(el).color;

/** Sign the guestbook as `who` (through the page's jQuery click handler). */
const sign = (el: MfeHost, who: string): void => {
  $<HTMLInputElement>(el, '#who').value = who;
  $(el, '#add').click();
};

/** The script elements HTML MFEs inserted into the head. */
const ourScripts = (): HTMLScriptElement[] => [...document.head.querySelectorAll<HTMLScriptElement>('script[data-mfe-html]')];

describe('format="html": a legacy page as an MFE', () => {
  beforeEach(() => {
    (window as LegacyWindow).legacyLog = [];
  });

  it('mounts the page in the shadow root and runs its scripts in the order a browser does', async () => {
    const el = await host(page(LEGACY), { format: 'html' });
    expect(el.status).to.equal('mounted');
    const root = el.shadowRoot!;
    expect(root.querySelector('h1#title')!.textContent).to.equal('Guestbook');
    expect(document.querySelector('h1#title') === root.querySelector('h1#title'), 'the bridge is on while mounted').to.equal(true);
    expect(log()).to.deep.equal(LOAD_ORDER);
    // The module script ran against the page's markup (through the document bridge).
    expect(root.querySelector('#title')!.getAttribute('data-widget')).to.equal('on');
    // document.write went where the script stood, and its <script> ran.
    expect(root.querySelector('#written-here > b#written')!.textContent).to.equal('written by document.write');
    // Data blocks stay in the markup; executable scripts do not.
    expect(root.querySelector('script#entry-template')).to.exist;
    expect(root.querySelectorAll('script:not([type="text/template"])')).to.have.length(0);
  });

  it('runs the scripts in the same order as the page on its own', async () => {
    const frame = await fixture<HTMLIFrameElement>(html`<iframe src="/test/fixtures/html/legacy/index.html"></iframe>`);
    const win = (): LegacyWindow => frame.contentWindow as LegacyWindow;
    await waitUntil(() => win()?.legacyLog?.includes('load, complete') && win().legacyLog!.includes('ready'), 'the page loaded', { timeout: 5000 });
    const standalone = win().legacyLog!;
    // 'ready' (a timeout jQuery queues at DOMContentLoaded) and the load event race in a real page.
    const upToReady = (l: string[]): string[] => l.slice(0, l.indexOf('DOMContentLoaded') + 1);
    expect(upToReady(standalone)).to.deep.equal(upToReady(LOAD_ORDER));
    expect([...standalone].sort()).to.deep.equal([...LOAD_ORDER].sort());
  });

  it('makes relative URLs of markup, styles and scripts absolute against the page', async () => {
    const el = await host(page(LEGACY), { format: 'html' });
    const img = $<HTMLImageElement>(el, '#logo');
    expect(img.src).to.equal(FOLDER + 'img/logo.png');
    expect(img.getAttribute('srcset')).to.equal(`${FOLDER}img/logo.png 1x, ${FOLDER}img/logo.png 2x`);
    await img.decode();
    expect(img.currentSrc).to.equal(FOLDER + 'img/logo.png');
    expect(img.naturalWidth).to.be.greaterThan(0);
    expect($<HTMLFormElement>(el, '#sign').action).to.equal(FOLDER + 'thanks.html');
    expect($<HTMLAnchorElement>(el, '#more').href).to.equal(FOLDER + 'more.html');
    expect($(el, '#top').getAttribute('href'), 'fragment links stay').to.equal('#title');
    // url() in a linked sheet (css/), in a sheet it @imports (css/theme/), in <style>, in a style attribute.
    expect(getComputedStyle($(el, '#panel')).backgroundImage).to.equal(`url("${FOLDER}img/dot.png")`);
    expect(getComputedStyle($(el, '#count')).backgroundImage).to.equal(`url("${FOLDER}css/theme/stripe.png")`);
    const note = $(el, '.note');
    expect(getComputedStyle(note).backgroundImage).to.equal(`url("${FOLDER}img/dot.png")`);
    expect(note.style.paddingLeft).to.equal('4px');
    expect(note.hasAttribute('data-mfe-style')).to.equal(false);
  });

  it("applies the page's styles inside only: the host page's do not reach in, the page's do not leak out", async () => {
    const outside = await fixture<HTMLDivElement>(html`<div>
      <style>.entry, #title { color: rgb(255, 0, 255) !important; } p { font-style: normal; }</style>
      <p class="entry note" id="outside">outside</p>
    </div>`);
    const el = await host(page(LEGACY), { format: 'html' });
    expect(color($(el, '#title')), 'custom properties on :root').to.equal('rgb(128, 0, 0)');
    expect(getComputedStyle($(el, '#title')).letterSpacing, 'body.old-school h1').to.equal('2px');
    expect(getComputedStyle($(el, '.note')).fontStyle).to.equal('italic');
    const mine = outside.querySelector('#outside')!;
    expect(color(mine)).to.equal('rgb(255, 0, 255)');
    expect(getComputedStyle(mine).fontStyle).to.equal('normal');
    // `body` rules of the page apply to its container, not to the host page's body.
    const container = $(el, '#title').parentElement!;
    expect(getComputedStyle(container).backgroundColor).to.equal('rgb(250, 250, 240)');
    expect(getComputedStyle(container).fontFamily).to.match(/Georgia/);
    expect(container.classList.contains('guestbook') && container.classList.contains('old-school')).to.equal(true);
    expect(getComputedStyle(document.body).backgroundColor).not.to.equal('rgb(250, 250, 240)');
  });

  it('works: jQuery handlers bound by the page change its markup', async () => {
    const el = await host(page(LEGACY), { format: 'html' });
    sign(el, 'Ada');
    sign(el, '');
    expect([...el.shadowRoot!.querySelectorAll('#entries li.entry')].map((li) => li.textContent)).to.deep.equal(['Hello, Ada', 'Hello, anonymous']);
    expect($(el, '#count').textContent).to.equal('2 entries');
    expect(color($(el, '.entry'))).to.equal('rgb(0, 100, 0)');
    // Delegation inside the page's markup works; from document it does not (documented).
    $(el, '.note').click();
    expect(color($(el, '.note'))).to.equal('rgb(0, 0, 255)');
    $(el, '#title').click();
    expect(log()).not.to.include('title clicked (document delegation)');
  });

  it('with isolation="none": light DOM, so delegation from document works too', async () => {
    const el = await host(page(LEGACY), { format: 'html', isolation: 'none' });
    expect(el.status).to.equal('mounted');
    const title = el.querySelector<HTMLElement>('#title')!;
    expect(document.getElementById('title')).to.equal(title);
    expect(log()).to.deep.equal(LOAD_ORDER);
    sign(el, 'Grace');
    expect(el.querySelector('#entries')!.textContent).to.equal('Hello, Grace');
    title.click();
    expect(log()).to.include('title clicked (document delegation)');
    expect(color(title)).to.equal('rgb(128, 0, 0)');
  });

  it('window.onload, DOMContentLoaded on window and document, onclick attributes; document.body is the host page\'s', async () => {
    const el = await host(page('patterns/onload.html'), { format: 'html' });
    expect(log()).to.deep.equal(['DOMContentLoaded, interactive', 'DOMContentLoaded on window', 'window.onload, complete']);
    $(el, '#old').click();
    expect(log().at(-1)).to.equal('onclick attribute, old');
    const aside = document.getElementById('appended-to-body')!;
    expect(aside.parentElement).to.equal(document.body);
    aside.remove();
  });

  it('unmount removes the markup, the script elements and the styles, and the bridge', async () => {
    const el = await host(page(LEGACY), { format: 'html' });
    const root = el.shadowRoot!;
    expect(ourScripts().length).to.be.greaterThan(0);
    expect(root.adoptedStyleSheets.length).to.be.greaterThan(1);
    el.remove();
    await oneEvent(el, 'mfe-unmounted');
    expect(root.querySelector('#title')).to.equal(null);
    expect(ourScripts()).to.deep.equal([]);
    expect(root.adoptedStyleSheets.length).to.equal(1); // the element's own
    expect(Object.hasOwn(document, 'getElementById'), 'bridge removed').to.equal(false);
    // What a run sets is gone too.
    expect(Object.hasOwn(document, 'write') || Object.hasOwn(document, 'readyState')).to.equal(false);
    expect(window.setTimeout).to.equal(setTimeoutAtStart);
    expect(document.getElementById('title')).to.equal(null);
  });

  it('mounts the same page twice: each instance runs the scripts and works on its own markup', async () => {
    const url = page(LEGACY);
    const [a, b] = await Promise.all([host(url, { format: 'html' }), host(url, { format: 'html' })]);
    expect([a.status, b.status]).to.deep.equal(['mounted', 'mounted']);
    expect(log().filter((l) => l === 'ready')).to.have.length(2);
    sign(b, 'Bob');
    sign(a, 'Alice');
    sign(b, 'Bea');
    expect(a.shadowRoot!.querySelector('#entries')!.textContent).to.equal('Hello, Alice');
    expect(b.shadowRoot!.querySelector('#count')!.textContent).to.equal('2 entries');
    // Outside a run, a document lookup finds the first instance's element (documented).
    expect(document.getElementById('count')).to.equal(a.shadowRoot!.querySelector('#count'));
  });

  it('remounts: the scripts run again on the new markup', async () => {
    const el = await host(page(LEGACY), { format: 'html' });
    sign(el, 'Ada');
    log().length = 0;
    expect(await el.reload()).to.equal('mounted');
    expect(log()).to.deep.equal(LOAD_ORDER);
    expect($(el, '#entries').children).to.have.length(0);
    sign(el, 'Lin');
    expect($(el, '#entries').textContent).to.equal('Hello, Lin');
  });
});

describe('format="html": the document bridge (shadow isolation)', () => {
  beforeEach(() => {
    (window as LegacyWindow).legacyLog = [];
  });

  it("ignores the element's fallback content, which has the page's ids, while the page is mounted", async () => {
    const wrapper = await fixture<HTMLDivElement>(html`<div>
      <mfe-host format="html" src=${page(LEGACY)}>
        <ul id="entries"><li>server-rendered entry</li></ul>
        <p id="count">1 entry</p>
      </mfe-host>
    </div>`);
    const el = wrapper.querySelector('mfe-host')!;
    expect(await el.settled).to.equal('mounted');
    const fallback = el.querySelector('#entries')!;
    expect(document.getElementById('entries')).to.equal(el.shadowRoot!.querySelector('#entries'));
    expect(document.querySelectorAll('#count')).to.have.length(1);
    sign(el, 'Ada');
    expect(el.shadowRoot!.querySelector('#entries')!.textContent).to.equal('Hello, Ada');
    expect(fallback.textContent).to.equal('server-rendered entry');
    el.removeAttribute('src');
    expect(await el.settled).to.equal('idle');
    expect(document.getElementById('entries')).to.equal(fallback);
  });

  it("finds the page's own elements while its scripts run, the host page's first afterwards; lists hold both", async () => {
    const outside = await fixture<HTMLDivElement>(html`<div><p id="count" class="entry">host page</p></div>`);
    const el = await host(page(LEGACY), { format: 'html' });
    // The page's ready handler bound its own #count.
    sign(el, 'Ada');
    expect(el.shadowRoot!.querySelector('#count')!.textContent).to.equal('1 entry');
    expect(outside.querySelector('#count')!.textContent).to.equal('host page');
    // Outside a run, the document's own element comes first.
    expect(document.getElementById('count')).to.equal(outside.querySelector('#count'));
    const all = document.querySelectorAll('.entry');
    expect([...all].map((e) => e.textContent)).to.deep.equal(['host page', 'Hello, Ada']);
    expect(all.item(1)).to.equal(el.shadowRoot!.querySelector('li.entry'));
    expect(document.getElementsByClassName('entry')).to.have.length(2);
    expect(document.getElementsByName('who')[0]).to.equal(el.shadowRoot!.querySelector('#who'));
    // Nothing to add from the page: the engine's own live collection.
    expect(document.getElementsByTagName('mfe-host')).to.be.instanceOf(HTMLCollection);
  });

  it('is off for a page with <meta name="mfe-document-bridge" content="off">', async () => {
    const el = await host(page('bridge/off.html'), { format: 'html' });
    expect(el.status).to.equal('mounted');
    expect(log()).to.deep.equal(['bridge off: true']);
    expect(Object.hasOwn(document, 'getElementById')).to.equal(false);
    expect(document.getElementById('own')).to.equal(null);
  });

  it('with isolation="none" too: the fallback content with the same ids is left out while mounted', async () => {
    const wrapper = await fixture<HTMLDivElement>(html`<div>
      <mfe-host format="html" isolation="none" src=${page(LEGACY)}>
        <ul id="entries"><li>server-rendered entry</li></ul>
      </mfe-host>
    </div>`);
    const el = wrapper.querySelector('mfe-host')!;
    expect(await el.settled).to.equal('mounted');
    const [fallback, mine] = [...el.querySelectorAll('#entries')];
    expect(document.getElementById('entries')).to.equal(mine);
    sign(el, 'Ada');
    expect(mine!.textContent).to.equal('Hello, Ada');
    expect(fallback!.textContent).to.equal('server-rendered entry');
  });
});

describe('format="html": loading', () => {
  beforeEach(() => {
    (window as LegacyWindow).legacyLog = [];
  });

  it('fetches a page once for every element that shows it', async () => {
    const key = `html-${uid()}`;
    const url = new URL(`/count/${key}/test/fixtures/html/legacy/index.html`, location.origin).href;
    const els = await Promise.all([host(url, { format: 'html' }), host(url, { format: 'html' }), host(url, { format: 'html' })]);
    expect(els.map((e) => e.status)).to.deep.equal(['mounted', 'mounted', 'mounted']);
    const { count } = (await (await fetch(`/count-of/${key}`)).json()) as { count: number };
    expect(count).to.equal(1);
  });

  it('retries a page that failed with a 5xx, then mounts it', async () => {
    const url = new URL(`/flaky/html-${uid()}/test/fixtures/html/legacy/index.html`, location.origin).href;
    const el = await host(url, { format: 'html', retries: '1' });
    expect(el.status).to.equal('mounted');
    expect(el.shadowRoot!.querySelector('#title')).to.exist;
  });
});

describe('format="html": failures', () => {
  beforeEach(() => {
    (window as LegacyWindow).legacyLog = [];
  });

  /** Mount `path` and return the mfe-error detail (after the element settled). */
  const fails = async (path: string, attrs: Record<string, string> = {}): Promise<{ el: MfeHost; message: string; phase: string }> => {
    const wrapper = await fixture<HTMLDivElement>(html`<div></div>`);
    const el = document.createElement('mfe-host');
    el.setAttribute('format', 'html');
    el.setAttribute('retries', '0');
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
    el.setAttribute('src', path.startsWith('/') ? new URL(path, location.origin).href : page(path));
    el.addEventListener('mfe-error', quiet);
    const error = nextError(el);
    wrapper.append(el);
    const { error: e, phase } = await error;
    await el.settled;
    return { el, message: e.message, phase };
  };

  it('a 404 page fails the load, naming the URL and status', async () => {
    const { el, message, phase } = await fails('/test/fixtures/html/missing.html');
    expect(phase).to.equal('load');
    expect(message).to.equal(`<mfe-host>: ${location.origin}/test/fixtures/html/missing.html load failed: HTTP 404`);
    expect(el.status).to.equal('error');
  });

  it('a 5xx is retried, then fails naming the status', async () => {
    const { message } = await fails('/status/503/page.html', { retries: '1' });
    expect(message).to.match(/\/status\/503\/page\.html load failed: HTTP 503$/);
  });

  it('a response that is not HTML fails with a clear message', async () => {
    const { message } = await fails('/test/fixtures/html/legacy/js/app.js');
    expect(message).to.match(/app\.js load failed: served as (application|text)\/javascript, not text\/html/);
  });

  it('a missing stylesheet fails the load, naming it', async () => {
    const { message, phase } = await fails('broken/missing-css.html');
    expect(phase).to.equal('load');
    expect(message).to.match(/load failed: stylesheet http:\/\/[^ ]+\/test\/fixtures\/html\/broken\/nope\.css: HTTP 404$/);
  });

  it('a script that 404s fails the mount, names it, runs nothing after it and leaves nothing behind', async () => {
    const { el, message, phase } = await fails('broken/missing-script.html');
    expect(phase).to.equal('mount');
    expect(message).to.match(/mount failed: script http:\/\/[^ ]+\/test\/fixtures\/html\/broken\/nope\.js did not load: HTTP 404$/);
    expect(log()).to.deep.equal(['before']);
    expect(el.shadowRoot!.querySelector('.broken')).to.equal(null);
    expect(ourScripts()).to.deep.equal([]);
    expect(Object.hasOwn(document, 'getElementById')).to.equal(false);
    // The element's fallback content is shown again.
    expect(el.status).to.equal('error');
  });

  it('an external script that throws fails the mount with its error, kept off window.onerror', async () => {
    let uncaught = 0;
    const onerror = window.onerror;
    window.onerror = () => void uncaught++;
    try {
      const { message } = await fails('broken/throws-external.html');
      expect(message).to.match(/mount failed: script http:\/\/[^ ]+\/broken\/throws\.js threw: TypeError: legacy widget failed$/);
      expect(uncaught).to.equal(0);
      expect(log()).to.deep.equal(['before']);
    } finally {
      window.onerror = onerror;
    }
  });

  it('an inline script that throws fails the mount, naming it', async () => {
    const { message } = await fails('broken/throws-inline.html');
    // The dev server re-serialises inline scripts: quotes may change.
    expect(message).to.match(/mount failed: inline script #2 \(log\(.throwing.\); undefinedLegacyFunction\) threw: ReferenceError: .*undefinedLegacyFunction/);
    expect(log()).to.deep.equal(['before', 'throwing']);
  });

  it('an inline module that throws fails the mount', async () => {
    const { message } = await fails('broken/throws-module.html');
    expect(message).to.match(/mount failed: inline script #2 \(.*\) threw: module broke$/);
    expect(log()).to.deep.equal(['before', 'module']);
  });

  it('a module the page imports that throws fails the mount with its error', async () => {
    const { message } = await fails('broken/throws-import.html');
    expect(message).to.match(/mount failed: inline script #1 \(import .*\) threw: RangeError: a module the page imports broke$/);
    expect(log()).to.deep.equal([]);
  });

  it('a classic script with a top-level let fails its second run, saying why', async () => {
    const url = page('broken/let.html');
    const el = await host(url, { format: 'html' });
    expect(el.status).to.equal('mounted');
    el.addEventListener('mfe-error', quiet);
    const error = nextError(el);
    el.reload();
    const { error: e } = await error;
    expect(e.message).to.match(/inline script #1 \(let counter = .*\) threw: SyntaxError: .*counter.*top-level let\/const\/class cannot be declared twice/);
    expect(await el.settled).to.equal('error');
  });

  it('data-mfe-once scripts run at the first mount only', async () => {
    const url = page('patterns/once.html');
    const el = await host(url, { format: 'html' });
    expect(await el.reload()).to.equal('mounted');
    expect(log()).to.deep.equal(['once (let ok)', 'every', 'every']);
  });

  it('a script that never loads times out, and the run stops', async () => {
    const { message } = await fails('broken/hangs.html', { timeout: '600' });
    expect(message).to.match(/mount failed: timed out after 600 ms/);
    expect(ourScripts()).to.deep.equal([]);
    // The next page is not held up by the one that hung.
    const el = await host(page(LEGACY), { format: 'html' });
    expect(el.status).to.equal('mounted');
  });
});

describe('format="html" under a strict Content-Security-Policy', () => {
  /** Load a page of test/fixtures/html/csp/ in an iframe: what it reported, and its CSP violations so far. */
  const report = async (file: string): Promise<[Record<string, unknown>, () => string[]]> => {
    const got = new Promise<Record<string, unknown>>((resolve) =>
      addEventListener('message', function on(e: MessageEvent) {
        if (!e.data?.htmlCsp) return;
        removeEventListener('message', on);
        resolve(e.data.htmlCsp);
      }),
    );
    const frame = await fixture<HTMLIFrameElement>(html`<iframe src=${`/test/fixtures/html/csp/${file}`}></iframe>`);
    return [await got, () => (frame.contentWindow as unknown as { violations: string[] }).violations];
  };

  it("with a nonce: scripts run (the nonce is copied), styles and style attributes apply; inline handlers stay blocked", async () => {
    const [r, violations] = await report('nonce.html');
    expect(r.statuses).to.deep.equal(['mounted']);
    expect(r.errors).to.deep.equal([]);
    expect(r.log).to.deep.equal(LOAD_ORDER.filter((l) => l !== 'body onload'));
    expect(r.entry).to.equal('Hello, CSP');
    expect(r.entryColor).to.equal('rgb(0, 100, 0)');
    expect(r.notePadding, 'style attributes are set through the CSSOM').to.equal('4px');
    // What a CSP without 'unsafe-inline' does block: <body onload="…"> (an inline handler). No
    // script was blocked; Chromium also reports the page's <style>, style and on* attributes when
    // DOMParser parses it (inert: nothing is blocked that mfe-host uses).
    await waitUntil(() => violations().includes('script-src-attr inline'), 'the inline handler was blocked');
    expect(violations().filter((v) => !/^(script-src-attr|style-src-attr|style-src-elem) inline$/.test(v))).to.deep.equal([]);
  });

  it('without a nonce: a page with inline scripts fails, naming the blocked script; a page of files works', async () => {
    const [r, violations] = await report('no-nonce.html');
    expect(r.statuses).to.deep.equal(['error', 'mounted']);
    expect(r.errors).to.have.length(1);
    expect((r.errors as string[])[0]).to.match(/legacy\/index\.html\?csp=none mount failed: inline script #2 \(window\.legacyLog = .*\) did not run: blocked by the Content-Security-Policy\?/);
    expect(r.log, 'nothing ran after the blocked script').to.deep.equal([]);
    expect(r.files).to.deep.equal(['clicked', 'rgb(0, 100, 0)', '5px']);
    await waitUntil(() => violations().includes('script-src-elem inline'), 'the inline script was blocked');
  });
});
