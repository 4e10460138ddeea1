import { expect, fixture, html } from '@open-wc/testing';
import { loadStyleUrls } from '../../src/lifecycle/style-urls.js';
import { uid } from '../helpers.js';

const file = '/test/fixtures/styles/inventory.css';
const at = (path: string): string => new URL(path, location.href).href;
const countOf = async (key: string): Promise<number> => (await (await fetch(`/count-of/${key}`)).json()).count;
const fontRules = (needle: string): string[] =>
  document.adoptedStyleSheets
    .flatMap((s) => [...s.cssRules])
    .filter((r) => r instanceof CSSFontFaceRule && r.cssText.includes(needle))
    .map((r) => r.cssText);
const styleOf = (sheet: CSSStyleSheet, selector: string): CSSStyleDeclaration =>
  ([...sheet.cssRules].find((r) => r instanceof CSSStyleRule && r.selectorText === selector) as CSSStyleRule).style;
const failure = (p: Promise<unknown>): Promise<Error> =>
  p.then(
    () => { throw new Error('expected a rejection'); },
    (e: Error) => e,
  );

describe('style URLs', () => {
  it('builds sheets that apply in a shadow root, in the order given', async () => {
    const sheets = await loadStyleUrls([at(`${file}?t=${uid()}`), `/test/fixtures/styles/extra.css?t=${uid()}`]);
    expect(sheets).to.have.length(2);
    const el = await fixture<HTMLDivElement>(html`<div></div>`);
    const root = el.attachShadow({ mode: 'open' });
    root.adoptedStyleSheets = sheets;
    root.innerHTML = '<p class="box">box</p><p class="extra">extra</p>';
    expect(getComputedStyle(root.querySelector('.box')!).color).to.equal('rgb(10, 20, 30)');
    expect(getComputedStyle(root.querySelector('.extra')!).color, 'a relative URL resolves against the page').to.equal('rgb(40, 50, 60)');
  });

  it('fetches each URL once for many callers and shares one sheet', async () => {
    const key = uid();
    const url = at(`/count/${key}${file}`);
    const all = await Promise.all(Array.from({ length: 20 }, () => loadStyleUrls([url])));
    const later = await loadStyleUrls([url]);
    expect(new Set([...all.flat(), ...later]).size).to.equal(1);
    expect(await countOf(key)).to.equal(1);
  });

  it('resolves relative url()s against the CSS file', async () => {
    const key = uid();
    const url = at(`/count/${key}${file}`);
    const [sheet] = await loadStyleUrls([url]);
    expect(styleOf(sheet!, '.bg').backgroundImage).to.contain(`"${new URL('img/dot.png', url).href}"`);
    expect(styleOf(sheet!, '.abs').backgroundImage).to.contain(`"${at('/root.png')}"`);
    expect(styleOf(sheet!, '.frag').maskImage, 'fragment references stay').to.match(/url\("?#m"?\)/);
  });

  it('installs @font-face rules once in the document', async () => {
    const key = uid();
    const url = at(`/count/${key}${file}`);
    await loadStyleUrls([url]);
    await loadStyleUrls([url]);
    const rules = fontRules(`/count/${key}/`);
    expect(rules).to.have.length(1);
    expect(rules[0]).to.contain(new URL('fonts/none.woff2', url).href);
  });

  it('fails with the URL and the HTTP status, the network error or the wrong type', async () => {
    const missing = at(`/test/fixtures/styles/missing.css?t=${uid()}`);
    expect((await failure(loadStyleUrls([at(`${file}?t=${uid()}`), missing]))).message).to.equal(`${missing}: HTTP 404`);
    const down = `http://127.0.0.1:9/x.css?t=${uid()}`;
    expect((await failure(loadStyleUrls([down]))).message).to.equal(`${down}: network error`);
    const page = at(`/test/fixtures/csp/index.html?t=${uid()}`);
    expect((await failure(loadStyleUrls([page]))).message).to.match(new RegExp(`^${page.replace(/[?.]/g, '\\$&')}: served as text/html.*, not text/css$`));
  });

  it('forgets a failure: the next call fetches again', async () => {
    const url = at(`/flaky/${uid()}${file}`);
    expect((await failure(loadStyleUrls([url]))).message).to.equal(`${url}: HTTP 503`);
    const [sheet] = await loadStyleUrls([url]);
    expect(styleOf(sheet!, '.box').color).to.equal('rgb(10, 20, 30)');
  });
});
