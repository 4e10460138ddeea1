/// <reference types="node" preserve="true" />
/**
 * The proxy's HTTP/1.1 client for `http:` upstreams: `GET`/`HEAD` on pooled keep-alive sockets,
 * read into per-connection slabs (`onread`, no copy), with a strict response parser. It exists because
 * `node:http`'s `ClientRequest` costs about twice an upstream's whole request in CPU
 * (`npm run bench` row 6 and test/perf/BENCHMARKS.md: a proxy on it reached 0.8× nginx, this one
 * ≈ 1.0×; `undici` 7 was slower still). `https:` upstreams go through `node:https` instead.
 *
 * Strict by design, since a proxy that reads a response differently from the browser behind it
 * is how smuggling starts: only `HTTP/1.0` and `HTTP/1.1` status lines; header lines are
 * `token: value` with no control characters and no obsolete line folding; CRLF only; the head is
 * at most 32 KB; `Content-Length` must be digits and agree with any repeat; `Transfer-Encoding`
 * must be exactly `chunked` and never comes with a `Content-Length`; bytes after the end of a
 * response close the connection. Anything else fails the exchange (the proxy answers `502`).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { connect, type Socket } from 'node:net';

/** What the proxy is told about one upstream exchange. Each is called at most once, except `onData`. */
export interface UpstreamHandlers {
  /** The final response head (1xx interim responses are skipped; a `101` ends the exchange after this). */
  onHead(status: number, headers: IncomingHttpHeaders): void;
  /** A body chunk (the proxy's own copy). Return false to stop reading until {@link UpstreamExchange.resume}. */
  onData(chunk: Buffer): boolean;
  /** The body ended as framed (`Content-Length`, last chunk, or the end of a close-delimited body). */
  onEnd(): void;
  /** The exchange failed: connection refused or reset, a malformed response, a body cut short. */
  onError(err: Error): void;
}

/** One request/response on a pooled connection. */
export interface UpstreamExchange {
  /** Bytes received for this exchange so far (head included): the upstream's progress. */
  readonly bytesRead: number;
  pause(): void;
  resume(): void;
  /** Abandons the exchange: its connection is closed, no handler is called any more. */
  destroy(): void;
}

/** A response that breaks the rules above (as opposed to a connection that failed). */
export class UpstreamProtocolError extends Error {}

const MAX_HEAD = 32 * 1024;
/** Idle connections are closed after this long: below the 5 s keep-alive of Node's servers (and many others), so the upstream does not close them first. */
const IDLE_MS = 3000;
/** Idle connections kept per origin. */
const MAX_IDLE = 128;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Visible characters, spaces, tabs and obs-text (RFC 9110 §5.5). */
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})(?: [\t\x20-\x7e\x80-\xff]*)?$/;
/** Headers of which a repeat is ignored (as Node's parser does): the first one counts. */
const SINGLE = new Set(['content-type', 'content-length', 'etag', 'last-modified', 'expires', 'location', 'age', 'retry-after', 'server', 'content-range', 'access-control-allow-origin', 'accept-ranges', 'content-encoding']);

/** Bytes a read may fill. */
const READ_SIZE = 64 * 1024;
/**
 * Each connection reads into consecutive regions of a slab of its own, never reused: a body
 * chunk goes on to the client as a view of the slab, without a copy (copying each read out of
 * one shared buffer was a sixth of the proxy's CPU time). A slab is freed once the last view
 * of it has been written; holding one per connection bounds the memory.
 */
const SLAB_SIZE = 128 * 1024;
const EMPTY = Buffer.alloc(0);
const idle = new Map<string, Connection[]>();
/**
 * Closes connections idle for over {@link IDLE_MS}, once a second while any is pooled (a timer
 * per released connection would be one more timer per request).
 */
let sweeper: NodeJS.Timeout | undefined;
function sweep(): void {
  const oldest = Date.now() - IDLE_MS;
  let left = 0;
  for (const pool of idle.values()) {
    // LIFO: the longest idle are first.
    while (pool.length > 0 && pool[0]!.releasedAt < oldest) pool.shift()!.socket.destroy();
    left += pool.length;
  }
  if (left === 0) {
    clearInterval(sweeper);
    sweeper = undefined;
  }
}

/**
 * Sends `method path` to `target`'s origin with `headers` (names lower-case, values from an
 * already parsed request) on an idle pooled connection or a new one. A request on a reused
 * connection that fails before any byte of a response arrived is sent once more on a new one
 * (the upstream may have closed the idle connection just then; `GET` and `HEAD` are safe to repeat).
 *
 * @throws TypeError for a header value with CR, LF or NUL (nothing is sent).
 */
export function requestUpstream(target: URL, method: 'GET' | 'HEAD', headers: Readonly<Record<string, string | string[]>>, handlers: UpstreamHandlers): UpstreamExchange {
  let head = `${method} ${target.pathname}${target.search} HTTP/1.1\r\nhost: ${target.host}\r\n`;
  for (const name in headers) {
    const value = headers[name]!;
    for (const v of Array.isArray(value) ? value : [value]) {
      if (/[\r\n\0]/.test(v)) throw new TypeError(`request header ${name} has a line break or NUL`);
      head += `${name}: ${v}\r\n`;
    }
  }
  head += '\r\n';
  const key = `${target.hostname}:${target.port || '80'}`;
  return new Exchange(key, target, method, head, handlers);
}

class Exchange implements UpstreamExchange {
  bytesRead = 0;
  conn: Connection | undefined;
  done = false;
  paused = false;
  // Parser state.
  headParts: Buffer[] = [];
  headBytes = 0;
  phase: 'head' | 'length' | 'chunk-size' | 'chunk-data' | 'chunk-crlf' | 'trailers' | 'close' = 'head';
  remaining = 0;
  line = '';
  keepAlive = true;

  constructor(
    readonly key: string,
    readonly target: URL,
    readonly method: string,
    readonly requestHead: string,
    readonly handlers: UpstreamHandlers,
  ) {
    this.send(true);
  }

  send(mayReuse: boolean): void {
    const pool = mayReuse ? idle.get(this.key) : undefined;
    const conn = pool?.pop() ?? new Connection(this.key, this.target);
    conn.attach(this);
    this.conn = conn;
    conn.socket.write(this.requestHead, 'latin1');
  }

  pause(): void {
    if (this.paused) return;
    this.paused = true;
    this.conn?.socket.pause();
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.conn?.socket.resume();
  }

  destroy(): void {
    if (this.done) return;
    this.done = true;
    this.conn?.socket.destroy();
  }

  /** The connection failed or closed while this exchange owned it. */
  lost(err: Error, reused: boolean): void {
    if (this.done) return;
    if (this.phase === 'close' && err.message === 'closed') {
      this.finish(false);
      return;
    }
    if (reused && this.bytesRead === 0) {
      this.send(false); // the stale keep-alive race: once more, on a new connection
      return;
    }
    this.fail(this.bytesRead === 0 ? err : new Error(`upstream connection ${err.message} mid-response`));
  }

  fail(err: Error): void {
    if (this.done) return;
    this.done = true;
    this.conn?.socket.destroy();
    this.handlers.onError(err);
  }

  finish(reusable: boolean): void {
    this.done = true;
    const conn = this.conn!;
    if (reusable && this.keepAlive) conn.release();
    else conn.socket.destroy();
    this.handlers.onEnd();
  }

  /** Parses `n` bytes of `buf` (a region no other read will overwrite: body chunks are views of it). */
  read(buf: Buffer, n: number): void {
    this.bytesRead += n;
    let at = 0;
    while (at < n && !this.done) {
      switch (this.phase) {
        case 'head': {
          at = this.readHead(buf, at, n);
          break;
        }
        case 'length': {
          const take = Math.min(this.remaining, n - at);
          this.remaining -= take;
          const more = this.handlers.onData(buf.subarray(at, at + take));
          at += take;
          if (this.remaining === 0) {
            if (at < n) return this.fail(new UpstreamProtocolError('upstream sent bytes after the end of its response'));
            return this.finish(true);
          }
          if (!more) this.pause();
          break;
        }
        case 'close': {
          const more = this.handlers.onData(buf.subarray(at, n));
          at = n;
          if (!more) this.pause();
          break;
        }
        case 'chunk-data': {
          const take = Math.min(this.remaining, n - at);
          this.remaining -= take;
          const more = this.handlers.onData(buf.subarray(at, at + take));
          at += take;
          if (this.remaining === 0) this.phase = 'chunk-crlf';
          if (!more) this.pause();
          break;
        }
        default: {
          // chunk-size, chunk-crlf, trailers: line by line (CRLF), each line at most 4 KB.
          const lf = buf.indexOf(10, at);
          const end = lf === -1 || lf >= n ? n : lf + 1;
          this.line += buf.toString('latin1', at, end);
          at = end;
          if (this.line.length > 4096) return this.fail(new UpstreamProtocolError('upstream sent an overlong chunk line'));
          if (!this.line.endsWith('\n')) break;
          if (!this.line.endsWith('\r\n')) return this.fail(new UpstreamProtocolError('upstream sent a bare LF in a chunked body'));
          const text = this.line.slice(0, -2);
          this.line = '';
          if (this.phase === 'chunk-crlf') {
            if (text !== '') return this.fail(new UpstreamProtocolError('upstream sent a chunk longer than its size'));
            this.phase = 'chunk-size';
          } else if (this.phase === 'chunk-size') {
            const m = /^([0-9A-Fa-f]{1,12})(?:[ \t]*;[\t\x20-\x7e\x80-\xff]*)?$/.exec(text);
            if (!m) return this.fail(new UpstreamProtocolError('upstream sent a malformed chunk size'));
            this.remaining = parseInt(m[1]!, 16);
            this.phase = this.remaining === 0 ? 'trailers' : 'chunk-data';
          } else if (text === '') {
            // The end of the trailers (which are not forwarded): the body is complete.
            if (at < n) return this.fail(new UpstreamProtocolError('upstream sent bytes after the end of its response'));
            return this.finish(true);
          } else if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+:[\t\x20-\x7e\x80-\xff]*$/.test(text)) {
            return this.fail(new UpstreamProtocolError('upstream sent a malformed trailer'));
          }
        }
      }
    }
  }

  /** Collects the head; once complete, parses it and moves to the body. Returns the next offset. */
  readHead(buf: Buffer, at: number, n: number): number {
    let text: string;
    let next: number;
    if (this.headBytes === 0) {
      // The usual case: the whole head is in this read, parsed where it lies (no copy).
      // (The region past `n` holds stale bytes: a match must end within this read.)
      const end = buf.indexOf('\r\n\r\n', at, 'latin1');
      if (end !== -1 && end + 4 <= n) {
        if (end - at > MAX_HEAD) return this.failAt(n, `upstream response head over ${MAX_HEAD} bytes`);
        text = buf.toString('latin1', at, end);
        next = end + 4;
      } else return this.keepHead(buf, at, n);
    } else {
      // A head split across reads: search from 3 bytes back, so a CRLFCRLF split too is found.
      const previous = this.headBytes;
      this.headParts.push(buf.subarray(at, n));
      const whole = Buffer.concat(this.headParts);
      const end = whole.indexOf('\r\n\r\n', Math.max(0, previous - 3), 'latin1');
      if (end === -1 || end > MAX_HEAD) {
        this.headParts = [whole];
        this.headBytes = whole.length;
        if (whole.length > MAX_HEAD) return this.failAt(n, `upstream response head over ${MAX_HEAD} bytes`);
        return n;
      }
      text = whole.toString('latin1', 0, end);
      next = at + (end + 4 - previous);
      this.headParts = [];
      this.headBytes = 0;
    }
    const parsed = parseHead(text);
    if (typeof parsed === 'string') return this.failAt(n, parsed);
    const { status, minor, headers } = parsed;
    if (status >= 100 && status < 200 && status !== 101) return next; // interim (100, 103): the final head follows
    const connection = String(headers.connection ?? '').toLowerCase();
    this.keepAlive = minor === 1 && !/(?:^|,)\s*close\s*(?:,|$)/.test(connection);
    const te = headers['transfer-encoding'];
    const cl = headers['content-length'];
    if (status === 101) {
      this.handlers.onHead(status, headers);
      this.destroy();
      return n;
    }
    if (this.method === 'HEAD' || status === 204 || status === 304) {
      this.phase = 'length';
      this.remaining = 0;
    } else if (te !== undefined) {
      if (cl !== undefined) return this.failAt(n, 'upstream sent both Transfer-Encoding and Content-Length');
      if (String(te).trim().toLowerCase() !== 'chunked') return this.failAt(n, `upstream sent an unsupported Transfer-Encoding ${JSON.stringify(te)}`);
      this.phase = 'chunk-size';
    } else if (cl !== undefined) {
      this.phase = 'length';
      this.remaining = Number(cl);
    } else {
      this.phase = 'close';
      this.keepAlive = false;
    }
    this.handlers.onHead(status, headers);
    if (this.done) return n;
    if (this.phase === 'length' && this.remaining === 0) {
      if (next < n) this.fail(new UpstreamProtocolError('upstream sent bytes after the end of its response'));
      else this.finish(true);
      return n;
    }
    return next;
  }

  /** Keeps the start of a head that continues in the next read. */
  keepHead(buf: Buffer, at: number, n: number): number {
    this.headParts = [copy(buf, at, n)];
    this.headBytes = n - at;
    if (this.headBytes > MAX_HEAD) return this.failAt(n, `upstream response head over ${MAX_HEAD} bytes`);
    return n;
  }

  failAt(n: number, message: string): number {
    this.fail(new UpstreamProtocolError(message));
    return n;
  }
}

/** A copy of `buf[start, end)`, for the start of a head split across reads (it is concatenated). */
function copy(buf: Buffer, start: number, end: number): Buffer {
  const out = Buffer.allocUnsafe(end - start);
  buf.copy(out, 0, start, end);
  return out;
}

/** Parses a response head (without its final CRLFCRLF); a string says why it is refused. */
function parseHead(text: string): { status: number; minor: number; headers: IncomingHttpHeaders } | string {
  const lines = text.split('\r\n');
  const m = STATUS_LINE.exec(lines[0]!);
  if (!m) return 'upstream sent a malformed status line';
  const headers: Record<string, string | string[]> = {};
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    if (colon <= 0) return 'upstream sent a malformed header line';
    const name = line.slice(0, colon).toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (!TOKEN.test(name) || !FIELD_VALUE.test(value) || line.includes('\n')) return 'upstream sent a malformed header line';
    const old = headers[name];
    if (name === 'set-cookie') (headers[name] = (old as string[] | undefined) ?? []).push(value);
    else if (old === undefined) headers[name] = value;
    else if (name === 'content-length') {
      if (old !== value) return 'upstream sent conflicting Content-Length headers';
    } else if (!SINGLE.has(name)) headers[name] = `${old as string}, ${value}`;
  }
  const cl = headers['content-length'];
  if (cl !== undefined && !/^\d{1,15}$/.test(cl as string)) return 'upstream sent a malformed Content-Length';
  return { status: Number(m[2]), minor: Number(m[1]), headers: headers as IncomingHttpHeaders };
}

/** A pooled connection to one origin. */
class Connection {
  readonly socket: Socket;
  exchange: Exchange | undefined;
  /** Whether the current exchange is not the connection's first (then a failure before any byte is retried). */
  reused = false;
  used = false;
  /** `Date.now()` when it went back to the pool. */
  releasedAt = 0;
  slab = EMPTY;
  offset = 0;

  constructor(
    readonly key: string,
    target: URL,
  ) {
    this.socket = connect({
      host: target.hostname.replace(/^\[|\]$/g, ''),
      port: Number(target.port || 80),
      noDelay: true,
      onread: { buffer: () => this.nextBuffer(), callback: (n: number, buf: Buffer): boolean => this.onRead(n, buf) },
    });
    this.socket.on('error', (err) => this.lost(err));
    this.socket.on('close', () => this.lost(new Error('closed')));
    this.socket.on('end', () => this.socket.end());
  }

  attach(exchange: Exchange): void {
    this.socket.ref();
    this.exchange = exchange;
    this.reused = this.used;
    this.used = true;
    if (this.socket.isPaused()) this.socket.resume();
  }

  /** The region the next read fills: right after the bytes the last read used. */
  nextBuffer(): Buffer {
    if (this.slab.length - this.offset < READ_SIZE) {
      this.slab = Buffer.allocUnsafeSlow(SLAB_SIZE);
      this.offset = 0;
    }
    return this.slab.subarray(this.offset, this.offset + READ_SIZE);
  }

  onRead(n: number, buf: Buffer): boolean {
    this.offset += n;
    const ex = this.exchange;
    // Bytes nobody asked for (on an idle connection): the connection is not trustworthy any more.
    if (!ex) this.socket.destroy();
    else ex.read(buf, n);
    return true;
  }

  lost(err: Error): void {
    const ex = this.exchange;
    this.exchange = undefined;
    this.unpool();
    ex?.lost(err, this.reused);
  }

  /** Back to the idle pool (LIFO: the warmest socket is used next), closed after about {@link IDLE_MS}. */
  release(): void {
    this.exchange = undefined;
    // An idle connection holds no slab: pooled sockets then cost next to nothing, and the
    // memory of reads stays proportional to the exchanges under way (and to what the cache
    // copied out), not to the size of the pool.
    this.slab = EMPTY;
    this.offset = 0;
    let pool = idle.get(this.key);
    if (!pool) idle.set(this.key, (pool = []));
    if (pool.length >= MAX_IDLE || this.socket.destroyed) {
      this.socket.destroy();
      return;
    }
    if (this.socket.isPaused()) this.socket.resume();
    pool.push(this);
    // An idle pooled connection does not keep the process alive.
    this.socket.unref();
    this.releasedAt = Date.now();
    sweeper ??= setInterval(sweep, 1000).unref();
  }

  unpool(): void {
    const pool = idle.get(this.key);
    const i = pool?.indexOf(this) ?? -1;
    if (i !== -1) pool!.splice(i, 1);
  }
}
