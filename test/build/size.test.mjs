// The size budget of the main browser entry, checked on the built bundle (npm test builds first).
// Deterministic: gzip level 9 of dist/browser/mfe-host.min.js with everything it imports
// statically (on-demand chunks loaded with import() are not part of the entry's cost).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const dir = new URL('../../dist/browser/', import.meta.url);
/** Goal from DEVELOPERS.md and issue 10: element, lifecycle, discovery and bus in ≤ 6 KB min+gzip. */
const GOAL = 6 * 1024;
/**
 * What this build may not exceed (a ratchet: lower it as the entry shrinks toward GOAL).
 * Raised from 6600 to 6750 for the bus of issue 4 (entry 6534 → 6748 B): `contract()` must
 * validate synchronously at emit time, so it lives in the entry (~100 B), and so do the hooks
 * that load the cross-tab chunk on the first subscription, crossTab emit or configure({ channel })
 * (~60 B); the channel itself and the wording of rejected payloads are in the on-demand chunk.
 * Raised from 6750 to 6790 for the router hooks of issue 6 (entry 6748 → 6790 B): the `route`
 * property (→ `ctx.route`, `update` when it changes) and `hook()` for keep-alive's
 * `activated`/`deactivated` (37 B), and `configure({ routes })` (5 B); the router itself is its own
 * entry (dist/browser/router.min.js, importing the main one).
 * Raised to 6798 (+8 B) for one AbortSignal.timeout per deadline instead of a timer per
 * lifecycle step: npm run bench, same run, mount of 200 went 38.2 → 34.8 ms, unmount 22.3 → 14.9 ms.
 * Raised to 6835 (+37 B) for the hooks of issue 7: the load spec (format, iframe, expose,
 * side-effect options) that sends other formats, iframes and leak tracking to the on-demand
 * adapters chunk, the per-mount scope chunk (scoped registry, overlay layer) loaded alongside
 * the module, and the +1/-1 tracker calls. Moving isolation="none" styling into that chunk paid
 * for most of it (the hooks alone were +187 B).
 * Raised to 6859 (+24 B) when the adapters landed: the entry exports the internals they reuse
 * (error wording, URL resolution, config state) instead of each chunk carrying a copy, and the
 * module cache key includes a federation remote's exposed module.
 * 6861 (+2 B): the devtools entry (issue 9) shares the element class and the registry with the
 * main entry, which changed how rollup named the entry's exports.
 * 6899 (+38 B) for shared dependencies (issue 8): `shared` carried from the manifest into the
 * load spec and the load path's check for it (~15 B), and `registry.sharing()` (~24 B); the
 * negotiation, semver and import-map code are on-demand chunks.
 * 6905 (+6 B): the scope chunk's import() is kept in a variable instead of repeated per mount;
 * npm run bench, mount of 200: 49 → 25–30 ms.
 * 6905 (±0 B), issue 10: a mount of an already-loaded module no longer awaits anything (a
 * synchronous module lookup, a deadline that arms its timer only when a step waits, slots shown
 * by CSS from the status attribute, one task for every removal in a task) cost ~190 B, paid for
 * by building `styles` in an on-demand chunk at load time, moving retries into the diagnose
 * chunk and dropping the AbortSignal race helpers. npm run bench, same page: mount of 200 went
 * from 2.2–2.8× to 1.3–2.3× the bare baseline, unmount from 20–27 to 8–10 ms.
 * Lowered to 4846 B (−2059 B), issue 10: `MfeHost` extends `HTMLElement` with ~0.6 KB of its own
 * property accessors, attribute conversion and batched update instead of lit's ReactiveElement
 * (2745 B), which the entry used for exactly that. Under the goal for the first time; mounts of
 * 200 got 25–33% faster in two of three A/B runs (README "Choices").
 * 4870 (+24 B): a removed attribute, or a `timeout`/`retries` that does not parse, sets the
 * property's default again (it set null or NaN, which timed out every step at once).
 * 5092 (+222 B), issue 10 against single-spa parcels given a config object: slots only once
 * there is light DOM (a MutationObserver for what comes later), a class for the deadline,
 * `abs` remembering what it resolved, one clock read per mount of a loaded module, and
 * `ctx.signal`/`ctx.bus` made on first use. Same page, A/B: mounts of 200 −23% for the slots,
 * −19% for the rest; unmounts −10–18%.
 * 5118 (+26 B): `mounting`/`unmounting` reach the attribute only when mount/unmount must be
 * waited for: mounts of 200 −16%, unmounts −8% (A/B, same page).
 * 5134 (+16 B): a step awaits only when it has something to wait for, and the status attribute
 * is not written again with the value it has (within noise in A/B: 0.81–1.05× across runs).
 * 5196 (+62 B): a name resolves synchronously once the manifest is at hand (`resolveNow`), so
 * a mount by name of a loaded module awaits nothing either: 200 mounts by name went from 3.4×
 * to 1.2× the baseline (A/B, same page), as fast as by `src`.
 */
const CEILING = 5196;

/** The entry and every chunk it imports statically, each once. */
function entryClosure(file, seen = new Set()) {
  if (seen.has(file)) return seen;
  seen.add(file);
  const code = readFileSync(new URL(file, dir), 'utf8');
  for (const [, dep] of code.matchAll(/(?:^|[;}])\s*(?:import|export)\s*(?:[^'"()]*?from\s*)?["']\.\/([^"']+)["']/g)) entryClosure(dep, seen);
  return seen;
}

test('the main browser entry stays within its size ceiling', () => {
  assert.ok(existsSync(new URL('mfe-host.min.js', dir)), 'run npm run build first');
  const files = [...entryClosure('mfe-host.min.js')];
  const code = files.map((f) => readFileSync(new URL(f, dir), 'utf8').replace(/\/\/# sourceMappingURL=.*$/m, '')).join('\n');
  const size = gzipSync(code, { level: 9 }).length;
  console.log(`main entry: ${files.join(' + ')} = ${size} B min+gzip (goal ${GOAL} B, ceiling ${CEILING} B)`);
  assert.ok(size <= CEILING, `main entry is ${size} B min+gzip, over the ${CEILING} B ceiling`);
});

test('the bundle carries no comments and no development-only code', () => {
  const code = readFileSync(new URL('mfe-host.min.js', dir), 'utf8');
  assert.doesNotMatch(code, /\/\*[\s\S]*?\*\//, 'comments survived minification');
  assert.doesNotMatch(code, /Lit is in dev mode|DEV_MODE/, 'a development build of lit was bundled');
  assert.ok(existsSync(new URL('THIRD-PARTY-LICENSES.txt', dir)), 'the bundled licences ship beside the bundle');
});

test('optional features are separate chunks, not part of the entry', () => {
  const files = entryClosure('mfe-host.min.js');
  const code = readFileSync(new URL('mfe-host.min.js', dir), 'utf8');
  for (const name of ['lazy', 'scope', 'adapters', 'diagnose', 'prefetch', 'manifest', 'integrity', 'styles', 'style-urls', 'cross-tab']) {
    assert.match(code, new RegExp(`import\\("\\./${name}-[\\w-]+\\.min\\.js"\\)`), `${name} is loaded on demand`);
    assert.ok(![...files].some((f) => f.startsWith(`${name}-`)), `${name} is not imported statically`);
  }
  // Other formats, iframes and leak tracking: chunks of their own, behind the adapters chunk.
  const adapters = readFileSync(new URL([...readdirSync(dir)].find((f) => /^adapters-.*\.min\.js$/.test(f)), dir), 'utf8');
  for (const name of ['single-spa', 'html', 'federation', 'iframe', 'side-effects']) {
    assert.match(adapters, new RegExp(`import\\("\\./${name}-[\\w-]+\\.min\\.js"\\)`), `${name} is loaded on demand by the adapters chunk`);
    assert.ok(![...files].some((f) => f.startsWith(`${name}-`)), `${name} is not imported statically`);
  }
});

test('the router is its own entry, never part of the main one', () => {
  assert.ok(existsSync(new URL('router.min.js', dir)), 'dist/browser/router.min.js is built');
  const files = entryClosure('mfe-host.min.js');
  assert.ok(!files.has('router.min.js'), 'the main entry does not import the router');
  assert.doesNotMatch(readFileSync(new URL('mfe-host.min.js', dir), 'utf8'), /mfe-router/, 'no router code in the main entry');
  assert.match(readFileSync(new URL('router.min.js', dir), 'utf8'), /from"\.\/mfe-host\.min\.js"/, 'the router imports the main entry');
});
