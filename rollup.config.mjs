// Builds dist/: the npm entry points (ESM + .d.ts, dependencies left as imports so apps dedupe
// them) and dist/browser/mfe-host.min.js, the browser runtime minified with its dependencies
// inside (for a plain <script type="module"> and for the size budget), plus the chunks it
// loads on demand (lazy loading, isolation="none", error diagnosis, prefetch).
import typescript from '@rollup/plugin-typescript';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { builtinModules } from 'node:module';
import { chmodSync, readFileSync, rmSync } from 'node:fs';

/**
 * The minified bundles carry no comments; the licences of what they bundle ship beside them in
 * THIRD-PARTY-LICENSES.txt (lit-html's BSD-3-Clause notice, for devtools.min.js: the runtime
 * itself bundles nothing), as minifiers' "extract comments" do.
 */
const licenses = () => ({
  name: 'third-party-licenses',
  generateBundle() {
    const lit = readFileSync(new URL('./node_modules/lit-html/LICENSE', import.meta.url), 'utf8');
    this.emitFile({
      type: 'asset',
      fileName: 'THIRD-PARTY-LICENSES.txt',
      source: `devtools.min.js bundles lit-html (https://lit.dev), under this licence:\n\n${lit}`,
    });
  },
});

const at = (p) => new URL(p, import.meta.url).pathname;

/**
 * Production builds: src/env.ts becomes `export const DEV = false`, so every `if (DEV)` branch
 * (warnings, leak reports) is dropped. Must come before the TypeScript plugin, whose `load`
 * would otherwise answer first. dist/dev/ (the "development" export condition) keeps DEV true.
 */
const production = () => ({
  name: 'production',
  load(id) {
    if (id === at('src/env.ts')) return 'export const DEV = false;';
  },
});

/** dist/server/bin.js is the `mfe-host` command: keep it executable (npm also sets the bit on install). */
const executable = (fileName) => ({
  name: 'executable',
  writeBundle({ dir }) {
    chmodSync(`${dir}/${fileName}`, 0o755);
  },
});

// Start from an empty dist/, so chunks of earlier builds never linger beside the new ones.
rmSync(at('dist'), { recursive: true, force: true });

const ts = ({ tsconfig = './tsconfig.json', include = 'src/**/*.ts', outDir = 'dist', declarationDir, rootDir = 'src', paths }) =>
  typescript({
    tsconfig,
    include: [at(include)],
    exclude: ['test/**', 'demo/**'],
    // Absolute paths: tsconfig-relative ones would resolve against src/server/ for the server.
    compilerOptions: { noEmit: false, declaration: !!declarationDir, declarationDir: declarationDir && at(declarationDir), rootDir: at(rootDir), outDir: at(outDir), ...(paths && { paths }) },
  });

const external = (id) =>
  id.startsWith('node:') || builtinModules.includes(id) || id.startsWith('@lit/reactive-element');

/**
 * Keep everything the main entry imports statically inside mfe-host.min.js (the router entry
 * imports it from there), so a second entry never turns the main one into a facade over a
 * shared chunk, which would cost bytes of the entry's size budget.
 */
const mainChunk = (id, { getModuleInfo }) => {
  const main = at('src/index.ts');
  const seen = new Set();
  const walk = (m) => {
    if (seen.has(m)) return;
    seen.add(m);
    for (const d of getModuleInfo(m)?.importedIds ?? []) walk(d);
  };
  walk(main);
  return seen.has(id) ? 'mfe-host' : undefined;
};

export default [
  // Browser entry for bundlers: dependencies stay imports.
  {
    // The router (mfe-host/router) is an entry of its own, never part of the main one.
    input: { index: 'src/index.ts', routing: 'src/routing/index.ts', devtools: 'src/devtools/index.ts' },
    preserveEntrySignatures: 'allow-extension',
    external: (id) => external(id) || /^lit($|\/)/.test(id),
    plugins: [production(), ts({ declarationDir: 'dist/types' })],
    output: { dir: 'dist', format: 'es', sourcemap: true },
  },
  // The same entries with DEV on (package.json "development" condition): warnings and leak reports.
  {
    input: { index: 'src/index.ts', routing: 'src/routing/index.ts', devtools: 'src/devtools/index.ts' },
    preserveEntrySignatures: 'allow-extension',
    external: (id) => external(id) || /^lit($|\/)/.test(id),
    plugins: [ts({ outDir: 'dist/dev' })],
    output: { dir: 'dist/dev', format: 'es', sourcemap: true },
  },
  // Node entry, built on its own so it never shares a chunk with browser code; bin is the
  // `mfe-host` command (its `#!/usr/bin/env node` line is kept by rollup).
  {
    input: { index: 'src/server/index.ts', bin: 'src/server/bin.ts' },
    external,
    plugins: [ts({ tsconfig: './src/server/tsconfig.json', include: 'src/server/**/*.ts', rootDir: 'src/server', outDir: 'dist/server', declarationDir: 'dist/server' }), executable('bin.js')],
    output: { dir: 'dist/server', format: 'es', sourcemap: true },
  },
  // Build-time tools for MFE teams (mfe-host/rollup, mfe-host/dev-server). They import the server
  // by the package's own name (mfe-host/server), so they share dist/server/ instead of bundling a copy.
  {
    input: { rollup: 'src/build/rollup.ts', 'dev-server': 'src/build/dev-server.ts' },
    external: (id) => external(id) || id === 'mfe-host/server' || /^(rollup|@web\/|koa)/.test(id),
    // Type-checked against the server's sources (src/build/tsconfig.json), but emitted against
    // its declarations, just built into dist/server/: every emitted file must lie under src/build.
    plugins: [ts({ tsconfig: './src/build/tsconfig.json', include: 'src/build/**/*.ts', rootDir: 'src/build', outDir: 'dist/build', declarationDir: 'dist/build', paths: { 'mfe-host/server': [at('dist/server/index.d.ts')] } })],
    output: { dir: 'dist/build', format: 'es', sourcemap: true },
  },
  {
    input: { 'mfe-host': 'src/index.ts', router: 'src/routing/index.ts', devtools: 'src/devtools/index.ts' },
    // The entry may export more than its public API, so it is not split into a re-export file
    // over a chunk when lazy chunks import internals (config state) from it.
    preserveEntrySignatures: 'allow-extension',
    plugins: [production(), nodeResolve(), ts({ outDir: 'dist/browser' }), terser({ ecma: 2022, module: true, compress: { passes: 2 }, format: { comments: false } }), licenses()],
    output: { dir: 'dist/browser', entryFileNames: '[name].min.js', manualChunks: mainChunk, chunkFileNames: '[name]-[hash].min.js', format: 'es', sourcemap: true },
  },
];
