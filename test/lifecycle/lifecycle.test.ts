import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { configure, setContext } from '../../src/index.js';
import type { MfeErrorDetail, MfeHost } from '../../src/index.js';
import { gatedMount, host, logOf, mountTrail, openGate, scenario, statusTrail, uid, quiet } from '../helpers.js';

addEventListener('mfe-error', quiet);

const count = (log: string[], what: string): number => log.filter((x) => x === what).length;

describe('lifecycle', () => {
  it('removing the element unmounts it and tears everything down', async () => {
    const src = scenario('happy');
    const el = await host(src);
    el.remove();
    await oneEvent(el, 'mfe-unmounted');
    expect(el.status).to.equal('idle');
    expect(logOf(src)).to.deep.equal(['bootstrap', 'mount', 'unmount', 'aborted']);
    expect(el.shadowRoot!.querySelector('[part=content]')).to.equal(null);
    expect(el.shadowRoot!.adoptedStyleSheets).to.have.length(1);
  });

  it('moving the element within the document in the same task does not remount', async () => {
    const src = scenario('happy');
    const el = await host(src);
    const other = await fixture<HTMLDivElement>(html`<section></section>`);
    other.append(el);
    document.body.prepend(el);
    other.append(el);
    // Another element's full lifecycle after the move proves the next task has run.
    const probe = await host(scenario('happy'));
    probe.remove();
    await oneEvent(probe, 'mfe-unmounted');
    expect(await el.settled).to.equal('mounted');
    expect(logOf(src)).to.deep.equal(['bootstrap', 'mount']);
    expect(el.shadowRoot!.querySelector('.out')).to.exist;
  });

  it('re-adding a removed element mounts it again', async () => {
    const src = scenario('happy');
    const el = await host(src);
    const parent = el.parentElement!;
    el.remove();
    await oneEvent(el, 'mfe-unmounted');
    parent.append(el);
    await oneEvent(el, 'mfe-mounted');
    expect(logOf(src)).to.deep.equal(['bootstrap', 'mount', 'unmount', 'aborted', 'mount']);
  });

  it('changing src while the load hangs never mounts the stale module', async () => {
    const hanging = scenario('hang-load');
    const el = document.createElement('mfe-host');
    el.src = hanging;
    (await fixture(html`<div></div>`)).append(el);
    await waitUntil(() => el.status === 'loading', 'loading started');
    const next = scenario('happy');
    el.src = next;
    const mounted = await oneEvent(el, 'mfe-mounted');
    expect(mounted.detail.entry).to.equal(next);
    openGate(hanging);
    await waitUntil(() => logOf(hanging).includes('evaluated'), 'the stale module finished loading');
    expect(await el.settled).to.equal('mounted');
    expect(logOf(hanging)).to.deep.equal(['evaluated']);
    expect(el.shadowRoot!.textContent).not.to.contain('late');
  });

  it('changing src while mount() runs never leaves the stale MFE mounted', async () => {
    const stale = scenario('gated');
    const el = document.createElement('mfe-host');
    el.src = stale;
    const events: string[] = [];
    el.addEventListener('mfe-mounted', (e) => events.push(e.detail.entry));
    (await fixture(html`<div></div>`)).append(el);
    await oneEvent(el, 'mfe-loaded');
    const next = scenario('happy');
    el.src = next;
    await oneEvent(el, 'mfe-mounted');
    openGate(stale);
    await waitUntil(() => logOf(stale).includes('unmount'), 'the stale mount is undone when it finishes');
    expect(events).to.deep.equal([next]);
    expect(logOf(stale)).to.deep.equal(['mount:start', 'mount:end', 'unmount']);
    expect(el.shadowRoot!.textContent).not.to.contain('gated');
    expect(el.shadowRoot!.querySelectorAll('[part=content]')).to.have.length(1);
  });

  it('changing name and src in the same task loads only the final target', async () => {
    const a = scenario('happy');
    const b = scenario('default-export');
    const el = document.createElement('mfe-host');
    el.src = a;
    el.src = b;
    (await fixture(html`<div></div>`)).append(el);
    expect(await el.settled).to.equal('mounted');
    expect(logOf(a)).to.deep.equal([]);
    expect(logOf(b)).to.deep.equal(['mount']);
  });

  it('disconnecting mid-load never mounts', async () => {
    const src = scenario('gated');
    const el = document.createElement('mfe-host');
    el.src = src;
    (await fixture(html`<div></div>`)).append(el);
    await oneEvent(el, 'mfe-loaded');
    el.remove();
    await waitUntil(() => el.status === 'idle', 'abandoned');
    openGate(src);
    await waitUntil(() => logOf(src).includes('unmount'));
    expect(el.shadowRoot!.querySelector('[part=content]')).to.equal(null);
    expect(el.status).to.equal('idle');
  });

  it('an unmount that never settles times out, still tears down, and the element stays usable', async () => {
    const src = scenario('unmount-hangs');
    const el = await host(src);
    expect(el.status).to.equal('mounted');
    // Short only now: a loaded machine may take longer than that to load the module at all.
    el.timeout = 50;
    const failed = oneEvent(el, 'mfe-error');
    const unmounted = oneEvent(el, 'mfe-unmounted');
    const trail = statusTrail(el);
    const parent = el.parentElement!;
    el.remove();
    const detail = (await failed).detail as MfeErrorDetail;
    expect(detail.phase).to.equal('unmount');
    expect(detail.error.message).to.contain('timed out after 50 ms');
    await unmounted;
    // An unmount that is waited for shows as `unmounting` on the attribute too.
    expect(trail()).to.deep.equal(['unmounting', 'idle']);
    expect(el.status).to.equal('idle');
    expect(el.shadowRoot!.querySelector('[part=content]')).to.equal(null);
    parent.append(el);
    expect(await el.settled).to.equal('mounted');
    expect(logOf(src)).to.deep.equal(['mount', 'unmount', 'mount']);
  });

  it('an unmount that throws still tears down and the element stays usable', async () => {
    const src = scenario('unmount-throws');
    const el = await host(src, { name: 'sticky' });
    const error = oneEvent(el, 'mfe-error');
    el.src = scenario('happy');
    const detail = (await error).detail as MfeErrorDetail;
    expect(detail.phase).to.equal('unmount');
    expect(detail.error.message).to.equal(`sticky: ${src} unmount failed: unmount exploded`);
    expect(await el.settled).to.equal('mounted');
    expect(el.shadowRoot!.textContent).not.to.contain('will not leave quietly');
    expect(el.shadowRoot!.querySelectorAll('[part=content]')).to.have.length(1);
  });

  it('a mount that throws leaves nothing half-mounted', async () => {
    const src = scenario('mount-throws');
    const el = await host(src, { name: 'm' });
    expect(el.status).to.equal('error');
    expect(el.shadowRoot!.querySelector('[part=content]')).to.equal(null);
    expect(logOf(src)).to.deep.equal(['mount', 'aborted']);
    // usable again
    el.src = scenario('happy');
    expect(await el.settled).to.equal('mounted');
  });

  it('reload() unmounts and mounts again', async () => {
    const src = scenario('happy');
    const el = await host(src);
    expect(await el.reload()).to.equal('mounted');
    expect(logOf(src)).to.deep.equal(['bootstrap', 'mount', 'unmount', 'aborted', 'mount']);
  });

  it('serialises lifecycle calls per element: a burst of changes ends in one consistent state', async () => {
    const srcs = Array.from({ length: 5 }, () => scenario('happy'));
    const el = await host(srcs[0]);
    for (const s of srcs.slice(1)) {
      el.src = s;
      await el.updateComplete;
      el.props = { who: s };
    }
    expect(await el.settled).to.equal('mounted');
    const last = srcs.at(-1)!;
    expect(el.shadowRoot!.querySelector('.out')!.textContent).to.equal(`hello ${last}`);
    let mounted = 0;
    for (const s of srcs) {
      const log = logOf(s);
      mounted += count(log, 'mount') - count(log, 'unmount');
    }
    expect(mounted, 'exactly one MFE mounted').to.equal(1);
  });

  it('loading="lazy" waits until the element is near the viewport', async () => {
    const src = scenario('happy');
    const wrapper = await fixture<HTMLDivElement>(html`<div style="height: 10000px"></div>`);
    const el = document.createElement('mfe-host');
    el.setAttribute('loading', 'lazy');
    el.src = src;
    wrapper.append(el);
    await el.settled;
    expect(el.status).to.equal('idle');
    expect(logOf(src)).to.deep.equal([]);
    const mounted = oneEvent(el, 'mfe-mounted');
    el.scrollIntoView();
    await mounted;
    expect(logOf(src)).to.deep.equal(['bootstrap', 'mount']);
  });

  it('resolves name through configure({ remotes }), including a name configured later', async () => {
    const name = `r-${uid()}`;
    const el = await fixture<MfeHost>(html`<mfe-host name=${name}></mfe-host>`);
    await el.settled;
    expect(el.status).to.equal('error');
    const src = scenario('happy');
    const mounted = oneEvent(el, 'mfe-mounted');
    configure({ remotes: { [name]: { entry: src, version: '1.2.3' } } });
    const detail = (await mounted).detail;
    expect(detail).to.include({ name, entry: src, version: '1.2.3' });
  });

  it('shares context; setContext() updates mounted MFEs and later mounts see it', async () => {
    configure({ context: { locale: 'en' } });
    const src = scenario('context');
    const el = await host(src);
    const updated = oneEvent(el, 'mfe-updated');
    setContext({ locale: 'fr' });
    await updated;
    expect(el.shadowRoot!.textContent).to.contain('fr');
    const late = await host(src);
    expect(late.shadowRoot!.textContent).to.contain('fr');
    expect(logOf(src)).to.deep.equal(['mount:en', 'update:fr', 'mount:fr']);
  });

  it('a module that is already loaded mounts without a loading step', async () => {
    const src = scenario('happy');
    await host(src);
    const [, trail] = await mountTrail({ src });
    // A `mount` that returns at once leaves `mounting` unwritten: it never lasted past the task.
    expect(trail).to.deep.equal(['mounted']);
    expect(logOf(src)).to.deep.equal(['bootstrap', 'mount', 'mount']);
  });

  it('writes mounting to the attribute while a mount is waited for, and hides the half-mounted MFE', async () => {
    const [el, src] = await gatedMount();
    expect([el.status, el.getAttribute('status')]).to.deep.equal(['mounting', 'mounting']);
    const container = el.shadowRoot!.querySelector('[part=content]') as HTMLElement;
    expect(container.getClientRects().length, 'hidden, with no light DOM too').to.equal(0);
    openGate(src);
    await oneEvent(el, 'mfe-mounted');
    expect(el.getAttribute('status')).to.equal('mounted');
    expect(container.getClientRects().length).to.be.greaterThan(0);
  });

  it('a mount of an already-loaded module that never settles still times out', async () => {
    const src = scenario('hangs-after-first');
    await host(src);
    const el = document.createElement('mfe-host');
    el.src = src;
    el.timeout = 50;
    const failed = oneEvent(el, 'mfe-error');
    (await fixture(html`<div></div>`)).append(el);
    const detail = (await failed).detail as MfeErrorDetail;
    expect(detail.phase).to.equal('mount');
    expect(detail.error.message).to.contain('timed out after 50 ms');
    expect(await el.settled).to.equal('error');
    expect(el.shadowRoot!.querySelector('[part=content]'), 'nothing left half-mounted').to.equal(null);
  });

  it('elements removed in one task are all unmounted; one put back in that task stays mounted', async () => {
    const [a, b, c] = [scenario('happy'), scenario('happy'), scenario('happy')];
    const els = [await host(a), await host(b), await host(c)];
    const parent = els[1].parentElement!;
    const unmounted = [oneEvent(els[0], 'mfe-unmounted'), oneEvent(els[2], 'mfe-unmounted')];
    els.forEach((el) => el.remove());
    parent.append(els[1]);
    await Promise.all(unmounted);
    expect(await els[1].settled).to.equal('mounted');
    expect(logOf(a)).to.deep.equal(['bootstrap', 'mount', 'unmount', 'aborted']);
    expect(logOf(b)).to.deep.equal(['bootstrap', 'mount']);
    expect(logOf(c)).to.deep.equal(['bootstrap', 'mount', 'unmount', 'aborted']);
  });

  it('ctx.signal and ctx.bus first touched after unmount are already closed', async () => {
    const src = scenario('keeps-ctx');
    const el = await host(src);
    const [ctx] = (globalThis as unknown as { __ctxOf: Record<string, import('../../src/index.js').MountContext[]> }).__ctxOf[src];
    el.remove();
    await oneEvent(el, 'mfe-unmounted');
    expect(ctx.signal.aborted).to.equal(true);
    const heard: unknown[] = [];
    const type = `late${uid().replace(/\W/g, '')}:x` as const;
    ctx.bus.on(type, (d) => heard.push(d));
    dispatchEvent(new CustomEvent(type, { detail: 1 }));
    expect(heard).to.deep.equal([]);
  });

  it('a relative src resolves against the document base at the time it mounts', async () => {
    const base = document.head.appendChild(document.createElement('base'));
    try {
      base.href = '/test/fixtures/scenarios/';
      const rel = `happy.js?t=${uid()}`;
      const first = await host(rel);
      expect(first.status).to.equal('mounted');
      base.href = '/test/fixtures/scenarios/elsewhere/';
      const el = document.createElement('mfe-host');
      el.setAttribute('src', rel);
      el.retries = 0;
      const failed = oneEvent(el, 'mfe-error');
      (await fixture(html`<div></div>`)).append(el);
      expect(((await failed).detail as MfeErrorDetail).entry).to.equal(new URL(`/test/fixtures/scenarios/elsewhere/${rel}`, location.href).href);
    } finally {
      base.remove();
    }
  });
});
