// Shared fixtures of the server tests (not a test file: the name does not end in .test.mjs).
import { createServer, request } from 'node:http';

/** Starts `server` (or a server answering with `listener`) on 127.0.0.1, port 0; returns its base URL and a closer. */
export async function listen(listenerOrServer) {
  const server = typeof listenerOrServer === 'function' ? createServer(listenerOrServer) : listenerOrServer;
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    server,
    port,
    base: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Runs `fn(base)` against a server answering with `listener`, and always closes it. */
export async function withServer(listener, fn) {
  const s = await listen(listener);
  try {
    return await fn(s.base, s);
  } finally {
    await s.close();
  }
}

/**
 * A request with the path sent exactly as given (fetch would normalize `..` and `%2e%2e`):
 * resolves `{ status, headers, body }` with the body as a Buffer.
 */
export function raw(base, path, { method = 'GET', headers = {} } = {}) {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method, headers, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** A closed port: listened on, then closed, so connecting to it is refused. */
export async function closedPort() {
  const s = await listen(() => {});
  await s.close();
  return s.port;
}

/** A tiny Connect: `use([prefix,] fn)`, prefix stripped from req.url while fn runs, errors to the next 4-arity fn. */
export function connectLike() {
  const stack = [];
  const app = (req, res) => {
    let i = 0;
    const originalUrl = req.url;
    req.originalUrl = originalUrl;
    const next = (err) => {
      req.url = originalUrl;
      const layer = stack[i++];
      if (!layer) {
        res.statusCode = err ? 500 : 404;
        res.end(err ? `final: ${err.code ?? err.message}` : 'final: no route');
        return;
      }
      const path = req.url.split('?')[0];
      if (layer.prefix && path !== layer.prefix && !path.startsWith(`${layer.prefix}/`)) return next(err);
      if (layer.prefix) req.url = req.url.slice(layer.prefix.length) || '/';
      const isErrorHandler = layer.fn.length === 4;
      try {
        if (err && isErrorHandler) layer.fn(err, req, res, next);
        else if (!err && !isErrorHandler) layer.fn(req, res, next);
        else next(err);
      } catch (thrown) {
        next(thrown);
      }
    };
    next();
  };
  app.use = (prefix, fn) => {
    if (typeof prefix === 'function') stack.push({ prefix: '', fn: prefix });
    else stack.push({ prefix, fn });
    return app;
  };
  return app;
}

/**
 * A remote's web server: versioned folders of small files, plus behaviours the proxy must
 * survive. Records every request (`requests`) and lets tests hold a response open.
 */
export function upstreamService(files) {
  const requests = [];
  const events = new EventTarget();
  const state = { bigFinished: false, release: null, slowClosed: null, hangClosed: null };
  const listener = (req, res) => {
    requests.push({ url: req.url, method: req.method, headers: { ...req.headers } });
    const path = req.url.split('?')[0];
    if (path.endsWith('/echo.json')) {
      res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': 'sid=upstream; Path=/', 'x-internal': 'secret', 'access-control-allow-origin': '*' });
      res.end(JSON.stringify({ url: req.url, headers: req.headers }));
      return;
    }
    if (path.endsWith('/big.bin')) return sendBig(req, res, state);
    if (path.endsWith('/slow.js')) {
      // Sends the head and a first chunk, then never finishes; reports when its socket closes.
      state.slowClosed = new Promise((resolve) => req.socket.once('close', resolve));
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.write('// first bytes\n');
      events.dispatchEvent(new Event('slow'));
      return;
    }
    if (path.endsWith('/hang.js')) {
      state.hangClosed = new Promise((resolve) => req.socket.once('close', resolve));
      return; // never answers
    }
    if (path.endsWith('/no-store.js')) {
      res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'no-store' });
      res.end('1');
      return;
    }
    const body = files[path];
    if (body === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('upstream: no such file');
      return;
    }
    const etag = `"${Buffer.from(path).toString('base64url')}"`;
    const common = { 'content-type': path.endsWith('.css') ? 'text/css' : 'text/javascript', etag, 'last-modified': 'Wed, 01 Jan 2025 00:00:00 GMT', 'accept-ranges': 'bytes' };
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, { etag });
      res.end();
      return;
    }
    const range = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
    if (range) {
      const [start, end] = [Number(range[1]), Math.min(Number(range[2]), body.length - 1)];
      res.writeHead(206, { ...common, 'content-range': `bytes ${start}-${end}/${body.length}`, 'content-length': end - start + 1 });
      res.end(req.method === 'HEAD' ? undefined : body.slice(start, end + 1));
      return;
    }
    res.writeHead(200, { ...common, 'content-length': Buffer.byteLength(body) });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
  return { listener, requests, state, events };
}

export const BIG_SIZE = 32 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 0x61);

/**
 * 32 MB generated on the fly, with backpressure: the first 1 MB, then it waits for
 * `state.release()` (the test calls it once the client has bytes), then the rest.
 */
async function sendBig(req, res, state) {
  state.bigFinished = false;
  const released = new Promise((resolve) => (state.release = resolve));
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': BIG_SIZE });
  let sent = 0;
  const write = async (limit) => {
    while (sent < limit) {
      if (res.destroyed) return;
      sent += CHUNK.length;
      if (!res.write(CHUNK)) await new Promise((resolve) => { res.once('drain', resolve); res.once('close', resolve); });
    }
  };
  await write(1024 * 1024);
  await released;
  await write(BIG_SIZE);
  res.end(() => (state.bigFinished = true));
}
