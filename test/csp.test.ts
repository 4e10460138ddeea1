import { expect, fixture, html } from '@open-wc/testing';

describe('strict Content-Security-Policy', () => {
  it('loads, styles and mounts MFEs with no unsafe-eval or unsafe-inline', async () => {
    const got = new Promise<Record<string, unknown>>((resolve) =>
      addEventListener('message', function on(e: MessageEvent) {
        if (!e.data?.csp) return;
        removeEventListener('message', on);
        resolve(e.data.csp);
      }),
    );
    await fixture(html`<iframe src="/test/fixtures/csp/index.html"></iframe>`);
    const r = await got;
    expect(r.statuses).to.deep.equal(['mounted', 'mounted']);
    expect(r.text).to.equal('hello CSP');
    expect(r.color, 'adopted stylesheets apply under style-src self').to.equal('rgb(0, 128, 0)');
    expect(r.fontColor).to.equal('rgb(1, 2, 3)');
    expect(r.styleUrlColor, 'style URLs load as constructable sheets').to.equal('rgb(10, 20, 30)');
    expect(r.runtimeViolations).to.deep.equal([]);
    expect(r.canaryColor, 'the policy is in force').not.to.equal('rgb(1, 2, 3)');
  });
});
