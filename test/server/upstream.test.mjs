// The proxy's own HTTP/1.1 client for http: upstreams (src/server/upstream.ts), through
// createProxyHandler against raw TCP upstreams on 127.0.0.1 that send exactly the bytes a test
// picks: framings (Content-Length, chunked, close-delimited), heads split across packets,
// interim 1xx, pooling and the stale keep-alive retry, and every malformed response refused.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createTcpServer } from 'node:net';
import { createProxyHandler, loadRemotes } from '../../dist/server/index.js';
import { raw, withServer } from './_helpers.mjs';

/**
 * A TCP upstream: `answer(requestText, socket, n)` writes the response for the n-th request
 * (counted over all connections). Records connections and requests.
 */
async function tcpUpstream(answer) {
  const state = { connections: 0, requests: [], sockets: new Set() };
  const server = createTcpServer((socket) => {
    state.connections++;
    state.sockets.add(socket);
    socket.on('close', () => state.sockets.delete(socket));
    socket.on('error', () => {});
    let pending = '';
    socket.on('data', (d) => {
      pending += d.toString('latin1');
      let end;
      while ((end = pending.indexOf('\r\n\r\n')) !== -1) {
        const text = pending.slice(0, end);
        pending = pending.slice(end + 4);
        state.requests.push(text);
        answer(text, socket, state.requests.length);
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  const remotes = loadRemotes({ env: {}, remotes: { up: { entry: `${base}/up/1.0.0/mfe.js`, version: '1.0.0' } } });
  return {
    state,
    remotes,
    close: async () => {
      for (const s of state.sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Runs `fn(base, upstream)` with a proxy (cache off) in front of a TCP upstream answering with `answer`. */
async function through(answer, fn, options = {}) {
  const upstream = await tcpUpstream(answer);
  try {
    await withServer(createProxyHandler({ remotes: upstream.remotes, cache: false, ...options }), (base) => fn(base, upstream));
  } finally {
    await upstream.close();
  }
}

const ok = (body, extra = '') => `HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;

describe('framings', () => {
  test('chunked: chunks with extensions and trailers come through whole, as one body', async () => {
    const body = '4;ext=1\r\nabcd\r\n0a\r\n0123456789\r\n1 ; x\r\n!\r\n0\r\nx-trailer: t\r\n\r\n';
    await through((_, s) => s.write(`HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ntransfer-encoding: chunked\r\n\r\n${body}`), async (base) => {
      const res = await raw(base, '/mfe/up/1.0.0/a.txt');
      assert.equal(res.status, 200);
      assert.equal(res.body.toString(), 'abcd0123456789!');
      assert.equal(res.headers['x-trailer'], undefined);
    });
  });

  test('close-delimited (HTTP/1.0, no Content-Length): the body ends with the connection', async () => {
    await through((_, s) => s.end('HTTP/1.0 200 OK\r\ncontent-type: text/plain\r\n\r\nuntil the end'), async (base, up) => {
      assert.equal((await raw(base, '/mfe/up/1.0.0/a.txt')).body.toString(), 'until the end');
      assert.equal((await raw(base, '/mfe/up/1.0.0/a.txt')).body.toString(), 'until the end');
      assert.equal(up.state.connections, 2, 'a close-delimited connection is never reused');
    });
  });

  test('a head and body sent a byte at a time are read as one response', async () => {
    const response = ok('split', 'etag: "e"\r\n');
    await through(async (_, s) => {
      for (const ch of response) {
        s.write(ch);
        await new Promise((resolve) => setImmediate(resolve));
      }
    }, async (base) => {
      const res = await raw(base, '/mfe/up/1.0.0/a.txt');
      assert.equal(res.body.toString(), 'split');
      assert.equal(res.headers.etag, '"e"');
    });
  });

  test('interim 100 and 103 responses are skipped; the final one is forwarded', async () => {
    await through((_, s) => s.write(`HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nlink: </a.css>; rel=preload\r\n\r\n${ok('final')}`), async (base) => {
      const res = await raw(base, '/mfe/up/1.0.0/a.txt');
      assert.equal(res.status, 200);
      assert.equal(res.body.toString(), 'final');
    });
  });

  test('HEAD, 204 and 304 have no body, whatever Content-Length says; the connection is reused', async () => {
    await through((text, s) => {
      if (text.startsWith('HEAD')) s.write('HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\n');
      else if (text.includes('if-none-match')) s.write('HTTP/1.1 304 Not Modified\r\netag: "e"\r\n\r\n');
      else s.write(ok('after'));
    }, async (base, up) => {
      const head = await raw(base, '/mfe/up/1.0.0/a.txt', { method: 'HEAD' });
      assert.equal(head.headers['content-length'], '1000');
      const notModified = await raw(base, '/mfe/up/1.0.0/a.txt', { headers: { 'if-none-match': '"e"' } });
      assert.equal(notModified.status, 304);
      assert.equal((await raw(base, '/mfe/up/1.0.0/a.txt')).body.toString(), 'after');
      assert.equal(up.state.connections, 1);
    });
  });
});

describe('connections', () => {
  test('sequential requests share one keep-alive connection; Connection: close is honoured', async () => {
    await through((text, s, n) => s.write(ok(`#${n}`, n === 3 ? 'connection: close\r\n' : '')), async (base, up) => {
      for (let i = 1; i <= 4; i++) assert.equal((await raw(base, '/mfe/up/1.0.0/a.txt')).body.toString(), `#${i}`);
      assert.equal(up.state.connections, 2, 'one until the close, a new one after it');
    });
  });

  test('a reused connection dropped before any byte of the answer: the request is sent once more on a new one', async () => {
    await through((_, s, n) => (n === 2 ? s.destroy() : s.write(ok(`#${n}`))), async (base, up) => {
      assert.equal((await raw(base, '/mfe/up/1.0.0/a.txt')).body.toString(), '#1');
      const second = await raw(base, '/mfe/up/1.0.0/a.txt');
      assert.equal(second.status, 200);
      assert.equal(second.body.toString(), '#3');
      assert.equal(up.state.connections, 2);
    });
  });

  test('a fresh connection dropped before the answer is a 502 (no retry)', async () => {
    await through((_, s) => s.destroy(), async (base, up) => {
      const res = await raw(base, '/mfe/up/1.0.0/a.txt');
      assert.equal(res.status, 502);
      assert.equal(res.body.toString(), 'remote &#34;up&#34; is unreachable\n');
      assert.equal(up.state.requests.length, 1);
    });
  });

  test('a body cut short: the client sees a truncated response, the connection is not reused', async () => {
    await through((_, s, n) => (n === 1 ? s.end('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nonly this') : s.write(ok('whole'))), async (base, up) => {
      await assert.rejects(raw(base, '/mfe/up/1.0.0/a.txt'));
      assert.equal((await raw(base, '/mfe/up/1.0.0/a.txt')).body.toString(), 'whole');
      assert.equal(up.state.connections, 2);
    });
  });

  test('bytes after the end of a response: the response is refused, the connection closed', async () => {
    await through((_, s, n) => s.write(n === 1 ? `${ok('one')}HTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\nevil` : ok('two')), async (base, up) => {
      await assert.rejects(raw(base, '/mfe/up/1.0.0/a.txt'));
      assert.equal((await raw(base, '/mfe/up/1.0.0/a.txt')).body.toString(), 'two', 'the smuggled response never answers a later request');
      assert.equal(up.state.connections, 2);
    });
  });
});

describe('malformed responses are a 502 naming the remote', () => {
  const cases = [
    ['Transfer-Encoding with Content-Length', 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\ncontent-length: 5\r\n\r\n5\r\nhello\r\n0\r\n\r\n'],
    ['Transfer-Encoding other than chunked', 'HTTP/1.1 200 OK\r\ntransfer-encoding: gzip, chunked\r\n\r\n0\r\n\r\n'],
    ['conflicting Content-Length', 'HTTP/1.1 200 OK\r\ncontent-length: 5\r\ncontent-length: 6\r\n\r\nhello!'],
    ['Content-Length not digits', 'HTTP/1.1 200 OK\r\ncontent-length: +5\r\n\r\nhello'],
    ['obsolete line folding', 'HTTP/1.1 200 OK\r\nx-a: 1\r\n folded\r\ncontent-length: 0\r\n\r\n'],
    ['a control character in a value', 'HTTP/1.1 200 OK\r\nx-a: a\x01b\r\ncontent-length: 0\r\n\r\n'],
    ['a bare LF in the head', 'HTTP/1.1 200 OK\r\nx-a: 1\nx-b: 2\r\ncontent-length: 0\r\n\r\n'],
    ['a space before the colon', 'HTTP/1.1 200 OK\r\ncontent-length : 0\r\n\r\n'],
    ['a malformed status line', 'HTTP/2 200 OK\r\ncontent-length: 0\r\n\r\n'],
    ['a head over 32 KB', `HTTP/1.1 200 OK\r\nx-big: ${'a'.repeat(33 * 1024)}\r\ncontent-length: 0\r\n\r\n`],
  ];
  for (const [what, response] of cases) {
    test(`should 502 on ${what}`, async () => {
      await through((_, s) => s.write(response), async (base) => {
        const res = await raw(base, '/mfe/up/1.0.0/a.txt');
        assert.equal(res.status, 502, what);
        assert.match(res.body.toString(), /^remote &#34;up&#34; sent an invalid response for \/mfe\/up\/1\.0\.0\/a\.txt: upstream (sent|response head) /);
      });
    });
  }

  test('a malformed chunk size cuts the body (the head was already sent)', async () => {
    await through((_, s) => s.write('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n'), async (base) => {
      await assert.rejects(raw(base, '/mfe/up/1.0.0/a.txt'));
    });
  });
});
