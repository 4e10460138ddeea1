import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { MfeHost, define } from '../../src/index.js';
import type { MfeErrorDetail, MfeMountedDetail, MountContext } from '../../src/index.js';
import { gatedMount, host, logOf, nextError, openGate, scenario, uid, quiet } from '../helpers.js';

addEventListener('mfe-error', quiet);

describe('<mfe-host> element', () => {
  it('is defined once; defining again (a second copy of the runtime) does not throw', () => {
    expect(customElements.get('mfe-host')).to.equal(MfeHost);
    expect(() => define()).not.to.throw();
    const tag = `x-host-${uid()}`;
    define(tag);
    expect(new (customElements.get(tag)!)()).to.be.instanceOf(MfeHost);
  });

  it('reads its attributes into properties with defaults, and never writes attributes back', () => {
    const el = document.createElement('mfe-host');
    expect([el.timeout, el.retries, el.errorHandling, el.isolation, el.format, el.loading]).to.deep.equal([1e4, 2, 'fail', 'shadow', 'esm', 'eager']);
    expect(el.props).to.deep.equal({});
    expect(el.props, 'props is per element').not.to.equal(document.createElement('mfe-host').props);
    el.setAttribute('timeout', '50');
    el.setAttribute('retries', '0');
    el.setAttribute('error-handling', 'degrade');
    expect([el.timeout, el.retries, el.errorHandling]).to.deep.equal([50, 0, 'degrade']);
    el.setAttribute('timeout', 'soon');
    expect(el.timeout, 'a number that does not parse').to.equal(1e4);
    el.removeAttribute('retries');
    el.removeAttribute('error-handling');
    expect([el.retries, el.errorHandling], 'removed: the default again').to.deep.equal([2, 'fail']);
    el.timeout = 5;
    el.src = '/x.js';
    expect(el.getAttribute('timeout')).to.equal('soon');
    expect(el.hasAttribute('src')).to.equal(false);
  });

  it('keeps a property set before the element was defined', async () => {
    const tag = `x-early-${uid()}`;
    const el = document.createElement(tag) as MfeHost;
    el.timeout = 7;
    el.props = { early: true };
    define(tag);
    customElements.upgrade(el);
    expect(el).to.be.instanceOf(MfeHost);
    expect(Object.prototype.hasOwnProperty.call(el, 'timeout'), 'no own property shadows the accessor').to.equal(false);
    expect(el.timeout).to.equal(7);
    expect(el.props).to.deep.equal({ early: true });
  });

  it('mounts an MFE inside its shadow root with status, events and timing', async () => {
    const src = scenario('happy');
    const el = document.createElement('mfe-host');
    el.src = src;
    el.props = { who: 'Ada' };
    const seen: string[] = [];
    for (const t of ['mfe-loaded', 'mfe-mounted'] as const) el.addEventListener(t, (e) => seen.push(e.type));
    const mounted = oneEvent(el, 'mfe-mounted');
    (await fixture(html`<div></div>`)).append(el);
    const detail = (await mounted).detail as MfeMountedDetail;
    expect(seen).to.deep.equal(['mfe-loaded', 'mfe-mounted']);
    expect(detail.entry).to.equal(src);
    expect(detail.name).to.equal('');
    for (const k of ['resolve', 'load', 'mount'] as const) expect(detail.timing[k]).to.be.a('number').and.to.be.at.least(0);
    expect(el.status).to.equal('mounted');
    expect(el.getAttribute('status')).to.equal('mounted');
    expect(el.shadowRoot!.querySelector('.out')!.textContent).to.equal('hello Ada');
    expect(el.querySelector('.out'), 'nothing rendered into light DOM').to.equal(null);
    expect(logOf(src)).to.deep.equal(['bootstrap', 'mount']);
  });

  it('gives mount a complete MountContext', async () => {
    const src = scenario('happy');
    const el = await host(src, { name: 'hello' });
    const ctx = (globalThis as unknown as { __lastCtx: MountContext }).__lastCtx;
    expect(ctx.host.getRootNode()).to.equal(el.shadowRoot);
    expect(ctx.shadowRoot).to.equal(el.shadowRoot);
    expect(ctx.name).to.equal('hello');
    expect(ctx.baseUrl).to.equal(new URL('/test/fixtures/scenarios/', location.href).href);
    expect(ctx.props).to.deep.equal({});
    expect(ctx.context).to.be.an('object');
    expect(ctx.signal.aborted).to.equal(false);
    expect(ctx.bus.emit).to.be.a('function');
    expect(ctx.navigate).to.be.a('function');
    el.remove();
    await oneEvent(el, 'mfe-unmounted');
    expect(ctx.signal.aborted, 'signal aborted at unmount').to.equal(true);
  });

  it('accepts all three export shapes', async () => {
    for (const [name, text] of [['default-export', 'default export'], ['mfe-export', 'mfe export'], ['happy', 'hello world']]) {
      const el = await host(scenario(name));
      expect(el.status, name).to.equal('mounted');
      expect(el.shadowRoot!.textContent).to.contain(text);
    }
  });

  it('passes .props; a new object calls update, not a remount', async () => {
    const src = scenario('happy');
    const el = await host(src);
    const updated = oneEvent(el, 'mfe-updated');
    el.props = { who: 'Grace' };
    await updated;
    expect(el.shadowRoot!.querySelector('.out')!.textContent).to.equal('hello Grace');
    expect(logOf(src)).to.deep.equal(['bootstrap', 'mount', 'update']);
  });

  it('reads the props attribute as JSON', async () => {
    const src = scenario('happy');
    const el = await host(src, { props: '{"who":"Linus"}' });
    expect(el.props).to.deep.equal({ who: 'Linus' });
    expect(el.shadowRoot!.querySelector('.out')!.textContent).to.equal('hello Linus');
    el.setAttribute('props', '{"who":"Barbara"}');
    await el.settled;
    expect(el.shadowRoot!.querySelector('.out')!.textContent).to.equal('hello Barbara');
  });

  it('reports bad props JSON as mfe-error and keeps the last good props mounted', async () => {
    const src = scenario('happy');
    const el = await host(src, { props: '{"who":"Ken"}' });
    let detail: MfeErrorDetail | undefined;
    el.addEventListener('mfe-error', (e) => (detail = e.detail));
    expect(() => el.setAttribute('props', '{not json')).not.to.throw();
    expect(detail!.phase).to.equal('update');
    expect(detail!.error.message.startsWith(`<mfe-host>: ${src} update failed: props attribute: SyntaxError`), detail!.error.message).to.equal(true);
    el.setAttribute('props', '[1,2]');
    expect(detail!.error.message).to.match(/not a JSON object/);
    await el.settled;
    expect(el.status).to.equal('mounted');
    expect(el.props).to.deep.equal({ who: 'Ken' });
    expect(el.shadowRoot!.querySelector('.out')!.textContent).to.equal('hello Ken');
  });

  it('remounts an MFE that has no update() when props change', async () => {
    const src = scenario('no-update');
    const el = await host(src, { props: '{"n":1}' });
    const mounted = oneEvent(el, 'mfe-mounted');
    el.props = { n: 2 };
    await mounted;
    expect(logOf(src)).to.deep.equal(['mount:1', 'unmount', 'mount:2']);
    expect(el.shadowRoot!.textContent).to.contain('n=2');
  });

  it('shows default content until mounted, the loading slot only while loading', async () => {
    const src = scenario('gated');
    const el = await fixture<MfeHost>(html`
      <mfe-host src=${src}><p id="ssr">server markup</p><span slot="loading" id="spin">…</span><span slot="error" id="err">down</span></mfe-host>
    `);
    const visible = (id: string): boolean => (el.querySelector(`#${id}`) as HTMLElement).getClientRects().length > 0;
    if (el.status === 'loading') await oneEvent(el, 'mfe-loaded');
    expect(el.status).to.equal('mounting');
    expect(visible('ssr')).to.equal(true);
    expect(visible('spin')).to.equal(true);
    expect(visible('err')).to.equal(false);
    const container = el.shadowRoot!.querySelector('[part=content]') as HTMLElement;
    expect(container.getClientRects().length, 'half-mounted MFE is hidden').to.equal(0);
    openGate(src);
    await oneEvent(el, 'mfe-mounted');
    expect(visible('ssr')).to.equal(false);
    expect(visible('spin')).to.equal(false);
    expect(container.getClientRects().length).to.be.greaterThan(0);
  });

  it('shows light DOM added after it connected: loading, default and error content', async () => {
    // Connected with no children (as an HTML parser connects it before its children, or a
    // script that appends them later): the slots come with the first light DOM.
    const [el, src] = await gatedMount();
    const visible = (id: string): boolean => (el.querySelector(`#${id}`) as HTMLElement).getClientRects().length > 0;
    expect(el.status).to.equal('mounting');
    el.insertAdjacentHTML('beforeend', '<p id="late-ssr">markup</p><span slot="loading" id="late-spin">…</span>');
    await Promise.resolve(); // the MutationObserver's microtask
    expect(visible('late-ssr')).to.equal(true);
    expect(visible('late-spin')).to.equal(true);
    openGate(src);
    await oneEvent(el, 'mfe-mounted');
    expect(visible('late-ssr')).to.equal(false);
    expect(visible('late-spin')).to.equal(false);
    expect((el.shadowRoot!.querySelector('[part=content]') as HTMLElement).getClientRects().length).to.be.greaterThan(0);

    const bad = document.createElement('mfe-host');
    bad.src = scenario('invalid-no-mount');
    (await fixture(html`<div></div>`)).append(bad);
    await bad.settled;
    expect(bad.status).to.equal('error');
    expect(bad.shadowRoot!.querySelector('slot'), 'no light DOM, no slots').to.equal(null);
    bad.innerHTML = '<p id="bad-a">fallback</p><span slot="error" id="bad-b">down</span>';
    await Promise.resolve();
    expect((bad.querySelector('#bad-a') as HTMLElement).getClientRects().length).to.equal(0);
    expect((bad.querySelector('#bad-b') as HTMLElement).getClientRects().length).to.be.greaterThan(0);
  });

  it('shows the error slot on error, or the default content when there is none', async () => {
    const bad = await fixture<MfeHost>(html`
      <mfe-host src=${scenario('invalid-no-mount')}><p id="a">fallback</p><span slot="error" id="b">down</span></mfe-host>
    `);
    await bad.settled;
    expect(bad.status).to.equal('error');
    expect((bad.querySelector('#a') as HTMLElement).getClientRects().length).to.equal(0);
    expect((bad.querySelector('#b') as HTMLElement).getClientRects().length).to.be.greaterThan(0);
    const plain = await fixture<MfeHost>(html`<mfe-host src=${scenario('invalid-no-mount')}><p id="c">fallback</p></mfe-host>`);
    await plain.settled;
    expect(plain.status).to.equal('error');
    expect((plain.querySelector('#c') as HTMLElement).getClientRects().length).to.be.greaterThan(0);
  });

  it('isolation="none" renders into light DOM and shares styles with the document', async () => {
    const src = scenario('happy');
    const el = await host(src, { isolation: 'none' });
    const out = el.querySelector('.out') as HTMLElement;
    expect(out, 'rendered in light DOM').to.exist;
    expect(getComputedStyle(out).color).to.equal('rgb(0, 128, 0)');
    const ctx = (globalThis as unknown as { __lastCtx: MountContext }).__lastCtx;
    expect(ctx.shadowRoot).to.equal(null);
    el.remove();
    await oneEvent(el, 'mfe-unmounted');
    const probe = document.createElement('p');
    probe.className = 'out';
    document.body.append(probe);
    expect(getComputedStyle(probe).color, 'styles removed with the last instance').not.to.equal('rgb(0, 128, 0)');
    probe.remove();
  });

  it('an unknown format is a clear error, not a throw; an iframe entry without CORS says so', async () => {
    const el = document.createElement('mfe-host');
    el.setAttribute('format', 'amd');
    el.src = scenario('happy');
    const err = nextError(el);
    document.body.append(el);
    expect((await err).error.message).to.match(/load failed: unknown format "amd": use esm, single-spa, html or federation/);
    expect(el.status).to.equal('error');
    el.remove();
    // The test server sends no Access-Control-Allow-Origin: the sandboxed (opaque-origin) iframe cannot import.
    const el2 = document.createElement('mfe-host');
    el2.isolation = 'iframe';
    el2.src = scenario('happy');
    const err2 = nextError(el2);
    document.body.append(el2);
    expect((await err2).error.message).to.match(/sandboxed iframe.*Access-Control-Allow-Origin/);
    el2.remove();
  });

  it('errors are cancelable; an uncancelled one is logged to the console', async () => {
    const calls: unknown[] = [];
    const orig = console.error;
    console.error = (...a: unknown[]) => calls.push(a[0]);
    removeEventListener('mfe-error', quiet);
    try {
      const el = await host(scenario('invalid-no-mount'));
      expect(calls).to.have.length(1);
      expect(String((calls[0] as Error).message)).to.contain('does not export mount()');
      const el2 = document.createElement('mfe-host');
      el2.addEventListener('mfe-error', quiet);
      el2.src = scenario('invalid-no-mount');
      document.body.append(el2);
      await el2.settled;
      expect(calls).to.have.length(1);
      el.remove();
      el2.remove();
    } finally {
      console.error = orig;
      addEventListener('mfe-error', quiet);
    }
  });
});
