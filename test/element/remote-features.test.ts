// Manifest features as a real <mfe-host name=…> sees them: integrity, stylesheet URLs, canary.
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { configure } from '../../src/index.js';
import type { MfeErrorDetail, MfeHost } from '../../src/index.js';
import { logOf, quiet, scenario, uid } from '../helpers.js';

addEventListener('mfe-error', quiet);

const sri = async (url: string): Promise<string> => {
  const bytes = await (await fetch(url)).arrayBuffer();
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-384', bytes));
  return `sha384-${btoa(String.fromCharCode(...hash))}`;
};

const mountByName = async (name: string): Promise<{ el: MfeHost; errors: MfeErrorDetail[] }> => {
  const el = document.createElement('mfe-host');
  el.name = name;
  const errors: MfeErrorDetail[] = [];
  el.addEventListener('mfe-error', (e) => errors.push(e.detail));
  (await fixture(html`<div></div>`)).append(el);
  await el.settled;
  return { el, errors };
};

describe('manifest features on the element', () => {
  it('mounts an entry whose integrity matches', async () => {
    const name = `ok-${uid()}`;
    const entry = scenario('happy');
    configure({ remotes: { [name]: { entry, integrity: await sri(entry) } } });
    const { el, errors } = await mountByName(name);
    expect(errors).to.deep.equal([]);
    expect(el.status).to.equal('mounted');
  });

  it('never mounts a tampered entry: load error naming the mismatch', async () => {
    const name = `tampered-${uid()}`;
    const entry = scenario('happy');
    const other = await sri(scenario('default-export'));
    configure({ remotes: { [name]: { entry, integrity: other } } });
    const { el, errors } = await mountByName(name);
    expect(el.status).to.equal('error');
    expect(errors.map((e) => e.phase)).to.deep.equal(['load']);
    expect(errors[0].error.message).to.match(new RegExp(`^${name}: .* load failed: integrity mismatch: expected sha384-`));
    expect(logOf(entry), 'the tampered module never ran mount').to.deep.equal([]);
  });

  it('with error-handling="fallback", a tampered entry falls back to the fallback entry', async () => {
    const name = `tfb-${uid()}`;
    const fallback = scenario('default-export');
    configure({ remotes: { [name]: { entry: scenario('happy'), integrity: await sri(fallback), fallback } } });
    const el = document.createElement('mfe-host');
    el.name = name;
    el.setAttribute('error-handling', 'fallback');
    const mounted = oneEvent(el, 'mfe-mounted');
    (await fixture(html`<div></div>`)).append(el);
    expect((await mounted).detail.entry).to.equal(fallback);
  });

  it('adopts manifest stylesheets into the shadow root before mount runs', async () => {
    const name = `styled-${uid()}`;
    const entry = scenario('style-probe');
    configure({ remotes: { [name]: { entry, styles: ['/test/fixtures/styles/probe.css'] } } });
    const { el } = await mountByName(name);
    expect(el.status).to.equal('mounted');
    expect(logOf(entry), 'styled at the moment of mount').to.deep.equal(['rgb(12, 34, 56)']);
    const outside = document.createElement('div');
    outside.className = 'probe';
    document.body.append(outside);
    expect(getComputedStyle(outside).color, 'the stylesheet stays in the shadow root').not.to.equal('rgb(12, 34, 56)');
    outside.remove();
  });

  it('a stylesheet that fails to load is a load error, and nothing mounts', async () => {
    const name = `nocss-${uid()}`;
    const entry = scenario('style-probe');
    configure({ remotes: { [name]: { entry, styles: [`/test/fixtures/styles/missing-${uid()}.css`] } } });
    const { el, errors } = await mountByName(name);
    expect(el.status).to.equal('error');
    expect(errors[0].phase).to.equal('load');
    expect(errors[0].error.message).to.match(/missing-.*\.css: HTTP 404$/);
    expect(logOf(entry)).to.deep.equal([]);
  });

  it('reports the canary version in mfe-mounted and ctx.version', async () => {
    const name = `canary-${uid()}`;
    configure({ userId: 'someone', remotes: { [name]: { entry: scenario('happy'), version: '1.0.0', canary: { entry: scenario('default-export'), version: '1.1.0-rc.1', weight: 1 } } } });
    const el = document.createElement('mfe-host');
    el.name = name;
    const mounted = oneEvent(el, 'mfe-mounted');
    (await fixture(html`<div></div>`)).append(el);
    const detail = (await mounted).detail;
    expect(detail.version).to.equal('1.1.0-rc.1');
    expect(el.shadowRoot!.textContent).to.contain('default export');
  });
});
