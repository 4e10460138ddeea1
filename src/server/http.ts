/// <reference types="node" preserve="true" />
/**
 * HTTP plumbing shared by the server's handlers. `sendError` is the one place that writes an
 * error response (pillarjs/send's `error()`): handlers decide the status, this decides the
 * bytes, so every failure looks the same on the wire and none can throw out of a handler.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Connect-style continuation: `next()` passes the request on, `next(err)` reports a failure. */
export type NextFunction = (err?: unknown) => void;

/**
 * A request handler usable as `http.createServer(handler)` (then unknown paths get a 404) and as
 * Connect/Express middleware (then unknown paths go to `next()`).
 */
export type Middleware = (req: IncomingMessage, res: ServerResponse, next?: NextFunction) => void;

/** Headers describing a body that an error response replaces; dropped before it is written. */
const ENTITY_HEADERS = [
  'cache-control',
  'content-disposition',
  'content-encoding',
  'content-language',
  'content-length',
  'content-location',
  'content-range',
  'content-type',
  'etag',
  'last-modified',
];

const MAX_MESSAGE = 200;

/**
 * Writes a minimal `text/plain` error response: `status` and `message` (HTML-escaped,
 * control characters removed, cut to 200 characters), no body for `HEAD`.
 * Never throws: when the response head is already out there is no way to signal an error
 * but to cut the connection, so the response is destroyed (the client sees a truncated reply
 * rather than a complete-looking one).
 */
export function sendError(
  res: ServerResponse,
  status: number,
  message: string,
  headers: Readonly<Record<string, string>> = {},
): void {
  try {
    if (res.headersSent) {
      if (!res.writableEnded) res.destroy();
      return;
    }
    for (const name of ENTITY_HEADERS) res.removeHeader(name);
    const body = `${escapeText(message)}\n`;
    res.writeHead(status, {
      ...headers,
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': String(Buffer.byteLength(body)),
      'Content-Security-Policy': "default-src 'none'",
      'X-Content-Type-Options': 'nosniff',
    });
    res.end(res.req?.method === 'HEAD' ? undefined : body);
  } catch {
    // Only a broken socket or a bad header value from a caller gets here: nothing left to say.
    res.destroy();
  }
}

/** The path of a request target, without the query (handles origin- and absolute-form). */
export function pathnameOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  if (url.startsWith('/')) {
    const end = url.search(/[?#]/);
    return end === -1 ? url : url.slice(0, end);
  }
  try {
    return new URL(url).pathname;
  } catch {
    return '';
  }
}

function escapeText(message: string): string {
  const clean = message.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  const short = clean.length > MAX_MESSAGE ? `${clean.slice(0, MAX_MESSAGE - 1)}…` : clean;
  return short.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
