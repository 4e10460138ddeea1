/// <reference types="node" preserve="true" />
/**
 * The proxy's in-memory cache of versioned, cacheable responses (nginx's `proxy_cache` with
 * `proxy_cache_lock`, in one process): what may be stored, for how long, under which key, how
 * a stored response is answered (`200`, `HEAD`, `304`, `Age`), and one upstream fetch per key
 * however many clients ask at once. LRU by bytes: a `Map` keeps insertion order, and a hit
 * moves its entry to the end.
 *
 * Which requests may use it: a versioned route and GET or HEAD (the proxy's checks), no
 * `Range`, and no `passthroughHeaders` header going upstream ({@link ProxyCache.eligible}).
 * Which answers may be kept: {@link Fill.accept}. Keys are the target URL the proxy built and checked (it lies in
 * the route's folder, so it names the route too), plus the request's `Accept-Encoding` when the
 * answer varies on it; never the Host header or anything else the client sends.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { typeName } from './remotes.js';

/**
 * The `cache` option of `createProxyHandler`: `false` turns the cache off, limits make a cache
 * of its own, a {@link ProxyCache} (from `createProxyCache`) is shared: the handlers that
 * replace one another on a live reconfiguration keep one cache, so a swap does not send every
 * hot file back upstream. Sharing is safe because entries are keyed by the absolute upstream
 * URL (and encoding) and only versioned, public answers are stored.
 */
export type ProxyCacheOption = false | ProxyCacheLimits | ProxyCache;

/** Size limits of the proxy's cache. */
export interface ProxyCacheLimits {
  /**
   * Bytes the cache may hold: stored entries and the responses being recorded, each counted
   * at what it costs in memory (body, key, headers and the objects around them, measured), so
   * the cache grows the process's heap (`heapUsed + arrayBuffers`) by at most 1.5 times this.
   * Default 64 MiB: a release of a micro-frontend is typically a few hundred KB to a few MB of
   * JavaScript and CSS, so the stable and canary versions of a dozen remotes fit, while a
   * container with a 256–512 MiB limit keeps most of its memory.
   */
  maxBytes?: number;
  /**
   * The largest body that is stored. Default 8 MiB (or `maxBytes`, if smaller): more than any
   * sensible script or stylesheet, and small enough that one large file (a source map, a
   * video) cannot push out dozens of hot assets. Larger files stream through as if uncached.
   */
  maxEntryBytes?: number;
  /**
   * The most entries kept, whatever their size. Default one per KiB of `maxBytes` (65,536 for
   * 64 MiB): far more files than the remotes of a shell have, while a flood of distinct tiny
   * URLs (each costing some 700 B of bookkeeping for a few bytes of body) stays a bounded,
   * cheap-to-evict table.
   */
  maxEntries?: number;
}

const MIB = 1024 * 1024;
const DEFAULT_MAX_BYTES = 64 * MIB;
const DEFAULT_MAX_ENTRY_BYTES = 8 * MIB;
/**
 * What an entry costs beyond its body bytes, the characters of its key and of its header
 * values, measured on Node 20 (x64) by filling a cache and counting the heap after `gc()`
 * (test/server/proxy-cache-memory.test.mjs): about 640 B in all for a 60-byte body, a
 * 60-character key and two header values, 770 B with five. The parts: the entry object
 * (~70 B), the body's `Buffer` and `ArrayBuffer` (~150 B, plus ~100 B of backing-store
 * bookkeeping outside the JS heap), the headers object (~100 B), the key's string header, the
 * `Map` slot with its table's slack (30–60 B). With this, a full cache of tiny entries comes to
 * 0.7–0.9 × `maxBytes` of heap, of 1 KB entries 1.1–1.2 ×: within the 1.5 × documented.
 */
const ENTRY_OVERHEAD = 512;
/** Each header value and the key: a string's header (16 B), its slot, rounding (measured as above). */
const STRING_OVERHEAD = 32;
/** A recorded chunk: its `Buffer` object (a view of the socket's read) and its array slot. */
const CHUNK_OVERHEAD = 128;
/**
 * Request headers the proxy forwards by default that a stored answer may be shared across:
 * `Accept-Encoding` is part of the key when the answer varies on it, the conditionals are
 * answered from the entry (`304`), and an upstream whose answer depends on `Accept`,
 * `Accept-Language` or `User-Agent` must say so in `Vary` (then nothing is stored). Any other
 * forwarded header (a `passthroughHeaders` entry) makes the request bypass the cache.
 */
const NEUTRAL_REQUEST_HEADERS = new Set(['accept', 'accept-encoding', 'accept-language', 'if-modified-since', 'if-none-match', 'user-agent']);
/** `Cache-Control` directives that forbid a shared cache to store (or reuse without asking). */
const FORBIDDING = new Set(['no-store', 'private', 'no-cache']);
/** Headers a `304` carries (RFC 9110 §15.4.5), when the stored response has them. */
const NOT_MODIFIED_HEADERS = ['cache-control', 'etag', 'expires', 'last-modified', 'vary'];

/** One stored response. */
export interface CacheEntry {
  /** The response headers as the proxy sent them, `content-length` included. */
  readonly headers: Readonly<Record<string, string | string[]>>;
  readonly body: Buffer;
  /** Bytes counted against `maxBytes`. */
  readonly size: number;
  /** Clock reading when stored, in ms. */
  readonly storedAt: number;
  /** Seconds the response was already old when stored (the upstream's `Age`). */
  readonly initialAge: number;
  /** Clock reading after which the entry is dropped. */
  readonly expiresAt: number;
}

/**
 * Reads and checks the `cache` option; `undefined` when the cache is off, the same cache when
 * given one.
 *
 * @param who the function whose option it is, for the message (`createProxyHandler`).
 * @throws TypeError for anything but `undefined`, `false` or `{ maxBytes?, maxEntryBytes?,
 *   maxEntries? }` with positive integers, `maxEntryBytes` at most `maxBytes`.
 */
export function createProxyCache(option: unknown, who = 'createProxyCache'): ProxyCache | undefined {
  if (option === false) return undefined;
  if (option instanceof ProxyCache) return option;
  const given = option === undefined ? {} : option;
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    throw new TypeError(`${who}: "cache" must be false or { maxBytes?, maxEntryBytes?, maxEntries? }, got ${typeName(option)}`);
  }
  const { maxBytes = DEFAULT_MAX_BYTES, maxEntryBytes: entryGiven, maxEntries: entriesGiven, now = () => performance.now() } = given as ProxyCacheLimits & { now?: () => number };
  // `now` is for tests only (a fake monotonic clock in ms), so it is not in ProxyCacheLimits.
  if (!isByteCount(maxBytes)) throw new TypeError(`${who}: "cache.maxBytes" must be a positive integer number of bytes, got ${typeName(maxBytes)}`);
  if (entryGiven !== undefined && !isByteCount(entryGiven)) {
    throw new TypeError(`${who}: "cache.maxEntryBytes" must be a positive integer number of bytes, got ${typeName(entryGiven)}`);
  }
  const maxEntryBytes = entryGiven ?? Math.min(DEFAULT_MAX_ENTRY_BYTES, maxBytes);
  if (maxEntryBytes > maxBytes) {
    throw new TypeError(`${who}: "cache.maxEntryBytes" (${maxEntryBytes}) must not exceed "cache.maxBytes" (${maxBytes})`);
  }
  if (entriesGiven !== undefined && !isByteCount(entriesGiven)) {
    throw new TypeError(`${who}: "cache.maxEntries" must be a positive integer, got ${typeName(entriesGiven)}`);
  }
  const maxEntries = entriesGiven ?? Math.max(1, Math.floor(maxBytes / 1024));
  if (typeof now !== 'function') throw new TypeError(`${who}: "cache.now" must be a function`);
  return new ProxyCache(maxBytes, maxEntryBytes, maxEntries, now);
}

/**
 * A copy of `headers` whose values own their characters. A value parsed out of a response head
 * can be a slice of the whole head (V8 keeps a sliced string's parent alive), which would make
 * every stored entry hold its upstream's entire head, uncounted. Only on a fill (a miss).
 */
function ownedCopy(headers: Readonly<Record<string, string | string[]>>): Record<string, string | string[]> {
  const own = (value: string): string => Buffer.from(value, 'latin1').toString('latin1');
  const out: Record<string, string | string[]> = {};
  for (const name of Object.keys(headers)) {
    const value = headers[name]!;
    out[name] = Array.isArray(value) ? value.map(own) : own(value);
  }
  return out;
}

/** The cache of one proxy handler. */
export class ProxyCache {
  readonly #entries = new Map<string, CacheEntry>();
  /** Fetches under way, by request key, with the callbacks of the requests waiting for them. */
  readonly #pending = new Map<string, Set<() => void>>();
  /** Accounted size of the stored entries. */
  #bytes = 0;
  /** Accounted size of the chunks held by fills still recording (and by their first clients). */
  #recording = 0;

  constructor(
    readonly maxBytes: number,
    readonly maxEntryBytes: number,
    readonly maxEntries: number,
    readonly now: () => number,
  ) {}

  /**
   * Whether a request may be answered from (and fill) the cache, given the headers that would
   * go upstream: not for a range (a part is not the whole), and not when any header goes
   * upstream besides the proxy's own defaults ({@link NEUTRAL_REQUEST_HEADERS}). Every
   * `passthroughHeaders` entry the request carries (`Cookie`, `Authorization`, but just as well
   * `X-Api-Key` or a tenant header) may change the answer without the upstream saying so in
   * `Vary`: such a request neither reads nor fills the shared cache. Keying by the header's
   * value instead would keep one copy per user or key, and still hand a response fetched with
   * a key to every request carrying that key without asking the upstream whether the key is
   * still good; bypassing is simpler and safe. Route and method are the proxy's checks.
   */
  static eligible(req: IncomingMessage, forwarded: Readonly<Record<string, unknown>>): boolean {
    const h = req.headers;
    if (h.range !== undefined || h['if-range'] !== undefined) return false;
    for (const name in forwarded) {
      if (!NEUTRAL_REQUEST_HEADERS.has(name.toLowerCase())) return false;
    }
    return true;
  }

  /**
   * The fresh entry for a target URL and the request's `Accept-Encoding`, if any: stored under
   * the URL alone, or (when the response varied on it) under the URL and that value. An expired
   * entry is dropped; a hit becomes the most recently used.
   */
  lookup(url: string, acceptEncoding: string): CacheEntry | undefined {
    let key = url;
    let entry = this.#entries.get(key);
    if (entry === undefined) {
      key = variantKey(url, acceptEncoding);
      entry = this.#entries.get(key);
      if (entry === undefined) return undefined;
    }
    this.#entries.delete(key);
    if (this.now() >= entry.expiresAt) {
      this.#bytes -= entry.size;
      return undefined;
    }
    this.#entries.set(key, entry);
    return entry;
  }

  /**
   * Starts recording the upstream response for a `GET` that missed, or returns `undefined` when
   * a fetch of the same URL and `Accept-Encoding` is already under way: then {@link wait}.
   */
  begin(url: string, acceptEncoding: string): Fill | undefined {
    const key = variantKey(url, acceptEncoding);
    if (this.#pending.has(key)) return undefined;
    this.#pending.set(key, new Set());
    return new Fill(this, url, acceptEncoding, key);
  }

  /**
   * Calls `ready` once the fetch under way for this URL and `Accept-Encoding` is over (stored
   * or not), or after `ms` at the latest (a slow client of the first request must not hold up
   * the others), then look up again. Returns a function that cancels the wait (the waiting
   * client went away); `ready` is called at most once.
   */
  wait(url: string, acceptEncoding: string, ms: number, ready: () => void): () => void {
    const waiters = this.#pending.get(variantKey(url, acceptEncoding));
    let timer: NodeJS.Timeout | undefined;
    const cancel = (): void => {
      clearTimeout(timer);
      waiters?.delete(done);
    };
    const done = (): void => {
      cancel();
      ready();
    };
    // begin() just said a fetch is under way, so `waiters` is there; the timer bounds the wait anyway.
    waiters?.add(done);
    timer = setTimeout(done, ms);
    return cancel;
  }

  /**
   * Answers a request from an entry: `304` when its `If-None-Match` (or, without one, its
   * `If-Modified-Since`) matches, else `200` with the stored headers and body (no body for
   * `HEAD`); `Age` on both.
   */
  send(req: IncomingMessage, res: ServerResponse, entry: CacheEntry): void {
    const age = String(entry.initialAge + Math.max(0, Math.floor((this.now() - entry.storedAt) / 1000)));
    if (notModified(req.headers, entry.headers)) {
      const headers: Record<string, string | string[]> = { age };
      for (const name of NOT_MODIFIED_HEADERS) {
        const value = entry.headers[name];
        if (value !== undefined) headers[name] = value;
      }
      res.writeHead(304, headers);
      res.end();
      return;
    }
    res.writeHead(200, { ...entry.headers, age });
    res.end(req.method === 'HEAD' ? undefined : entry.body);
  }

  /**
   * Stores an entry, evicting the least recently used ones until it fits beside the others and
   * the recordings under way, and until there are fewer than `maxEntries`. For {@link Fill}.
   */
  store(key: string, entry: CacheEntry): void {
    const old = this.#entries.get(key);
    if (old !== undefined) {
      this.#entries.delete(key);
      this.#bytes -= old.size;
    }
    if (this.#recording + entry.size > this.maxBytes) return;
    this.#evict(entry.size, 1);
    this.#entries.set(key, entry);
    this.#bytes += entry.size;
  }

  /**
   * Reserves accounted bytes for chunks being recorded, evicting least recently used entries to
   * make room: entries and recordings share `maxBytes`. False when the recordings alone would
   * pass it. For {@link Fill}.
   */
  reserve(bytes: number): boolean {
    if (this.#recording + bytes > this.maxBytes) return false;
    this.#recording += bytes;
    this.#evict(0, 0);
    return true;
  }

  /** Gives back recording bytes. For {@link Fill}. */
  unreserve(bytes: number): void {
    this.#recording -= bytes;
  }

  /** Drops least recently used entries until `bytes` more fit and `slots` more entries do. */
  #evict(bytes: number, slots: number): void {
    for (const [oldest, { size }] of this.#entries) {
      if (this.#bytes + this.#recording + bytes <= this.maxBytes && this.#entries.size + slots <= this.maxEntries) break;
      this.#entries.delete(oldest);
      this.#bytes -= size;
    }
  }

  /** Ends the fetch of a request key: every waiter looks up again. For {@link Fill}. */
  release(key: string): void {
    const waiters = this.#pending.get(key);
    this.#pending.delete(key);
    if (waiters === undefined) return;
    for (const ready of [...waiters]) {
      try {
        ready();
      } catch (err) {
        // One waiter's failure must not strand the others: report it outside this loop.
        process.nextTick(() => {
          throw err;
        });
      }
    }
  }
}

/**
 * One upstream response being recorded for the cache. The upstream's body is piped into
 * {@link relay}, which records it as fast as the upstream sends, whatever the first client's
 * pace, and streams the recording to that client at the client's own pace: a slow first
 * client no longer holds the fetch (and so every request waiting for it). Every path ends in
 * exactly one of {@link end} (stored, if complete) or {@link abandon}, and both release the
 * requests waiting for it; calls after that are ignored.
 */
export class Fill {
  #done = false;
  #relay: Relay | undefined;
  #chunks: Buffer[] = [];
  #bytes = 0;
  #storeKey = '';
  #headers: Record<string, string | string[]> = {};
  #expected: number | undefined;
  #lifetime = 0;
  #initialAge = 0;

  constructor(
    private readonly cache: ProxyCache,
    private readonly url: string,
    private readonly acceptEncoding: string,
    private readonly requestKey: string,
  ) {}

  /**
   * Decides from the upstream's head whether the response may be stored; abandons the fill
   * (and returns false) if not. Stored are only `200`s without `Set-Cookie`, whose
   * `Cache-Control` (the one sent on: the upstream's, or the immutable one the proxy adds)
   * has none of `no-store`, `private`, `no-cache` and a positive `s-maxage` or `max-age`
   * beyond the upstream's `Age`, that vary on nothing but `Accept-Encoding`, and whose
   * `Content-Length`, if given, fits `maxEntryBytes`.
   *
   * @param upstream the upstream's headers.
   * @param sent the headers the proxy sent the client for it.
   */
  accept(status: number, upstream: IncomingHttpHeaders, sent: Readonly<Record<string, string | string[]>>): boolean {
    if (this.#done) return false;
    const lifetime = status === 200 && upstream['set-cookie'] === undefined ? freshness(sent['cache-control']) : 0;
    const initialAge = nonNegativeInteger(upstream.age) ?? 0;
    const vary = varyKind(upstream.vary);
    const expected = upstream['content-length'] === undefined ? undefined : nonNegativeInteger(upstream['content-length']);
    if (lifetime <= initialAge || vary === 'other' || expected === null || (expected !== undefined && expected > this.cache.maxEntryBytes)) {
      this.abandon();
      return false;
    }
    // A compressed body without `Vary: Accept-Encoding` is the upstream's mistake; keying it by
    // the request's `Accept-Encoding` anyway keeps gzip away from clients that did not ask for it.
    const encoded = upstream['content-encoding'] !== undefined && upstream['content-encoding'] !== 'identity';
    this.#storeKey = vary === 'accept-encoding' || encoded ? variantKey(this.url, this.acceptEncoding) : this.url;
    this.#headers = ownedCopy(sent);
    this.#expected = expected;
    this.#lifetime = lifetime;
    this.#initialAge = initialAge;
    return true;
  }

  /**
   * The stream to pipe the upstream's body into, in place of the client's response, once
   * {@link accept} said yes. While recording, it takes every chunk at once (the upstream is
   * never paced by the client; the recording is bounded by `maxEntryBytes` and `maxBytes`)
   * and writes the recording to `res` with backpressure of its own. Once the recording stops
   * (the body passed `maxEntryBytes` or the budget, or was refused), the client still gets
   * every byte: what was recorded and not yet sent stays accounted until sent, and from then on
   * the upstream waits for the client as with a plain `pipe`. It ends `res` after the last
   * byte; a client that goes away destroys it.
   */
  relay(res: ServerResponse): Writable {
    this.#relay = new Relay(this, this.cache, res);
    return this.#relay;
  }

  /**
   * Records a chunk of the body; past `maxEntryBytes` (or the cache's budget) the fill is
   * abandoned. Returns whether the chunk was recorded (for {@link Relay}).
   */
  write(chunk: Buffer): boolean {
    if (this.#done) return false;
    if (this.#bytes + chunk.length > this.cache.maxEntryBytes || !this.cache.reserve(chunk.length + CHUNK_OVERHEAD)) {
      this.abandon();
      return false;
    }
    this.#chunks.push(chunk);
    this.#bytes += chunk.length;
    return true;
  }

  /**
   * The upstream's body ended: stores the entry when the message was complete and as long as
   * its `Content-Length` said.
   */
  end(complete: boolean): void {
    if (this.#done) return;
    // Node reports a body cut short as an error (then abandon() came first); this also refuses
    // anything that ends early without one.
    if (!complete || (this.#expected !== undefined && this.#bytes !== this.#expected)) {
      this.abandon();
      return;
    }
    // One copy into a buffer of its own: socket chunks are slices of larger pooled buffers,
    // which would otherwise stay alive as long as the entry.
    const body = Buffer.allocUnsafeSlow(this.#bytes);
    let offset = 0;
    for (const chunk of this.#chunks) offset += chunk.copy(body, offset);
    // A first client still behind reads the rest from the stored body, not from the chunks.
    this.#relay?.rebase(body);
    const headers: Record<string, string | string[]> = { ...this.#headers, 'content-length': String(body.length) };
    const size = entrySize(this.#storeKey, headers, body);
    const now = this.cache.now();
    this.#finish();
    this.cache.store(this.#storeKey, { headers, body, size, storedAt: now, initialAge: this.#initialAge, expiresAt: now + (this.#lifetime - this.#initialAge) * 1000 });
    this.cache.release(this.requestKey);
  }

  /** Nothing is stored (uncacheable, too large, failed, cut short); the waiters fetch on their own. */
  abandon(): void {
    if (this.#done) return;
    this.#finish();
    this.cache.release(this.requestKey);
  }

  #finish(): void {
    this.#done = true;
    // Recorded chunks the first client has not been sent yet stay accounted until they are.
    const kept = this.#relay?.keep() ?? 0;
    this.cache.unreserve(this.#bytes + this.#chunks.length * CHUNK_OVERHEAD - kept);
    this.#chunks = [];
  }
}

/**
 * The first client's side of a {@link Fill}: see {@link Fill.relay}. A `Writable`, so the
 * proxy pipes into it as into a response.
 */
class Relay extends Writable {
  /** Chunks not yet handed to `res`, from `#head` on. */
  #queue: Array<Buffer | undefined> = [];
  #head = 0;
  /** Bytes in the queue. */
  #queued = 0;
  /** Bytes handed to `res`. */
  #sent = 0;
  /** Accounted bytes of queued chunks this relay gives back as it sends them (after the fill ended unstored). */
  #held = 0;
  /** The queue is now a view of the stored body: nothing of it is the relay's to account. */
  #rebased = false;
  /** `res.write` said to wait for `drain`. */
  #blocked = false;
  /** The upstream's body ended: `res` ends after the last queued byte, then this is called. */
  #ended: ((error?: Error | null) => void) | undefined;
  /** The upstream's next chunk waits for this (only once the fill stopped recording). */
  #waiting: ((error?: Error | null) => void) | undefined;

  constructor(
    private readonly fill: Fill,
    private readonly cache: ProxyCache,
    private readonly res: ServerResponse,
  ) {
    // Chunks of a socket read (up to 64 KiB) pass without a turn of backpressure while recording.
    super({ highWaterMark: 128 * 1024 });
    res.on('drain', () => {
      this.#blocked = false;
      this.#flush();
    });
    res.once('close', () => this.destroy());
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const recorded = this.fill.write(chunk);
    this.#queue.push(chunk);
    this.#queued += chunk.length;
    this.#flush();
    // A recording never waits for the client; a plain pass-through does, as pipe() would.
    if (recorded || (this.#queued === 0 && !this.#blocked)) callback();
    else this.#waiting = callback;
  }

  override _final(callback: (error?: Error | null) => void): void {
    // Finished (and then auto-destroyed) only once everything is handed to `res`.
    this.#ended = callback;
    this.#flush();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.cache.unreserve(this.#held);
    this.#held = 0;
    this.#queue = [];
    this.#head = 0;
    this.#queued = 0;
    this.#waiting = undefined;
    this.#ended = undefined;
    callback(error);
  }

  /** The fill stored `body`: the rest of it is sent from there (the chunks can go). */
  rebase(body: Buffer): void {
    this.#rebased = true;
    if (this.#queued === 0) return;
    this.#queue = [body.subarray(this.#sent)];
    this.#head = 0;
  }

  /** The fill ends unstored: the relay takes over the accounting of what it still has to send. */
  keep(): number {
    if (this.#rebased || this.destroyed) return 0;
    this.#held = this.#queued + (this.#queue.length - this.#head) * CHUNK_OVERHEAD;
    return this.#held;
  }

  #flush(): void {
    const res = this.res;
    while (this.#head < this.#queue.length && !this.#blocked && !res.destroyed) {
      const chunk = this.#queue[this.#head]!;
      this.#queue[this.#head++] = undefined;
      this.#queued -= chunk.length;
      this.#sent += chunk.length;
      if (this.#held > 0) {
        const given = Math.min(this.#held, chunk.length + CHUNK_OVERHEAD);
        this.#held -= given;
        this.cache.unreserve(given);
      }
      if (!res.write(chunk)) this.#blocked = true;
    }
    if (this.#head === this.#queue.length) {
      this.#queue = [];
      this.#head = 0;
    }
    if (this.#queued > 0 || res.destroyed) return;
    if (this.#ended) {
      const finished = this.#ended;
      this.#ended = undefined;
      if (!res.writableEnded) res.end();
      finished();
    } else if (!this.#blocked && this.#waiting) {
      const next = this.#waiting;
      this.#waiting = undefined;
      next();
    }
  }
}

/**
 * What an entry is counted at: its body, key and header values at their length plus what
 * V8 and Node spend around them (see {@link ENTRY_OVERHEAD}). Header names are not counted:
 * they are the proxy's own constant strings, shared by every entry.
 */
function entrySize(key: string, headers: Readonly<Record<string, string | string[]>>, body: Buffer): number {
  let size = ENTRY_OVERHEAD + body.length + key.length + STRING_OVERHEAD;
  for (const name in headers) {
    const value = headers[name]!;
    if (typeof value === 'string') size += value.length + STRING_OVERHEAD;
    else for (const item of value) size += item.length + 2 * STRING_OVERHEAD;
  }
  return size;
}

/** The normalized `Accept-Encoding` of a request, as used in keys. */
export function acceptEncodingOf(req: IncomingMessage): string {
  const value = req.headers['accept-encoding'];
  return value === undefined ? '' : value.toLowerCase().replace(/\s+/g, '');
}

/** Key of a response stored per `Accept-Encoding`. URLs never contain a newline. */
function variantKey(url: string, acceptEncoding: string): string {
  return `${url}\n${acceptEncoding}`;
}

/**
 * Seconds a shared cache may keep a response under this `Cache-Control`: `s-maxage`, else
 * `max-age`; 0 when a forbidding directive is present, neither is, or one is malformed or
 * repeated (RFC 9111 §4.2.1: then the response is stale).
 */
function freshness(cacheControl: string | string[] | undefined): number {
  if (cacheControl === undefined) return 0;
  let maxAge: number | null | undefined;
  let sMaxAge: number | null | undefined;
  for (const directive of String(cacheControl).split(',')) {
    const eq = directive.indexOf('=');
    const name = (eq === -1 ? directive : directive.slice(0, eq)).trim().toLowerCase();
    // `private="set-cookie"` and `no-cache="…"` are refused as a whole: simpler and safe.
    if (FORBIDDING.has(name)) return 0;
    if (name !== 'max-age' && name !== 's-maxage') continue;
    const value = eq === -1 ? null : nonNegativeInteger(directive.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1'));
    if (name === 'max-age') maxAge = maxAge === undefined ? value : null;
    else sMaxAge = sMaxAge === undefined ? value : null;
  }
  const lifetime = sMaxAge !== undefined ? sMaxAge : maxAge;
  return lifetime ?? 0;
}

/** `none`, `accept-encoding` (only that), or `other` (`*`, or any other header: not stored). */
function varyKind(vary: string | undefined): 'none' | 'accept-encoding' | 'other' {
  if (vary === undefined) return 'none';
  let kind: 'none' | 'accept-encoding' = 'none';
  for (const field of vary.split(',')) {
    const name = field.trim().toLowerCase();
    if (name === '') continue;
    if (name !== 'accept-encoding') return 'other';
    kind = 'accept-encoding';
  }
  return kind;
}

/**
 * Whether a conditional request is answered `304` by the stored response: `If-None-Match`
 * (`*`, or a list, compared weakly: `W/"x"` matches `"x"`) when present, else
 * `If-Modified-Since` against `Last-Modified`.
 */
function notModified(request: IncomingHttpHeaders, stored: Readonly<Record<string, string | string[]>>): boolean {
  const ifNoneMatch = request['if-none-match'];
  if (ifNoneMatch !== undefined) {
    const etag = stored.etag;
    if (ifNoneMatch.trim() === '*') return true;
    if (typeof etag !== 'string') return false;
    const opaque = weak(etag);
    return (ifNoneMatch.match(/(?:W\/)?"[^"]*"/g) ?? []).some((tag) => weak(tag) === opaque);
  }
  const since = request['if-modified-since'];
  const lastModified = stored['last-modified'];
  if (since === undefined || typeof lastModified !== 'string') return false;
  const sinceMs = Date.parse(since);
  const modifiedMs = Date.parse(lastModified);
  return Number.isFinite(sinceMs) && Number.isFinite(modifiedMs) && modifiedMs <= sinceMs;
}

function weak(etag: string): string {
  const tag = etag.trim();
  return tag.startsWith('W/') ? tag.slice(2) : tag;
}

/** A non-negative integer from a header value; `null` when malformed. */
function nonNegativeInteger(value: string | string[] | undefined): number | null {
  if (typeof value !== 'string' || !/^\d{1,15}$/.test(value.trim())) return null;
  return Number(value.trim());
}

function isByteCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

