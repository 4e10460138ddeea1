#!/usr/bin/env node
/**
 * Example build for MFEs that share React with the shell (README "Sharing dependencies").
 *
 *   node demo/sharing/build.mjs     # then npm start and open /demo/sharing/
 *
 * Writes demo/sharing/build/:
 *   shared/react@19/react.js        the shell's React: React (CommonJS) as an ES module with its
 *                                   named exports (esmWrapper), served once for every MFE
 *   shared.json                     its exact version, for configure({ shared })
 *   mfes/<name>/mfe.js              counter.tsx bundled with esbuild, `react` left a bare import
 *                                   (sharedExternal: also where react-dom require()s it)
 *   mfes/legacy/vendor/react.js     the "legacy" MFE's own React, its `fallback`
 *   es-module-shims.js              for browsers without import maps added at run time (Firefox)
 *
 * With mfe-host/rollup, `mfe({ shared: { react: { singleton: true } } })` does what
 * `sharedExternal` does here for the MFE's own imports and writes `shared` into mfe.json. React
 * itself is CommonJS, so bundle it with esbuild and this plugin first (as demo/start.mjs does for
 * its releases), or use @rollup/plugin-commonjs.
 */
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { esmWrapper, sharedExternal } from './shared-external.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'build');
const require = createRequire(import.meta.url);

const common = {
  absWorkingDir: here,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  legalComments: 'none',
  define: { 'process.env.NODE_ENV': '"production"' },
  logLevel: 'warning',
};

// React's named exports, from its production build.
const names = Object.keys(require(join(dirname(require.resolve('react')), 'cjs', 'react.production.js')));
const react = { ...common, stdin: { contents: esmWrapper('react', names), resolveDir: here, loader: 'js', sourcefile: 'react.js' } };
const mfe = (name) => ({
  ...common,
  entryPoints: [join(here, 'counter.tsx')],
  outfile: join(out, 'mfes', name, 'mfe.js'),
  jsx: 'automatic',
  // `react` stays `import … from 'react'`: the page's import maps decide which copy it is.
  plugins: [sharedExternal(['react'])],
});

await Promise.all([
  build({ ...react, outfile: join(out, 'shared', 'react@19', 'react.js') }),
  build({ ...react, outfile: join(out, 'mfes', 'legacy', 'vendor', 'react.js') }),
  build(mfe('cart')),
  build(mfe('profile')),
  build(mfe('legacy')),
]);
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'shared.json'), JSON.stringify({ react: { version: require('react/package.json').version, url: './build/shared/react@19/react.js' } }, null, 2));
copyFileSync(require.resolve('es-module-shims'), join(out, 'es-module-shims.js'));
console.log(`demo/sharing: built into ${out}`);
