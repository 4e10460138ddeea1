/**
 * Error path only, loaded on demand: find the cause behind a browser's terse import failure
 * ("Importing a module script failed." in WebKit).
 */
/** `HTTP <status>` or `network error` when fetching `url` shows why; otherwise undefined. */
export async function diagnose(url: string): Promise<string | undefined> {
  try {
    const res = await fetch(url, { cache: 'no-store' });
    if (!res.ok) return `HTTP ${res.status}`;
  } catch {
    return 'network error';
  }
}
