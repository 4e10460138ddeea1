import { expect } from '@open-wc/testing';
import { fallbackPattern, type Pattern } from '../../src/routing/pattern.js';
import '../../src/routing/index.js';
import type { MfeRouter, NavChanged } from '../../src/routing/index.js';
import { nextReport, quiet, uid } from '../helpers.js';

addEventListener('mfe-error', quiet);

type Groups = Record<string, string | undefined>;
/** [pattern, pathname, groups (null: no match), exec's `input` when it is not the pathname itself]. */
type Row = [string, string, Groups | null, string?];

const table: Row[] = [
  // literal segments
  ['/', '/', {}],
  ['/', '/a', null],
  ['/about', '/about', {}],
  ['/about', '/about/', null],
  ['/about', '/About', null],
  ['/about/team', '/about/team', {}],
  ['/a.b', '/a.b', {}],
  ['/a.b', '/axb', null],
  ['/a-b_c~d', '/a-b_c~d', {}],
  ['/$a^b', '/$a%5Eb', {}],
  ['/$a^b', '/$a^b', {}, '/$a%5Eb'],
  // percent-encoding, as URLPattern encodes the pattern's literal text and the input
  ['/café', '/caf%C3%A9', {}],
  ['/caf%C3%A9', '/caf%C3%A9', {}],
  ['/café', '/café', {}, '/caf%C3%A9'],
  ['/a b', '/a%20b', {}],
  ['/a b', '/a b', {}, '/a%20b'],
  ['/a%20b', '/a%20b', {}],
  ['/ünï/:id', '/%C3%BCn%C3%AF/%C3%A9', { id: '%C3%A9' }],
  ['/a/./b', '/a/b', {}],
  ['/a/../b', '/b', {}],
  ['/x', '/a/../x', {}, '/x'],
  // escaped characters are literal
  ['/a\\:b', '/a:b', {}],
  ['/a\\*', '/a*', {}],
  ['/a\\*', '/ab', null],
  ['/a\\(b\\)', '/a(b)', {}],
  ['/a\\?', '/a%3F', {}],
  ['/a\\{b\\}', '/a%7Bb%7D', {}],
  ['/a\\+', '/a+', {}],
  ['/\\:id', '/:id', {}],
  ['/a\\/:id', '/a/5', { id: '5' }],
  // :name parameters: one non-empty segment
  ['/users/:id', '/users/42', { id: '42' }],
  ['/users/:id', '/users/', null],
  ['/users/:id', '/users', null],
  ['/users/:id', '/users/42/x', null],
  ['/users/:id/posts/:post', '/users/7/posts/99', { id: '7', post: '99' }],
  ['/:a/:b', '/x/y', { a: 'x', b: 'y' }],
  ['/:_x$1', '/v', { _x$1: 'v' }],
  ['/:ünï', '/v', { ünï: 'v' }],
  ['/files/:name.json', '/files/report.json', { name: 'report' }],
  ['/files/:name.json', '/files/a.b.json', { name: 'a.b' }],
  ['/files/:name.json', '/files/.json', null],
  ['/v:version', '/v2', { version: '2' }],
  ['/v:version', '/v', null],
  ['/u/:id', '/u/%C3%A9', { id: '%C3%A9' }],
  ['/u/:id', '/u/é', { id: '%C3%A9' }, '/u/%C3%A9'],
  // :name? optional (with its `/` prefix)
  ['/users/:id?', '/users', { id: undefined }],
  ['/users/:id?', '/users/5', { id: '5' }],
  ['/users/:id?', '/users/', null],
  ['/users/:id?/edit', '/users/edit', { id: undefined }],
  ['/users/:id?/edit', '/users/5/edit', { id: '5' }],
  ['/:lang?/docs', '/docs', { lang: undefined }],
  ['/:lang?/docs', '/fr/docs', { lang: 'fr' }],
  ['/a-:x?', '/a-', { x: undefined }],
  ['/a-:x?', '/a-b', { x: 'b' }],
  // * wildcards: greedy, numbered groups in order
  ['*', '/anything/at/all', { 0: '/anything/at/all' }],
  ['*', '/', { 0: '/' }],
  ['/billing/*', '/billing/invoices/42', { 0: 'invoices/42' }],
  ['/billing/*', '/billing/', { 0: '' }],
  ['/billing/*', '/billing', null],
  ['/billing/*', '/billingx', null],
  ['/users/:id/*', '/users/42/profile/edit', { id: '42', 0: 'profile/edit' }],
  ['/users/:id/*', '/users/42/', { id: '42', 0: '' }],
  ['/users/:id/*', '/users/42', null],
  ['/*/x/*', '/a/b/x/c/x/d', { 0: 'a/b/x/c', 1: 'd' }],
  ['/*.js', '/a/b.c.js', { 0: 'a/b.c' }],
  ['/a*', '/a', { 0: '' }],
  ['/a*', '/abc/d', { 0: 'bc/d' }],
  ['/:x/*/:y', '/p/q/r/s', { x: 'p', 0: 'q/r', y: 's' }],
  ['/docs/*?', '/docs', { 0: undefined }],
  ['/docs/*?', '/docs/a/b', { 0: 'a/b' }],
  ['/a/*', '/a/%C3%A9', { 0: '%C3%A9' }],
  ['/a`b"c<d>e', '/a%60b%22c%3Cd%3Ee', {}],
  ['/a`b"c<d>e', '/a`b"c<d>e', {}, '/a%60b%22c%3Cd%3Ee'],
  // `\` is a `/` in a pathname (as in http: URLs)
  ['/a\\\\b', '/a/b', {}],
  ['/a/:x', '/a/b\\c', null, '/a/b/c'],
  ['/a/*', '/a/b\\c', { 0: 'b/c' }, '/a/b/c'],
];

/** Patterns outside the built-in matcher's subset. */
const unsupported = ['/files/(\\d+)', '/:id(\\d+)', '/{a}', '/a{/b}?', '/:id+', '/:id*', '/**', '/*+', '/:id??', '/a?', '/a+', '/:', '/a\\', '/:a/:a', '/(.*)'];

/** URL of a routed scenario MFE (test/fixtures/routing/page.js), unique to the caller. */
const page = (tag: string): string => new URL(`/test/fixtures/routing/page.js?tag=${tag}&t=${uid()}`, location.origin).href;

const nativePattern = (globalThis as { URLPattern?: new (init: { pathname: string }) => Pattern }).URLPattern;

describe('route path patterns', () => {
  describe('the built-in matcher (engines without URLPattern)', () => {
    for (const [pattern, path, groups, input] of table) {
      it(`${pattern} on ${path}`, () => {
        const expected = groups && { input: input ?? path, groups };
        const got = fallbackPattern(pattern).exec({ pathname: path })?.pathname ?? null;
        if (nativePattern) {
          // This engine has URLPattern: the built-in matcher says what it says.
          const r = new nativePattern({ pathname: pattern }).exec({ pathname: path });
          expect(got, 'same as native URLPattern').to.deep.equal(r ? { input: r.pathname.input, groups: { ...r.pathname.groups } } : null);
        }
        expect(got).to.deep.equal(expected);
      });
    }

    it('throws at compile time, naming the pattern, for what needs URLPattern', () => {
      for (const pattern of unsupported) {
        expect(() => fallbackPattern(pattern), pattern).to.throw(TypeError, `path pattern "${pattern}" needs URLPattern, which this browser lacks`);
      }
    });
  });

  describe('<mfe-router> without URLPattern', () => {
    // Engines without URLPattern run this as they are; elsewhere it is hidden for the test.
    const saved = Object.getOwnPropertyDescriptor(globalThis, 'URLPattern');
    const href = location.href;
    let router: MfeRouter | undefined;
    // The runner fails a test on any window error through `window.onerror`, which runs before the
    // tests' own `error` listeners: let the error the router reports on purpose through.
    let runnerOnError: OnErrorEventHandler;
    beforeEach(() => {
      delete (globalThis as { URLPattern?: unknown }).URLPattern;
      runnerOnError = window.onerror;
      window.onerror = function (message, ...rest) {
        if (/needs URLPattern/.test(String(message))) return true;
        return runnerOnError?.call(this, message, ...rest);
      };
    });
    afterEach(() => {
      if (saved) Object.defineProperty(globalThis, 'URLPattern', saved);
      window.onerror = runnerOnError;
      router?.remove();
      router = undefined;
      history.replaceState(null, '', href);
    });

    const make = (routes: string): MfeRouter => {
      const el = document.createElement('mfe-router');
      el.innerHTML = routes;
      document.body.append(el);
      return (router = el);
    };
    const changed = (): Promise<NavChanged> =>
      new Promise((r) => addEventListener('nav:changed', (e) => r((e as CustomEvent<NavChanged>).detail), { once: true }));

    it('matches with the built-in matcher: params, the rest of the path, /x/* also matching /x', async () => {
      const base = `/fb-${uid()}`;
      history.replaceState(null, '', `${base}/users/42/profile?tab=x`);
      const first = changed();
      make(`
        <mfe-route path="${base}/billing/*" name="billing" src="${page('billing')}"></mfe-route>
        <mfe-route path="${base}/users/:id/*" name="users" src="${page('users')}"></mfe-route>
        <mfe-route fallback name="nf" src="${page('nf')}"></mfe-route>`);
      const c = await first;
      expect(typeof (globalThis as { URLPattern?: unknown }).URLPattern).to.equal('undefined');
      expect([c.name, c.route]).to.deep.equal(['users', { basePath: `${base}/users/42`, path: '/profile', params: { id: '42' }, query: 'tab=x' }]);
      const second = changed();
      history.pushState(null, '', `${base}/billing`);
      dispatchEvent(new PopStateEvent('popstate'));
      const d = await second;
      expect([d.name, d.route]).to.deep.equal(['billing', { basePath: `${base}/billing`, path: '/', params: {}, query: '' }]);
    });

    it('reports a path that needs URLPattern, naming the route and the pattern, instead of mis-matching', async () => {
      const path = `/fb-${uid()}/:id(\\d+)`;
      const reported = nextReport(/needs URLPattern/);
      make(`<mfe-route path="${path}" name="by-id" src="${page('by-id')}"></mfe-route><mfe-route fallback name="nf" src="${page('nf')}"></mfe-route>`);
      const e = await reported;
      expect(e).to.be.instanceOf(TypeError);
      expect(e.message).to.equal(
        `mfe-router: route by-id: path pattern "${path}" needs URLPattern, which this browser lacks (built-in matcher: literal text, :name, *, and ? after those)`,
      );
      await router!.settled;
      expect(router!.host, 'nothing shown for a route table it cannot read').to.equal(undefined);
    });
  });
});
