// Builds dist/: the npm entry points (ESM + .d.ts, dependencies left as imports so apps dedupe
// them) and dist/browser/mfe-host.min.js, the browser runtime minified with its dependencies
// inside (for a plain <script type="module"> and for the size budget), plus the chunks it
// loads on demand (lazy loading, isolation="none", error diagnosis, prefetch).
import typescript from '@rollup/plugin-typescript';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { builtinModules } from 'node:module';

const ts = (declarations) =>
  typescript({
    tsconfig: './tsconfig.json',
    include: ['src/**/*.ts'].map((p) => new URL(p, import.meta.url).pathname),
    exclude: ['test/**', 'demo/**'],
    compilerOptions: declarations
      ? { noEmit: false, declaration: true, declarationDir: 'dist/types', rootDir: 'src', outDir: 'dist' }
      : { noEmit: false, declaration: false, outDir: 'dist/browser' },
  });

const external = (id) =>
  id.startsWith('node:') || builtinModules.includes(id) || id.startsWith('@lit/reactive-element');

export default [
  {
    input: { index: 'src/index.ts', 'server/index': 'src/server/index.ts' },
    external,
    plugins: [ts(true)],
    output: { dir: 'dist', format: 'es', sourcemap: true },
  },
  {
    input: 'src/index.ts',
    plugins: [nodeResolve(), ts(false), terser({ ecma: 2022, module: true, compress: { passes: 2 } })],
    output: { dir: 'dist/browser', entryFileNames: 'mfe-host.min.js', chunkFileNames: '[name]-[hash].min.js', format: 'es', sourcemap: true },
  },
];
