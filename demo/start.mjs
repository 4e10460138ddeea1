#!/usr/bin/env node
/**
 * `npm start`: bundles the demo MFEs (demo/mfes/*) with esbuild into demo/build/<name>.js, then
 * serves the project root with @web/dev-server, so demo/index.html can load the runtime straight
 * from /src/index.ts. Prints one line, the demo's URL, and runs until Ctrl-C / SIGTERM.
 *
 *   npm start                      # http://127.0.0.1:8080/demo/
 *   PORT=0 npm start               # any free port (the printed URL has the real one)
 *   HOST=0.0.0.0 PORT=3000 npm start
 *
 * Stops on SIGINT / SIGTERM, or when the process that started it (e.g. npm) goes away.
 * Exit codes: 0 after a clean stop, 1 when the build or the server fails, 2 for a bad PORT.
 */
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { isIPv6 } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DEMO = join(ROOT, 'demo');
const OUT = join(DEMO, 'build');

/** Remote name (the bundle's base name, as in the shell's `configure({ remotes })`) → source. */
const MFES = {
  header: 'mfes/header.ts', // lit
  billing: 'mfes/billing.tsx', // React 19
  inventory: 'mfes/inventory.ts', // Vue 3
  'route-info': 'routed/mfes/route-info.ts', // vanilla, for the routed demo (/demo/routed/)
};

/** One self-contained ES module per MFE, each with its own copy of its framework. */
async function buildMfes() {
  await build({
    absWorkingDir: DEMO,
    entryPoints: Object.entries(MFES).map(([out, src]) => ({ in: join(DEMO, src), out })),
    outdir: OUT,
    bundle: true,
    splitting: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    sourcemap: 'linked',
    legalComments: 'none',
    jsx: 'automatic',
    define: {
      'process.env.NODE_ENV': '"production"',
      // Vue's esm-bundler build expects these compile-time flags.
      __VUE_OPTIONS_API__: 'true',
      __VUE_PROD_DEVTOOLS__: 'false',
      __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    },
    logLevel: 'silent',
  });
}

/**
 * SPA fallback for the routed demo only: a GET/HEAD under /demo/routed/ whose path is not a file
 * and has no extension (a deep link such as /demo/routed/billing/invoices/42) is answered with
 * /demo/routed/index.html, so the router in the page can take it from there. Missing files
 * (`…/missing.js`) still get their 404.
 */
async function routedFallback(ctx, next) {
  const { path } = ctx;
  if ((ctx.method === 'GET' || ctx.method === 'HEAD') && path.startsWith('/demo/routed/') && !/\.[^/]*$/.test(path)) {
    let file;
    try {
      file = await stat(join(ROOT, decodeURIComponent(path)));
    } catch {
      // no such file (or an undecodable path): a route
    }
    if (!file?.isFile() && !file?.isDirectory()) ctx.path = '/demo/routed/index.html';
  }
  return next();
}

/** `PORT` as a TCP port number (0: any free port). */
function portFrom(value) {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) {
    console.error(`mfe-host demo: PORT must be a number from 0 to 65535 (got "${value}")`);
    process.exit(2);
  }
  return port;
}

/** The URL a browser on this machine can open for a server bound to `host`. */
function urlFor(host, port) {
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${isIPv6(reachable) ? `[${reachable}]` : reachable}:${port}/demo/`;
}

async function main() {
  const host = process.env.HOST || '127.0.0.1';
  const port = portFrom(process.env.PORT || '8080');

  try {
    await buildMfes();
  } catch (error) {
    for (const e of error.errors ?? [{ text: error.message }]) {
      console.error(`mfe-host demo: build failed: ${e.location ? `${e.location.file}:${e.location.line}: ` : ''}${e.text}`);
    }
    process.exit(1);
  }

  // The dev server runs in middleware mode on our own HTTP server: its own listen() binds every
  // interface when asked for 127.0.0.1 or localhost, and this one binds exactly HOST.
  const http = createServer();
  const [{ startDevServer }, { esbuildPlugin }] = await Promise.all([import('@web/dev-server'), import('@web/dev-server-esbuild')]);
  const devServer = await startDevServer({
    config: {
      rootDir: ROOT,
      hostname: host,
      port,
      nodeResolve: true,
      plugins: [
        esbuildPlugin({
          ts: true,
          target: 'es2022',
          // As in web-test-runner.config.mjs: with a string target the plugin would also run every
          // .js file (the MFE bundles, node_modules) through esbuild again, adding an inline source
          // map (a 230 kB bundle is served as 1 MB). Bundles are built for es2022 already.
          loaders: { '.js': undefined },
        }),
      ],
      middleware: [
        // `/` and `/demo` → `/demo/`, so relative URLs in the page resolve under /demo/.
        (ctx, next) => (ctx.path === '/' || ctx.path === '/demo' ? ctx.redirect('/demo/') : next()),
        routedFallback,
      ],
      middlewareMode: true,
      disableFileWatcher: true,
      watch: false,
    },
    readCliArgs: false,
    readFileConfig: false,
    autoExitProcess: false,
    logStartMessage: false,
  });
  http.on('request', devServer.koaApp.callback());

  await new Promise((resolve, reject) => {
    http.once('error', reject);
    http.listen({ host, port }, () => {
      http.off('error', reject);
      resolve();
    });
  }).catch((error) => {
    console.error(`mfe-host demo: cannot listen on ${host}:${port}: ${error.message}`);
    process.exit(1);
  });

  const address = http.address();
  console.log(`mfe-host demo: ${urlFor(host, typeof address === 'object' && address ? address.port : port)}`);

  let stopping = false;
  const stop = async () => {
    if (stopping) process.exit(130); // a second Ctrl-C: don't wait any longer
    stopping = true;
    setTimeout(() => {
      console.error('mfe-host demo: did not stop within 3 s');
      process.exit(1);
    }, 3000).unref();
    const closed = new Promise((resolve) => http.close(resolve));
    http.closeAllConnections(); // idle keep-alive sockets would hold close() open
    await Promise.all([closed, devServer.stop()]);
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // `kill <pid of npm>`: npm exits, and the `sh -c` it ran the script with dies without passing
  // SIGTERM on, which would leave this server running (and holding the port). Stop when the
  // process that started us goes away. (Ctrl-C reaches the whole process group: no issue there.)
  const parent = process.ppid;
  if (parent > 1) {
    const watch = setInterval(() => {
      if (process.ppid === parent) return;
      clearInterval(watch);
      if (!stopping) stop();
    }, 500).unref();
  }
}

await main();
