import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import type { MfeHost } from '../../src/index.js';

// The strangler-fig demo (demo/strangler/): an old jQuery page whose sections are <mfe-host>s
// with the old markup as fallback content. Driven like a user would, in an iframe.
describe('strangler-fig demo (demo/strangler/)', () => {
  it('mounts the migrated sections, keeps the old markup where the new version fails, and the old page script hears the new MFEs', async function () {
    this.timeout(20_000);
    const frame = await fixture<HTMLIFrameElement>(html`<iframe src="/demo/strangler/index.html" style="width:900px;height:900px"></iframe>`);
    type Win = Window & typeof globalThis & { jQuery?: unknown };
    const win = (): Win => frame.contentWindow as Win;
    const doc = (): Document => frame.contentDocument!;
    await waitUntil(() => win()?.customElements?.get('mfe-host') && doc().querySelectorAll('mfe-host').length === 4, 'runtime loaded', { timeout: 8000 });
    const host = (id: string): MfeHost => doc().getElementById(id) as MfeHost;
    const inside = <T extends Element = HTMLElement>(id: string, sel: string): T => {
      const el = host(id).shadowRoot!.querySelector<T>(sel);
      if (!el) throw new Error(`#${id}: ${sel} not found`);
      return el;
    };
    const visible = (el: Element): boolean => el.getClientRects().length > 0;
    const badge = (id: string): string => doc().querySelector(`[data-status-for="${id}"]`)!.textContent!;
    const jquery = win().jQuery;

    const statuses = await Promise.all(['deals', 'stores', 'reviews', 'picks'].map((id) => host(id).settled));
    expect(statuses).to.deep.equal(['mounted', 'mounted', 'mounted', 'error']);
    expect([badge('deals'), badge('stores'), badge('reviews'), badge('picks')]).to.deep.equal([
      'new',
      'new',
      'new · HTML entry',
      'legacy · new version failed',
    ]);

    // The new versions are shown, the old markup (fallback content) is not...
    expect(visible(inside('deals', 'ul'))).to.equal(true);
    expect(visible(host('deals').querySelector('table.deals')!)).to.equal(false);
    expect(visible(host('stores').querySelector('ul.stores')!)).to.equal(false);
    // ...except where the new version failed: there the old markup stays.
    expect(visible(host('picks').querySelector('ol.picks')!)).to.equal(true);

    // Vanilla MFE → bus → the old page's jQuery script updates the old header.
    const buy = inside<HTMLButtonElement>('deals', 'button[data-sku="DRL-18"]');
    buy.click();
    expect(buy.textContent).to.equal('Added ✓');
    expect(doc().getElementById('cart-count')!.textContent).to.equal('1');

    // lit MFE: filtering.
    const search = inside<HTMLInputElement>('stores', 'input');
    search.value = 'shelby';
    search.dispatchEvent(new Event('input'));
    await waitUntil(() => host('stores').shadowRoot!.querySelectorAll('li').length === 1, 'filtered');
    expect(inside('stores', 'li .city').textContent).to.equal('Shelbyville');

    // HTML-entry MFE: the old jQuery widget runs in its shadow root, with its own styles.
    const reviews = (): string[] => [...host('reviews').shadowRoot!.querySelectorAll('#review-list li')].map((li) => li.textContent!);
    expect(reviews()).to.have.length(3);
    expect(inside('reviews', '#avg-text').textContent).to.equal('4.3 out of 5 (3 reviews)');
    inside<HTMLInputElement>('reviews', '#review-text').value = 'Found everything.';
    inside<HTMLSelectElement>('reviews', '#review-stars').value = '5';
    inside<HTMLButtonElement>('reviews', 'button[type="submit"]').click();
    expect(reviews().at(-1)).to.equal('★★★★★ Found everything. – you');
    expect(inside('reviews', '#avg-text').textContent).to.equal('4.5 out of 5 (4 reviews)');
    expect(win().getComputedStyle(inside('reviews', '.reviews')).borderTopStyle).to.equal('dashed');
    expect(win().getComputedStyle(doc().getElementById('page')!).borderTopStyle, "the widget's styles stay inside").to.equal('solid');
    // Its jQuery is marked data-mfe-once and the page has it: not run again.
    expect(win().jQuery).to.equal(jquery);

    // The section not migrated yet still works as before.
    (doc().getElementById('email') as HTMLInputElement).value = 'marge@example.com';
    doc().querySelector<HTMLInputElement>('#newsletter input[type="submit"]')!.click();
    expect(doc().getElementById('newsletter-msg')!.textContent).to.equal('Thanks! The next issue goes to marge@example.com.');

    // Back to the old version of a section: the old markup shows, and the old script drives it.
    const toggle = doc().querySelector<HTMLInputElement>('input.toggle[data-for="deals"]')!;
    toggle.click();
    expect(await host('deals').settled).to.equal('idle');
    expect(badge('deals')).to.equal('legacy');
    const old = host('deals').querySelector('table.deals')!;
    expect(visible(old)).to.equal(true);
    old.querySelector<HTMLButtonElement>('button.buy')!.click();
    expect(doc().getElementById('cart-count')!.textContent).to.equal('2');
    // And forward again.
    toggle.click();
    expect(await host('deals').settled).to.equal('mounted');
    expect(visible(old)).to.equal(false);

    // The reviews widget can be switched back and forth too: its scripts run again on new markup.
    const reviewsToggle = doc().querySelector<HTMLInputElement>('input.toggle[data-for="reviews"]')!;
    reviewsToggle.click();
    expect(await host('reviews').settled).to.equal('idle');
    expect(visible(host('reviews').querySelector('.reviews-old')!)).to.equal(true);
    reviewsToggle.click();
    expect(await host('reviews').settled).to.equal('mounted');
    // Each mount is a fresh page load: the inline script set ACME_REVIEWS to its 3 reviews again.
    expect(reviews()).to.have.length(3);
  });
});
