/// <reference types="node" preserve="true" />
/**
 * Probes for orchestrators and load balancers: `GET /healthz` (the process is alive and its
 * event loop answers) and `GET /readyz` (this replica should get traffic). Kubernetes restarts a
 * pod whose liveness probe fails and takes a pod whose readiness probe fails out of its Service's
 * endpoints, so the two must not be the same check: a replica that is draining or has no valid
 * configuration is alive (do not kill it) but not ready (send it nothing new).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Middleware, type NextFunction, pathnameOf, sendError } from './http.js';

/** What a readiness check says: `true` when ready, else why not (the body of the `503`). */
export type Readiness = true | string;

/** Options of {@link createHealthHandler}. */
export interface HealthHandlerOptions {
  /**
   * Called on every `/readyz` request: `true` when ready, else the reason it is not (e.g.
   * `"draining: SIGTERM received"`, `"no valid configuration: …"`), sent as the `503` body.
   * A throw counts as not ready, with the error's message. Default: always ready.
   */
  ready?: () => Readiness;
  /**
   * When given, `/readyz` also requires `server.listening`: after `server.close()` (shutdown)
   * or before `listen()` the replica is not ready, whatever `ready` says.
   */
  server?: { readonly listening: boolean };
}

/** Liveness: answers while the event loop does. */
export const HEALTHZ_PATH = '/healthz';
/** Readiness: answers `200` only when this replica should get traffic. */
export const READYZ_PATH = '/readyz';

const ALLOW = 'GET, HEAD';
// Probe answers describe this process at this instant: no cache (a CDN, a browser, nginx's
// proxy_cache) may keep or share them.
const NO_STORE = { 'Cache-Control': 'no-store' };

/**
 * Creates a handler for `/healthz` and `/readyz` (exact paths, any query string):
 *
 * - `GET|HEAD /healthz`: `200` `ok` as long as the process can answer at all.
 * - `GET|HEAD /readyz`: `200` `ok` when `server` (if given) is listening and `ready()` returns
 *   `true`; else `503` with the reason as a `text/plain` body.
 * - other methods on those paths: `405` with `Allow: GET, HEAD`.
 * - any other path: `next()` as middleware, else `404`.
 *
 * Every answer has `Cache-Control: no-store`. Put it first in a chain so that no file of a
 * static folder (`public/healthz`) and no route of an app can shadow it.
 *
 * ```js
 * const health = createHealthHandler({ ready: () => (config ? true : 'no valid configuration loaded') });
 * createServer((req, res) => health(req, res, () => app(req, res)));
 * ```
 *
 * @throws TypeError at creation when `ready` is given and is not a function.
 */
export function createHealthHandler(opts: HealthHandlerOptions = {}): Middleware {
  const { ready, server } = opts ?? {};
  if (ready !== undefined && typeof ready !== 'function') {
    throw new TypeError(`createHealthHandler: "ready" must be a function returning true or a reason string, got ${typeof ready}`);
  }

  function readiness(): Readiness {
    if (server && !server.listening) return 'not listening';
    if (!ready) return true;
    let answer: unknown;
    try {
      answer = ready();
    } catch (err) {
      return `readiness check failed: ${err instanceof Error ? err.message : String(err)}`;
    }
    if (answer === true) return true;
    // Anything but true is "not ready": a blank reason still has to say something useful.
    return typeof answer === 'string' && answer.trim() !== '' ? answer : 'not ready';
  }

  return function mfeHealth(req: IncomingMessage, res: ServerResponse, next?: NextFunction): void {
    const path = pathnameOf(req);
    if (path !== HEALTHZ_PATH && path !== READYZ_PATH) {
      if (next) next();
      else sendError(res, 404, 'Not Found');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendError(res, 405, 'Method Not Allowed', { ...NO_STORE, Allow: ALLOW });
      return;
    }
    const state = path === HEALTHZ_PATH ? true : readiness();
    if (state !== true) {
      sendError(res, 503, state, NO_STORE);
      return;
    }
    const body = 'ok\n';
    res.writeHead(200, {
      ...NO_STORE,
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': String(Buffer.byteLength(body)),
      'X-Content-Type-Options': 'nosniff',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}
