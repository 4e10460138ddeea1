// The "malicious path" step (src/server/path.ts) shared by the proxy, the static handler and local
// MFE packages, seen through the static handler on a real server: dot segments in every
// spelling, including `;` path parameters. (The proxy's cases are in proxy.test.mjs.)
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStaticHandler } from '../../dist/server/index.js';
import { raw, withServer } from './_helpers.mjs';

let dir;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'mfe-path-'));
  mkdirSync(join(dir, 'public', 'a'), { recursive: true });
  writeFileSync(join(dir, 'secret.txt'), 'secret');
  writeFileSync(join(dir, 'public', 'a', 'x.js'), 'x');
  writeFileSync(join(dir, 'public', 'a', 'file;v=1.js'), 'semicolon');
});
after(() => rmSync(dir, { recursive: true, force: true }));

const serve = (fn) => withServer(createStaticHandler({ root: join(dir, 'public') }), fn);

test('should 400 on dot segments with ";" parameters (Tomcat and Jetty read them as . and ..)', async () => {
  await serve(async (base) => {
    for (const path of ['/..;/secret.txt', '/a/..;/a/x.js', '/..;foo/secret.txt', '/..;jsessionid=1/secret.txt', '/.;/a/x.js', '/a/.;x=y/x.js', '/%2e%2e;/secret.txt', '/..%3B/secret.txt', '/%2E%3b/a/x.js', '/a/..;']) {
      const res = await raw(base, path);
      assert.equal(res.status, 400, path);
      assert.equal(res.body.toString(), 'Bad Request: dot segment with &#34;;&#34; parameters in path\n', path);
    }
  });
});

test('should still 400 on plain dot segments, with their own reason', async () => {
  await serve(async (base) => {
    for (const path of ['/../secret.txt', '/a/./x.js', '/%2e%2e/secret.txt']) {
      const res = await raw(base, path);
      assert.equal(res.status, 400, path);
      assert.equal(res.body.toString(), 'Bad Request: dot segment in path\n', path);
    }
  });
});

test('should serve a name with ";" that is no dot segment (only dot segments are refused)', async () => {
  await serve(async (base) => {
    assert.equal((await raw(base, '/a/file;v=1.js')).body.toString(), 'semicolon');
    assert.equal((await raw(base, '/a/file%3Bv=1.js')).body.toString(), 'semicolon');
  });
});
