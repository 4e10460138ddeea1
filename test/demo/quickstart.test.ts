import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import type { MfeHost } from '../../src/index.js';

// The README's quick start is demo/quickstart/: prove it works as written, in every engine.
describe('README quick start (demo/quickstart/)', () => {
  it('mounts by name and by src, passes props both ways, and keeps the fallback of a missing MFE', async () => {
    const frame = await fixture<HTMLIFrameElement>(html`<iframe src="/demo/quickstart/index.html"></iframe>`);
    const doc = (): Document => frame.contentDocument!;
    await waitUntil(() => doc()?.querySelectorAll('mfe-host').length === 3 && customElementsOf(frame)?.get('mfe-host'), 'runtime loaded', { timeout: 8000 });
    const hosts = [...doc().querySelectorAll('mfe-host')] as MfeHost[];
    const statuses = await Promise.all(hosts.map((h) => h.settled));
    expect(statuses).to.deep.equal(['mounted', 'mounted', 'error']);
    expect(hosts[0].shadowRoot!.querySelector('p')!.textContent).to.equal('Hello props');
    expect(hosts[1].shadowRoot!.querySelector('p')!.textContent).to.equal('Hello attribute');
    const fallback = hosts[2].querySelector('p')!;
    expect(fallback.getClientRects().length, 'fallback content visible').to.be.greaterThan(0);
    const style = frame.contentWindow!.getComputedStyle(hosts[0].shadowRoot!.querySelector('p')!);
    expect(style.color).to.equal('rgb(102, 51, 153)');
  });
});

const customElementsOf = (frame: HTMLIFrameElement): CustomElementRegistry | undefined =>
  (frame.contentWindow as (Window & typeof globalThis) | null)?.customElements;
