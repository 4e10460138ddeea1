import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import type { MfeHost } from '../../src/index.js';

// The routed demo (demo/routed/), driven like a user would: nav links, links and buttons inside
// MFEs, the guard's redirect, keep-alive. Its MFEs are the bundles demo/start.mjs builds into
// demo/build/ (`npm test` runs test/demo/start.test.mjs, which builds them, before the browser
// tests); without them the test is skipped.
describe('routed demo (demo/routed/)', () => {
  before(async function () {
    const res = await fetch('/demo/build/route-info.js', { method: 'HEAD' });
    if (!res.ok) this.skip(); // run `npm start` (or the node tests) once to build demo/build/
  });

  it('routes links, sub-routes, guards, keep-alive and titles without reloading', async function () {
    this.timeout(20_000);
    const frame = await fixture<HTMLIFrameElement>(html`<iframe src="/demo/routed/" style="width:1000px;height:700px"></iframe>`);
    const win = (): Window & typeof globalThis => frame.contentWindow as Window & typeof globalThis;
    const doc = (): Document => frame.contentDocument!;
    const router = (): HTMLElement | null => doc()?.querySelector('mfe-router');
    /** The <mfe-host> the router shows now (kept keep-alive hosts are `hidden`). */
    const shown = (): MfeHost | undefined => [...(router()?.querySelectorAll<MfeHost>(':scope > mfe-host') ?? [])].find((h) => !h.hidden);
    const shownName = (): string | null | undefined => shown()?.getAttribute('name');
    const card = (): Element | null | undefined => shown()?.shadowRoot?.querySelector('.card');
    const text = (sel: string): string => shown()?.shadowRoot?.querySelector(sel)?.textContent ?? '';
    const at = async (name: string, path: string): Promise<void> => {
      await waitUntil(() => shownName() === name && shown()?.status === 'mounted' && win().location.pathname + win().location.search === path, `${name} at ${path}`, { timeout: 8000 });
    };
    const nav = (href: string): void => doc().querySelector<HTMLAnchorElement>(`.routes-nav a[href="${href}"]`)!.click();
    const inCard = (sel: string): HTMLElement => card()!.querySelector<HTMLElement>(sel)!;

    // /demo/routed/ starts at billing (React, keep-alive), replacing the entry.
    await waitUntil(() => win()?.customElements?.get('mfe-router'), 'router loaded', { timeout: 8000 });
    await at('billing', '/demo/routed/billing');
    expect(doc().title).to.equal('Billing');
    await waitUntil(() => shown()!.shadowRoot!.textContent!.includes('INV-1046'), 'billing got its invoices');
    // A page-wide marker: gone if anything below reloaded the page.
    (win() as unknown as { marker: number }).marker = 1;
    const length = win().history.length;

    // A nav link into the route-info MFE: ctx.route from the URL, title from the MFE's mfe-title event.
    nav('/demo/routed/explore/orders/7?tab=items');
    await at('route-info', '/demo/routed/explore/orders/7?tab=items');
    await waitUntil(() => card(), 'route-info rendered');
    expect(text('.v-basePath')).to.equal('/demo/routed/explore');
    expect(text('.v-path')).to.equal('/orders/7');
    expect(text('.v-query')).to.equal('?tab=items');
    expect(doc().title).to.equal('Route info · /orders/7');
    const mount = text('.c-mounts');

    // A plain <a href> inside the MFE's shadow root: same instance, update(ctx), pushed entry.
    inCard('a[href="/demo/routed/explore/customers/ada"]').click();
    await at('route-info', '/demo/routed/explore/customers/ada');
    await waitUntil(() => text('.v-path') === '/customers/ada', 'sub-route shown');
    expect(text('.c-mounts')).to.equal(mount);
    expect(text('.c-updates')).to.equal('update() 1×');
    expect(win().history.length).to.equal(length + 2);

    // ctx.navigate(…, { replace: true }): no new history entry.
    inCard('button.navigate').click();
    await at('route-info', '/demo/routed/explore/orders/8?tab=history');
    await waitUntil(() => text('.v-query') === '?tab=history', 'navigated');
    expect(win().history.length).to.equal(length + 2);

    // Away and back: billing and route-info are keep-alive, hidden rather than unmounted.
    nav('/demo/routed/billing');
    await at('billing', '/demo/routed/billing');
    const kept = router()!.querySelector<MfeHost>(':scope > mfe-host[name="route-info"]');
    expect(kept, 'route-info kept').to.exist;
    expect(kept!.hidden).to.equal(true);
    expect(doc().title).to.equal('Billing');
    win().history.back();
    await at('route-info', '/demo/routed/explore/orders/8?tab=history');
    await waitUntil(() => text('.c-activated') === 'activated 1×', 'activated() called');
    expect(text('.c-deactivated')).to.equal('deactivated 1×');
    expect(text('.c-mounts')).to.equal(mount);

    // Inventory (Vue) is not keep-alive: leaving it unmounts it.
    nav('/demo/routed/inventory');
    await at('inventory', '/demo/routed/inventory');
    nav('/demo/routed/no/such/page');
    await at('not-found', '/demo/routed/no/such/page');
    expect(router()!.querySelector(':scope > mfe-host[name="inventory"]')).to.equal(null);

    // The guarded account route redirects to sign-in; signing in goes on to `next`.
    nav('/demo/routed/account');
    await at('sign-in', `/demo/routed/sign-in?next=${encodeURIComponent('/demo/routed/account')}`);
    await waitUntil(() => card()?.querySelector('button.primary'), 'sign-in page');
    inCard('button.primary').click();
    await at('account', '/demo/routed/account');
    await waitUntil(() => card()?.textContent?.includes('Signed in as Ada Lovelace'), 'account page with the signed-in user');
    expect(doc().querySelector('#nav-auth')!.textContent).to.match(/^yes/);
    expect(doc().querySelector('.routes-nav a[aria-current="page"]')!.getAttribute('href')).to.equal('/demo/routed/account');

    expect((win() as unknown as { marker?: number }).marker, 'never reloaded').to.equal(1);
  });
});
