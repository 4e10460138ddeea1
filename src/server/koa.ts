/// <reference types="node" preserve="true" />
/**
 * Koa-style middleware (`@web/dev-server`'s `middleware: [...]`) from a Connect-style one.
 * Koa awaits `next()` and then writes `ctx.body` itself, so the adapter must tell it when the
 * wrapped handler answered on its own: then `ctx.respond = false`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Middleware } from './http.js';

/** The part of a Koa context the adapter uses. */
export interface KoaLikeContext {
  req: IncomingMessage;
  res: ServerResponse;
  respond?: boolean;
}

/**
 * Wraps a `mfe-host/server` handler as Koa middleware, e.g. for `@web/dev-server`:
 *
 * ```js
 * // web-dev-server.config.mjs
 * import { createShellHandler, koaAdapter, loadRemotes } from 'mfe-host/server';
 * export default { middleware: [koaAdapter(createShellHandler({ remotes: loadRemotes() }))] };
 * ```
 *
 * Requests the handler passes on go to Koa's `next()`; errors it reports reject (Koa's error
 * handling takes over); a response it writes itself is left alone by Koa. The returned promise
 * settles when the handler either passed the request on or finished (or lost) the response.
 */
export function koaAdapter(mw: Middleware): (ctx: KoaLikeContext, next: () => Promise<unknown>) => Promise<void> {
  return (ctx, next) =>
    new Promise<void>((resolve, reject) => {
      let passedOn = false;
      const onClose = (): void => {
        if (passedOn) return;
        ctx.respond = false; // the handler answered: Koa must not write a second response
        resolve();
      };
      ctx.res.once('close', onClose);
      ctx.res.once('finish', onClose);
      try {
        mw(ctx.req, ctx.res, (err?: unknown) => {
          passedOn = true;
          ctx.res.off('close', onClose);
          ctx.res.off('finish', onClose);
          if (err) reject(err);
          else next().then(() => resolve(), reject);
        });
      } catch (err) {
        passedOn = true;
        reject(err);
      }
    });
}
