#!/usr/bin/env node
// Runs the browser test suites (web-test-runner.config.mjs) in every engine, one after another:
// Chromium, Firefox ESR and WebKitGTK (MiniBrowser through WebKitWebDriver under Xvfb).
//
//   node test/browsers.mjs                                   # all engines, all test files
//   node test/browsers.mjs --files test/smoke.test.ts        # extra args go to web-test-runner
//   MFE_ENGINES=chromium,firefox node test/browsers.mjs      # choose engines
//
// Before any browser it runs test/fixtures/build.mjs if that exists. A missing engine is
// installed with apt-get when running as root on Debian; otherwise it is skipped with a hint
// (Chromium is required, and in CI (CI=true) every engine is). Ends with one line
// `browser tests: N passed, N failed[, N skipped]` and exits non-zero if anything failed.
//
// Env: MFE_ENGINES, CI, CHROMIUM_BIN, FIREFOX_BIN, MINIBROWSER_BIN, MFE_ENGINE_TIMEOUT_MS.
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CACHE = join(ROOT, '.cache');
const WTR_BIN = join(ROOT, 'node_modules', '@web', 'test-runner', 'dist', 'bin.js');
const CONFIG = join(ROOT, 'web-test-runner.config.mjs');
const FIXTURES_BUILD = join(ROOT, 'test', 'fixtures', 'build.mjs');
const IS_CI = /^(1|true|yes)$/i.test(process.env.CI ?? '');
const ENGINE_TIMEOUT_MS = Number(process.env.MFE_ENGINE_TIMEOUT_MS || 20 * 60_000);

const CHROMIUM_BIN = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
const FIREFOX_BIN = process.env.FIREFOX_BIN || '/usr/bin/firefox-esr';
const MINIBROWSER_BIN =
  process.env.MINIBROWSER_BIN || '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

/** @type {Record<string, { label: string, required: boolean, needs: { bin: string, pkg: string }[] }>} */
const ENGINES = {
  chromium: {
    label: 'Chromium',
    required: true,
    needs: [{ bin: CHROMIUM_BIN, pkg: 'chromium' }],
  },
  firefox: {
    label: 'Firefox ESR',
    required: false,
    needs: [{ bin: FIREFOX_BIN, pkg: 'firefox-esr' }],
  },
  webkit: {
    label: 'WebKitGTK',
    required: false,
    needs: [
      { bin: which('WebKitWebDriver') ?? '/usr/bin/WebKitWebDriver', pkg: 'webkit2gtk-driver' },
      { bin: MINIBROWSER_BIN, pkg: 'webkit2gtk-driver' },
      { bin: which('Xvfb') ?? '/usr/bin/Xvfb', pkg: 'xvfb' },
    ],
  },
};

// ---------------------------------------------------------------------------------------------
// helpers

function log(msg = '') {
  process.stdout.write(msg + '\n');
}

function which(cmd) {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (!dir) continue;
    const p = join(dir, cmd);
    if (isExecutable(p)) return p;
  }
  return null;
}

function isExecutable(p) {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function missingFor(engine) {
  return ENGINES[engine].needs.filter((n) => !isExecutable(n.bin));
}

function canApt() {
  return (
    existsSync('/etc/debian_version') &&
    typeof process.getuid === 'function' &&
    process.getuid() === 0 &&
    which('apt-get') !== null
  );
}

let aptUpdated = false;
function aptInstall(pkgs) {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!aptUpdated) {
    log('$ apt-get update');
    const r = spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
    if (r.status !== 0) return false;
    aptUpdated = true;
  }
  log(`$ apt-get install -y ${pkgs.join(' ')}`);
  const r = spawnSync('apt-get', ['install', '-y', ...pkgs], { stdio: 'inherit', env });
  return r.status === 0;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (srv.address());
      srv.close(() => resolve(port));
    });
  });
}

function tcpAnswers(port) {
  return new Promise((resolve) => {
    const sock = connect({ host: '127.0.0.1', port });
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

async function driverReady(port) {
  if (!(await tcpAnswers(port))) return false;
  try {
    const res = await fetch(`http://127.0.0.1:${port}/status`, { signal: AbortSignal.timeout(2000) });
    const body = await res.json();
    return res.ok && body?.value?.ready !== false;
  } catch {
    return false;
  }
}

const delay = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// processes we start (killed on exit, failure and signals)

/** @type {Set<import('node:child_process').ChildProcess>} */
const groups = new Set(); // detached children: killed with their whole process group
/** @type {import('node:child_process').ChildProcess | null} */
let currentRunner = null;
let interrupted = false;

/** Signals the whole process group of a detached child (e.g. MiniBrowser under the driver). */
function killGroup(child, signal = 'SIGTERM') {
  try {
    process.kill(-child.pid, signal);
  } catch {
    /* already gone */
  }
}

async function stopGroup(child) {
  if (!groups.has(child)) return;
  groups.delete(child);
  const exited =
    child.exitCode !== null || child.signalCode !== null
      ? Promise.resolve()
      : new Promise((r) => child.once('exit', r));
  killGroup(child, 'SIGTERM');
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
  killGroup(child, 'SIGKILL'); // leftovers in the group, if any
}

process.on('exit', () => {
  for (const child of groups) killGroup(child, 'SIGKILL');
});

// On a signal: stop the runner and the display/driver; main() then prints the summary and exits 130. A second signal exits at once.
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    if (interrupted) {
      for (const child of groups) killGroup(child, 'SIGKILL');
      currentRunner?.kill('SIGKILL');
      process.exit(130);
    }
    interrupted = true;
    log(`\n${sig}: stopping browser tests…`);
    const runner = currentRunner;
    if (runner && runner.exitCode === null) {
      runner.kill('SIGINT'); // (again, on Ctrl-C: wtr stops once)
      setTimeout(() => runner.kill('SIGKILL'), 10_000).unref();
    } else {
      // Not in a test run (starting Xvfb/the driver, installing): stop what we started.
      for (const child of [...groups]) void stopGroup(child);
    }
    setTimeout(() => process.exit(130), 30_000).unref();
  });
}

/** Starts Xvfb on a free display (Xvfb picks it: -displayfd) and returns ":N". */
async function startXvfb() {
  const xvfb = ENGINES.webkit.needs[2].bin;
  const child = spawn(
    xvfb,
    ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'],
    { detached: true, stdio: ['ignore', 'ignore', 'pipe', 'pipe'] },
  );
  groups.add(child);
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const display = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('Xvfb did not report a display within 15 s')), 15_000);
    child.stdio[3].on('data', (d) => {
      out += d;
      const m = /^(\d+)\n/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(`:${m[1]}`);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`Xvfb exited (${code ?? signal}) before it was ready:\n${stderr.trim()}`));
    });
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
  return { child, display };
}

/** Starts WebKitWebDriver on a free port with DISPLAY set; resolves once it answers /status. */
async function startWebKitDriver(display, tmp) {
  if (interrupted) throw new Error('interrupted');
  const driver = ENGINES.webkit.needs[0].bin;
  const port = await freePort();
  // Persistent (not per run), so GStreamer's plugin registry etc. are built only once.
  const xdg = join(CACHE, 'webkit');
  mkdirSync(join(xdg, 'cache'), { recursive: true });
  mkdirSync(join(xdg, 'data'), { recursive: true });
  const child = spawn(driver, [`--port=${port}`], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      DISPLAY: display,
      TMPDIR: tmpdirFor(tmp),
      XDG_CACHE_HOME: join(xdg, 'cache'),
      XDG_DATA_HOME: join(xdg, 'data'),
    },
  });
  groups.add(child);
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  let exited = null;
  child.once('exit', (code, signal) => (exited = code ?? signal));
  child.once('error', (err) => (exited = err.message));
  // Readiness polling: bounded number of attempts.
  for (let attempt = 0; attempt < 100; attempt++) {
    if (exited !== null) break;
    if (interrupted) break;
    if (await driverReady(port)) return { child, port, output: () => output };
    await delay(100);
  }
  throw new Error(
    `WebKitWebDriver did not become ready on port ${port}` +
      (exited !== null ? ` (exited: ${exited})` : '') +
      (output.trim() ? `:\n${output.trim()}` : ''),
  );
}

/** TMPDIR for browsers: inside .cache/ unless the path gets long enough to break unix sockets. */
function tmpdirFor(tmp) {
  const dir = join(tmp, 'tmp');
  if (dir.length > 70) return process.env.TMPDIR || '/tmp';
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Runs web-test-runner for one engine; resolves with the exit code and the counts. */
async function runWtr(engine, tmp, extraEnv, args) {
  if (interrupted) return { code: 130, counts: null };
  const resultsFile = join(tmp, `results-${engine}.json`);
  rmSync(resultsFile, { force: true });
  const child = spawn(process.execPath, [WTR_BIN, '--config', CONFIG, ...args], {
    cwd: ROOT,
    stdio: 'inherit',
    env: {
      ...process.env,
      ...extraEnv,
      MFE_BROWSER: engine,
      MFE_RESULTS_FILE: resultsFile,
      TMPDIR: tmpdirFor(tmp),
    },
  });
  currentRunner = child;
  const watchdog = setTimeout(() => {
    log(`\n${engine}: still running after ${ENGINE_TIMEOUT_MS / 1000} s, stopping it`);
    child.kill('SIGINT');
    setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
  }, ENGINE_TIMEOUT_MS);
  const code = await new Promise((resolve) => {
    child.once('exit', (c, s) => resolve(c ?? (s ? 1 : 0)));
    child.once('error', (err) => {
      log(`could not start web-test-runner: ${err.message}`);
      resolve(1);
    });
  });
  clearTimeout(watchdog);
  currentRunner = null;
  let counts = null;
  try {
    counts = JSON.parse(readFileSync(resultsFile, 'utf8'));
  } catch {
    /* runner failed before reporting */
  }
  return { code, counts };
}

// ---------------------------------------------------------------------------------------------
// main

async function main() {
  const args = process.argv.slice(2);
  const wanted = (process.env.MFE_ENGINES || 'chromium,firefox,webkit')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  const unknown = wanted.filter((e) => !(e in ENGINES));
  if (unknown.length || wanted.length === 0) {
    log(`MFE_ENGINES: unknown engine(s) ${unknown.join(', ') || '(none given)'}; use chromium,firefox,webkit`);
    return 2;
  }

  mkdirSync(CACHE, { recursive: true });
  // Per-run scratch directory (TMPDIR for the browsers' profiles, result files).
  const tmp = mkdtempSync(join(CACHE, 'browsers-'));

  try {
    if (existsSync(FIXTURES_BUILD)) {
      log(`$ node ${relative(ROOT, FIXTURES_BUILD)}`);
      const r = spawnSync(process.execPath, [FIXTURES_BUILD], { cwd: ROOT, stdio: 'inherit' });
      if (r.status !== 0) {
        log(`fixture build failed (exit ${r.status ?? r.signal}); not running browser tests`);
        log('browser tests: 0 passed, 1 failed');
        return 1;
      }
    }

    // Make sure the engines are there (installing them where we can).
    /** @type {Record<string, { status: 'run' | 'skipped' | 'missing', hint?: string }>} */
    const plan = {};
    for (const engine of wanted) {
      let missing = missingFor(engine);
      if (missing.length && canApt()) {
        const pkgs = [...new Set(missing.map((m) => m.pkg))];
        log(`${ENGINES[engine].label}: missing ${missing.map((m) => m.bin).join(', ')}; installing ${pkgs.join(' ')}`);
        aptInstall(pkgs);
        missing = missingFor(engine);
      }
      if (!missing.length) {
        plan[engine] = { status: 'run' };
        continue;
      }
      const pkgs = [...new Set(missing.map((m) => m.pkg))];
      const hint = `sudo apt-get update && sudo apt-get install -y ${pkgs.join(' ')}`;
      const fatal = ENGINES[engine].required || IS_CI;
      plan[engine] = { status: fatal ? 'missing' : 'skipped', hint };
      log(
        `${ENGINES[engine].label}: ${fatal ? 'MISSING (failure)' : 'SKIPPED'} — not found: ` +
          `${missing.map((m) => m.bin).join(', ')}\n  to get it: ${hint}`,
      );
    }

    /** @type {{ engine: string, passed: number, failed: number, skipped: number, seconds: number, note: string }[]} */
    const results = [];
    for (const engine of wanted) {
      if (interrupted) break;
      const { label } = ENGINES[engine];
      if (plan[engine].status !== 'run') {
        results.push({
          engine,
          passed: 0,
          failed: plan[engine].status === 'missing' ? 1 : 0,
          skipped: 0,
          seconds: 0,
          note: plan[engine].status === 'missing' ? 'not installed' : 'skipped, not installed',
        });
        continue;
      }
      log(`\n=== ${label} (${engine}) ===`);
      const started = Date.now();
      let xvfb = null;
      let driver = null;
      let outcome;
      try {
        const extraEnv = {};
        if (engine === 'webkit') {
          xvfb = await startXvfb();
          driver = await startWebKitDriver(xvfb.display, tmp);
          extraEnv.DISPLAY = xvfb.display;
          extraEnv.WEBKIT_DRIVER_PORT = String(driver.port);
          log(`Xvfb on ${xvfb.display}, WebKitWebDriver on port ${driver.port}`);
        }
        outcome = await runWtr(engine, tmp, extraEnv, args);
      } catch (err) {
        log(`${label}: ${err instanceof Error ? err.message : err}`);
        outcome = { code: 1, counts: null };
      } finally {
        if (driver) await stopGroup(driver.child);
        if (xvfb) await stopGroup(xvfb.child);
      }
      const seconds = (Date.now() - started) / 1000;
      const c = outcome.counts ?? { passed: 0, failed: 0, skipped: 0, fileErrors: 0 };
      let failed = c.failed;
      let note = c.fileErrors ? `${c.fileErrors} test file(s) failed to run` : '';
      if (outcome.code !== 0 && failed === 0) {
        failed = 1; // the runner failed without a failing test (start-up error, timeout, ...)
        note = `web-test-runner exited with ${outcome.code}`;
      }
      if (outcome.code === 0 && c.passed + c.failed === 0 && !interrupted) {
        failed += 1;
        note = 'no test ran';
      }
      results.push({ engine, passed: c.passed, failed, skipped: c.skipped, seconds, note });
    }

    log('\n=== browser test summary ===');
    for (const r of results) {
      const label = ENGINES[r.engine].label.padEnd(12);
      const time = r.seconds ? ` in ${r.seconds.toFixed(1)} s` : '';
      log(
        `${label} ${r.passed} passed, ${r.failed} failed` +
          (r.skipped ? `, ${r.skipped} skipped` : '') +
          time +
          (r.note ? ` (${r.note})` : ''),
      );
    }
    const total = results.reduce(
      (t, r) => ({ passed: t.passed + r.passed, failed: t.failed + r.failed, skipped: t.skipped + r.skipped }),
      { passed: 0, failed: 0, skipped: 0 },
    );
    const skippedEngines = results.filter((r) => plan[r.engine].status === 'skipped').map((r) => r.engine);
    if (skippedEngines.length) log(`engines skipped: ${skippedEngines.join(', ')}`);
    log(
      `browser tests: ${total.passed} passed, ${total.failed} failed` +
        (total.skipped ? `, ${total.skipped} skipped` : ''),
    );
    if (interrupted) return 130;
    return total.failed > 0 ? 1 : 0;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(err);
    process.exitCode = 1;
  },
);
