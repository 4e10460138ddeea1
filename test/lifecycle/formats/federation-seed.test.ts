/**
 * The seed's configuration end to end: a real shell host (`node dist/server/bin.js serve`, the
 * built server) with `MFE_REMOTES='{"billing":"http://127.0.0.1:PORT/mfe/billing/1.0.0/remoteEntry.js"}'`
 * (a plain URL: no `format`, no `version`) and the proxy on, in front of a static server of a real
 * webpack-built ES-module container; its page (`--static`) loads the built runtime
 * (dist/browser) and has one `<mfe-host name="billing">`. The servers are started per test by
 * test/fixtures/federation/routes.mjs; the page runs in an iframe on the shell's origin and
 * reports back with postMessage. Needs `npm run build` (dist/server, dist/browser).
 */
import { expect, fixture, html } from '@open-wc/testing';

interface Report {
  status: string;
  events: Array<{ type: string; entry: string; message?: string }>;
  manifest: Record<string, string | { entry: string; format?: string; version?: string }>;
  text: string | null;
  counter: string | null;
}
interface Started {
  id: string;
  /** The shell host's origin, e.g. http://127.0.0.1:40123. */
  shell: string;
  /** The billing service's entry URL, as MFE_REMOTES gives it. */
  upstream: string;
  error?: string;
}

const report = (origin: string): Promise<Report> =>
  new Promise((resolve) =>
    addEventListener('message', function on(e: MessageEvent) {
      if (e.origin !== origin || !e.data?.fedSeed) return;
      removeEventListener('message', on);
      resolve(e.data.fedSeed as Report);
    }),
  );

/** Starts the billing service (serving `container`) and the shell host in front of it. */
async function start(container = 'billing'): Promise<Started> {
  const res = await fetch(`/federation-shell/start?container=${container}`, { method: 'POST' });
  const started = (await res.json()) as Started;
  expect(res.status, started.error).to.equal(200);
  return started;
}

/** The shell's page in an iframe, and what it reported. */
async function visit(started: Started): Promise<Report> {
  const got = report(started.shell);
  await fixture(html`<iframe src=${`${started.shell}/index.html`}></iframe>`);
  return got;
}

/** The manifest's entry for billing, checked: same origin as the shell, proxied, no format. */
function entryOf(r: Report, started: Started): URL {
  const raw = r.manifest.billing!;
  const entry = typeof raw == 'string' ? raw : raw.entry;
  expect(typeof raw == 'string' ? undefined : raw.format, 'no format in the manifest').to.equal(undefined);
  const url = new URL(entry, started.shell);
  expect(url.origin).to.equal(started.shell);
  // Its version segment is read, not assumed: 1.0.0 once the server takes it from the URL, `_` before.
  expect(url.pathname).to.match(/^\/mfe\/billing\/[^/]+\/remoteEntry\.js$/);
  return url;
}

describe('a Module Federation remote configured as the seed does (MFE_REMOTES, a plain URL)', () => {
  it('shell host → /mfe-manifest.json → <mfe-host name="billing"> mounts the container\'s exposed module through the proxy', async function () {
    this.timeout(60_000);
    const started = await start();
    try {
      const r = await visit(started);
      const path = entryOf(r, started);

      expect(r.events.find((e) => e.type == 'mfe-error')?.message, 'no error').to.equal(undefined);
      expect(r.status).to.equal('mounted');
      expect(r.events.map((e) => e.type)).to.deep.equal(['mfe-loaded', 'mfe-mounted']);
      expect(r.events[1]!.entry, "the manifest's entry").to.equal(path.href);
      expect(r.text).to.equal('billing for ada');
      expect(r.counter, "the container's own shared counter (its share scope was initialised)").to.equal('1.2.0');

      // Every file came from the billing service through the shell's proxy: the entry and the
      // chunks of ./mount and of the shared package, at the service's own (versioned) paths.
      const { requests } = (await (await fetch(`/federation-shell/requests/${started.id}`)).json()) as { requests: string[] };
      expect(requests).to.include('/mfe/billing/1.0.0/remoteEntry.js');
      expect(requests.filter((p) => p.startsWith('/mfe/billing/1.0.0/chunks/')).length, 'chunks').to.be.greaterThan(0);
    } finally {
      await fetch(`/federation-shell/stop/${started.id}`, { method: 'POST' });
    }
  });

  it('a classic-script remoteEntry (library type "var") behind the shell: the error names the MFE, the URL and what to do', async function () {
    this.timeout(60_000);
    const started = await start('billing-var');
    try {
      const r = await visit(started);
      const path = entryOf(r, started);
      expect(r.status).to.equal('error');
      expect(r.text).to.equal(null);
      const error = r.events.find((e) => e.type == 'mfe-error')!;
      expect(error.entry).to.equal(path.href);
      expect(error.message).to.equal(
        `billing: ${path.href} load failed: does not export mount(): it exports nothing: a classic script, e.g. a Module Federation remoteEntry.js ` +
          'built with library type "var"? Build the container as an ES module (library: { type: "module" }), or set "format" to what the entry is',
      );
    } finally {
      await fetch(`/federation-shell/stop/${started.id}`, { method: 'POST' });
    }
  });
});
