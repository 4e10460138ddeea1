/**
 * Shared dependencies: manifest `"shared"` needs negotiated with `configure({ shared })` (and
 * the page's own import map) into import maps before an MFE's first import.
 *
 * MFEs are served by test/fixtures/sharing/routes.mjs from a folder of their own per test
 * (/sharing-routes/<token>/…): a page can map a bare name for a folder only once. The shell's
 * React is test/fixtures/sharing/build/shared/react/<version>/react.js (build.mjs).
 *
 * Engines: Chromium and WebKit apply import maps added at run time. Firefox ESR does not: there
 * the first test checks the clear error without es-module-shims, then es-module-shims is loaded
 * in shim mode (with `skip` on the shell's shared folder, so that copy is the native one) and
 * every other test runs through it.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { configure, registry, type MfeHost } from '../../src/index.js';
import type { RemoteEntry, SharedNeed, SharingDecision } from '../../src/discovery/types.js';
import { parseManifest } from '../../src/discovery/manifest.js';
import { dynamicMaps } from '../../src/discovery/sharing.js';
import { nextError, quiet, uid } from '../helpers.js';

interface Registry {
  react: Record<string, unknown>;
  counters: Record<string, unknown>;
  greeting: Record<string, { copy: string; id: object; version: string }>;
}
const seen = (): Registry => ((globalThis as { __mfeSharing?: Registry }).__mfeSharing ??= { react: {}, counters: {}, greeting: {} }) as Registry;

const REACT: Promise<{ version: string; url: string }> = fetch('/test/fixtures/sharing/build/shared/react.json').then((r) => r.json());
const GREETING = { version: '1.4.0', url: '/test/fixtures/sharing/greeting/1.4.0/greeting.js' };
const SHIMS = '/node_modules/es-module-shims/dist/es-module-shims.js';
const absolute = (url: string): string => new URL(url, location.href).href;

/** What the tests' shell provides. */
const sharedConfig = async () => ({ react: await REACT, 'mfe-sharing-greeting': GREETING });

/** A folder of its own for this test's MFEs. */
const folder = (): string => absolute(`/sharing-routes/${uid()}/`);

/** Register `name` with `entry` and its `shared` needs, mount it, wait until it settles. */
async function mount(name: string, entry: string, shared: Record<string, SharedNeed>, props: Record<string, unknown> = {}, more: Partial<RemoteEntry> = {}): Promise<MfeHost> {
  configure({ remotes: { [name]: { entry, shared, ...more } } });
  const el = document.createElement('mfe-host');
  el.props = props;
  el.name = name;
  (await fixture<HTMLDivElement>(html`<div></div>`)).append(el);
  await el.settled;
  return el;
}

/** Mount expecting a failure: the `mfe-error` detail (kept off the console). */
async function failing(name: string, entry: string, shared: Record<string, SharedNeed>, more: Partial<RemoteEntry> = {}) {
  configure({ remotes: { [name]: { entry, shared, ...more } } });
  const el = document.createElement('mfe-host');
  el.setAttribute('retries', '0');
  el.addEventListener('mfe-error', quiet);
  const error = nextError(el);
  el.name = name;
  (await fixture<HTMLDivElement>(html`<div></div>`)).append(el);
  const detail = await error;
  expect(await el.settled).to.equal('error');
  return detail;
}

/** The report's decision for `mfe` and `pkg`. */
const decision = async (mfe: string, pkg: string): Promise<SharingDecision | undefined> =>
  (await registry.sharing()).find((d) => d.mfe === mfe && d.package === pkg);

const text = (el: MfeHost): string => el.shadowRoot!.textContent ?? '';

/** Run `fn` with console.warn captured. */
async function warnings(fn: () => Promise<unknown>): Promise<string[]> {
  const got: string[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => void got.push(args.join(' '));
  try {
    await fn();
  } finally {
    console.warn = warn;
  }
  return got;
}

describe('manifest "shared"', () => {
  const parse = (shared: unknown) => parseManifest({ app: { entry: '/mfe/app/mfe.js', shared } }, location.href, 'configure({ remotes })');

  it('keeps valid needs, fallback as written (relative to the entry)', () => {
    const { remotes, problems } = parse(
      JSON.parse(`{
        "react": { "requiredVersion": "^19.0.0", "singleton": true, "strictVersion": false, "fallback": "vendor/react.js", "extra": 1 },
        "@scope/pkg": { "requiredVersion": "1.2 - 2.x" },
        "__proto__": { "requiredVersion": "1" }
      }`),
    );
    expect(problems).to.deep.equal([]);
    expect({ ...remotes.app!.shared }).to.deep.equal({
      react: { requiredVersion: '^19.0.0', singleton: true, strictVersion: false, fallback: 'vendor/react.js' },
      '@scope/pkg': { requiredVersion: '1.2 - 2.x' },
    });
  });

  for (const [shared, message] of [
    [['react'], '"shared" must be an object of package name → { "requiredVersion": … }, got ["react"]'],
    [{ react: '^19' }, '"shared.react" must be an object with "requiredVersion", got "^19"'],
    [{ react: {} }, '"shared.react.requiredVersion" must be a semver range such as "^19.0.0", got nothing'],
    [{ react: { requiredVersion: 'banana' } }, '"shared.react.requiredVersion" must be a semver range such as "^19.0.0", got "banana"'],
    [{ react: { requiredVersion: '^19', singleton: 'yes' } }, '"shared.react.singleton" must be true or false, got "yes"'],
    [{ react: { requiredVersion: '^19', strictVersion: 1 } }, '"shared.react.strictVersion" must be true or false, got 1'],
    [{ react: { requiredVersion: '^19', fallback: '' } }, '"shared.react.fallback" must be a URL string, got ""'],
    [{ './react.js': { requiredVersion: '^19' } }, '"shared" must be keyed by bare package names such as "react", got "./react.js"'],
    [{ 'https://esm.sh/react': { requiredVersion: '^19' } }, '"shared" must be keyed by bare package names such as "react", got "https://esm.sh/react"'],
  ] as const)
    it(`rejects ${JSON.stringify(shared)}, naming source, entry and field`, () => {
      const { remotes, problems } = parse(shared);
      expect(remotes.app).to.equal(undefined);
      expect(problems.map((p) => p.message)).to.deep.equal([`configure({ remotes }): remote "app": ${message}`]);
    });

  it('a bad need fails the mount in phase resolve, with the same message', async () => {
    const name = `bad-${uid()}`;
    const detail = await failing(name, `${folder()}greeting/app/mfe.js`, { 'mfe-sharing-greeting': { requiredVersion: '^^1' } });
    expect(detail.phase).to.equal('resolve');
    expect(detail.error.message).to.contain('"shared.mfe-sharing-greeting.requiredVersion" must be a semver range');
  });
});

describe('sharing without import maps at run time or es-module-shims', () => {
  it('fails the mount with a message saying to load es-module-shims (Firefox ESR)', async function () {
    // Only an engine without dynamic import maps has this path (Chromium and WebKit map natively).
    if (dynamicMaps()) this.skip();
    expect((globalThis as { importShim?: unknown }).importShim).to.equal(undefined);
    configure({ shared: { 'mfe-sharing-greeting': GREETING } });
    const name = `no-shims-${uid()}`;
    const detail = await failing(name, `${folder()}greeting/app/mfe.js`, { 'mfe-sharing-greeting': { requiredVersion: '^1.0.0' } });
    expect(detail.phase).to.equal('load');
    expect(detail.error.message).to.match(/import maps added at run time.*load es-module-shims in shim mode/);
  });
});

describe('sharing under a strict CSP', () => {
  for (const [page, nonce] of [['csp.html', true], ['csp-no-nonce.html', false]] as const)
    it(`${nonce ? 'carries the page nonce onto its import maps' : 'without a nonce, says why it cannot map'} (${page})`, async () => {
      const got = new Promise<{ status: string; text: string; error: string; violations: string[] }>((resolve) =>
        addEventListener('message', function on(e: MessageEvent) {
          if (!e.data?.sharingCsp) return;
          removeEventListener('message', on);
          resolve(e.data.sharingCsp);
        }),
      );
      await fixture(html`<iframe src=${`/test/fixtures/sharing/${page}`}></iframe>`);
      const r = await got;
      if (nonce && dynamicMaps()) {
        expect(r).to.deep.equal({ status: 'mounted', text: 'greeting 1.4.0 (shell)', error: '', violations: [] });
      } else {
        expect(r.status).to.equal('error');
        // Firefox ESR has no run-time maps at all; elsewhere the policy blocked them.
        expect(r.error).to.contain("import maps added at run time, which this browser does not apply (or the page's CSP blocked ours: give the page's scripts a nonce)");
      }
    });
});

describe('sharing', () => {
  before(async () => {
    configure({ shared: await sharedConfig() });
    if (dynamicMaps()) return;
    // Firefox ESR: es-module-shims in shim mode, as a shell would load it. `skip` keeps the
    // shell's shared folder native, so MFEs get the very copy the shell imports itself.
    Object.assign(globalThis, { esmsInitOptions: { shimMode: true, skip: [absolute('/test/fixtures/sharing/build/shared/')] } });
    await new Promise((resolve, reject) => document.head.append(Object.assign(document.createElement('script'), { src: SHIMS, onload: resolve, onerror: reject })));
  });

  describe('React 19 as an external bare import', () => {
    it("two compatible MFEs share one React, the shell's, and hooks work across them", async () => {
      const react = await REACT;
      const [a, b] = [`react-a-${uid()}`, `react-b-${uid()}`];
      const need = { react: { requiredVersion: '^19.0.0', singleton: true } };
      const elA = await mount(a, `${folder()}build/react-app/mfe.js`, need);
      // The same build again from another folder: a second module instance of the MFE.
      const elB = await mount(b, `${folder()}build/react-app/mfe.js`, need, { borrow: a });
      expect(elA.status).to.equal('mounted');
      expect(elB.status).to.equal('mounted');
      const shell = await import(/* @vite-ignore */ react.url);
      // Compared as booleans: chai would try to print module namespaces on a failure.
      expect(seen().react[a] === shell, "A's React is the shell's").to.equal(true);
      expect(seen().react[b] === shell, "B's React is the shell's").to.equal(true);
      // B renders A's Counter inside its own tree: A's useState runs under B's renderer.
      const borrowed = elB.shadowRoot!.querySelector<HTMLButtonElement>(`button[data-owner="${a} in ${b}"]`)!;
      expect(borrowed.textContent).to.equal(`${a} in ${b}: 0`);
      borrowed.click();
      borrowed.click();
      await waitUntil(() => borrowed.textContent === `${a} in ${b}: 2`, 'the borrowed counter counts');
      expect(text(elA)).to.equal(`${a}: 0`);
      for (const mfe of [a, b])
        expect(await decision(mfe, 'react')).to.include({ decision: 'shared', url: absolute(react.url), requiredVersion: '^19.0.0', singleton: true });
    });

    it('an incompatible MFE gets its own copy, for its folder only; the others still share', async () => {
      const react = await REACT;
      const dir = folder();
      const [old, fresh] = [`react-old-${uid()}`, `react-new-${uid()}`];
      const elOld = await mount(old, `${dir}build/react-app/mfe.js`, { react: { requiredVersion: '^18.2.0', fallback: 'vendor/react.js' } });
      const elNew = await mount(fresh, `${folder()}build/react-app/mfe.js`, { react: { requiredVersion: '>=19.0.0 <20' } });
      const shell = await import(/* @vite-ignore */ react.url);
      expect(typeof (seen().react[old] as { useState?: unknown }).useState).to.equal('function');
      expect(seen().react[old] === shell, 'its own copy').to.equal(false);
      expect(seen().react[fresh] === shell, 'the shell copy').to.equal(true);
      // Its own React works for its own hooks.
      const button = elOld.shadowRoot!.querySelector('button')!;
      button.click();
      await waitUntil(() => button.textContent === `${old}: 1`, 'its counter counts');
      expect(text(elNew)).to.equal(`${fresh}: 0`);
      const d = await decision(old, 'react');
      expect(d).to.deep.include({ decision: 'scoped', url: `${dir}build/react-app/vendor/react.js`, provided: { version: react.version, url: absolute(react.url) } });
      expect(d!.reason).to.contain(`react@${react.version} from configure({ shared }) does not satisfy ^18.2.0`);
    });

    it('a strict singleton that does not fit fails the mount cleanly (phase load), naming package, range and version', async () => {
      const react = await REACT;
      const name = `react-strict-${uid()}`;
      const detail = await failing(name, `${folder()}build/react-app/mfe.js`, { react: { requiredVersion: '^18.2.0', singleton: true, strictVersion: true } });
      expect(detail.phase).to.equal('load');
      expect(detail.error.message).to.contain(
        `shared "react": react@${react.version} from configure({ shared }) does not satisfy ^18.2.0, and react is a singleton with strictVersion`,
      );
      expect(name in seen().react, 'the entry never ran').to.equal(false);
      const d = await decision(name, 'react');
      expect(d).to.include({ decision: 'rejected', strictVersion: true });
      expect(d!.url).to.equal(undefined);
    });

    it("a singleton that does not fit uses the shell's copy anyway, with a warning", async () => {
      const react = await REACT;
      const name = `react-loose-${uid()}`;
      let el!: MfeHost;
      const warned = await warnings(async () => {
        el = await mount(name, `${folder()}build/react-app/mfe.js`, { react: { requiredVersion: '^18.2.0', singleton: true } });
      });
      expect(el.status).to.equal('mounted');
      expect(seen().react[name] === (await import(/* @vite-ignore */ react.url)), "the shell's React").to.equal(true);
      expect(warned.join('\n')).to.contain(
        `mfe-host: ${name}: shared "react": react@${react.version} from configure({ shared }) does not satisfy ^18.2.0; react is a singleton, so that copy is used anyway`,
      );
      expect(await decision(name, 'react')).to.include({ decision: 'singleton-mismatch' });
    });
  });

  describe('decisions', () => {
    it("a package the shell does not provide: the fallback, for the MFE's folder", async () => {
      const dir = folder();
      const name = `lonely-${uid()}`;
      const el = await mount(name, `${dir}lonely/mfe.js`, { 'mfe-sharing-lonely': { requiredVersion: '^1.0.0', singleton: true, fallback: './vendor/lonely.js' } });
      expect(text(el)).to.equal('lonely (vendor)');
      const d = await decision(name, 'mfe-sharing-lonely');
      expect(d).to.include({ decision: 'scoped', url: `${dir}lonely/vendor/lonely.js` });
      expect(d!.provided).to.equal(undefined);
      expect(d!.reason).to.contain('the shell does not provide mfe-sharing-lonely (^1.0.0 required)');
    });

    it('a package the shell does not provide and no fallback: the mount fails', async () => {
      const name = `lonelier-${uid()}`;
      const detail = await failing(name, `${folder()}lonely/mfe.js`, { 'mfe-sharing-lonely': { requiredVersion: '^1.0.0' } });
      expect(detail.phase).to.equal('load');
      expect(detail.error.message).to.contain(
        'shared "mfe-sharing-lonely": the shell does not provide mfe-sharing-lonely (^1.0.0 required), and the entry has no "fallback" to load instead',
      );
    });

    it('compatible MFEs get one copy of a package, an incompatible one its own, also when mounted at once', async () => {
      const [one, two, other] = [`greet-1-${uid()}`, `greet-2-${uid()}`, `greet-3-${uid()}`];
      const [e1, e2, e3] = await Promise.all([
        mount(one, `${folder()}greeting/app/mfe.js`, { 'mfe-sharing-greeting': { requiredVersion: '^1.2.0' } }),
        mount(two, `${folder()}greeting/app/mfe.js`, { 'mfe-sharing-greeting': { requiredVersion: '1.x || 2.x', singleton: true } }),
        mount(other, `${folder()}greeting/app/mfe.js`, { 'mfe-sharing-greeting': { requiredVersion: '^2.0.0', fallback: 'vendor/greeting.js' } }),
      ]);
      expect([text(e1), text(e2), text(e3)]).to.deep.equal(['greeting 1.4.0 (shell)', 'greeting 1.4.0 (shell)', 'greeting 2.0.0 (vendor)']);
      expect(seen().greeting[one]!.id === seen().greeting[two]!.id, 'one copy').to.equal(true);
      expect(seen().greeting[one]!.id === seen().greeting[other]!.id, 'another copy').to.equal(false);
    });

    it("a package the page's own import map provides, without a version: assumed to fit, unless strictVersion", async () => {
      // The shell's own map (a page would have it in its HTML): the runtime reads it, in every engine.
      const map = Object.assign(document.createElement('script'), {
        type: 'importmap',
        textContent: JSON.stringify({ imports: { 'mfe-sharing-mapped': '/test/fixtures/sharing/mapped/pkg.js' } }),
      });
      document.head.append(map);
      const [name, strict] = [`mapped-${uid()}`, `mapped-strict-${uid()}`];
      const el = await mount(name, `${folder()}mapped/app/mfe.js`, { 'mfe-sharing-mapped': { requiredVersion: '^3.0.0' } });
      expect(text(el)).to.equal('mapped (page map)');
      const d = await decision(name, 'mfe-sharing-mapped');
      expect(d).to.deep.include({ decision: 'shared', provided: { version: undefined, url: absolute('/test/fixtures/sharing/mapped/pkg.js') } });
      expect(d!.reason).to.equal("mfe-sharing-mapped from the page's import map has no version: assumed to satisfy ^3.0.0");
      const detail = await failing(strict, `${folder()}mapped/app/mfe.js`, { 'mfe-sharing-mapped': { requiredVersion: '^3.0.0', singleton: true, strictVersion: true } });
      expect(detail.error.message).to.contain("mfe-sharing-mapped from the page's import map has no version to check against ^3.0.0 (strictVersion)");
    });

    it('a fallback that does not load fails the mount in phase load', async () => {
      const name = `greet-missing-${uid()}`;
      const detail = await failing(name, `${folder()}greeting/app/mfe.js`, { 'mfe-sharing-greeting': { requiredVersion: '^9.0.0', fallback: 'vendor/missing.js' } });
      expect(detail.phase).to.equal('load');
      expect(await decision(name, 'mfe-sharing-greeting')).to.include({ decision: 'scoped' });
    });

    it('registry.prefetch() maps shared packages before it preloads the entry', async () => {
      const name = `greet-prefetch-${uid()}`;
      const entry = `${folder()}greeting/app/mfe.js`;
      const need = { 'mfe-sharing-greeting': { requiredVersion: '^1.4.0' } };
      configure({ remotes: { [name]: { entry, shared: need } } });
      // Wait until the engine has read the preloaded entry: how its imports resolve is then settled.
      const preloaded = new Promise((done) => {
        const watch = new MutationObserver(() => {
          const link = document.head.querySelector<HTMLLinkElement>(`link[rel=modulepreload][href="${entry}"]`);
          if (!link) return;
          watch.disconnect();
          link.onload = link.onerror = done;
        });
        watch.observe(document.head, { childList: true });
      });
      await registry.prefetch(name);
      await preloaded;
      expect(await decision(name, 'mfe-sharing-greeting')).to.include({ decision: 'shared' });
      expect(text(await mount(name, entry, need))).to.equal('greeting 1.4.0 (shell)');
    });

    it("subpaths the shell provides go with their package ('pkg/sub.js')", async () => {
      configure({ shared: { ...(await sharedConfig()), 'mfe-sharing-greeting/extra.js': { url: '/test/fixtures/sharing/greeting/1.4.0/extra.js' } } });
      const name = `greet-sub-${uid()}`;
      const el = await mount(name, `${folder()}greeting/subpath/mfe.js`, { 'mfe-sharing-greeting': { requiredVersion: '^1.0.0' } });
      expect(text(el)).to.equal('greeting 1.4.0, shell extra');
      expect((await registry.sharing()).filter((d) => d.mfe === name).map((d) => d.package)).to.deep.equal(['mfe-sharing-greeting']);
    });

    it('format "single-spa" entries share too, where the engine maps at run time', async () => {
      const name = `greet-spa-${uid()}`;
      const entry = `${folder()}greeting/single-spa/app.js`;
      const need = { 'mfe-sharing-greeting': { requiredVersion: '^1.0.0' } };
      if (dynamicMaps()) {
        const el = await mount(name, entry, need, {}, { format: 'single-spa' });
        expect(text(el)).to.contain('single-spa greeting 1.4.0 (shell)');
      } else {
        // es-module-shims can import the entry, but the single-spa adapter imports it itself.
        const detail = await failing(name, entry, need, { format: 'single-spa' });
        expect(detail.error.message).to.contain('"shared" with format "single-spa" needs import maps added at run time');
      }
    });

    it('negotiates once per entry: several elements and reloads reuse the maps', async () => {
      const name = `greet-many-${uid()}`;
      const entry = `${folder()}greeting/app/mfe.js`;
      const need = { 'mfe-sharing-greeting': { requiredVersion: '^1.0.0' } };
      const [x, y] = await Promise.all([mount(name, entry, need), mount(name, entry, need)]);
      expect([text(x), text(y)]).to.deep.equal(['greeting 1.4.0 (shell)', 'greeting 1.4.0 (shell)']);
      expect(await x.reload()).to.equal('mounted');
      expect((await registry.sharing()).filter((d) => d.mfe === name)).to.have.length(1);
    });

    it('registry.sharing() lists every decision with its reason, as copies', async () => {
      const name = `greet-report-${uid()}`;
      const entry = `${folder()}greeting/app/mfe.js`;
      await mount(name, entry, { 'mfe-sharing-greeting': { requiredVersion: '~1.4.0', strictVersion: true } });
      expect(await decision(name, 'mfe-sharing-greeting')).to.deep.equal({
        mfe: name,
        entry,
        package: 'mfe-sharing-greeting',
        requiredVersion: '~1.4.0',
        singleton: false,
        strictVersion: true,
        provided: { version: '1.4.0', url: absolute(GREETING.url) },
        decision: 'shared',
        url: absolute(GREETING.url),
        reason: 'mfe-sharing-greeting@1.4.0 from configure({ shared }) satisfies ~1.4.0',
      });
      const list = await registry.sharing();
      for (const d of list) {
        expect(d).to.include.all.keys(['mfe', 'entry', 'package', 'requiredVersion', 'singleton', 'strictVersion', 'decision', 'reason']);
        expect(['shared', 'scoped', 'singleton-mismatch', 'rejected']).to.include(d.decision);
        expect(d.url === undefined).to.equal(d.decision === 'rejected');
      }
      list.find((d) => d.mfe === name)!.decision = 'rejected';
      expect((await decision(name, 'mfe-sharing-greeting'))!.decision).to.equal('shared');
    });
  });
});
