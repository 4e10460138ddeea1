/// <reference types="node" preserve="true" />
/**
 * Graceful drain of an `http.Server`, in the order a load balancer needs to lose no request:
 *
 * 1. **not ready**: `reason` is set at once, so `/readyz` answers `503` (wire it with
 *    `createHealthHandler({ ready: () => drainer.reason ?? true })`); the server still serves
 *    everything else, new connections included, for `delayMs`. Kubernetes removes a pod from its
 *    Service's endpoints at the same time as it sends SIGTERM, and the ingresses and kube-proxies
 *    learn it a few seconds later: traffic keeps arriving meanwhile.
 * 2. **closing**: the listening socket is closed (no new connections); every response not yet
 *    started gets `Connection: close`, idle keep-alive connections are closed now and busy ones
 *    as soon as their response is complete, so a proxy in front (nginx `keepalive`) moves to
 *    another replica instead of sending a request into a closing socket.
 * 3. **deadline**: requests still running after `graceMs` have their connections cut.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/** Options of {@link createDrainer}. */
export interface DrainOptions {
  /** How long to keep serving, not ready, before closing (ms). Default 0. */
  delayMs?: number;
  /** How long requests in flight get once closing starts, before their connections are cut (ms). Default 10000. */
  graceMs?: number;
  /** Where the one-line progress messages go. Default: nowhere. */
  log?: (line: string) => void;
}

/** How a drain ended. */
export interface DrainResult {
  /** Connections still busy at the deadline, cut (0 after a clean drain). */
  cut: number;
}

/** Drains one server; see {@link createDrainer}. */
export interface Drainer {
  /**
   * `undefined` while serving normally; from `drain(why)` on, why this replica is not ready:
   * `draining: shutting down (<why>)`, the body of `/readyz`'s `503`.
   */
  readonly reason: string | undefined;
  /**
   * Starts the drain (`why`: what asked for it, e.g. `"SIGTERM"`; it starts every log line). A
   * second call skips what is left of the delay (a second Ctrl-C). Resolves when the server has
   * closed.
   */
  drain(why: string): Promise<DrainResult>;
}

/**
 * Prepares `server` for a graceful drain: from now on it tracks its responses (call this before
 * the first request, e.g. right after creating the server), and `drain()` runs the steps above.
 *
 * ```js
 * const drainer = createDrainer(server, { delayMs: 5000 });
 * process.once('SIGTERM', () => drainer.drain('SIGTERM').then(() => process.exit(0)));
 * ```
 */
export function createDrainer(server: Server, opts: DrainOptions = {}): Drainer {
  const { delayMs = 0, graceMs = 10_000, log = () => {} } = opts;
  for (const [name, value] of [['delayMs', delayMs], ['graceMs', graceMs]] as const) {
    if (!Number.isFinite(value) || value < 0) throw new TypeError(`createDrainer: "${name}" must be a non-negative number of ms, got ${String(value)}`);
  }

  const inFlight = new Set<ServerResponse>();
  let reason: string | undefined;
  let cause = '';
  let closing = false;
  let finished: Promise<DrainResult> | undefined;
  let hurry: (() => void) | undefined;

  const closeIdleSoon = (): void => {
    // After this turn: the finished response's socket is detached and counted idle by then.
    // (closeIdleConnections skips connections with a request in progress.)
    setImmediate(() => server.closeIdleConnections());
  };

  // First listener, so it runs before the handler can write the head (most answers are
  // written synchronously).
  server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
    inFlight.add(res);
    if (closing) res.setHeader('Connection', 'close');
    // 'close' follows the end of the response (or an abort): a keep-alive connection busy when
    // closing began is closed as soon as it falls idle.
    res.once('close', () => {
      inFlight.delete(res);
      if (closing) closeIdleSoon();
    });
  });

  function close(): Promise<DrainResult> {
    closing = true;
    return new Promise<DrainResult>((resolve) => {
      let cut = 0;
      const deadline = setTimeout(() => {
        cut = inFlight.size;
        if (cut > 0) log(`${cause}: ${graceMs / 1000} s deadline: cutting ${cut} request${cut === 1 ? '' : 's'} still in flight`);
        server.closeAllConnections();
      }, graceMs);
      deadline.unref();
      log(`${cause}: closing: no new connections${inFlight.size ? `, ${inFlight.size} request${inFlight.size === 1 ? '' : 's'} in flight get up to ${graceMs / 1000} s` : ''}`);
      for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
      server.close(() => {
        clearTimeout(deadline);
        resolve({ cut });
      });
      server.closeIdleConnections();
    });
  }

  return {
    get reason() {
      return reason;
    },
    drain(why: string): Promise<DrainResult> {
      if (finished) {
        hurry?.();
        return finished;
      }
      cause = why;
      reason = `draining: shutting down (${why})`;
      if (delayMs === 0 || !server.listening) {
        finished = close();
        return finished;
      }
      log(`${why}: not ready (/readyz answers 503), closing in ${delayMs / 1000} s`);
      finished = new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delayMs);
        hurry = () => {
          hurry = undefined;
          clearTimeout(timer);
          log(`${cause}: asked again, closing now`);
          resolve();
        };
      }).then(() => {
        hurry = undefined;
        return close();
      });
      return finished;
    },
  };
}
