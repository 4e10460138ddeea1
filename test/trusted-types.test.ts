import { expect, fixture, html } from '@open-wc/testing';

/** Loads a fixture page in an iframe and resolves with what it reported. */
async function run(page: string): Promise<Record<string, unknown>> {
  const got = new Promise<Record<string, unknown>>((resolve) =>
    addEventListener('message', function on(e: MessageEvent) {
      if (!e.data?.tt) return;
      removeEventListener('message', on);
      resolve(e.data.tt);
    }),
  );
  await fixture(html`<iframe src=${page}></iframe>`);
  return got;
}

// Trusted Types exist in Chromium and WebKitGTK 2.50 (not in Firefox ESR 140, where there is nothing to enforce).
const supported = 'trustedTypes' in globalThis;

describe('Trusted Types (require-trusted-types-for script)', () => {
  it('imports and mounts with only the "mfe-host" policy allowed; HTML goes through that policy', async function () {
    if (!supported) this.skip();
    const r = await run('/test/fixtures/csp/trusted-types.html');
    expect(r.enforced, 'canary: enforcement is on').to.equal(true);
    expect(r.error).to.equal(undefined);
    expect(r.status).to.equal('mounted');
    expect(r.text).to.equal('hello TT');
    expect(r.parsed).to.equal('parsed');
  });

  it('a page that does not allow the policy still gets the element; parsing HTML names the policy to add', async function () {
    if (!supported) this.skip();
    const r = await run('/test/fixtures/csp/trusted-types-denied.html');
    expect(r.importError).to.equal(undefined);
    expect(r.defined).to.equal(true);
    expect(r.error).to.match(/does not allow the policy "mfe-host".*trusted-types mfe-host/);
  });
});
