/**
 * `integrity` (SRI, e.g. `sha384-…`) for MFE entries; loaded on demand, only for entries that
 * have one. `verify(url, integrity)` runs before the first `import()` of `url`:
 *
 * 1. Enforcement by the engine, so a tampered entry is never evaluated:
 *    - an import map `{"integrity": {url: hash}}` added to the page. The engine then checks
 *      the very bytes `import()` evaluates. Needs dynamic import maps (Chromium, WebKit; not
 *      Firefox, which ignores maps added after the first module) and, under a CSP without
 *      `'unsafe-inline'`, a nonce: it is copied from the page's first `<script nonce>`. Without
 *      one the map is blocked (one CSP violation report, then no further tries).
 *    - otherwise `<link rel="modulepreload" integrity>`, awaited: Chromium and Firefox check it
 *      and the following `import()` evaluates the checked copy (no second request). WebKit
 *      ignores `integrity` on modulepreload.
 * 2. In every engine, a check of the bytes the server sends: `fetch` + `crypto.subtle` digest
 *    (one extra request, usually answered by the HTTP cache; its result gives the error
 *    message). Where neither import maps nor modulepreload enforce (WebKit under a CSP without
 *    nonce), this is all there is: best effort, as the later `import()` fetches again and a
 *    server answering it differently is not caught.
 *
 * Only the entry module is verified, not the modules it imports. Outside a secure context
 * (no `crypto.subtle`) the check is `fetch(url, { integrity })`, which cannot tell a mismatch
 * from a network error. Several hashes may be given (space-separated): as in SRI, unknown
 * algorithms are ignored, the strongest algorithm present wins and any of its hashes may match.
 */
import { BadModule } from './load.js';

/** Base64 or base64url, without padding: how two hashes are compared. */
const norm = (h: string): string => h.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');

/** The hashes of the strongest algorithm in an SRI string; throws when none is usable. */
export function parse(integrity: string): string[] {
  const valid = integrity
    .split(/\s+/)
    .map((t) => t.replace(/\?.*/, ''))
    .filter((t) => /^sha(256|384|512)-[\w+/-]+={0,2}$/.test(t));
  if (!valid.length) throw new BadModule(`unsupported integrity "${integrity.trim().slice(0, 80)}"`);
  const best = valid.map((t) => t.slice(0, 6)).sort().at(-1)!; // sha256 < sha384 < sha512
  return valid.filter((t) => t.startsWith(best));
}

let maps: boolean | undefined;
let probes = 0;
const nonce = (): string => document.querySelector<HTMLScriptElement>('script[nonce]')?.nonce ?? '';

/**
 * Add an import map making the engine check `url` against `integrity`; true when the engine
 * took it (checked by resolving a specifier the same map defines).
 */
export function mapIntegrity(url: string, integrity: string): boolean {
  if (maps === false || !HTMLScriptElement.supports?.('importmap')) return false;
  const probe = `mfe-host-integrity-${++probes}`;
  const s = document.createElement('script');
  s.type = 'importmap';
  s.nonce = nonce();
  s.textContent = JSON.stringify({ imports: { [probe]: url }, integrity: { [url]: integrity } });
  document.head.append(s);
  s.remove(); // a map is read when inserted
  try {
    import.meta.resolve(probe);
    return (maps = true);
  } catch {
    return (maps = false);
  }
}

/** `<link rel="modulepreload" integrity>`: true once loaded (and checked, but in WebKit). */
const preload = (url: string, integrity: string): Promise<boolean> => {
  const l = Object.assign(document.createElement('link'), { rel: 'modulepreload', href: url, integrity, nonce: nonce() });
  document.head.append(l);
  return new Promise<boolean>((done) => {
    l.onload = () => done(true);
    l.onerror = () => done(false);
  }).finally(() => l.remove());
};

/** `alg-base64` digest of what the server sends for `url`. */
async function digest(url: string, alg: string): Promise<string> {
  const res = await fetch(url);
  // A TypeError, as for a failed import(): the loader's retry and diagnosis apply.
  if (!res.ok) throw new TypeError(`fetch failed: HTTP ${res.status}`);
  const hash = new Uint8Array(await crypto.subtle.digest(`SHA-${alg.slice(3)}`, await res.arrayBuffer()));
  return `${alg}-${btoa(String.fromCharCode(...hash))}`;
}

/**
 * Check `url` against `integrity` before its first `import()`, and make the engine enforce it
 * where it can. Rejects with a `BadModule` (`integrity mismatch: expected sha384-…, got
 * sha384-…` or `unsupported integrity "…"`), or with a `TypeError` when the entry could not be
 * fetched (`fetch failed: HTTP 503`, a network error).
 */
export async function verify(url: string, integrity: string): Promise<void> {
  const want = parse(integrity);
  const sri = want.join(' ');
  const expected = `integrity mismatch: expected ${want.join(' or ')}`;
  const [loaded, got] = await Promise.all([
    mapIntegrity(url, sri) || preload(url, sri),
    crypto.subtle
      ? digest(url, want[0]!.slice(0, 6))
      : fetch(url, { integrity: sri }).then(
          () => '',
          (e) => {
            throw new BadModule(`${expected} (or the fetch failed)`, { cause: e });
          },
        ),
  ]);
  if (got && !want.some((h) => norm(h.slice(7)) === norm(got.slice(7)))) throw new BadModule(`${expected}, got ${got}`);
  // The engine's own load failed or saw other bytes: worth another try, never an import.
  if (!loaded) throw new TypeError('fetch failed: the module script did not load with this integrity');
}
