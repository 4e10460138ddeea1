/// <reference types="node" preserve="true" />
/**
 * Remotes published as manifest documents: the `mfe.json` that `mfe-host/rollup` writes beside
 * each build (URLs relative to it), or another shell's `/mfe-manifest.json`. Fetched once, their
 * URLs made absolute against the document's own URL (as the browser resolves them), so the
 * result can go to `loadRemotes({ remotes })` or be merged under configured remotes.
 */
import type { RemoteEntry } from './remotes.js';

/** Options of {@link fetchManifests}. */
export interface FetchManifestsOptions {
  /** Milliseconds allowed per document. Default 10000. */
  timeout?: number;
}

/**
 * Fetches manifest documents (all at once) and merges their entries, later URL wins per name.
 * Entry, fallback, style and canary URLs are resolved against each document's final URL; other
 * fields are passed on as they are (`loadRemotes` validates them).
 *
 * @throws Error listing every document that failed, each with its URL and why (unreachable,
 *   timeout, HTTP status, not JSON, not a JSON object).
 */
export async function fetchManifests(urls: readonly string[], options: FetchManifestsOptions = {}): Promise<Record<string, unknown>> {
  const timeout = options.timeout ?? 10_000;
  // In the order given, whichever answers first.
  const problems: (string | undefined)[] = [];
  const docs = await Promise.all(
    urls.map(async (url, i) => {
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(timeout), headers: { accept: 'application/json' } });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        const json: unknown = JSON.parse(await res.text());
        if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error('not a JSON object of remotes (name → entry)');
        return { base: res.url || url, json: json as Record<string, unknown> };
      } catch (err) {
        const e = err as Error;
        const why = e.name === 'TimeoutError' ? `timed out after ${timeout} ms` : `${e.message}${e.cause instanceof Error ? ` (${e.cause.message})` : ''}`;
        problems[i] = `${url}: ${why}`;
        return undefined;
      }
    }),
  );
  const failed = problems.filter((p) => p !== undefined);
  if (failed.length > 0) {
    throw new Error(failed.length === 1 ? `Cannot load a remote manifest: ${failed[0]}` : `Cannot load remote manifests:\n${failed.map((p) => `- ${p}`).join('\n')}`);
  }
  const out: Record<string, unknown> = Object.create(null);
  for (const doc of docs) {
    for (const [name, entry] of Object.entries(doc!.json)) out[name] = absoluteEntry(entry, doc!.base);
  }
  return out;
}

/**
 * A manifest entry with its URLs (entry, fallback, styles, canary entry) resolved against `base`,
 * the URL of the document it came from, as the browser resolves them; `shared.*.fallback` stays
 * relative to the entry. Anything that is not an entry comes back as it is.
 */
export function absoluteEntry(entry: unknown, base: string): unknown {
  const abs = (u: unknown): unknown => {
    if (typeof u !== 'string') return u;
    try {
      return new URL(u, base).href;
    } catch {
      return u;
    }
  };
  if (typeof entry === 'string') return abs(entry);
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return entry;
  const e: Record<string, unknown> = { ...entry };
  if (e.entry !== undefined) e.entry = abs(e.entry);
  if (e.fallback !== undefined) e.fallback = abs(e.fallback);
  if (Array.isArray(e.styles)) e.styles = e.styles.map(abs);
  if (typeof e.canary === 'object' && e.canary !== null) e.canary = { ...e.canary, entry: abs((e.canary as Record<string, unknown>).entry) };
  return e as Partial<RemoteEntry>;
}
