import { expect, fixture, html } from '@open-wc/testing';
import { configure, registry } from '../../src/index.js';
import { host, logOf, mountTrail, nextError, scenario, uid, quiet } from '../helpers.js';
import type { MfeHost } from '../../src/index.js';

addEventListener('mfe-error', quiet);

describe('registry (configure({ remotes }))', () => {
  it('resolves string and object entries to absolute URLs', async () => {
    const a = `a-${uid()}`;
    const b = `b-${uid()}`;
    configure({ remotes: { [a]: '/x/a.js', [b]: { entry: 'y/b.js', version: '2.0.0', fallback: '/z/b.js' } } });
    expect(await registry.resolve(a)).to.deep.include({ name: a, entry: new URL('/x/a.js', location.href).href });
    const rb = await registry.resolve(b);
    expect(rb).to.deep.include({ version: '2.0.0', entry: new URL('y/b.js', document.baseURI).href, fallback: new URL('/z/b.js', location.href).href });
  });

  it('rejects unknown and disabled remotes with a message naming them', async () => {
    const name = `off-${uid()}`;
    configure({ remotes: { [name]: { entry: '/x.js', disabled: true } } });
    await registry.resolve(name).then(
      () => expect.fail('resolved'),
      (e: Error) => expect(e.message).to.equal(`remote "${name}" is disabled`),
    );
    await registry.resolve('nope-' + uid()).then(
      () => expect.fail('resolved'),
      (e: Error) => expect(e.message).to.match(/^no remote named "nope-.*" is configured$/),
    );
  });

  it('a disabled remote is a resolve error on the element; fallback content stays', async () => {
    const name = `ks-${uid()}`;
    configure({ remotes: { [name]: { entry: scenario('happy'), disabled: true } } });
    const el = document.createElement('mfe-host');
    el.name = name;
    const error = nextError(el);
    document.body.append(el);
    const d = await error;
    expect(d.phase).to.equal('resolve');
    expect(d.error.message).to.equal(`${name}: resolve failed: remote "${name}" is disabled`);
    el.remove();
  });

  it('ignores prototype-polluting names', () => {
    configure({ remotes: JSON.parse('{"__proto__": {"entry": "/evil.js"}, "constructor": "/evil.js"}') });
    expect(({} as Record<string, unknown>).entry).to.equal(undefined);
    return registry.resolve('constructor').then(
      () => expect.fail('resolved'),
      (e: Error) => expect(e.message).to.contain('no remote named "constructor"'),
    );
  });

  it('src wins over name', async () => {
    const name = `w-${uid()}`;
    configure({ remotes: { [name]: scenario('invalid-no-mount') } });
    const el = await host(scenario('happy'), { name });
    expect(el.status).to.equal('mounted');
  });

  it('a name whose module is loaded mounts without waiting, and follows the configuration', async () => {
    const name = `n-${uid()}`;
    const first = scenario('happy');
    const second = scenario('counter');
    configure({ remotes: { [name]: first } });
    await host('', { name });
    const mount = (): Promise<[MfeHost, (string | null)[]]> => mountTrail({ name });
    const [el, values] = await mount();
    expect(values, 'no loading step').to.deep.equal(['mounted']);
    expect(el.shadowRoot!.textContent).to.contain('hello');
    expect(logOf(first).filter((l) => l === 'mount')).to.have.length(2);
    // A new configuration is seen by the next mount at once.
    configure({ remotes: { [name]: second } });
    const [other, loading] = await mount();
    expect(loading).to.deep.equal(['loading', 'mounted']);
    expect(other.shadowRoot!.textContent).to.contain('counted');
    const [again, values2] = await mount();
    expect(values2, 'loaded after the reconfiguration: no loading step').to.deep.equal(['mounted']);
    expect(again.shadowRoot!.textContent).to.contain('counted');
  });

  it('a name the manifest at hand does not know still fails with a resolve error', async () => {
    configure({ remotes: { [`k-${uid()}`]: scenario('happy') } });
    await registry.resolve(`k-${uid()}`).catch(() => {}); // the manifest is at hand
    const el = document.createElement('mfe-host');
    el.name = `unknown-${uid()}`;
    const error = nextError(el);
    (await fixture(html`<div></div>`)).append(el);
    const d = await error;
    expect([d.phase, el.status]).to.deep.equal(['resolve', 'error']);
    expect(d.error.message).to.equal(`${el.name}: resolve failed: no remote named "${el.name}" is configured`);
  });

  it('prefetch adds one modulepreload link', async () => {
    const name = `p-${uid()}`;
    const src = scenario('happy');
    configure({ remotes: { [name]: src } });
    await registry.prefetch(name);
    await registry.prefetch(name);
    expect(document.head.querySelectorAll(`link[rel=modulepreload][href="${src}"]`)).to.have.length(1);
  });
});
