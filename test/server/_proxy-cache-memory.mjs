// Child process of proxy-cache-memory.test.mjs (not a test file: the name does not end in
// .test.mjs). Run with `node --expose-gc`: fills a real proxy's cache on 127.0.0.1 with many
// distinct small files from a real upstream in this process, so the cache holds exactly the
// structures it holds in production (keys from the target URL, header strings from the HTTP
// parser, bodies recorded from socket chunks), and prints one JSON line:
// { base, grown, stored, evicted, requests }, `grown` being the growth of
// heapUsed + arrayBuffers after gc() over a warmed-up baseline.
//
// argv: <maxBytes> <requests> <maxEntries|default> <headers: few|many> <pad bytes>
import { Agent, createServer, request } from 'node:http';
import { createProxyHandler, loadRemotes } from '../../dist/server/index.js';

const [maxBytes, requests, maxEntriesArg, headerSet, pad] = process.argv.slice(2);
const cache = { maxBytes: Number(maxBytes), ...(maxEntriesArg !== 'default' && { maxEntries: Number(maxEntriesArg) }) };

const listen = (handler) =>
  new Promise((resolve) => {
    const server = createServer(handler);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });

let upstreamHits = 0;
const upstream = await listen((req, res) => {
  upstreamHits++;
  const body = `export default ${JSON.stringify(req.url)};\n${'/'.repeat(Number(pad))}`;
  const headers = { 'content-length': Buffer.byteLength(body), 'cache-control': 'public, max-age=600' };
  if (headerSet === 'many') {
    Object.assign(headers, {
      'content-type': 'text/javascript; charset=utf-8',
      etag: `"${req.url.length.toString(16)}-${upstreamHits.toString(36)}"`,
      'last-modified': new Date(upstreamHits * 1000).toUTCString(),
      'access-control-allow-origin': '*',
    });
  }
  res.writeHead(200, headers).end(body);
});
const origin = `http://127.0.0.1:${upstream.address().port}`;
const remotes = loadRemotes({ env: {}, remotes: { app: { entry: `${origin}/app/1.0.0/mfe.js`, version: '1.0.0' }, plain: `${origin}/plain/mfe.js` } });
const proxy = await listen(createProxyHandler({ remotes, cache }));
const agent = new Agent({ keepAlive: true, maxSockets: 8 });

/** GET through the proxy; resolves whether it was a hit (Age marks one). */
const get = (path) =>
  new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port: proxy.address().port, path, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.headers.age !== undefined));
    })
      .on('error', reject)
      .end();
  });
/** GETs every path, eight at a time (one per keep-alive socket). */
async function getAll(paths) {
  let next = 0;
  const results = new Array(paths.length);
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < paths.length) {
        const i = next++;
        results[i] = await get(paths[i]);
      }
    }),
  );
  return results;
}
const heap = () => {
  for (let i = 0; i < 3; i++) globalThis.gc();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
};

// Warm up sockets, parsers and compiled code on an unversioned route (never cached).
await getAll(Array.from({ length: 600 }, (_, i) => `/mfe/plain/_/warm-${i}.js`));
// The paths exist before the baseline: they are the test's, not the cache's.
const paths = Array.from({ length: Number(requests) }, (_, i) => `/mfe/app/1.0.0/chunks/${i.toString(36)}-${((i * 2654435761) % 4294967296).toString(16)}.js`);
const base = heap();
await getAll(paths);
const grown = heap() - base;
// Then probe (this changes the cache, so only after counting): the newest files are hits, the
// oldest were evicted.
const before = upstreamHits;
const newest = await getAll(paths.slice(-200));
const oldest = await getAll(paths.slice(0, 200));
console.log(JSON.stringify({ base, grown, stored: newest.filter(Boolean).length, evicted: oldest.filter((hit) => !hit).length, probes: upstreamHits - before, requests: paths.length }));
agent.destroy();
proxy.closeAllConnections();
upstream.closeAllConnections();
proxy.close();
upstream.close();
