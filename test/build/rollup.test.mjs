// mfe-host/rollup: real rollup builds of test/fixtures/toolkit (a small MFE package) into
// temporary folders — hashed names, mfe.json, integrity of the written bytes, styles and their
// url() assets, shared packages, and the build errors.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rollup } from 'rollup';
import terser from '@rollup/plugin-terser';
import { mfe } from '../../dist/build/rollup.js';
import { loadRemotes } from '../../dist/server/index.js';

const FIXTURE = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/toolkit');
const temps = [];
after(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

/** A fresh folder under the OS temp dir, removed after the tests. */
function temp(prefix = 'mfe-rollup-') {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

/** A copy of the fixture package that a test may edit. */
function fixtureCopy() {
  const dir = temp('mfe-fixture-');
  cpSync(FIXTURE, dir, { recursive: true, filter: (src) => !/[/\\]dist($|[/\\])/.test(src) });
  return dir;
}

/**
 * Builds the fixture (or `cwd`) with `mfe(options)` and writes to a new folder; returns the
 * folder, mfe.json, the rollup output and how long the build took.
 */
async function build(options = {}, { cwd = FIXTURE, input = join(cwd, 'src/mfe.js'), output = {}, plugins = [] } = {}) {
  const dir = temp();
  const started = performance.now();
  const bundle = await rollup({ input, plugins: [mfe({ cwd, ...options }), ...plugins], onwarn: () => {} });
  const result = await bundle.write({ dir, sourcemap: true, ...output });
  await bundle.close();
  const ms = performance.now() - started;
  const manifestFile = join(dir, options.fileName ?? 'mfe.json');
  const json = existsSync(manifestFile) ? JSON.parse(readFileSync(manifestFile, 'utf8')) : undefined;
  return { dir, json, output: result.output, ms };
}

const sri = (bytes) => `sha384-${createHash('sha384').update(bytes).digest('base64')}`;
/** Files written, relative to `dir`, sorted (mfe.json and source maps included). */
const files = (dir) => readdirSync(dir, { recursive: true, withFileTypes: true })
  .filter((e) => e.isFile())
  .map((e) => join(e.parentPath ?? e.path, e.name).slice(dir.length + 1).replaceAll('\\', '/'))
  .sort();
/** Rejects with the build error's message. */
const buildError = async (...args) => {
  try {
    await build(...args);
  } catch (err) {
    return err;
  }
  assert.fail('the build should have failed');
};

describe('mfe.json', () => {
  test('name without scope, package version, hashed entry, integrity of the written bytes, styles, shared', async (t) => {
    const { dir, json, ms } = await build({ styles: ['src/billing.css'], shared: { lit: { singleton: true } } });
    t.diagnostic(`fixture build with mfe(): ${ms.toFixed(0)} ms`);
    assert.deepEqual(Object.keys(json), ['billing']);
    const entry = json.billing;
    assert.deepEqual(Object.keys(entry), ['entry', 'version', 'integrity', 'styles', 'shared']);
    assert.match(entry.entry, /^\.\/mfe-[\w-]{8}\.js$/);
    assert.equal(entry.version, '1.4.2');
    // Source maps on: the sourceMappingURL comment is part of the bytes a browser hashes.
    const bytes = readFileSync(join(dir, entry.entry));
    assert.match(bytes.toString(), /\/\/# sourceMappingURL=mfe-[\w-]{8}\.js\.map\n$/);
    assert.equal(entry.integrity, sri(bytes));
    assert.deepEqual(entry.shared, { lit: { requiredVersion: '^3.3.0', singleton: true } });

    // The lazy chunk is hashed too and imported relatively; lit stays a bare import.
    const code = bytes.toString();
    const lazy = code.match(/import\('\.\/(details-[\w-]{8}\.js)'\)/)?.[1];
    assert.ok(lazy && existsSync(join(dir, lazy)), `lazy chunk imported by the entry: ${lazy}`);
    assert.match(code, /from 'lit'/);
    assert.doesNotMatch(code, /class LitElement|ReactiveElement/, 'lit is not bundled');
  });

  test('styles are hashed assets listed relative to mfe.json; their url() files are emitted and rewritten', async () => {
    const { dir, json } = await build({ styles: ['src/billing.css'] });
    const [style] = json.billing.styles;
    assert.match(style, /^\.\/assets\/billing-[\w-]{8}\.css$/);
    const css = readFileSync(join(dir, style), 'utf8');
    const logo = css.match(/url\("(logo-[\w-]{8}\.svg)"\)/)?.[1];
    const dot = css.match(/url\((dot-[\w-]{8}\.svg)#mark\)/)?.[1];
    assert.ok(logo && dot, css);
    assert.deepEqual(readFileSync(join(dir, 'assets', logo)), readFileSync(join(FIXTURE, 'src/logo.svg')));
    assert.deepEqual(readFileSync(join(dir, 'assets', dot)), readFileSync(join(FIXTURE, 'src/icons/dot.svg')));
    // data: and absolute URLs are left alone.
    assert.match(css, /url\(data:image\/gif;base64,R0lGODlhAQABAAAAACw=\)/);
    assert.match(css, /url\(https:\/\/cdn\.example\.com\/x\.png\)/);
    assert.equal(json.billing.shared, undefined);
  });

  test('url() files in another folder than the CSS get paths relative to the CSS', async () => {
    const { dir, json } = await build(
      { styles: ['src/billing.css'] },
      { output: { assetFileNames: (a) => (a.names[0]?.endsWith('.css') ? 'css/[name]-[hash][extname]' : 'img/[name]-[hash][extname]') } },
    );
    const [style] = json.billing.styles;
    assert.match(style, /^\.\/css\/billing-[\w-]{8}\.css$/);
    const css = readFileSync(join(dir, style), 'utf8');
    const logo = css.match(/url\("\.\.\/img\/(logo-[\w-]{8}\.svg)"\)/)?.[1];
    assert.ok(logo && existsSync(join(dir, 'img', logo)), css);
    // Exactly one CSS file: the first emission (guessed folder) was replaced, not left behind.
    assert.deepEqual(files(dir).filter((f) => f.endsWith('.css')), [style.slice(2)]);
  });

  test('mfe.json is a manifest on its own: its URLs resolve against its own URL', async () => {
    const { json } = await build({ styles: ['src/billing.css'] });
    const at = 'https://cdn.example.com/mfe/billing/1.4.2/mfe.json';
    const { entry, styles, version, integrity } = json.billing;
    const remotes = loadRemotes({
      env: {},
      remotes: { billing: { entry: new URL(entry, at).href, styles: styles.map((s) => new URL(s, at).href), version, integrity } },
    });
    assert.match(remotes.billing.entry, /^https:\/\/cdn\.example\.com\/mfe\/billing\/1\.4\.2\/mfe-[\w-]{8}\.js$/);
    assert.match(remotes.billing.styles[0], /^https:\/\/cdn\.example\.com\/mfe\/billing\/1\.4\.2\/assets\/billing-[\w-]{8}\.css$/);
  });

  test('options: name, version, format, fileName in a sub-folder, shared from peerDependencies and given ranges', async () => {
    const { dir, json } = await build({
      name: 'payments',
      version: '2.0.0-rc.1',
      format: 'single-spa',
      fileName: 'meta/mfe.json',
      shared: { react: {}, 'lit-html': { requiredVersion: '^3.1.0', strictVersion: true, fallback: './vendor/lit-html.js' } },
    });
    const entry = json.payments;
    assert.match(entry.entry, /^\.\.\/mfe-[\w-]{8}\.js$/);
    assert.ok(existsSync(join(dir, 'meta', entry.entry)));
    assert.equal(entry.version, '2.0.0-rc.1');
    assert.equal(entry.format, 'single-spa');
    assert.deepEqual(entry.shared, {
      react: { requiredVersion: '>=18 <20' },
      'lit-html': { requiredVersion: '^3.1.0', strictVersion: true, fallback: './vendor/lit-html.js' },
    });
  });

  test('format "esm" is the default and is not written', async () => {
    const { json } = await build({ format: 'esm' });
    assert.equal('format' in json.billing, false);
  });

  test('file names the configuration sets are kept', async () => {
    const { dir, json } = await build({}, { output: { entryFileNames: '[name].js', chunkFileNames: 'chunks/[name].js' } });
    assert.equal(json.billing.entry, './mfe.js');
    assert.ok(existsSync(join(dir, 'chunks/details.js')));
    assert.equal(json.billing.integrity, sri(readFileSync(join(dir, 'mfe.js'))));
  });

  test('several inputs with "entry": the chosen one is the entry', async () => {
    const input = { mfe: join(FIXTURE, 'src/mfe.js'), extra: join(FIXTURE, 'src/greeting.js') };
    const byName = await build({ entry: 'mfe' }, { input });
    assert.match(byName.json.billing.entry, /^\.\/mfe-/);
    const byPath = await build({ entry: 'src/greeting.js' }, { input });
    assert.match(byPath.json.billing.entry, /^\.\/extra-/);
  });
});

describe('integrity of the final bytes', () => {
  test('after a minifier (terser in renderChunk), whatever the plugin order', async () => {
    const plain = await build();
    for (const [label, plugins] of [['mfe first', [terser()]], ['terser first', []]]) {
      const { dir, json } = label === 'mfe first'
        ? await build({}, { plugins })
        : await (async () => {
            const out = temp();
            const bundle = await rollup({ input: join(FIXTURE, 'src/mfe.js'), plugins: [terser(), mfe({ cwd: FIXTURE })], onwarn: () => {} });
            await bundle.write({ dir: out });
            return { dir: out, json: JSON.parse(readFileSync(join(out, 'mfe.json'), 'utf8')) };
          })();
      const bytes = readFileSync(join(dir, json.billing.entry));
      assert.equal(json.billing.integrity, sri(bytes), label);
      assert.notEqual(json.billing.integrity, plain.json.billing.integrity, `${label}: minified bytes differ`);
      assert.ok(bytes.length < readFileSync(join(plain.dir, plain.json.billing.entry)).length, label);
    }
  });

  test('after another plugin changes the entry in generateBundle', async () => {
    const banner = {
      name: 'late-banner',
      generateBundle(_o, bundle) {
        for (const f of Object.values(bundle)) if (f.type === 'chunk' && f.isEntry) f.code = `/* late */\n${f.code}`;
      },
    };
    const { dir, json } = await build({}, { plugins: [banner] });
    const bytes = readFileSync(join(dir, json.billing.entry));
    assert.match(bytes.toString(), /^\/\* late \*\//);
    assert.equal(json.billing.integrity, sri(bytes));
  });

  test('bundle.generate() (no write) also emits mfe.json', async () => {
    const bundle = await rollup({ input: join(FIXTURE, 'src/mfe.js'), plugins: [mfe({ cwd: FIXTURE })], onwarn: () => {} });
    const { output } = await bundle.generate({});
    const json = JSON.parse(output.find((f) => f.fileName === 'mfe.json').source);
    const entry = output.find((f) => f.type === 'chunk' && f.isEntry);
    assert.equal(json.billing.entry, `./${entry.fileName}`);
    assert.equal(json.billing.integrity, sri(entry.code));
  });
});

describe('content hashes', () => {
  test('the same sources give the same names and bytes; a change renames what it reaches, only that', async () => {
    const cwd = fixtureCopy();
    const opts = { styles: ['src/billing.css'] };
    const names = async () => {
      const { dir, json } = await build(opts, { cwd });
      return { list: files(dir), json, dir };
    };
    const a = await names();
    const b = await names();
    assert.deepEqual(b.list, a.list, 'rebuild: same file names');
    assert.deepEqual(b.json, a.json, 'rebuild: same mfe.json');

    // The lazy chunk changes: its name, and the entry's (it names the chunk), change; the CSS stays.
    writeFileSync(join(cwd, 'src/details.js'), readFileSync(join(cwd, 'src/details.js'), 'utf8').replace('3 open', '4 open'));
    const c = await names();
    const only = (list, re) => list.filter((f) => re.test(f));
    assert.notDeepEqual(only(c.list, /^details-.*\.js$/), only(a.list, /^details-.*\.js$/));
    assert.notEqual(c.json.billing.entry, a.json.billing.entry);
    assert.notEqual(c.json.billing.integrity, a.json.billing.integrity);
    assert.deepEqual(c.json.billing.styles, a.json.billing.styles);

    // An image the CSS points at changes: the image and the CSS are renamed, the JS is not.
    writeFileSync(join(cwd, 'src/logo.svg'), readFileSync(join(cwd, 'src/logo.svg'), 'utf8').replace('teal', 'navy'));
    const d = await names();
    assert.equal(d.json.billing.entry, c.json.billing.entry);
    assert.notDeepEqual(d.json.billing.styles, c.json.billing.styles);
    assert.notDeepEqual(only(d.list, /logo-/), only(c.list, /logo-/));
    assert.deepEqual(only(d.list, /dot-/), only(c.list, /dot-/));

    // Only the package version changes: every file keeps its name, mfe.json says the new version.
    const pkg = JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8'));
    writeFileSync(join(cwd, 'package.json'), JSON.stringify({ ...pkg, version: '1.4.3' }));
    const e = await names();
    assert.deepEqual(e.list, d.list);
    assert.equal(e.json.billing.version, '1.4.3');
  });
});

describe('errors name the MFE and the cause', () => {
  test('no input', async () => {
    const err = await (async () => {
      try {
        const bundle = await rollup({ plugins: [mfe({ cwd: FIXTURE })] });
        await bundle.generate({});
      } catch (e) {
        return e;
      }
      assert.fail('no error');
    })();
    assert.match(err.message, /^\[plugin mfe-host\] MFE "billing": no input: set "input" to the MFE's entry module/);
  });

  test('several inputs and no "entry"', async () => {
    const err = await buildError({}, { input: [join(FIXTURE, 'src/mfe.js'), join(FIXTURE, 'src/greeting.js')] });
    assert.match(err.message, /^\[plugin mfe-host\] MFE "billing": several inputs \(mfe, greeting\): set "entry"/);
  });

  test('an "entry" that is not an input', async () => {
    const err = await buildError({ entry: 'main' }, { input: { mfe: join(FIXTURE, 'src/mfe.js'), x: join(FIXTURE, 'src/greeting.js') } });
    assert.match(err.message, /\[plugin mfe-host\] MFE "billing": "entry" "main" is not an input \(inputs: mfe, x\)/);
  });

  test('a non-ES output format', async () => {
    for (const format of ['cjs', 'iife', 'umd', 'system']) {
      const err = await buildError({}, { output: { format, name: 'x' } });
      assert.match(err.message, new RegExp(`^\\[plugin mfe-host\\] MFE "billing": output.format must be "es" .*got "${format}"`));
    }
  });

  test('a shared package without a range, or with a range that is not semver', async () => {
    let err = await buildError({ shared: ['vue'] });
    assert.match(err.message, /\[plugin mfe-host\] MFE "billing": shared package "vue" has no version range: add it to "dependencies" or "peerDependencies"/);
    err = await buildError({ shared: { lit: { requiredVersion: 'workspace:*' } } });
    assert.match(err.message, /shared package "lit": "workspace:\*" is not a semver range/);
  });

  test('a missing style or url() file', async () => {
    let err = await buildError({ styles: ['src/nope.css'] });
    assert.match(err.message, /\[plugin mfe-host\] MFE "billing": cannot read style "src\/nope.css" .*ENOENT/);
    const cwd = fixtureCopy();
    writeFileSync(join(cwd, 'src/broken.css'), '.x { background: url(./missing.png) }');
    err = await buildError({ styles: ['src/broken.css'] }, { cwd });
    assert.match(err.message, /style "src\/broken.css": url\(\.\/missing.png\) → .*missing.png: ENOENT/);
  });

  test('no package.json and no name', async () => {
    const cwd = temp('mfe-nopkg-');
    writeFileSync(join(cwd, 'mfe.js'), 'export const mount = () => {};');
    const err = await buildError({}, { cwd, input: join(cwd, 'mfe.js') });
    assert.match(err.message, /^\[plugin mfe-host\] MFE: cannot read .*package\.json/);
    // With a name and no package.json: no version in mfe.json, no failure.
    const { json } = await build({ name: 'solo' }, { cwd, input: join(cwd, 'mfe.js') });
    assert.deepEqual(Object.keys(json.solo), ['entry', 'integrity']);
  });
});
