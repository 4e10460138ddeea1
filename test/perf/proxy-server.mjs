// A server for row 6 of `npm run bench`, run in a process of its own so it does not share a
// thread with the load generator:
//   node test/perf/proxy-server.mjs upstream          a remote: 100 KB of JavaScript at any path
//   node test/perf/proxy-server.mjs shell <upstream>   the shell host (dist/server), proxy on,
//                                                      with one remote "demo" on that upstream
//   node test/perf/proxy-server.mjs shell-no-cache <upstream>   the same without the proxy's cache
// Prints the port it listens on (127.0.0.1), then serves until killed.
import { createServer } from 'node:http';

const [mode, upstream] = process.argv.slice(2);
let handler;
if (mode === 'upstream') {
  const body = Buffer.from(`/* 100 KB asset */\n${'export const x = 1;\n'.repeat(5120)}`.slice(0, 100 * 1024));
  handler = (req, res) => {
    res.writeHead(200, { 'content-type': 'text/javascript', 'content-length': body.length, 'cache-control': 'public, max-age=60' });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
} else if (mode === 'shell' || mode === 'shell-no-cache') {
  const { createShellHandler } = await import('../../dist/server/index.js');
  const shell = createShellHandler({ remotes: { demo: { entry: `http://127.0.0.1:${upstream}/mfe/demo/1.0.0/mfe.js`, version: '1.0.0' } }, proxy: true, proxyCache: mode === 'shell' ? undefined : false });
  handler = (req, res) =>
    shell(req, res, () => {
      res.writeHead(404).end();
    });
} else {
  console.error('usage: proxy-server.mjs upstream | shell <upstream port> | shell-no-cache <upstream port>');
  process.exit(2);
}
const server = createServer(handler);
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
