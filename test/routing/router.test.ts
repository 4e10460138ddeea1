import { expect, oneEvent } from '@open-wc/testing';
import { bus, configure } from '../../src/index.js';
import type { MfeHost, MountContext } from '../../src/index.js';
import { addGuard, navigate, type MfeRouter, type NavChanged } from '../../src/routing/index.js';
import { logOf, quiet, uid } from '../helpers.js';

addEventListener('mfe-error', quiet);

/** URL of a routed scenario MFE (test/fixtures/routing/page.js) named `tag`, unique to the caller. */
const page = (tag: string): string => new URL(`/test/fixtures/routing/page.js?tag=${tag}&t=${uid()}`, location.origin).href;
const g = globalThis as unknown as { __routeOrder?: string[]; __routeCtx?: Record<string, MountContext>; __marker?: object };
const ctxOf = (tag: string): MountContext => g.__routeCtx![tag];

/** The next `nav:changed` (the router emits it once the shown MFE has settled). */
const changed = (): Promise<NavChanged> =>
  new Promise((r) => addEventListener('nav:changed', (e) => r((e as CustomEvent<NavChanged>).detail), { once: true }));

let router: MfeRouter | undefined;
/** A router with `routes` as its children, created at the current URL; resolves once it shows its route. */
async function make(routes: string, attrs: Record<string, string> = {}): Promise<MfeRouter> {
  const el = document.createElement('mfe-router');
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  el.innerHTML = routes;
  document.body.append(el);
  await el.settled;
  return (router = el);
}
const go = async (to: string, replace = false): Promise<NavChanged> => {
  const c = changed();
  navigate(to, { replace });
  return c;
};
const shown = (): string[] => [...router!.querySelectorAll('mfe-host:not([hidden])')].map((h) => h.getAttribute('src')!);

describe('<mfe-router>', () => {
  const saved = location.href;
  const title = document.title;
  beforeEach(() => {
    g.__routeOrder = [];
    g.__routeCtx = {};
  });
  afterEach(async () => {
    const r = router;
    router = undefined;
    if (r) {
      const hosts = [...r.querySelectorAll('mfe-host')];
      r.remove();
      await Promise.all(hosts.map((h) => new Promise((res) => setTimeout(res)).then(() => h.settled)));
    }
    configure({ routes: undefined });
    history.replaceState(null, '', saved);
    document.title = title;
  });

  it('deep link: matches with URLPattern, gives ctx.route (basePath, path, params, query) and falls back', async () => {
    const [a, b, nf] = [page('a'), page('b'), page('nf')];
    history.replaceState(null, '', '/app/users/42/profile?tab=x');
    const first = changed();
    await make(`
      <mfe-route path="/app/billing/*" src="${a}"></mfe-route>
      <mfe-route path="/app/users/:id/*" src="${b}"></mfe-route>
      <mfe-route fallback src="${nf}"></mfe-route>`);
    expect((await first).route).to.deep.equal({ basePath: '/app/users/42', path: '/profile', params: { id: '42' }, query: 'tab=x' });
    expect(shown()).to.deep.equal([b]);
    const route = ctxOf('b').route!;
    expect([route.basePath, route.path, route.params, route.query.get('tab')]).to.deep.equal(['/app/users/42', '/profile', { id: '42' }, 'x']);

    const c = await go('/app/billing');
    expect(c.path).to.equal('/app/billing');
    expect(c.route).to.deep.equal({ basePath: '/app/billing', path: '/', params: {}, query: '' });
    expect(shown()).to.deep.equal([a]);
    expect(ctxOf('a').route!.path).to.equal('/');

    const d = await go('/app/billing/invoices/7');
    expect(d.route!.path).to.equal('/invoices/7');

    const e = await go('/nowhere/at/all');
    expect(shown()).to.deep.equal([nf]);
    expect(e.route!.path).to.equal('/nowhere/at/all');
    expect(router!.querySelectorAll('mfe-host').length, 'one MFE per outlet').to.equal(1);
  });

  it('path="*" is a fallback too, and first match in document order wins', async () => {
    const [a, b, c] = [page('a'), page('b'), page('c')];
    history.replaceState(null, '', '/app/x/y');
    await make(`
      <mfe-route path="/app/x/*" src="${a}"></mfe-route>
      <mfe-route path="/app/x/y" src="${b}"></mfe-route>
      <mfe-route path="*" src="${c}"></mfe-route>`);
    expect(shown()).to.deep.equal([a]);
    await go('/else');
    expect(shown()).to.deep.equal([c]);
  });

  it('configure({ routes }) is used when the router has no <mfe-route> children', async () => {
    const [a, nf] = [page('a'), page('nf')];
    configure({ routes: [{ path: '/app/prog/:section/*', src: a, title: 'Prog' }, { fallback: true, src: nf }] });
    history.replaceState(null, '', '/app/prog/s1/deep');
    await make('');
    expect(shown()).to.deep.equal([a]);
    expect(ctxOf('a').route!.params).to.deep.equal({ section: 's1' });
    expect(document.title).to.equal('Prog');
    await go('/app/none');
    expect(shown()).to.deep.equal([nf]);
  });

  it('unmounts the old MFE before mounting the new one, never showing both', async () => {
    const [a, b] = [page('a'), page('b')];
    history.replaceState(null, '', '/app/a');
    await make(`<mfe-route path="/app/a" src="${a}"></mfe-route><mfe-route path="/app/b/*" src="${b}"></mfe-route>`);
    await go('/app/b/');
    await go('/app/a');
    expect(g.__routeOrder).to.deep.equal(['a mount', 'a unmount', 'b mount', 'b unmount', 'a mount']);
    expect(logOf(b)).to.deep.equal(['mount /', 'visible 1', 'unmount']);
    expect(logOf(a).filter((l) => l.startsWith('visible'))).to.deep.equal(['visible 1', 'visible 1']);
  });

  it('a sub-path or query change calls update, no remount', async () => {
    const a = page('a');
    history.replaceState(null, '', '/app/billing');
    await make(`<mfe-route path="/app/billing/*" src="${a}"></mfe-route>`);
    await go('/app/billing/invoices');
    await go('/app/billing/invoices?page=2');
    const host = router!.querySelector('mfe-host')!;
    expect(logOf(a)).to.deep.equal(['mount /', 'visible 1', 'update /invoices', 'update /invoices?page=2']);
    expect(host.route!.query.get('page')).to.equal('2');
    expect(ctxOf('a').route).to.equal(host.route);
  });

  it('a plain <a href> click inside a shadow root routes without a reload', async () => {
    const [a, b] = [page('a'), page('b')];
    history.replaceState(null, '', '/app/a');
    await make(`<mfe-route path="/app/a" src="${a}"></mfe-route><mfe-route path="/app/b/*" src="${b}"></mfe-route>`);
    const marker = (g.__marker = {});
    const link = ctxOf('a').host.querySelector('a')!;
    link.setAttribute('href', '/app/b/deep?q=1');
    let prevented: boolean | undefined;
    const seen = (e: Event): void => {
      prevented = e.defaultPrevented;
      e.preventDefault(); // never let the test page navigate away
    };
    addEventListener('click', seen);
    try {
      const c = changed();
      link.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true, cancelable: true, button: 0 }));
      expect(prevented, 'intercepted').to.equal(true);
      expect((await c).route).to.deep.equal({ basePath: '/app/b', path: '/deep', params: {}, query: 'q=1' });
    } finally {
      removeEventListener('click', seen);
    }
    expect(location.pathname + location.search).to.equal('/app/b/deep?q=1');
    expect(g.__marker, 'no reload').to.equal(marker);
    expect(shown()).to.deep.equal([b]);
  });

  it('leaves modified, targeted, download and external clicks to the browser', async () => {
    const a = page('a');
    history.replaceState(null, '', '/app/a');
    await make(`<mfe-route path="/app/*" src="${a}"></mfe-route>`);
    const box = ctxOf('a').host;
    const cases: Array<[string, Record<string, string>, MouseEventInit]> = [
      ['ctrl', {}, { ctrlKey: true }],
      ['meta', {}, { metaKey: true }],
      ['shift', {}, { shiftKey: true }],
      ['alt', {}, { altKey: true }],
      ['middle button', {}, { button: 1 }],
      ['target=_blank', { target: '_blank' }, {}],
      ['download', { download: '' }, {}],
      ['external origin', { href: 'https://example.com/app/x' }, {}],
      ['rel=external', { rel: 'external' }, {}],
    ];
    const seen: Record<string, boolean> = {};
    let current = '';
    const record = (e: Event): void => {
      seen[current] = e.defaultPrevented;
      e.preventDefault();
    };
    addEventListener('click', record);
    try {
      for (const [name, attrs, init] of cases) {
        const link = document.createElement('a');
        link.href = '/app/elsewhere';
        for (const [k, v] of Object.entries(attrs)) link.setAttribute(k, v);
        box.append(link);
        current = name;
        link.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true, cancelable: true, button: 0, ...init }));
        link.remove();
      }
      // A click someone else already cancelled is theirs.
      current = 'cancelled by the page';
      const link = Object.assign(document.createElement('a'), { href: '/app/elsewhere' });
      box.append(link);
      link.addEventListener('click', (e) => e.preventDefault());
      link.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true, cancelable: true }));
    } finally {
      removeEventListener('click', record);
    }
    expect(seen).to.deep.equal({ ...Object.fromEntries(cases.map(([n]) => [n, false])), 'cancelled by the page': true });
    expect(location.pathname, 'nothing routed').to.equal('/app/a');
  });

  it('back and forward restore the right MFE and sub-route', async () => {
    const [a, b] = [page('a'), page('b')];
    history.replaceState(null, '', '/app/a/one');
    await make(`<mfe-route path="/app/a/*" src="${a}"></mfe-route><mfe-route path="/app/b/*" src="${b}"></mfe-route>`);
    await go('/app/a/two');
    await go('/app/b/three');
    let c = changed();
    history.back();
    expect((await c).route!.path).to.equal('/two');
    expect(shown()).to.deep.equal([a]);
    expect(ctxOf('a').route!.path).to.equal('/two');
    c = changed();
    history.back();
    expect((await c).route!.path).to.equal('/one');
    expect(logOf(a).at(-1), 'same MFE, only its sub-route changed').to.equal('update /one');
    c = changed();
    history.forward();
    expect((await c).route!.path).to.equal('/two');
    c = changed();
    history.forward();
    expect((await c).route).to.deep.equal({ basePath: '/app/b', path: '/three', params: {}, query: '' });
    expect(shown()).to.deep.equal([b]);
    expect(location.pathname).to.equal('/app/b/three');
  });

  it('ctx.navigate goes through the router; replace replaces the history entry', async () => {
    const [a, b] = [page('a'), page('b')];
    history.replaceState(null, '', '/app/a');
    await make(`<mfe-route path="/app/a" src="${a}"></mfe-route><mfe-route path="/app/b/*" src="${b}"></mfe-route>`);
    let c = changed();
    ctxOf('a').navigate('/app/b/x');
    expect((await c).route!.path).to.equal('/x');
    expect(shown()).to.deep.equal([b]);
    c = changed();
    ctxOf('b').navigate('/app/b/y', { replace: true });
    expect((await c).route!.path).to.equal('/y');
    // (history.length is capped at 50 in a long test run: check the entries by going back.)
    c = changed();
    history.back();
    await c;
    expect(location.pathname, '/app/b/x was replaced').to.equal('/app/a');
    expect(shown()).to.deep.equal([a]);
  });

  it('guards: signed-in only, else redirect to /account (replace); false shows the fallback', async () => {
    const [admin, account, nf] = [page('admin'), page('account'), page('nf')];
    let signedIn = false;
    const seen: string[] = [];
    addGuard('signed-in', (to) => {
      seen.push(to.path);
      return signedIn || '/app/account';
    });
    addGuard('never', () => Promise.resolve(false));
    history.replaceState(null, '', '/app/start');
    await make(`
      <mfe-route path="/app/admin/*" src="${admin}" guard="signed-in"></mfe-route>
      <mfe-route path="/app/account" src="${account}"></mfe-route>
      <mfe-route path="/app/closed" src="${admin}" guard="never"></mfe-route>
      <mfe-route fallback src="${nf}"></mfe-route>`);
    await go('/app/admin/users');
    expect(location.pathname).to.equal('/app/account');
    expect(shown()).to.deep.equal([account]);
    expect(logOf(admin), 'never mounted').to.deep.equal([]);
    let c = changed();
    history.back();
    await c;
    expect(location.pathname, 'the redirect replaced /app/admin/users').to.equal('/app/start');
    c = changed();
    history.forward();
    await c;
    expect(location.pathname).to.equal('/app/account');
    signedIn = true;
    await go('/app/admin/users?x=1');
    expect(shown()).to.deep.equal([admin]);
    expect(ctxOf('admin').route!.path).to.equal('/users');
    expect(seen).to.deep.equal(['/app/admin/users', '/app/admin/users?x=1']);
    await go('/app/closed');
    expect(shown()).to.deep.equal([nf]);
  });

  it('document title: the route default, set by the MFE through the host, restored on route change', async () => {
    const [a, b] = [page('a'), page('b')];
    document.title = 'Shell';
    history.replaceState(null, '', '/app/a');
    await make(`<mfe-route path="/app/a" src="${a}" title="Billing"></mfe-route><mfe-route path="/app/b" src="${b}"></mfe-route>`);
    expect(document.title).to.equal('Billing');
    ctxOf('a').host.dispatchEvent(new CustomEvent('mfe-title', { detail: 'Invoices', bubbles: true, composed: true }));
    expect(document.title).to.equal('Invoices');
    await go('/app/b');
    expect(document.title).to.equal('Shell');
    await go('/app/a');
    expect(document.title).to.equal('Billing');
  });

  it('keep-alive: hides instead of unmounting, keeps DOM state and inserted rules, calls the hooks, comes back without a mount', async () => {
    const [k, o] = [page('k'), page('o')];
    history.replaceState(null, '', '/app/k/one');
    await make(`<mfe-route path="/app/k/*" src="${k}" keep-alive></mfe-route><mfe-route path="/app/o" src="${o}"></mfe-route>`);
    const host = router!.querySelector('mfe-host')!;
    const ctx = ctxOf('k');
    const input = ctx.host.querySelector('input')!;
    input.value = 'typed';
    await go('/app/o');
    expect(host.isConnected && host.hidden, 'hidden, not removed').to.equal(true);
    expect(getComputedStyle(host).display).to.equal('none');
    expect(shown()).to.deep.equal([o]);
    expect(logOf(o)).to.deep.equal(['mount /', 'visible 1']);
    await go('/app/k/two');
    expect(logOf(k)).to.deep.equal(['mount /one', 'visible 1', 'deactivated', 'update /two', 'activated /two']);
    expect(g.__routeOrder).to.deep.equal(['k mount', 'k deactivated', 'o mount', 'o unmount', 'k update', 'k activated']);
    expect(router!.querySelector('mfe-host:not([hidden])')).to.equal(host);
    expect(host.status).to.equal('mounted');
    expect(ctxOf('k')).to.equal(ctx);
    expect(ctx.host.querySelector('input')).to.equal(input);
    expect(input.value).to.equal('typed');
    expect(getComputedStyle(ctx.host.querySelector('.ins')!).color, 'insertRule on an adopted sheet').to.equal('rgb(0, 0, 255)');
    expect(getComputedStyle(ctx.host.querySelector('.ins2')!).color, 'insertRule on a <style>').to.equal('rgb(0, 255, 0)');
  });

  it('keep-alive-max: the least recently used kept MFE is unmounted', async () => {
    const [k1, k2, k3] = [page('k1'), page('k2'), page('k3')];
    history.replaceState(null, '', '/app/1');
    await make(
      `<mfe-route path="/app/1" src="${k1}" keep-alive></mfe-route><mfe-route path="/app/2" src="${k2}" keep-alive></mfe-route><mfe-route path="/app/3" src="${k3}" keep-alive></mfe-route>`,
      { 'keep-alive-max': '2' },
    );
    await go('/app/2');
    const h2 = router!.querySelector<MfeHost>(`mfe-host[src="${k2}"]`)!;
    await go('/app/1'); // 1 is now more recent than 2
    const unmounted = oneEvent(h2, 'mfe-unmounted');
    await go('/app/3');
    expect(h2.isConnected, 'k2 (least recently used) removed').to.equal(false);
    await unmounted;
    expect(logOf(k2).at(-1)).to.equal('unmount');
    expect(router!.querySelectorAll('mfe-host').length).to.equal(2);
    expect(logOf(k1).filter((l) => l.startsWith('mount')).length).to.equal(1);
    await go('/app/1');
    expect(logOf(k1).filter((l) => l.startsWith('mount')).length, 'still kept').to.equal(1);
    await go('/app/2');
    expect(logOf(k2).filter((l) => l.startsWith('mount')).length, 'mounted again').to.equal(2);
  });

  it('bus: nav:navigate (bus or plain DOM) navigates, nav:changed reports every change', async () => {
    const [a, b] = [page('a'), page('b')];
    history.replaceState(null, '', '/app/a');
    await make(`<mfe-route path="/app/a" src="${a}" name="alpha"></mfe-route><mfe-route path="/app/users/:id" src="${b}"></mfe-route>`);
    let c = changed();
    bus.emit('nav:navigate', { to: '/app/users/5?x=y' });
    expect(await c).to.deep.include({ path: '/app/users/5?x=y', route: { basePath: '/app/users/5', path: '/', params: { id: '5' }, query: 'x=y' } });
    c = changed();
    dispatchEvent(new CustomEvent('nav:navigate', { detail: { to: '/app/a', replace: true } }));
    expect((await c).name).to.equal('alpha');
    expect(location.pathname).to.equal('/app/a');
    expect(bus.last('nav:changed')!.path).to.equal('/app/a');
  });
});
