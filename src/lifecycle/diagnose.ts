/**
 * Error path only, loaded on demand: retries of an entry that failed to load, and the cause
 * behind a browser's terse import failure ("Importing a module script failed." in WebKit).
 */
import { describe } from './errors.js';
import { BadModule, type LoadedModule } from './load.js';

/**
 * `HTTP <status>` or `network error` when fetching `url` shows why; `''` when it now answers
 * fine (a transient failure: worth another try).
 */
export async function diagnose(url: string): Promise<string> {
  try {
    const res = await fetch(url, { cache: 'no-store' });
    return res.ok ? '' : `HTTP ${res.status}`;
  } catch {
    return 'network error';
  }
}

/**
 * The first load of `url` (`once(url)`) failed with `e`. A network failure or 5xx is tried
 * `retries` more times after `delay`, `2×delay`, … ms, each with `?mfe-retry=N` so the browser's
 * cache of the failed request is bypassed. A 4xx, a module that does not parse or lacks `mount`
 * is broken until reloaded: rejects with a `BadModule` that says why.
 */
export async function retry(url: string, e: unknown, once: (u: string) => Promise<LoadedModule>, retries: number, delay: number): Promise<LoadedModule> {
  for (let n = 0; ; n++) {
    if (e instanceof BadModule) throw e;
    // A failed fetch (not a parse or evaluation error): ask the server why.
    const network = e instanceof TypeError && /fetch|load|import/i.test(e.message);
    const why = network ? await diagnose(url) : '';
    if (n >= retries || !network || why.startsWith('HTTP 4')) throw new BadModule(why || describe(e), { cause: e });
    await new Promise((r) => setTimeout(r, delay * 2 ** n));
    try {
      return await once(`${url}${url.includes('?') ? '&' : '?'}mfe-retry=${n + 1}`);
    } catch (x) {
      e = x;
    }
  }
}
