/**
 * Error path only, loaded on demand: find the cause behind a browser's terse import failure
 * ("Importing a module script failed." in WebKit).
 */
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
