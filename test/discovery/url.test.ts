import { expect } from '@open-wc/testing';
import { abs } from '../../src/discovery/url.js';

describe('abs', () => {
  it('resolves against the page, and again after the base changed', () => {
    const start = location.href;
    try {
      expect(abs('x/mfe.js')).to.equal(new URL('x/mfe.js', document.baseURI).href);
      expect(abs('https://cdn.example/a/../b/mfe.js')).to.equal('https://cdn.example/b/mfe.js');
      history.replaceState(null, '', '/deeper/page/');
      expect(abs('x/mfe.js'), 'after a history change').to.equal(`${location.origin}/deeper/page/x/mfe.js`);
      const base = document.head.appendChild(document.createElement('base'));
      base.href = 'https://other.example/root/';
      try {
        expect(abs('x/mfe.js'), 'after a <base>').to.equal('https://other.example/root/x/mfe.js');
      } finally {
        base.remove();
      }
      expect(abs('x/mfe.js')).to.equal(`${location.origin}/deeper/page/x/mfe.js`);
    } finally {
      history.replaceState(null, '', start);
    }
  });

  it('throws on what is not a URL', () => {
    expect(() => abs('http://[bad')).to.throw(TypeError);
    expect(() => abs('http://[bad'), 'not remembered as anything').to.throw(TypeError);
  });
});
