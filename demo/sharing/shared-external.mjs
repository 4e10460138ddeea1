/**
 * esbuild plugin for MFEs that share packages with the shell (README "Sharing dependencies"):
 * every package listed stays a bare `import … from 'react'` in the output, for the page's import
 * map to resolve, instead of being bundled.
 *
 * esbuild's own `external: ['react']` is not enough for CommonJS dependencies: react-dom calls
 * `require('react')`, which an ES-module bundle turns into a `__require('react')` that throws in
 * the browser ("Dynamic require of "react" is not supported"). This plugin answers such a
 * `require` with a small ES module that re-exports the shared package, so the bundle imports it
 * once, with `import * as … from 'react'`, like the MFE's own code does.
 *
 *   import { sharedExternal } from './shared-external.mjs';
 *   await build({ entryPoints: ['mfe.tsx'], bundle: true, format: 'esm', plugins: [sharedExternal(['react'])] });
 *
 * The shell's copy must then be an ES module with the package's named exports (React ships
 * CommonJS only: see esmWrapper below).
 *
 * @param {string[]} packages bare names to keep external, e.g. ['react']
 * @returns {import('esbuild').Plugin}
 */
export function sharedExternal(packages) {
  const names = new Set(packages);
  return {
    name: 'mfe-shared-external',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        if (!names.has(args.path)) return undefined;
        // `require('react')` from bundled CommonJS: an ES module that imports the external one.
        if (args.kind === 'require-call') return { path: args.path, namespace: 'mfe-shared' };
        return { path: args.path, external: true };
      });
      build.onLoad({ filter: /.*/, namespace: 'mfe-shared' }, (args) => ({
        contents: `export * from ${JSON.stringify(args.path)}; export { default } from ${JSON.stringify(args.path)};`,
        loader: 'js',
      }));
    },
  };
}

/**
 * Source of an ES module that re-exports a CommonJS package (React) under its named exports,
 * for esbuild's `stdin`: `export * from 'react'` would not work, as esbuild cannot know the
 * names a CommonJS module exports. `names` are the keys of the package's production build, e.g.
 * `Object.keys(require('react/cjs/react.production.js'))`.
 *
 * @param {string} pkg the package, e.g. 'react'
 * @param {string[]} names its exports
 * @returns {string}
 */
export function esmWrapper(pkg, names) {
  const ids = names.filter((n) => /^[A-Za-z_$][\w$]*$/.test(n) && n !== 'default');
  return `import m from ${JSON.stringify(pkg)};\nexport default m;\nexport const { ${ids.join(', ')} } = m;\n`;
}
