import { expect, fixture, html } from '@open-wc/testing';
import { host, scenario, quiet } from '../helpers.js';

addEventListener('mfe-error', quiet);

const fontRules = (): string[] =>
  document.adoptedStyleSheets.flatMap((s) => [...s.cssRules]).filter((r) => r instanceof CSSFontFaceRule).map((r) => r.cssText);

describe('styles', () => {
  it('adopts styles as constructable sheets built once per module, shared by instances', async () => {
    const src = scenario('fonts');
    const a = await host(src);
    const b = await host(src);
    const sa = a.shadowRoot!.adoptedStyleSheets;
    const sb = b.shadowRoot!.adoptedStyleSheets;
    expect(sa.length).to.equal(4); // the host's own + three from `styles`
    sa.forEach((s, i) => expect(s).to.equal(sb[i]));
    const f = a.shadowRoot!.querySelector('.f')!;
    const g = a.shadowRoot!.querySelector('.g')!;
    expect(getComputedStyle(f).color).to.equal('rgb(1, 2, 3)');
    expect(getComputedStyle(g).color, 'a CSSStyleSheet export is adopted as is').to.equal('rgb(4, 5, 6)');
  });

  it('installs @font-face rules once at document level', async () => {
    const src = scenario('fonts');
    const family = `mfe-test-font-${new URL(src).searchParams.get('t')}`;
    await host(src);
    await host(src);
    const rules = fontRules().filter((r) => r.includes(family));
    expect(rules).to.have.length(1);
    expect(rules[0], 'relative URLs resolve against the MFE, not the page').to.contain(new URL('fonts/none.woff2', src).href.split('?')[0]);
    expect(document.fonts.check(`12px "${family}"`)).to.be.a('boolean');
  });

  it('isolates both ways: page CSS does not reach in, MFE CSS does not leak out', async () => {
    const page = await fixture<HTMLDivElement>(html`<div><p class="out" id="page-p">page</p></div>`);
    const sheet = new CSSStyleSheet();
    sheet.replaceSync('.out { color: rgb(9, 9, 9); } p { border-top: 7px solid rgb(0, 0, 255); }');
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
    try {
      const el = await host(scenario('happy'));
      const inner = el.shadowRoot!.querySelector('.out')!;
      expect(getComputedStyle(inner).color, 'MFE style applies').to.equal('rgb(0, 128, 0)');
      expect(getComputedStyle(inner).borderTopWidth, 'page p rule does not reach in').to.equal('3px');
      const outer = page.querySelector('#page-p')!;
      expect(getComputedStyle(outer).color, 'MFE .out rule does not leak out').to.equal('rgb(9, 9, 9)');
      expect(getComputedStyle(outer).borderTopColor).to.equal('rgb(0, 0, 255)');
    } finally {
      document.adoptedStyleSheets = document.adoptedStyleSheets.filter((s) => s !== sheet);
    }
  });
});
