import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { configure } from '../../src/index.js';
import type { MfeErrorDetail, MfeHost } from '../../src/index.js';
import { host, logOf, nextError, openGate, scenario, uid, quiet } from '../helpers.js';

addEventListener('mfe-error', quiet);
configure({ retryDelay: 20 });

const errorOf = async (src: string, attrs: Record<string, string> = {}): Promise<{ el: MfeHost; detail: MfeErrorDetail }> => {
  const el = document.createElement('mfe-host');
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  el.src = src;
  const error = nextError(el);
  (await fixture(html`<div></div>`)).append(el);
  const detail = await error;
  await el.settled;
  return { el, detail };
};

describe('loading', () => {
  it('imports a module once per URL and bootstraps it once for 100 instances', async () => {
    const key = uid();
    const src = new URL(`/count/${key}/test/fixtures/scenarios/counter.js`, location.href).href;
    const wrapper = await fixture<HTMLDivElement>(html`<div></div>`);
    const els = Array.from({ length: 100 }, () => Object.assign(document.createElement('mfe-host'), { src }));
    wrapper.append(...els);
    const statuses = await Promise.all(els.map((el) => el.settled));
    expect(new Set(statuses)).to.deep.equal(new Set(['mounted']));
    const log = logOf(src);
    expect(log.filter((x) => x === 'bootstrap')).to.have.length(1);
    expect(log.filter((x) => x === 'mount')).to.have.length(100);
    const { count } = await (await fetch(`/count-of/${key}`)).json();
    expect(count, 'the entry was fetched once').to.equal(1);
    // The styles were built once and are shared by every instance.
    const sheets = els.map((el) => el.shadowRoot!.adoptedStyleSheets.at(-1));
    expect(new Set(sheets).size).to.equal(1);
  });

  it('fails with a message naming the MFE, URL and HTTP status on 404, without retrying', async () => {
    const key = uid();
    const src = new URL(`/count/${key}/test/fixtures/scenarios/missing.js`, location.href).href;
    const { el, detail } = await errorOf(src, { name: 'billing', retries: '3' });
    const { count } = await (await fetch(`/count-of/${key}`)).json();
    expect(count, 'the import and one diagnosis, no retries').to.equal(2);
    expect(detail.phase).to.equal('load');
    expect(detail.name).to.equal('billing');
    expect(detail.entry).to.equal(src);
    expect(detail.error.message).to.equal(`billing: ${src} load failed: HTTP 404`);
    expect(el.status).to.equal('error');
  });

  it('reports a syntax error without retrying', async () => {
    const key = uid();
    const src = new URL(`/count/${key}/test/fixtures/scenarios/syntax-error.js`, location.href).href;
    const { detail } = await errorOf(src, { name: 'broken', retries: '3' });
    expect(detail.phase).to.equal('load');
    expect(detail.error.message).to.contain(`broken: ${src} load failed: SyntaxError`);
    expect(detail.error.message).to.match(/SyntaxError/);
    const { count } = await (await fetch(`/count-of/${key}`)).json();
    expect(count).to.equal(1);
  });

  it('reports a module that throws while evaluating', async () => {
    const { detail } = await errorOf(scenario('throws-on-eval'), { name: 'boom' });
    expect(detail.phase).to.equal('load');
    expect(detail.error.message).to.match(/load failed: RangeError: module body exploded$/);
  });

  it('names what an entry does not export', async () => {
    const src = scenario('invalid-no-mount');
    const { detail } = await errorOf(src, { name: 'billing' });
    expect(detail.error.message).to.equal(`billing: ${src} load failed: does not export mount()`);
    const src2 = scenario('invalid-no-unmount');
    const { detail: d2 } = await errorOf(src2, { name: 'billing' });
    expect(d2.error.message).to.equal(`billing: ${src2} load failed: does not export unmount()`);
  });

  it('retries a transient network failure with backoff and recovers', async () => {
    const src = new URL(`/flaky/${uid()}/test/fixtures/scenarios/happy.js`, location.href).href;
    const el = await host(src, { retries: '1' });
    expect(el.status).to.equal('mounted');
    expect(el.shadowRoot!.querySelector('.out')!.textContent).to.equal('hello world');
  });

  it('gives up after `retries` and says why', async () => {
    const src = new URL(`/status/503/${uid()}/mfe.js`, location.href).href;
    const { detail } = await errorOf(src, { retries: '2', name: 'inventory' });
    expect(detail.error.message).to.equal(`inventory: ${src} load failed: HTTP 503`);
  });

  it('runs bootstrap once per module; a failed bootstrap is reported and tried again on reload', async () => {
    const src = scenario('bootstrap-throws');
    const { el, detail } = await errorOf(src, { name: 'boot' });
    expect(detail.phase).to.equal('bootstrap');
    expect(detail.error.message).to.equal(`boot: ${src} bootstrap failed: bootstrap failed once`);
    expect(await el.reload()).to.equal('mounted');
    const second = await host(src);
    expect(second.status).to.equal('mounted');
    expect(logOf(src)).to.deep.equal(['bootstrap', 'bootstrap', 'mount', 'mount']);
  });

  it('times out a load that hangs, naming the phase', async () => {
    const src = scenario('hang-load');
    const { detail } = await errorOf(src, { timeout: '100', name: 'slow' });
    expect(detail.phase).to.equal('load');
    expect(detail.error.message).to.equal(`slow: ${src} load failed: timed out after 100 ms`);
    openGate(src);
  });

  it('times out a mount that hangs, and unmounts it if it finishes later', async () => {
    const src = scenario('gated');
    const { el, detail } = await errorOf(src, { timeout: '100', name: 'slow' });
    expect(detail.phase).to.equal('mount');
    expect(detail.error.message).to.equal(`slow: ${src} mount failed: timed out after 100 ms`);
    expect(el.shadowRoot!.querySelector('[part=content]'), 'the half-mounted container is gone').to.equal(null);
    openGate(src);
    await waitUntil(() => logOf(src).includes('unmount'), 'the late mount is undone');
    expect(logOf(src)).to.deep.equal(['mount:start', 'mount:end', 'unmount']);
  });

  describe('error-handling', () => {
    it('fallback: reports the primary failure, then mounts the fallback entry', async () => {
      const primary = scenario('invalid-no-mount');
      const fallback = scenario('happy');
      const el = document.createElement('mfe-host');
      el.setAttribute('error-handling', 'fallback');
      el.setAttribute('fallback', fallback);
      el.src = primary;
      const errors: MfeErrorDetail[] = [];
      el.addEventListener('mfe-error', (e) => errors.push(e.detail));
      const mounted = oneEvent(el, 'mfe-mounted');
      (await fixture(html`<div></div>`)).append(el);
      expect((await mounted).detail.entry).to.equal(fallback);
      expect(errors).to.have.length(1);
      expect(errors[0].entry).to.equal(primary);
      expect(errors[0].fallback).to.equal(fallback);
      expect(el.status).to.equal('mounted');
    });

    it('fallback: fails when the fallback fails too', async () => {
      const el = document.createElement('mfe-host');
      el.setAttribute('error-handling', 'fallback');
      el.setAttribute('fallback', scenario('mount-throws'));
      el.src = scenario('invalid-no-mount');
      const errors: MfeErrorDetail[] = [];
      el.addEventListener('mfe-error', (e) => errors.push(e.detail));
      (await fixture(html`<div></div>`)).append(el);
      expect(await el.settled).to.equal('error');
      expect(errors.map((e) => e.phase)).to.deep.equal(['load', 'mount']);
    });

    it('fail (default) shows the error slot; degrade keeps the light-DOM content quietly', async () => {
      const degrade = await fixture<MfeHost>(html`
        <mfe-host error-handling="degrade" src=${scenario('invalid-no-mount')}><p id="keep">legacy</p><b slot="error" id="e">x</b></mfe-host>
      `);
      expect(await degrade.settled).to.equal('error');
      expect((degrade.querySelector('#keep') as HTMLElement).getClientRects().length).to.be.greaterThan(0);
      expect((degrade.querySelector('#e') as HTMLElement).getClientRects().length).to.equal(0);
    });
  });
});
