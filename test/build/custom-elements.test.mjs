// dist/custom-elements.json: written by @custom-elements-manifest/analyzer during `npm run build`
// (`npm run analyze`, src/custom-elements-manifest.config.mjs), referenced by package.json's
// "customElements" and shipped in the package, so editors know the elements' API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8'));
const FILE = `${ROOT}dist/custom-elements.json`;

/** The custom element declarations by tag name, with the module that ships each. */
function elements() {
  assert.ok(existsSync(FILE), 'dist/custom-elements.json is missing: `npm run build` runs the analyzer (npm run analyze)');
  const manifest = JSON.parse(readFileSync(FILE, 'utf8'));
  assert.match(manifest.schemaVersion, /^\d+\.\d+\.\d+$/);
  const found = new Map();
  for (const mod of manifest.modules) {
    for (const d of mod.declarations ?? []) if (d.customElement && d.tagName) found.set(d.tagName, { ...d, module: mod });
  }
  return found;
}
const names = (list = []) => list.map((x) => x.name);

test('package.json points editors at the generated manifest, and it ships', () => {
  assert.equal(pkg.customElements, 'dist/custom-elements.json');
  assert.ok(pkg.files.includes('dist'), '"files" ships dist/');
});

test('<mfe-host>: attributes, properties, events and slots', () => {
  const host = elements().get('mfe-host');
  assert.ok(host, 'mfe-host is declared');
  assert.equal(host.name, 'MfeHost');
  assert.equal(host.module.path, 'dist/index.js', 'the module is the shipped entry, not a source file');
  assert.ok(host.module.exports.some((e) => e.kind === 'custom-element-definition' && e.name === 'mfe-host'));

  const attrs = new Map(host.attributes.map((a) => [a.name, a]));
  for (const a of ['name', 'src', 'props', 'timeout', 'retries', 'error-handling', 'fallback', 'isolation', 'format', 'loading', 'status']) {
    assert.ok(attrs.has(a), `attribute ${a}`);
  }
  assert.equal(attrs.get('error-handling').fieldName, 'errorHandling');
  assert.equal(attrs.get('timeout').type.text, 'number');
  assert.ok(attrs.get('props').description, 'the props attribute is documented (JSON)');

  const members = new Map(host.members.map((m) => [m.name, m]));
  for (const m of ['name', 'src', 'props', 'route', 'timeout', 'retries', 'errorHandling', 'fallback', 'isolation', 'format', 'loading', 'status', 'settled', 'reload']) {
    assert.ok(members.has(m), `member ${m}`);
  }
  assert.equal(members.get('reload').kind, 'method');
  assert.equal(members.get('status').readonly, true);
  for (const m of ['props', 'status', 'settled', 'reload']) assert.ok([undefined, 'public'].includes(members.get(m).privacy), `${m} is public`);

  assert.deepEqual(names(host.events).sort(), ['mfe-error', 'mfe-leak', 'mfe-loaded', 'mfe-mounted', 'mfe-unmounted', 'mfe-updated']);
  for (const e of host.events) {
    assert.ok(e.description, `${e.name} is described`);
    assert.match(e.type?.text ?? '', /^CustomEvent<Mfe\w+Detail>$/, `${e.name} has its detail type`);
  }
  assert.deepEqual(names(host.slots).sort(), ['', 'error', 'loading']);
});

test('<mfe-router>, <mfe-route> and <mfe-devtools>', () => {
  const all = elements();
  const router = all.get('mfe-router');
  assert.ok(router, 'mfe-router is declared');
  assert.equal(router.module.path, 'dist/routing.js');
  assert.ok(names(router.attributes).includes('keep-alive-max'));
  const route = all.get('mfe-route');
  assert.ok(route, 'mfe-route is declared');
  assert.deepEqual(names(route.attributes).sort(), ['fallback', 'guard', 'keep-alive', 'name', 'path', 'src', 'title']);
  const devtools = all.get('mfe-devtools');
  assert.ok(devtools, 'mfe-devtools is declared');
  assert.equal(devtools.module.path, 'dist/devtools.js');
  assert.ok(names(devtools.attributes).includes('open'));
});

test('every module named in the manifest is a file of the package', () => {
  const manifest = JSON.parse(readFileSync(FILE, 'utf8'));
  const paths = new Set();
  for (const mod of manifest.modules) {
    paths.add(mod.path);
    for (const e of mod.exports ?? []) paths.add(e.declaration.module);
  }
  for (const p of paths) {
    assert.match(p, /^dist\//, `${p} is under dist/`);
    assert.ok(existsSync(`${ROOT}${p}`), `${p} exists`);
  }
});
