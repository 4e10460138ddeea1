import { expect, fixture, html } from '@open-wc/testing';
import { parse, verify } from '../../src/lifecycle/integrity.js';
import { BadModule } from '../../src/lifecycle/load.js';
import { uid } from '../helpers.js';

const dir = '/test/fixtures/scenarios/';
/** The SRI hash of a fixture, computed here so editing the file never breaks the test. */
const sri = async (file: string, alg: 'SHA-256' | 'SHA-384' | 'SHA-512' = 'SHA-384'): Promise<string> => {
  const hash = new Uint8Array(await crypto.subtle.digest(alg, await (await fetch(dir + file)).arrayBuffer()));
  return `${alg.replace('-', '').toLowerCase()}-${btoa(String.fromCharCode(...hash))}`;
};
/** A fixture URL of its own, counted under `key`. */
const counted = (key: string, file: string): string => new URL(`/count/${key}${dir}${file}?t=${uid()}`, location.href).href;
const evaluated = (url: string): boolean => ((globalThis as { __evaluated?: string[] }).__evaluated ?? []).includes(url);
const failure = (p: Promise<unknown>): Promise<Error> =>
  p.then(
    () => { throw new Error('expected a rejection'); },
    (e: Error) => e,
  );
const isWebKit = !/Chrome|Firefox/.test(navigator.userAgent);

describe('integrity', () => {
  it('passes a correct hash; the module then loads', async () => {
    const key = uid();
    const url = counted(key, 'signed.js');
    await verify(url, await sri('signed.js'));
    const ns = await import(url);
    expect(ns.mount).to.be.a('function');
    expect(evaluated(url)).to.equal(true);
    const { count } = await (await fetch(`/count-of/${key}`)).json();
    expect(count, 'the check costs one request at most').to.be.within(1, 2);
  });

  it('rejects a tampered entry with the expected and actual hashes, without evaluating it', async () => {
    const url = counted(uid(), 'tampered.js');
    const [good, bad] = await Promise.all([sri('signed.js'), sri('tampered.js')]);
    const e = await failure(verify(url, good));
    expect(e).to.be.instanceOf(BadModule);
    expect(e.message).to.equal(`integrity mismatch: expected ${good}, got ${bad}`);
    expect(evaluated(url)).to.equal(false);
  });

  it('is enforced by the engine: a module load that gets other bytes than the check never runs', async () => {
    // The server answers fetch() with signed.js and script loads (import(), modulepreload) with
    // tampered.js. Chromium and WebKit (import map) fail the import; Firefox (modulepreload)
    // fails verify().
    const url = new URL(`/two-faced${dir}signed.js?script=${dir}tampered.js&t=${uid()}`, location.href).href;
    const e = await failure(verify(url, await sri('signed.js')).then(() => import(url)));
    expect(e).to.be.instanceOf(TypeError);
    expect(evaluated(url)).to.equal(false);
  });

  it('rejects an integrity string with no usable hash', async () => {
    const url = counted(uid(), 'signed.js');
    for (const bad of ['md5-abc', 'sha384-', 'sha384', '', 'sha1-AAAA sha384-!!']) {
      const e = await failure(verify(url, bad));
      expect(e).to.be.instanceOf(BadModule);
      expect(e.message).to.equal(`unsupported integrity "${bad}"`);
    }
    expect(evaluated(url)).to.equal(false);
  });

  it('takes several hashes: the strongest algorithm wins, any of its hashes may match', async () => {
    const [s256, s384, s512, t384] = await Promise.all([sri('signed.js', 'SHA-256'), sri('signed.js'), sri('signed.js', 'SHA-512'), sri('tampered.js')]);
    const wrong512 = `sha512-${'A'.repeat(86)}==`;
    expect(parse(`${s256} ${s384} md5-x`)).to.deep.equal([s384]);
    // sha256 does not match, but sha384 is stronger and does.
    await verify(counted(uid(), 'signed.js'), `sha256-${'A'.repeat(43)}= ${s384}`);
    await verify(counted(uid(), 'signed.js'), `${t384} ${s384}`); // two sha384, one matches
    await verify(counted(uid(), 'signed.js'), `md5-xyz ${s256}`); // unknown algorithms are ignored
    await verify(counted(uid(), 'signed.js'), `${s512.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}`); // base64url
    const e = await failure(verify(counted(uid(), 'signed.js'), `${s384} ${wrong512}`));
    expect(e.message, 'a right sha384 does not save a wrong sha512').to.equal(`integrity mismatch: expected ${wrong512}, got ${s512}`);
  });

  it('rejects an entry it cannot fetch with a TypeError (the loader retries those)', async () => {
    const e = await failure(verify(counted(uid(), 'missing.js'), await sri('signed.js')));
    expect(e).to.be.instanceOf(TypeError);
    expect(e.message).to.equal('fetch failed: HTTP 404');
  });

  for (const [page, nonce] of [['integrity.html', true], ['integrity-no-nonce.html', false]] as const) {
    it(`works under a strict CSP ${nonce ? 'with' : 'without'} a script nonce`, async () => {
      const got = new Promise<Record<string, unknown>>((resolve) =>
        addEventListener('message', function on(e: MessageEvent) {
          if (!e.data?.integrity) return;
          removeEventListener('message', on);
          resolve(e.data.integrity);
        }),
      );
      await fixture(html`<iframe src="/test/fixtures/csp/${page}"></iframe>`);
      const r = await got;
      expect(r.good).to.equal('loaded');
      expect(r.tampered).to.match(/^BadModule: integrity mismatch: expected sha384-\S+, got sha384-\S+$/);
      if (!nonce && isWebKit) {
        // No import map (no nonce) and WebKit ignores modulepreload integrity: best effort only.
        expect(r.twoFaced, 'WebKit without nonce: not enforced').to.equal('loaded');
      } else {
        expect(r.twoFaced).to.match(/^TypeError: /);
      }
      // Without a nonce the import map is tried once (one report), then no more.
      expect(r.violations).to.deep.equal(nonce ? [] : ['script-src-elem inline']);
    });
  }
});
