// End to end: `npm start`'s processes (demo/start.mjs: the shell host and three MFE services),
// driven in real Chromium through playwright-core, then shut down.
//
//   node test/e2e/run.mjs                 # what `npm test` runs (checks Chromium first)
//   node --test test/e2e/showcase.e2e.mjs
//
// Env: CHROMIUM_BIN (default /usr/bin/chromium), MFE_E2E_HEADED=1 to watch it.
// Screenshots go to .cache/e2e/. Every wait is on the page's own state (playwright's auto-waiting
// locators, waitForFunction) or the child's signals, each bounded; never a sleep.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { closed, within } from '../demo/_process.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SHOTS = `${ROOT}.cache/e2e`;
const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
/** Longest wait for one thing on the page. */
const WAIT = 15_000;

/** Starts `node demo/start.mjs` in its own process group; resolves with its URL once it prints it. */
async function startDemo() {
  const child = spawn(process.execPath, ['demo/start.mjs'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group: killed as a whole at the end
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
  const lines = createInterface({ input: child.stdout });
  const exited = once(child, 'close').then(([code, signal]) => ({ code, signal }));
  const first = once(lines, 'line').then(([line]) => line);
  const line = await within(200_000, 'waiting for the URL of demo/start.mjs (it builds dist/ first when stale)', Promise.race([
    first,
    exited.then(({ code, signal }) => {
      throw new Error(`demo/start.mjs exited before printing its URL (code ${code}, signal ${signal}):\n${stderr}`);
    }),
  ]));
  const match = /^mfe-host demo: (http:\/\/[^ ]+\/demo\/)$/.exec(line);
  assert.ok(match, `unexpected first line: ${JSON.stringify(line)}`);
  return { child, url: match[1], exited, stderr: () => stderr };
}

const portOf = (url) => Number(new URL(url).port);

test('npm start: the showcase in Chromium, end to end', { timeout: 300_000 }, async (t) => {
  mkdirSync(SHOTS, { recursive: true });
  const started = performance.now();
  const demo = await startDemo();
  t.after(() => {
    // Whatever failed: never leave the servers behind.
    if (demo.child.exitCode === null && demo.child.signalCode === null) {
      try {
        process.kill(-demo.child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
  t.diagnostic(`demo/start.mjs ready in ${Math.round(performance.now() - started)} ms at ${demo.url}`);

  const services = await (await fetch(new URL('services.json', demo.url))).json();
  assert.deepEqual(services.map((s) => s.name).sort(), ['billing', 'header', 'inventory'], 'three MFE services');
  const ports = [portOf(demo.url), ...services.map((s) => portOf(s.url))];
  assert.equal(new Set(ports).size, 4, 'the shell and each service on a port of its own');

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: process.env.MFE_E2E_HEADED !== '1',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update'],
  });
  t.after(() => browser.close());

  /** Uncaught errors in any page: there must be none. */
  const pageErrors = [];
  const open = async (context, url = demo.url) => {
    const page = await context.newPage();
    page.setDefaultTimeout(WAIT);
    page.on('pageerror', (e) => pageErrors.push(`${page.url()}: ${e.message}`));
    await page.goto(url);
    return page;
  };
  /** Waits until every <mfe-host> on the page has settled (mounted or failed); returns name → status. */
  const settled = async (page) => {
    await page.waitForFunction(
      () => {
        const hosts = [...document.querySelectorAll('mfe-host')];
        return hosts.length > 0 && hosts.every((h) => ['mounted', 'error'].includes(h.getAttribute('status') ?? ''));
      },
      null,
      { timeout: WAIT },
    );
    return page.evaluate(() => Object.fromEntries([...document.querySelectorAll('mfe-host')].map((h) => [h.getAttribute('name') ?? h.dataset.label, h.getAttribute('status')])));
  };
  /** Waits until `locator`'s text matches `pattern`. */
  const hasText = (locator, pattern) => locator.filter({ hasText: pattern }).first().waitFor();

  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  const page = await open(context);

  await t.test('every MFE settles: the framework MFEs and the legacy page mount, the broken ones fail', async () => {
    const statuses = await settled(page);
    assert.deepEqual(statuses, {
      header: 'mounted',
      billing: 'mounted',
      inventory: 'mounted',
      legacy: 'mounted',
      recommendations: 'error',
      reviews: 'error',
    });
    // Every MFE came through the shell host's proxy, on the page's own origin.
    const entries = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name).filter((n) => n.includes('/mfe/')));
    for (const name of ['header', 'billing', 'inventory']) {
      assert.ok(entries.some((e) => e.startsWith(new URL(`/mfe/${name}/`, demo.url).href)), `${name} loaded from /mfe/${name}/…`);
    }
    await page.screenshot({ path: `${SHOTS}/shell.png`, fullPage: true });
  });

  const header = page.locator('mfe-host[name="header"]');
  const badge = header.locator('.badge');

  await t.test('header (lit): title, signed-in user, empty cart', async () => {
    assert.equal(await header.locator('.title').textContent(), 'Acme Commerce');
    assert.equal(await header.locator('.name').textContent(), 'Ada Lovelace');
    assert.equal((await badge.textContent()).trim(), '0');
    assert.equal(await header.locator('button.auth').getAttribute('data-action'), 'log-out');
  });

  const billing = page.locator('mfe-host[name="billing"]');

  await t.test('billing (React 19): props from the shell, its own state, locale through the shared context', async () => {
    await hasText(billing.locator('tbody tr'), 'INV-1046');
    assert.equal(await billing.locator('tbody tr').count(), 5);
    // Host → MFE: new props.
    await page.locator('#add-invoice').click();
    await hasText(billing.locator('tbody tr').first(), 'INV-1047');
    assert.equal(await billing.locator('tbody tr').count(), 6);
    // The MFE's own state (a filter tab) survives updates.
    await billing.locator('.tab', { hasText: 'Unpaid' }).click();
    await page.waitForFunction(() => {
      const rows = document.querySelector('mfe-host[name="billing"]')?.shadowRoot?.querySelectorAll('tbody tr');
      return rows?.length === 4;
    });
    await page.locator('#add-invoice').click();
    await hasText(billing.locator('tbody tr').first(), 'INV-1048');
    assert.equal(await billing.locator('.tab.on').textContent(), 'Unpaid');
    // MFE → host → every MFE: the locale button asks the shell, which calls setContext.
    await billing.locator('.locale-btn').click();
    await hasText(header.locator('.locale'), /^DE$/);
    await hasText(billing.locator('.title'), 'Rechnungen');
    await hasText(page.locator('mfe-host[name="inventory"] .title'), 'Produkte');
    assert.match(await page.locator('#ctx-locale').textContent(), /^de/);
    // Back to English (en → de → fr → en).
    await billing.locator('.locale-btn').click();
    await hasText(header.locator('.locale'), /^FR$/);
    await billing.locator('.locale-btn').click();
    await hasText(header.locator('.locale'), /^EN$/);
  });

  const inventory = page.locator('mfe-host[name="inventory"]');
  const legacy = page.locator('mfe-host[data-label="legacy"]');

  await t.test('inventory (Vue 3) → bus → the header badge, the shell and the legacy page', async () => {
    await inventory.locator('button.add[data-product="p-lamp"]').click();
    await hasText(badge, /^\s*1\s*$/);
    await inventory.locator('button.add[data-product="p-phones"]').click();
    await hasText(badge, /^\s*2\s*$/);
    await hasText(page.locator('#ctx-cart'), /^2$/);
    await hasText(page.locator('#event-log li'), 'cart:add-item p-phones ×1 from inventory');
    // The legacy page hears the bus as plain window events.
    await hasText(legacy.locator('#desk-cart'), /^2$/);
    // An item that is out of stock cannot be added.
    assert.equal(await inventory.locator('button.add[data-product="p-note"]').isDisabled(), true);
  });

  await t.test('legacy section (HTML entry, jQuery): its markup, styles and scripts work inside the shell', async () => {
    assert.match(await legacy.locator('.desk-title').textContent(), /Support desk/);
    // Its own stylesheet applies inside its shadow root, and not to the shell.
    const font = await legacy.locator('.desk-title').evaluate((el) => getComputedStyle(el).fontFamily);
    assert.match(font, /Georgia/);
    assert.doesNotMatch(await page.locator('h1').evaluate((el) => getComputedStyle(el).fontFamily), /Georgia/);
    // jQuery handlers bound on the page's own elements: file a ticket.
    await legacy.locator('#ticket-subject').fill('Cart badge is too small');
    await legacy.locator('#ticket-submit').click();
    await hasText(legacy.locator('#ticket-list li').first(), 'Cart badge is too small');
    assert.equal(await legacy.locator('#ticket-subject').inputValue(), '');
    // Its plain `window` CustomEvent reaches the bus.
    await hasText(page.locator('#event-log li'), /support:ticket #1042 .Cart badge is too small. from the legacy page/);
  });

  await t.test('a failing MFE degrades gracefully: its fallback content stays, status="error"', async () => {
    const recommendations = page.locator('mfe-host[name="recommendations"]');
    assert.equal(await recommendations.getAttribute('status'), 'error');
    assert.equal(await recommendations.locator('.bestsellers').isVisible(), true, 'server-rendered fallback shown');
    assert.equal(await recommendations.locator('.bestsellers li').count(), 3);
    await hasText(page.locator('#degrade-reason'), /recommendations: .*\/mfe\/recommendations\/0\.1\.0\/recommendations\.js load failed: HTTP 404/);
    // The error slot of the other failing element, and its retry.
    const reviews = page.locator('#reviews');
    assert.equal(await reviews.locator('.slot-error').isVisible(), true);
    assert.equal(await reviews.locator('.slot-loading').isVisible(), false);
  });

  await t.test('devtools (lit): every MFE with name, version, entry, status and timing; the bus log', async () => {
    const devtools = page.locator('mfe-devtools');
    await devtools.locator('button.pill').click();
    const rows = devtools.locator('tr.mfe');
    await hasText(rows, 'recommendations');
    const table = await rows.evaluateAll((trs) =>
      trs.map((tr) => ({
        name: tr.querySelector('.name')?.textContent?.trim(),
        version: tr.querySelector('.version')?.textContent?.trim(),
        entry: tr.querySelector('.entry')?.getAttribute('title'),
        status: tr.querySelector('.status')?.textContent?.trim(),
        timing: tr.querySelector('.timing')?.textContent?.trim(),
      })),
    );
    const row = (name) => table.find((r) => r.name === name);
    const variant = await page.locator('#canary-bar').getAttribute('data-variant');
    const expected = { header: '2.3.0', billing: variant === 'canary' ? '2.0.0-beta.1' : '1.4.2', inventory: '0.9.1' };
    for (const [name, version] of Object.entries(expected)) {
      const r = row(name);
      assert.ok(r, `devtools lists ${name}: ${JSON.stringify(table)}`);
      assert.equal(r.version, version, `${name} version`);
      assert.equal(r.status, 'mounted', `${name} status`);
      assert.match(r.entry, new RegExp(`/mfe/${name}/${version.replace(/\./g, '\\.')}/${name}-[\\w-]+\\.js$`), `${name} entry`);
      assert.match(r.timing, /\d/, `${name} mount timing`);
    }
    assert.equal(row('recommendations')?.status, 'error');
    assert.ok(table.some((r) => r.status === 'mounted' && /legacy/.test(r.entry ?? '')), 'the legacy page is listed');
    // Bus events seen so far: the cart, the legacy ticket.
    const bus = devtools.locator('section.bus');
    await hasText(bus.locator('li'), 'cart:add-item');
    await hasText(bus.locator('li'), 'support:ticket');
    await page.screenshot({ path: `${SHOTS}/devtools.png` });
    await devtools.locator('button.collapse').click();
  });

  await t.test('canary: sticky per user, marked in the MFE, forced with ?mfe-override', async () => {
    const bar = page.locator('#canary-bar');
    await page.waitForFunction(() => document.querySelector('#canary-bar')?.hasAttribute('data-variant'));
    const variant = await bar.getAttribute('data-variant');
    assert.ok(['stable', 'canary'].includes(variant), variant);
    assert.equal(await billing.locator('section.billing').getAttribute('data-variant'), variant, 'the shell and the MFE agree');
    assert.equal(await billing.locator('.canary').count(), variant === 'canary' ? 1 : 0, 'only the canary is marked');
    const version = variant === 'canary' ? '2.0.0-beta.1' : '1.4.2';
    await hasText(page.locator('[data-version-for="billing"]'), `v${version}`);

    // The same user gets the same release on every visit (sticky), here through ?user=.
    const user = await page.evaluate(() => localStorage.getItem('acme-user-id'));
    const again = await open(context, `${demo.url}?user=${encodeURIComponent(user)}`);
    await settled(again);
    await again.waitForFunction(() => document.querySelector('#canary-bar')?.hasAttribute('data-variant'));
    assert.equal(await again.locator('#canary-bar').getAttribute('data-variant'), variant);
    await again.close();

    // "Try the canary": ?mfe-override=billing=<the canary's entry> (allowOverrides is on in this shell).
    const force = await page.locator('#canary-force').getAttribute('href');
    assert.match(force, /mfe-override=billing%3D%2Fmfe%2Fbilling%2F2\.0\.0-beta\.1%2Fbilling-[\w-]+\.js/);
    const forced = await open(context, force);
    await settled(forced);
    const forcedBilling = forced.locator('mfe-host[name="billing"]');
    await hasText(forcedBilling.locator('.canary'), /canary/i);
    assert.equal(await forcedBilling.locator('section.billing').getAttribute('data-variant'), 'canary');
    assert.equal(await forcedBilling.locator('.meter').isVisible(), true, 'the canary’s new meter');
    await hasText(forced.locator('#canary-text'), 'You forced 2.0.0-beta.1');
    await forced.screenshot({ path: `${SHOTS}/canary.png` });
    await forced.close();
  });

  await t.test('cross-tab logout: two pages, log out in one, both sign out (BroadcastChannel)', async () => {
    const tabs = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const a = await open(tabs);
      const b = await open(tabs);
      await Promise.all([settled(a), settled(b)]);
      // Each tab has heard the other over the channel: both ends are open.
      await Promise.all([hasText(a.locator('#ctx-tabs'), /^2$/), hasText(b.locator('#ctx-tabs'), /^2$/)]);
      const auth = (p) => p.locator('mfe-host[name="header"] button.auth');
      assert.equal(await auth(a).getAttribute('data-action'), 'log-out');
      assert.equal(await auth(b).getAttribute('data-action'), 'log-out');

      await auth(a).click();
      for (const p of [a, b]) {
        await p.locator('mfe-host[name="header"] button.auth[data-action="log-in"]').waitFor();
        await hasText(p.locator('mfe-host[name="header"] .name'), 'Signed out');
        await hasText(p.locator('#ctx-user'), 'signed out');
        await hasText(p.locator('mfe-host[data-label="legacy"] #desk-session'), 'signed out');
      }
      await hasText(b.locator('#event-log li'), 'auth:logout from another tab');
      await b.screenshot({ path: `${SHOTS}/cross-tab-logout.png` });

      // And back: log in from the other tab.
      await auth(b).click();
      for (const p of [a, b]) await hasText(p.locator('mfe-host[name="header"] .name'), 'Ada Lovelace');
      await hasText(a.locator('#event-log li'), 'auth:login from another tab');
    } finally {
      await tabs.close();
    }
  });

  await t.test('the other demos work under npm start too: routed (deep link), strangler fig, quick start', async () => {
    const expected = {
      'routed/explore/orders/7?tab=items': { header: 'mounted', 'route-info': 'mounted' },
      'strangler/': { deals: 'mounted', stores: 'mounted', reviews: 'mounted', picks: 'error' },
      'quickstart/': { hello: 'mounted', src1: 'mounted', src2: 'error' },
    };
    for (const [path, statuses] of Object.entries(expected)) {
      const p = await open(context, new URL(path, demo.url).href);
      await settled(p);
      const got = await p.evaluate(() =>
        Object.fromEntries([...document.querySelectorAll('mfe-host')].map((h, i) => [h.getAttribute('name') ?? (h.id || `src${i}`), h.getAttribute('status')])),
      );
      assert.deepEqual(got, statuses, path);
      await p.close();
    }
  });

  await context.close();
  assert.deepEqual(pageErrors, [], 'no uncaught errors in the pages');

  await t.test('everything shuts down: SIGTERM to the process group, exit 0, every port closed', async () => {
    process.kill(-demo.child.pid, 'SIGTERM');
    const { code, signal } = await within(5_000, 'waiting for demo/start.mjs to stop', demo.exited);
    assert.equal(code, 0, `exit code ${code}, signal ${signal}; stderr:\n${demo.stderr()}`);
    for (const port of ports) assert.equal(await closed(port), true, `port ${port} is closed`);
  });
  t.diagnostic(`total ${Math.round(performance.now() - started)} ms`);
});
