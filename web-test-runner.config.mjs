// web-test-runner config for mfe-host's browser tests.
//
// One engine per run, chosen by MFE_BROWSER = chromium (default) | firefox | webkit.
// Usually run through `node test/browsers.mjs` (= `npm run test:browser`), which runs every
// engine in turn and starts Xvfb + WebKitWebDriver for webkit:
//   MFE_ENGINES=firefox node test/browsers.mjs --files test/smoke.test.ts
// Directly (chromium/firefox need nothing else running):
//   MFE_BROWSER=firefox npx wtr --config web-test-runner.config.mjs --files test/smoke.test.ts
//   MFE_BROWSER=webkit WEBKIT_DRIVER_PORT=4444 npx wtr ...   (with WebKitWebDriver --port=4444
//                                                             running under an X display)
//
// Env:
//   MFE_BROWSER          chromium | firefox | webkit
//   WEBKIT_DRIVER_PORT   port of a running WebKitWebDriver (webkit only; default 4444)
//   MFE_CONCURRENCY      test files run at once (default 1, see below)
//   MFE_RESULTS_FILE     if set, JSON { engine, passed, failed, skipped, fileErrors, files } is
//                        written there (test/browsers.mjs reads it)
//   CHROMIUM_BIN / FIREFOX_BIN / MINIBROWSER_BIN   override the Debian binary paths
//
// The dev server also answers the test routes of test/server-routes.mjs (/flaky, /hang,
// /status, /count, /count-of, /manifest-seq).
import { existsSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { defaultReporter } from '@web/test-runner';
import { chromeLauncher } from '@web/test-runner-chrome';
import { webdriverLauncher } from '@web/test-runner-webdriver';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import puppeteer from 'puppeteer-core';
import { testRoutes } from './test/server-routes.mjs';

/** Every test/fixtures/<area>/routes.mjs: a koa middleware (default export) that area's tests need. */
const fixturesDir = new URL('./test/fixtures/', import.meta.url);
const areaRoutes = [];
for (const area of readdirSync(fixturesDir, { withFileTypes: true })) {
  const file = new URL(`${area.name}/routes.mjs`, fixturesDir);
  if (area.isDirectory() && existsSync(file)) areaRoutes.push((await import(pathToFileURL(file.pathname).href)).default);
}

const engine = (process.env.MFE_BROWSER || 'chromium').toLowerCase();

const CHROMIUM_BIN = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
const FIREFOX_BIN = process.env.FIREFOX_BIN || '/usr/bin/firefox-esr';
const MINIBROWSER_BIN =
  process.env.MINIBROWSER_BIN || '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

function browserFor(name) {
  switch (name) {
    case 'chromium':
      return chromeLauncher({
        launchOptions: {
          executablePath: CHROMIUM_BIN,
          // puppeteer 24 turns `headless: true` into --headless=new itself.
          headless: true,
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-dev-shm-usage',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--no-first-run',
          ],
        },
      });
    case 'firefox':
      return chromeLauncher({
        puppeteer,
        launchOptions: {
          browser: 'firefox',
          executablePath: FIREFOX_BIN,
          headless: true,
        },
        // Debian's Firefox ESR 140 has no WebDriver BiDi `emulation.setScreenOrientationOverride`,
        // which puppeteer-core 24's setViewport sends for every test page ("unknown command"):
        // tolerate that one command's failure, nothing else (newer ESRs accept it).
        async createPage({ browser }) {
          const page = await browser.newPage();
          const setViewport = page.setViewport.bind(page);
          page.setViewport = async (viewport) => {
            try {
              await setViewport(viewport);
            } catch (err) {
              if (!/setScreenOrientationOverride/.test(String(err?.message))) throw err;
            }
          };
          return page;
        },
      });
    case 'webkit': {
      const port = Number(process.env.WEBKIT_DRIVER_PORT || 4444);
      return webdriverLauncher({
        hostname: '127.0.0.1',
        port,
        protocol: 'http',
        path: '/',
        logLevel: 'error',
        capabilities: {
          // WebKitWebDriver reports browserName "MiniBrowser". webdriverio 9 asks for a BiDi
          // session (webSocketUrl: true) whenever browserName is set, which WebKitWebDriver 2.50
          // refuses ("Failed to match capabilities"): enforce classic WebDriver.
          browserName: 'MiniBrowser',
          'wdio:enforceWebDriverClassic': true,
          'webkitgtk:browserOptions': {
            binary: MINIBROWSER_BIN,
            args: ['--automation'],
          },
        },
      });
    }
    default:
      throw new Error(`MFE_BROWSER must be chromium, firefox or webkit (got "${name}")`);
  }
}

/** Counts results per engine and writes them to MFE_RESULTS_FILE for test/browsers.mjs. */
function countsReporter() {
  const file = process.env.MFE_RESULTS_FILE;
  let sessionsRef;
  function count(sessions) {
    const totals = { engine, passed: 0, failed: 0, skipped: 0, fileErrors: 0, files: 0 };
    function walk(suite) {
      if (!suite) return { failed: 0 };
      let failed = 0;
      for (const t of suite.tests ?? []) {
        if (t.skipped) totals.skipped++;
        else if (t.passed) totals.passed++;
        else {
          totals.failed++;
          failed++;
        }
      }
      for (const s of suite.suites ?? []) failed += walk(s).failed;
      return { failed };
    }
    for (const session of sessions) {
      totals.files++;
      const { failed } = walk(session.testResults);
      // A file that failed without a failing test (did not load, uncaught error, timed
      // out, ...) counts as one failure so it can't go unnoticed.
      if (session.passed === false && failed === 0) {
        totals.failed++;
        totals.fileErrors++;
      }
    }
    return totals;
  }
  function write(sessions) {
    if (!file) return;
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(count(sessions)) + '\n');
  }
  return {
    start({ sessions }) {
      sessionsRef = sessions;
    },
    onTestRunFinished({ sessions }) {
      write(sessions);
    },
    stop() {
      // Also covers runs stopped early (e.g. testsFinishTimeout).
      if (sessionsRef) write([...sessionsRef.all()]);
    },
  };
}

export default {
  // The router's tests walk the session history (history.back/forward). Chromium reuses one page
  // for test file after test file, and caps a page's session history at 50 entries, pruning old
  // pushState entries: late in a long run, a back() then lands on an earlier file's document
  // (about:blank) and the session dies. Run that file first, while the history is short.
  files: ['test/routing/router.test.ts', 'test/**/*.test.ts', '!test/server/**', '!test/node/**', '!**/node_modules/**'],
  nodeResolve: true,
  plugins: [
    esbuildPlugin({
      ts: true,
      target: 'es2022',
      // With a string target the plugin also pipes every .js file (fixtures, node_modules)
      // through esbuild: slower, rewrites the fixtures, and turns a deliberately broken
      // fixture (syntax-error.js) into a 500. An own '.js' key without a loader turns that off;
      // .js is served as written (bare imports are still resolved by nodeResolve).
      loaders: { '.js': undefined },
    }),
  ],
  middleware: [testRoutes(), ...areaRoutes],
  browsers: [browserFor(engine)],
  // One test file at a time. With more, every page but the focused one is a hidden tab
  // (document.visibilityState 'hidden'): Chromium then never runs requestAnimationFrame, so
  // anything waiting on a frame stalls, and Firefox runs slower. WebKit through WebDriver needs
  // 1 anyway. On 2 cores concurrency 1 was also the fastest. MFE_CONCURRENCY overrides.
  concurrency: Number(process.env.MFE_CONCURRENCY) || 1,
  concurrentBrowsers: 1,
  browserStartTimeout: 60_000,
  testsStartTimeout: 60_000,
  testsFinishTimeout: 180_000,
  testFramework: {
    config: {
      timeout: 10_000,
    },
  },
  // @open-wc/testing pulls in lit, which announces its dev build in every test file.
  filterBrowserLogs: ({ args }) => !(typeof args[0] === 'string' && args[0].startsWith('Lit is in dev mode')),
  reporters: [defaultReporter(), countsReporter()],
};
