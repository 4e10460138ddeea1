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

describe('a Module Federation remote configured as the seed does (MFE_REMOTES, a plain URL)', () => {
  it('shell host → /mfe-manifest.json → <mfe-host name="billing"> mounts the container\'s exposed module through the proxy', async function () {
    this.timeout(60_000);
    const res = await fetch('/federation-shell/start', { method: 'POST' });
    const started = (await res.json()) as Started;
    expect(res.status, started.error).to.equal(200);
    try {
      const got = report(started.shell);
      await fixture(html`<iframe src=${`${started.shell}/index.html`}></iframe>`);
      const r = await got;

      // The manifest: a same-origin, proxied entry, with no format. Its version segment is read,
      // not assumed: 1.0.0 once the server takes it from the URL, `_` before.
      const raw = r.manifest.billing!;
      const entry = typeof raw == 'string' ? raw : raw.entry;
      expect(typeof raw == 'string' ? undefined : raw.format, 'no format in the manifest').to.equal(undefined);
      const path = new URL(entry, started.shell);
      expect(path.origin).to.equal(started.shell);
      expect(path.pathname).to.match(/^\/mfe\/billing\/[^/]+\/remoteEntry\.js$/);

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
});
