import { expect } from '@open-wc/testing';
import { configure, registry } from '../../src/index.js';
import { host, nextError, scenario, uid, quiet } from '../helpers.js';

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

  it('prefetch adds one modulepreload link', async () => {
    const name = `p-${uid()}`;
    const src = scenario('happy');
    configure({ remotes: { [name]: src } });
    await registry.prefetch(name);
    await registry.prefetch(name);
    expect(document.head.querySelectorAll(`link[rel=modulepreload][href="${src}"]`)).to.have.length(1);
  });
});
