/// <reference types="node" preserve="true" />
/**
 * Remotes published as manifest documents: the `mfe.json` that `mfe-host/rollup` writes beside
 * each build (URLs relative to it), or another shell's `/mfe-manifest.json`. Fetched once
 * (`fetchManifests`) or again and again with conditional requests (`createManifestFetcher`, what
 * `mfe-host serve` refreshes on its interval), their URLs made absolute against the document's
 * own URL (as the browser resolves them), so the result can go to `loadRemotes({ remotes })` or
 * be merged under configured remotes.
 */
import type { RemoteEntry } from './remotes.js';

/** Options of {@link fetchManifests} and {@link createManifestFetcher}. */
export interface FetchManifestsOptions {
  /** Milliseconds allowed per document. Default 10000. */
  timeout?: number;
}

/** One fetched document: its entries with URLs made absolute. */
export interface FetchedManifest {
  /** The URL as configured. */
  readonly url: string;
  /** Name → entry, URLs resolved against the document's final URL (after redirects). */
  readonly remotes: Readonly<Record<string, unknown>>;
}

/** A document that could not be loaded: its URL and why. */
export interface ManifestFailure {
  readonly url: string;
  readonly why: string;
}

/** Fetches a fixed list of manifest documents again and again, with conditional requests. */
export interface ManifestFetcher {
  /**
   * Fetches every document (all at once). A document fetched before is asked for with
   * `If-None-Match` / `If-Modified-Since` (its last `ETag` / `Last-Modified`); a `304` keeps the
   * copy from before. `changed` is false when no document differs from the previous call's.
   *
   * @throws Error listing every document that failed, each with its URL and why; the error's
   *   `failures` holds them as `{ url, why }`. Documents fetched fine are remembered anyway.
   */
  fetch(): Promise<{ changed: boolean; documents: readonly FetchedManifest[] }>;
  /** The documents of the latest successful {@link fetch}, without asking anyone; undefined before one. */
  cached(): readonly FetchedManifest[] | undefined;
}

interface Kept {
  etag?: string;
  lastModified?: string;
  text: string;
  base: string;
  doc: FetchedManifest;
}

/**
 * A {@link ManifestFetcher} for `urls`: what `mfe-host serve --remote-manifests` refreshes on
 * its interval. Each document must be a JSON object of remotes (name → entry).
 */
export function createManifestFetcher(urls: readonly string[], options: FetchManifestsOptions = {}): ManifestFetcher {
  const timeout = options.timeout ?? 10_000;
  const kept = new Map<string, Kept>();
  let last: readonly FetchedManifest[] | undefined;

  async function one(url: string): Promise<FetchedManifest> {
    const before = kept.get(url);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (before?.etag !== undefined) headers['if-none-match'] = before.etag;
    if (before?.lastModified !== undefined) headers['if-modified-since'] = before.lastModified;
    const res = await fetch(url, { signal: AbortSignal.timeout(timeout), headers });
    if (res.status === 304 && before) {
      await res.body?.cancel();
      return before.doc;
    }
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const text = await res.text();
    const json: unknown = JSON.parse(text);
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error('not a JSON object of remotes (name → entry)');
    const base = res.url || url;
    const remotes: Record<string, unknown> = Object.create(null);
    for (const [name, entry] of Object.entries(json as Record<string, unknown>)) remotes[name] = absoluteEntry(entry, base);
    const doc: FetchedManifest = Object.freeze({ url, remotes: Object.freeze(remotes) });
    const etag = res.headers.get('etag') ?? undefined;
    const lastModified = res.headers.get('last-modified') ?? undefined;
    // The same bytes from the same place (a server without validators): the same document.
    const kept1 = before !== undefined && before.text === text && before.base === base ? before.doc : doc;
    kept.set(url, { ...(etag !== undefined && { etag }), ...(lastModified !== undefined && { lastModified }), text, base, doc: kept1 });
    return kept1;
  }

  return {
    async fetch() {
      const problems: (ManifestFailure | undefined)[] = [];
      const results = await Promise.all(
        urls.map(async (url, i) => {
          try {
            return await one(url);
          } catch (err) {
            const e = err as Error;
            const why = e.name === 'TimeoutError' ? `timed out after ${timeout} ms` : `${e.message}${e.cause instanceof Error ? ` (${e.cause.message})` : ''}`;
            problems[i] = { url, why };
            return undefined;
          }
        }),
      );
      const failures = problems.filter((p) => p !== undefined);
      if (failures.length > 0) {
        const lines = failures.map((p) => `${p.url}: ${p.why}`);
        const message = lines.length === 1 ? `Cannot load a remote manifest: ${lines[0]}` : `Cannot load remote manifests:\n${lines.map((l) => `- ${l}`).join('\n')}`;
        throw Object.assign(new Error(message), { failures });
      }
      const documents = Object.freeze(results.map((r) => r!));
      // Unchanged documents are the same objects as before (a 304 or the same bytes).
      const changed = last === undefined || documents.some((d, i) => d !== last![i]);
      last = documents;
      return { changed, documents };
    },
    cached: () => last,
  };
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
  const { documents } = await createManifestFetcher(urls, options).fetch();
  return mergeManifests(documents);
}

/** The entries of `documents` in one object, a later document winning by name. */
export function mergeManifests(documents: readonly FetchedManifest[]): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null);
  for (const doc of documents) Object.assign(out, doc.remotes);
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
