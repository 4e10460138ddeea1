// The manifest (api.md §3): validation, sources and precedence, fetching, refresh and TTL,
// overrides, canary, kill switch, and what reaches a real <mfe-host>.
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { configure, registry } from '../../src/index.js';
import { parseManifest } from '../../src/discovery/manifest.js';
import { pick } from '../../src/discovery/canary.js';
import { nextError, quiet, scenario, uid } from '../helpers.js';

addEventListener('mfe-error', quiet);

const at = (path: string): string => new URL(path, location.href).href;
const fixtureUrl = (file: string): string => at(`/test/fixtures/manifests/${file}`);

/**
 * A manifest URL on the test server whose body changes per request: "{n}" in `body` becomes
 * the request number (1, 2, …); `fail` lists requests answered with HTTP 500.
 */
const seq = (body: unknown, opts: { fail?: number[]; to?: string } = {}): string => {
  const q = new URLSearchParams({ body: JSON.stringify(body) });
  if (opts.fail) q.set('fail', opts.fail.join(','));
  if (opts.to) q.set('to', opts.to);
  return at(`/manifest-seq/${uid()}/m.json?${q}`);
};

/** The rejection message of `p` (fails the test when it resolves). */
const rejection = (p: Promise<unknown>): Promise<string> =>
  p.then(
    (v) => expect.fail(`resolved with ${JSON.stringify(v)}`),
    (e: Error) => e.message,
  );

const problemsOf = async (source: string): Promise<string[]> =>
  (await registry.entries()).problems.filter((p) => p.source === source).map((p) => p.message);

/** An inline manifest script in the page, removed by the returned function. */
const inlineScript = (attrs: { json?: unknown; src?: string }): (() => void) => {
  const s = document.createElement('script');
  s.type = 'application/mfe-manifest+json';
  if (attrs.src) s.src = attrs.src;
  else s.textContent = typeof attrs.json == 'string' ? attrs.json : JSON.stringify(attrs.json);
  document.head.append(s);
  return () => s.remove();
};

describe('manifest validation (parseManifest)', () => {
  const base = 'https://x.test/mfe/manifest.json';
  const S = `manifest ${base}`;
  const problem = (entry: unknown): string => {
    const { remotes, problems } = parseManifest({ a: entry }, base, S);
    expect(remotes.a, 'the bad entry is left out').to.equal(undefined);
    expect(problems).to.have.length(1);
    expect(problems[0]).to.include({ source: S, name: 'a' });
    return problems[0].message;
  };
  const cases: Array<[string, unknown, string]> = [
    ['a number', 5, 'must be an entry URL string or an object with "entry", got 5'],
    ['null', null, 'must be an entry URL string or an object with "entry", got null'],
    ['an array', ['x.js'], 'must be an entry URL string or an object with "entry", got ["x.js"]'],
    ['an empty string', '', '"entry" must be a URL string, got ""'],
    ['no entry', { version: '1' }, '"entry" must be a URL string, got nothing'],
    ['a non-string entry', { entry: 7 }, '"entry" must be a URL string, got 7'],
    ['an unparsable entry URL', { entry: 'http://[' }, '"entry" must be a URL string, got "http://["'],
    ['a non-string version', { entry: 'a.js', version: 2 }, '"version" must be a string, got 2'],
    ['a non-string fallback', { entry: 'a.js', fallback: true }, '"fallback" must be a URL string, got true'],
    ['an unknown integrity algorithm', { entry: 'a.js', integrity: 'md5-abc' }, '"integrity" must be sha256-, sha384- or sha512- hashes, got "md5-abc"'],
    ['styles not an array', { entry: 'a.js', styles: 'a.css' }, '"styles" must be an array of URL strings, got "a.css"'],
    ['a non-string style', { entry: 'a.js', styles: ['a.css', 3] }, '"styles[1]" must be a URL string, got 3'],
    ['an unknown format', { entry: 'a.js', format: 'umd' }, '"format" must be one of esm, single-spa, html, federation, got "umd"'],
    ['a non-object canary', { entry: 'a.js', canary: 'c.js' }, '"canary" must be an object with "entry" and "weight", got "c.js"'],
    ['a canary without entry', { entry: 'a.js', canary: { weight: 0.1 } }, '"canary.entry" must be a URL string, got nothing'],
    ['a canary without weight', { entry: 'a.js', canary: { entry: 'c.js' } }, '"canary.weight" must be a number from 0 to 1, got nothing'],
    ['a canary weight over 1', { entry: 'a.js', canary: { entry: 'c.js', weight: 1.5 } }, '"canary.weight" must be a number from 0 to 1, got 1.5'],
    ['a negative canary weight', { entry: 'a.js', canary: { entry: 'c.js', weight: -0.1 } }, '"canary.weight" must be a number from 0 to 1, got -0.1'],
    ['a canary weight string', { entry: 'a.js', canary: { entry: 'c.js', weight: '0.5' } }, '"canary.weight" must be a number from 0 to 1, got "0.5"'],
    ['a non-string canary version', { entry: 'a.js', canary: { entry: 'c.js', weight: 0.5, version: 1 } }, '"canary.version" must be a string, got 1'],
    ['a bad canary integrity', { entry: 'a.js', canary: { entry: 'c.js', weight: 0.5, integrity: 'sha1-x' } }, '"canary.integrity" must be sha256-, sha384- or sha512- hashes, got "sha1-x"'],
    ['a non-boolean disabled', { entry: 'a.js', disabled: 'yes' }, '"disabled" must be true or false, got "yes"'],
  ];
  for (const [what, entry, message] of cases)
    it(`rejects ${what}, naming source, entry and field`, () => {
      expect(problem(entry)).to.equal(`${S}: remote "a": ${message}`);
    });

  it('a source that is not a JSON object is one problem and gives nothing', () => {
    for (const [doc, got] of [[[], '[]'], ['x.js', '"x.js"'], [null, 'null'], [3, '3']] as const) {
      const { remotes, problems } = parseManifest(doc, base, S);
      expect(Object.keys(remotes)).to.deep.equal([]);
      expect(problems).to.deep.equal([{ source: S, message: `${S}: must be a JSON object of remotes (name → entry), got ${got}` }]);
    }
  });

  it('keeps every valid entry usable when one is bad', () => {
    const { remotes, problems } = parseManifest({ good: 'g.js', bad: { entry: 'b.js', format: 'amd' }, other: { entry: 'o.js' } }, base, S);
    expect(Object.keys(remotes)).to.deep.equal(['good', 'other']);
    expect(problems.map((p) => p.name)).to.deep.equal(['bad']);
  });

  it('normalizes: URLs resolved against the base, unknown fields dropped', () => {
    const { remotes, problems } = parseManifest(
      {
        str: '1.0.0/mfe.js',
        full: {
          entry: '/abs/mfe.js',
          version: '1.4.0',
          fallback: '../old/mfe.js',
          integrity: 'sha384-abc sha512-def',
          styles: ['a.css', 'https://cdn.test/b.css'],
          format: 'esm',
          canary: { entry: 'rc/mfe.js', version: '1.5.0-rc.1', integrity: 'sha256-xyz', weight: 0.05 },
          disabled: false,
          future: { x: 1 },
        },
      },
      base,
      S,
    );
    expect(problems).to.deep.equal([]);
    expect(remotes.str).to.deep.equal({ entry: 'https://x.test/mfe/1.0.0/mfe.js' });
    expect(remotes.full).to.deep.equal({
      entry: 'https://x.test/abs/mfe.js',
      version: '1.4.0',
      fallback: 'https://x.test/old/mfe.js',
      integrity: 'sha384-abc sha512-def',
      styles: ['https://x.test/mfe/a.css', 'https://cdn.test/b.css'],
      format: 'esm',
      canary: { entry: 'https://x.test/mfe/rc/mfe.js', version: '1.5.0-rc.1', integrity: 'sha256-xyz', weight: 0.05 },
      disabled: false,
    });
  });

  it('ignores prototype-polluting names', () => {
    const doc = JSON.parse('{"__proto__": {"entry": "/evil.js"}, "constructor": "/evil.js", "prototype": "/evil.js", "ok": "ok.js"}');
    const { remotes, problems } = parseManifest(doc, base, S);
    expect(Object.keys(remotes)).to.deep.equal(['ok']);
    expect(problems).to.deep.equal([]);
    expect(({} as Record<string, unknown>).entry).to.equal(undefined);
    expect(Object.getPrototypeOf(remotes)).to.equal(null);
  });
});

describe('manifest sources and precedence', () => {
  it('inline JSON < inline src= < configure({ manifest }) < configure({ remotes }) < localStorage < ?mfe-override', async () => {
    const v = (name: string) => registry.resolve(name).then((r) => r.version ?? (r.override ? `override ${r.entry}` : r.entry));
    const names = ['prec-inline', 'prec-inline-src', 'prec-manifest', 'prec-remotes', 'prec-storage', 'prec-query'];
    const inline = inlineScript({ json: Object.fromEntries(names.map((n) => [n, { entry: 'inline.js', version: 'inline' }])) });
    const src = inlineScript({ src: fixtureUrl('inline-src.json') });
    const later = (from: number, version: string) => Object.fromEntries(names.slice(from).map((n) => [n, { entry: `${version}.js`, version }]));
    const search = location.href;
    try {
      configure({ manifest: seq(later(2, 'manifest')), remotes: later(3, 'remotes') });
      expect(await Promise.all(names.map(v))).to.deep.equal(['inline', 'inline-src', 'manifest', 'remotes', 'remotes', 'remotes']);
      // The inline src= manifest's URLs are relative to it, the inline JSON's to the page.
      expect((await registry.resolve('prec-inline-src')).entry).to.equal(fixtureUrl('from-inline-src.js'));
      expect((await registry.resolve('prec-inline')).entry).to.equal(new URL('inline.js', document.baseURI).href);

      const url = new URL(location.href);
      url.searchParams.append('mfe-override', `prec-query=/q.js`);
      history.replaceState(history.state, '', url);
      localStorage.setItem('mfe-override:prec-storage', '/ls.js');
      localStorage.setItem('mfe-override:prec-query', '/ls.js');
      expect(await Promise.all(names.map(v)), 'overrides are off by default').to.deep.equal(['inline', 'inline-src', 'manifest', 'remotes', 'remotes', 'remotes']);
      configure({ allowOverrides: true });
      expect(await Promise.all(names.map(v))).to.deep.equal(['inline', 'inline-src', 'manifest', 'remotes', `override ${at('/ls.js')}`, `override ${at('/q.js')}`]);
    } finally {
      configure({ allowOverrides: false });
      history.replaceState(history.state, '', search);
      localStorage.removeItem('mfe-override:prec-storage');
      localStorage.removeItem('mfe-override:prec-query');
      inline();
      src();
    }
  });

  it('inline scripts added or removed later are picked up', async () => {
    const name = `late-${uid()}`;
    await rejection(registry.resolve(name));
    const remove = inlineScript({ json: { [name]: '/late.js' } });
    expect((await registry.resolve(name)).entry).to.equal(at('/late.js'));
    remove();
    expect(await rejection(registry.resolve(name))).to.equal(`no remote named "${name}" is configured`);
  });

  it('an inline script edited in place is seen by the next resolve, even in the same task; its text is read only then', async () => {
    const name = `edit-${uid()}`;
    const s = document.createElement('script');
    s.type = 'application/mfe-manifest+json';
    s.textContent = JSON.stringify({ [name]: '/one.js' });
    // Count the reads of its text (the key of the merged manifest used to read it at every resolve).
    let reads = 0;
    const text = Object.getOwnPropertyDescriptor(Node.prototype, 'textContent')!;
    Object.defineProperty(s, 'textContent', { get: () => (reads++, text.get!.call(s)), set: (v: string) => text.set!.call(s, v) });
    document.head.append(s);
    try {
      expect((await registry.resolve(name)).entry).to.equal(at('/one.js'));
      const after = reads;
      await registry.resolve(name);
      await registry.resolve(name);
      expect(reads, 'resolving again does not read the text').to.equal(after);
      // The text node edited, then a resolve in the same task.
      (s.firstChild as Text).data = JSON.stringify({ [name]: '/two.js' });
      const two = registry.resolve(name);
      expect((await two).entry).to.equal(at('/two.js'));
      // Its text replaced, then its src= set: each is a new manifest.
      s.textContent = JSON.stringify({ [name]: '/three.js' });
      expect((await registry.resolve(name)).entry).to.equal(at('/three.js'));
      s.src = fixtureUrl('inline-src.json');
      expect(await rejection(registry.resolve(name))).to.equal(`no remote named "${name}" is configured`);
      s.removeAttribute('src');
      // No longer a manifest once its type changes.
      s.type = 'application/json';
      expect(await rejection(registry.resolve(name))).to.equal(`no remote named "${name}" is configured`);
    } finally {
      s.remove();
    }
  });

  it('configure({ manifest }) takes an object, with URLs relative to the page', async () => {
    const name = `obj-${uid()}`;
    configure({ manifest: { [name]: { entry: 'rel/obj.js', version: '9' } } });
    expect(await registry.resolve(name)).to.deep.equal({ name, entry: new URL('rel/obj.js', document.baseURI).href, version: '9' });
  });

  it('URLs in a fetched manifest are relative to the manifest, after redirects', async () => {
    for (const manifest of [fixtureUrl('relative.json'), seq({}, { to: '/test/fixtures/manifests/relative.json' })]) {
      configure({ manifest });
      expect(await registry.resolve('rel-string')).to.deep.equal({ name: 'rel-string', entry: at('/test/fixtures/scenarios/happy.js') });
      expect(await registry.resolve('rel-object')).to.deep.equal({
        name: 'rel-object',
        entry: fixtureUrl('sub/entry.js'),
        version: '2.0.0',
        fallback: at('/abs/fallback.js'),
        styles: [fixtureUrl('rel.css'), at('/test/fixtures/up.css'), 'https://cdn.example.com/abs.css'],
      });
    }
  });

  it('a bad entry does not shadow a valid one from an earlier source, and is reported', async () => {
    const name = `shadow-${uid()}`;
    const only = `only-bad-${uid()}`;
    configure({ manifest: { [name]: { entry: '/good.js', version: '1' } } });
    configure({ remotes: { [name]: { entry: '/bad.js', format: 'amd' }, [only]: { entry: '/x.js', canary: { entry: '/c.js', weight: 2 } } } as never });
    expect(await registry.resolve(name)).to.include({ entry: at('/good.js'), version: '1' });
    const problems = await problemsOf('configure({ remotes })');
    expect(problems).to.include(`configure({ remotes }): remote "${name}": "format" must be one of esm, single-spa, html, federation, got "amd"`);
    expect(await rejection(registry.resolve(only))).to.equal(
      `configure({ remotes }): remote "${only}": "canary.weight" must be a number from 0 to 1, got 2`,
    );
  });

  it('a fetched manifest with bad entries and prototype keys: the rest is usable', async () => {
    const manifest = fixtureUrl('mixed.json');
    configure({ manifest });
    expect(await registry.resolve('mixed-good')).to.include({ version: '1.0.0' });
    expect(await problemsOf(`manifest ${manifest}`)).to.deep.equal([
      `manifest ${manifest}: remote "mixed-bad": "canary.weight" must be a number from 0 to 1, got 2`,
    ]);
    expect(await rejection(registry.resolve('constructor'))).to.equal('no remote named "constructor" is configured');
    expect(({} as Record<string, unknown>).entry).to.equal(undefined);
    expect(Object.keys((await registry.entries()).remotes)).not.to.include.members(['__proto__', 'constructor', 'prototype']);
  });
});

describe('manifest failures: one problem per source, the others still work', () => {
  const name = `survivor-${uid()}`;
  before(() => configure({ remotes: { [name]: '/survivor.js' } }));

  const cases: Array<[string, string, RegExp]> = [
    ['HTTP error', at(`/status/404/${uid()}.json`), /^failed to load: HTTP 404$/],
    ['network error', 'http://127.0.0.1:1/manifest.json', /^failed to load: TypeError: ./],
    ['bad JSON', fixtureUrl('broken.json'), /^invalid JSON: ./],
    ['an array', fixtureUrl('array.json'), /^must be a JSON object of remotes \(name → entry\), got \["not","an","object"\]$/],
  ];
  for (const [what, manifest, message] of cases)
    it(`a manifest URL with ${what}`, async () => {
      configure({ manifest });
      expect((await registry.resolve(name)).entry).to.equal(at('/survivor.js'));
      const [problem, ...more] = await problemsOf(`manifest ${manifest}`);
      expect(more).to.deep.equal([]);
      expect(problem.slice(`manifest ${manifest}: `.length)).to.match(message);
      expect(await rejection(registry.resolve(`unknown-${uid()}`))).to.match(/^no remote named ".*" is configured$/);
    });

  it('an inline script with bad JSON, and one with a missing src=', async () => {
    const missing = at(`/status/404/${uid()}.json`);
    const removeBad = inlineScript({ json: '{ "x": ' });
    const removeMissing = inlineScript({ src: missing });
    try {
      expect((await registry.resolve(name)).entry).to.equal(at('/survivor.js'));
      const { problems } = await registry.entries();
      expect(problems.find((p) => p.source.startsWith('inline manifest #'))?.message).to.match(/^inline manifest #\d+: invalid JSON: ./);
      expect(problems.map((p) => p.message)).to.include(`manifest ${missing}: failed to load: HTTP 404`);
    } finally {
      removeBad();
      removeMissing();
    }
  });
});

describe('manifest fetching and refresh', () => {
  afterEach(() => configure({ manifestTtl: 60_000 }));

  it('fetches a manifest once for 50 concurrent resolves and elements', async () => {
    const key = `shared-${uid()}`;
    configure({ manifest: at(`/count/${key}/test/fixtures/manifests/shared.json`) });
    const all = await Promise.all(Array.from({ length: 50 }, () => registry.resolve('shared-one')));
    expect(new Set(all.map((r) => r.version))).to.deep.equal(new Set(['3.0.0']));
    const wrapper = await fixture<HTMLElement>(html`<div>${Array.from({ length: 5 }, () => html`<mfe-host name="shared-one"></mfe-host>`)}</div>`);
    await Promise.all([...wrapper.querySelectorAll('mfe-host')].map((el) => el.settled));
    const counts = (await (await fetch(`/count-of/${key}`)).json()) as { count: number; paths: Record<string, number> };
    expect(counts.count).to.equal(1);
    expect(counts.paths['/test/fixtures/manifests/shared.json']).to.equal(1);
    expect(wrapper.querySelector('mfe-host')!.status).to.equal('mounted');
  });

  it('refresh() fetches again and serves the new content', async () => {
    const name = `seq-${uid()}`;
    configure({ manifest: seq({ [name]: { entry: '/v{n}.js', version: '1.0.{n}' } }) });
    expect(await registry.resolve(name)).to.include({ version: '1.0.1', entry: at('/v1.js') });
    expect((await registry.resolve(name)).version, 'fresh for the TTL: not fetched again').to.equal('1.0.1');
    await registry.refresh();
    expect(await registry.resolve(name)).to.include({ version: '1.0.2', entry: at('/v2.js') });
    await registry.refresh();
    expect((await registry.resolve(name)).version).to.equal('1.0.3');
  });

  it('a failed refresh keeps the last good manifest, and says so', async () => {
    const name = `keep-${uid()}`;
    const manifest = seq({ [name]: { entry: '/v{n}.js', version: '1.0.{n}' } }, { fail: [2] });
    configure({ manifest });
    expect((await registry.resolve(name)).version).to.equal('1.0.1');
    await registry.refresh();
    expect((await registry.resolve(name)).version).to.equal('1.0.1');
    expect(await problemsOf(`manifest ${manifest}`)).to.deep.equal([
      `manifest ${manifest}: failed to load: HTTP 500 (the last good copy is used)`,
    ]);
    await registry.refresh();
    expect((await registry.resolve(name)).version).to.equal('1.0.3');
    expect(await problemsOf(`manifest ${manifest}`)).to.deep.equal([]);
  });

  it('a manifest that failed first is used once a refresh succeeds', async () => {
    const name = `late-ok-${uid()}`;
    configure({ manifest: seq({ [name]: { entry: '/v{n}.js', version: '1.0.{n}' } }, { fail: [1] }) });
    expect(await rejection(registry.resolve(name))).to.equal(`no remote named "${name}" is configured`);
    await registry.refresh();
    expect((await registry.resolve(name)).version).to.equal('1.0.2');
  });

  it('past the TTL, resolve answers at once and refreshes in the background', async () => {
    const name = `ttl-${uid()}`;
    configure({ manifest: seq({ [name]: { entry: '/v{n}.js', version: '1.0.{n}' } }), manifestTtl: 0 });
    expect((await registry.resolve(name)).version).to.equal('1.0.1');
    // Stale: answered from what is there, while one refresh starts.
    expect((await registry.resolve(name)).version).to.equal('1.0.1');
    await waitUntil(async () => (await registry.resolve(name)).version !== '1.0.1', 'no background refresh', { timeout: 5000 });
    configure({ manifestTtl: 60_000 });
    const settled = (await registry.resolve(name)).version;
    expect(settled).to.match(/^1\.0\.\d+$/);
    expect((await registry.resolve(name)).version, 'fresh again').to.equal(settled);
  });

  it('configure() rebuilds from manifests already fetched; a new URL is fetched', async () => {
    const name = `gen-${uid()}`;
    const first = seq({ [name]: { entry: '/a{n}.js', version: 'a{n}' } });
    configure({ manifest: first });
    expect((await registry.resolve(name)).version).to.equal('a1');
    configure({ remotes: { [`other-${uid()}`]: '/o.js' } });
    expect((await registry.resolve(name)).version, 'not fetched again').to.equal('a1');
    configure({ manifest: seq({ [name]: { entry: '/b{n}.js', version: 'b{n}' } }) });
    expect((await registry.resolve(name)).version).to.equal('b1');
  });
});

describe('overrides', () => {
  const search = location.href;
  afterEach(() => {
    configure({ allowOverrides: false });
    history.replaceState(history.state, '', search);
    for (const k of Object.keys(localStorage)) if (k.startsWith('mfe-override:')) localStorage.removeItem(k);
  });
  const withQuery = (...values: string[]): void => {
    const url = new URL(search);
    for (const v of values) url.searchParams.append('mfe-override', v);
    history.replaceState(history.state, '', url);
  };

  it('replace the entry (repeated and comma-separated), drop version/integrity/canary, keep fallback', async () => {
    const [a, b, c] = [`oa-${uid()}`, `ob-${uid()}`, `oc-${uid()}`];
    configure({
      allowOverrides: true,
      remotes: {
        [a]: {
          entry: '/a.js',
          version: '1',
          fallback: '/a-old.js',
          integrity: 'sha384-x',
          styles: ['/a.css'],
          canary: { entry: '/a-rc.js', weight: 1 },
          disabled: true,
        },
      },
    });
    withQuery(`${a}=http://localhost:9999/dev/a.js,${b}=/b.js`, `${c}=/c.js`);
    expect(await registry.resolve(a)).to.deep.equal({
      name: a,
      entry: 'http://localhost:9999/dev/a.js',
      fallback: at('/a-old.js'),
      styles: [at('/a.css')],
      override: true,
    });
    expect(await registry.resolve(b)).to.deep.equal({ name: b, entry: at('/b.js'), override: true });
    expect(await registry.resolve(c)).to.deep.equal({ name: c, entry: at('/c.js'), override: true });
    expect((await registry.entries()).remotes[b]).to.deep.equal({ entry: at('/b.js') });
  });

  it('ignore bad values and prototype names, and report them', async () => {
    const name = `obad-${uid()}`;
    configure({ allowOverrides: true, remotes: { [name]: '/stable.js' } });
    withQuery(`${name}=javascript:alert(1)`, 'no-equals-sign', '__proto__=/evil.js');
    localStorage.setItem('mfe-override:constructor', '/evil.js');
    expect(await registry.resolve(name)).to.deep.equal({ name, entry: at('/stable.js') });
    const problems = (await registry.entries()).problems.filter((p) => p.source === '?mfe-override').map((p) => p.message);
    expect(problems).to.deep.equal([
      `?mfe-override: remote "${name}": "entry" must be an http(s) URL, got "javascript:alert(1)"`,
      '?mfe-override: "no-equals-sign" must be name=URL',
    ]);
    expect(await rejection(registry.resolve('constructor'))).to.contain('no remote named "constructor"');
    expect(({} as Record<string, unknown>).entry).to.equal(undefined);
  });

  it('are read at every resolve, and never without allowOverrides', async () => {
    const name = `olive-${uid()}`;
    configure({ remotes: { [name]: '/stable.js' } });
    localStorage.setItem(`mfe-override:${name}`, '/dev.js');
    expect((await registry.resolve(name)).entry).to.equal(at('/stable.js'));
    configure({ allowOverrides: true });
    expect(await registry.resolve(name)).to.include({ entry: at('/dev.js'), override: true });
    localStorage.removeItem(`mfe-override:${name}`);
    expect(await registry.resolve(name)).to.deep.equal({ name, entry: at('/stable.js') });
  });
});

describe('canary and kill switch (registry)', () => {
  /** A user id for which pick() says `want` for `name` at `weight`. */
  const userFor = (name: string, weight: number, want: boolean): string => {
    for (let i = 0; ; i++) if (pick(`u-${i}`, name, weight) === want) return `u-${i}`;
  };

  it('a canary user gets the canary entry, version and integrity, stickily; others the stable one', async () => {
    const name = `can-${uid()}`;
    const manifest = seq({
      [name]: { entry: 'stable.js', version: '1.4.0', integrity: 'sha384-stable', canary: { entry: 'rc.js', version: '1.5.0-rc.1', integrity: 'sha384-rc', weight: 0.5 } },
    });
    configure({ manifest, userId: userFor(name, 0.5, true) });
    for (let i = 0; i < 3; i++)
      expect(await registry.resolve(name)).to.deep.equal({
        name,
        entry: new URL('rc.js', manifest).href,
        version: '1.5.0-rc.1',
        integrity: 'sha384-rc',
        fallback: new URL('stable.js', manifest).href,
        canary: true,
      });
    configure({ userId: userFor(name, 0.5, false) });
    for (let i = 0; i < 3; i++) {
      const r = await registry.resolve(name);
      expect(r).to.include({ version: '1.4.0', integrity: 'sha384-stable' });
      expect(r.canary).to.equal(undefined);
    }
  });

  it('weight 0 never and weight 1 always gives the canary', async () => {
    const [never, always] = [`w0-${uid()}`, `w1-${uid()}`];
    configure({
      remotes: {
        [never]: { entry: '/s.js', canary: { entry: '/c.js', weight: 0 } },
        [always]: { entry: '/s.js', canary: { entry: '/c.js', weight: 1 } },
      },
    });
    for (let i = 0; i < 20; i++) {
      configure({ userId: `user-${i}` });
      expect((await registry.resolve(never)).entry).to.equal(at('/s.js'));
      expect((await registry.resolve(always)).entry).to.equal(at('/c.js'));
    }
  });

  it('disabled: true is a resolve error', async () => {
    const name = `kill-${uid()}`;
    configure({ manifest: { [name]: { entry: '/k.js', disabled: true } } });
    expect(await rejection(registry.resolve(name))).to.equal(`remote "${name}" is disabled`);
  });
});

describe('manifest through <mfe-host>', () => {
  it('kill switch: status error, phase resolve, fallback content stays visible', async () => {
    const name = `ks-${uid()}`;
    configure({ manifest: seq({ [name]: { entry: scenario('happy'), disabled: true } }) });
    const wrapper = await fixture<HTMLElement>(html`<div></div>`);
    const el = document.createElement('mfe-host');
    el.name = name;
    el.innerHTML = '<p class="fb">Billing is resting</p>';
    const error = nextError(el);
    wrapper.append(el);
    const d = await error;
    expect(d.phase).to.equal('resolve');
    expect(d.error.message).to.equal(`${name}: resolve failed: remote "${name}" is disabled`);
    expect(await el.settled).to.equal('error');
    expect(el.querySelector('.fb')!.getBoundingClientRect().height).to.be.greaterThan(0);
  });

  it('version reaches mfe-mounted and ctx.version', async () => {
    const name = `ver-${uid()}`;
    const entry = scenario('happy');
    configure({ manifest: seq({ [name]: { entry, version: '7.1.0' } }) });
    const el = document.createElement('mfe-host');
    el.name = name;
    const mounted = oneEvent(el, 'mfe-mounted');
    (await fixture<HTMLElement>(html`<div></div>`)).append(el);
    expect((await mounted).detail).to.include({ name, entry, version: '7.1.0' });
    expect((globalThis as unknown as { __lastCtx: { version?: string; name: string } }).__lastCtx).to.include({ name, version: '7.1.0' });
  });

  it('the manifest fallback is used with error-handling="fallback"', async () => {
    const name = `fb-${uid()}`;
    const broken = at(`/status/404/${uid()}.js`);
    const fallback = scenario('happy');
    configure({ manifest: seq({ [name]: { entry: broken, version: '2.0.0', fallback } }) });
    const el = document.createElement('mfe-host');
    Object.assign(el, { name, errorHandling: 'fallback', retries: 0 });
    const error = nextError(el);
    const mounted = oneEvent(el, 'mfe-mounted');
    (await fixture<HTMLElement>(html`<div></div>`)).append(el);
    expect(await error).to.include({ phase: 'load', entry: broken, fallback });
    expect((await mounted).detail).to.include({ name, entry: fallback });
    expect(el.status).to.equal('mounted');
  });
});
