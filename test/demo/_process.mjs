// Helpers for the tests that start `node demo/start.mjs` (test/demo/start.test.mjs, test/e2e/).
import { connect } from 'node:net';

/** `promise`, or a rejection naming `what` after `ms`. */
export function within(ms, what, promise) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** True when nothing accepts connections on 127.0.0.1:`port` any more. */
export const closed = (port) =>
  new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
