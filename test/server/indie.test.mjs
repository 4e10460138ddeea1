// discoverLocalMfes(): local MFEs from node_modules (plain and scoped) and npm workspaces
// ("dir/*" and exact folders), symlinked workspaces reported once, and the errors for bad
// "mfe" fields, bad versions, unsupported workspace patterns and duplicate names.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { discoverLocalMfes } from '../../dist/server/index.js';

/** A fresh project folder; `files` maps relative paths to JSON (objects) or text. Removed after `fn`. */
function withProject(files, fn) {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'mfe-indie-')));
  try {
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), typeof content === 'string' ? content : JSON.stringify(content));
    }
    return fn(root);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const pkg = (name, version, mfe) => ({ name, version, ...(mfe === undefined ? {} : { mfe }) });

describe('discovery', () => {
  test('finds plain and scoped node_modules packages with an "mfe" field, skips the others', () => {
    withProject(
      {
        'package.json': { name: 'shell', version: '1.0.0' },
        'node_modules/billing-mfe/package.json': pkg('billing-mfe', '1.2.0', { name: 'billing', entry: './dist/mfe.js' }),
        'node_modules/@acme/inventory/package.json': pkg('@acme/inventory', '1.4.0-rc.1', { name: 'inventory', entry: 'build/esm/index.js' }),
        'node_modules/lodash/package.json': pkg('lodash', '4.17.21'),
        'node_modules/.bin/whatever': 'not a package',
        'node_modules/.package-lock.json': '{}',
        'node_modules/broken-json/package.json': '{ not json, and no mfe field',
      },
      (root) => {
        const found = discoverLocalMfes(root);
        assert.equal(Object.getPrototypeOf(found), null, 'null prototype: names come from URLs');
        assert.deepEqual(Object.keys(found), ['billing', 'inventory']);
        assert.deepEqual({ ...found.billing }, {
          version: '1.2.0',
          dir: join(root, 'node_modules/billing-mfe/dist'),
          entry: 'mfe.js',
          package: 'billing-mfe',
        });
        assert.deepEqual({ ...found.inventory }, {
          version: '1.4.0-rc.1',
          dir: join(root, 'node_modules/@acme/inventory/build/esm'),
          entry: 'index.js',
          package: '@acme/inventory',
        });
      },
    );
  });

  test('finds npm workspaces ("dir/*" and exact folders) and reports a symlinked workspace once', () => {
    withProject(
      {
        'package.json': { name: 'shell', private: true, workspaces: ['packages/*', 'apps/admin'] },
        'packages/billing/package.json': pkg('@acme/billing', '2.0.0', { name: 'billing', entry: './dist/mfe.js' }),
        'packages/utils/package.json': pkg('@acme/utils', '1.0.0'),
        'packages/notes/README.md': 'a folder without package.json is not a package',
        'apps/admin/package.json': pkg('admin', '0.1.0', { name: 'admin', entry: 'mfe.js' }),
      },
      (root) => {
        // npm links workspace packages into node_modules.
        mkdirSync(join(root, 'node_modules/@acme'), { recursive: true });
        symlinkSync('../../packages/billing', join(root, 'node_modules/@acme/billing'), 'dir');
        symlinkSync('../apps/admin', join(root, 'node_modules/admin'), 'dir');
        symlinkSync('../nowhere', join(root, 'node_modules/dangling'), 'dir');
        const found = discoverLocalMfes(root);
        assert.deepEqual(Object.keys(found), ['admin', 'billing']);
        assert.equal(found.billing.dir, join(root, 'packages/billing/dist'), 'the real folder, not the link');
        assert.equal(found.admin.dir, join(root, 'apps/admin'));
        assert.equal(found.admin.entry, 'mfe.js');
      },
    );
  });

  test('accepts { "workspaces": { "packages": [...] } }', () => {
    withProject(
      {
        'package.json': { name: 'shell', workspaces: { packages: ['./mfes/*/'] } },
        'mfes/cart/package.json': pkg('cart', '3.1.4', { name: 'cart', entry: './out/cart.mjs' }),
      },
      (root) => {
        assert.deepEqual(Object.keys(discoverLocalMfes(root)), ['cart']);
      },
    );
  });

  test('an empty folder or no node_modules finds nothing; the default root is the cwd', () => {
    withProject({}, (root) => assert.deepEqual({ ...discoverLocalMfes(root) }, {}));
    assert.equal(typeof discoverLocalMfes(), 'object');
  });
});

describe('errors name the package.json, the field and why', () => {
  const bad = (mfe, version = '1.0.0') => ({ 'node_modules/x/package.json': pkg('x', version, mfe) });
  const cases = [
    ['"mfe" not an object', bad('billing'), /node_modules\/x\/package\.json \(x\): "mfe" must be an object like \{ "name": "billing", "entry": "\.\/dist\/mfe\.js" \}, got string "billing"/],
    ['missing mfe.name', bad({ entry: './mfe.js' }), /"mfe\.name" is missing/],
    ['bad mfe.name', bad({ name: 'bil ling', entry: './mfe.js' }), /"mfe\.name" must be letters, digits, "\.", "_" or "-" \(a URL segment\), starting with a letter or digit, got string "bil ling"/],
    ['mfe.name __proto__', bad({ name: '__proto__', entry: './mfe.js' }), /"mfe\.name" must be/],
    // the rules of configured remotes (names.ts): URL segments, never a path
    ['mfe.name a/b', bad({ name: 'a/b', entry: './mfe.js' }), /"mfe\.name" must be letters, digits, "\.", "_" or "-" \(a URL segment\), starting with a letter or digit, got string "a\/b"/],
    ['mfe.name ..', bad({ name: '..', entry: './mfe.js' }), /"mfe\.name" must be letters, digits, "\.", "_" or "-" \(a URL segment\), starting with a letter or digit, got string "\.\."/],
    ['mfe.name constructor', bad({ name: 'constructor', entry: './mfe.js' }), /"mfe\.name" must not be a member of every object, got string "constructor"/],
    ['mfe.name empty', bad({ name: '', entry: './mfe.js' }), /"mfe\.name" must not be empty/],
    ['version ..', bad({ name: 'x', entry: 'mfe.js' }, '..'), /"version" must be a version string such as "1\.2\.0" .*, got string "\.\."/],
    ['version with a slash', bad({ name: 'x', entry: 'mfe.js' }, '1.0.0/x'), /"version" must be a version string such as "1\.2\.0" \(a URL segment: letters, digits, "\.", "\+", "_" or "-", starting with a letter or digit\), got string "1\.0\.0\/x"/],
    ['missing mfe.entry', bad({ name: 'x' }), /"mfe\.entry" is missing/],
    ['absolute mfe.entry', bad({ name: 'x', entry: '/etc/passwd' }), /"mfe\.entry" must be a path relative to the package/],
    ['URL mfe.entry', bad({ name: 'x', entry: 'https://cdn.example.com/mfe.js' }), /"mfe\.entry" must be a path relative to the package/],
    ['escaping mfe.entry', bad({ name: 'x', entry: '../../secret.js' }), /"mfe\.entry" must stay inside the package folder/],
    ['folder mfe.entry', bad({ name: 'x', entry: './dist/' }), /"mfe\.entry" must name a file, not a folder/],
    ['bad version', bad({ name: 'x', entry: 'mfe.js' }, '../1'), /"version" must be a version string such as "1\.2\.0" \(a URL segment: letters, digits, "\.", "\+", "_" or "-", starting with a letter or digit\), got string "\.\.\/1"/],
    ['missing version', { 'node_modules/x/package.json': { name: 'x', mfe: { name: 'x', entry: 'mfe.js' } } }, /"version" is missing/],
    ['unparsable package.json that mentions mfe', { 'node_modules/x/package.json': '{ "mfe": ' }, /node_modules\/x\/package\.json: invalid JSON/],
    ['unsupported workspace glob', { 'package.json': { workspaces: ['packages/**'] } }, /package\.json: "workspaces\[0\]": pattern "packages\/\*\*" is not supported \(use "dir\/\*" or an exact folder\)/],
    ['workspace outside the project', { 'package.json': { workspaces: ['../elsewhere'] } }, /"workspaces\[0\]" must be a folder inside the project/],
    ['missing exact workspace', { 'package.json': { workspaces: ['apps/gone'] } }, /apps\/gone: workspace package folder not found/],
    ['bad workspaces field', { 'package.json': { workspaces: 'packages/*' } }, /"workspaces" must be an array of folder patterns/],
  ];
  for (const [title, files, message] of cases) {
    test(title, () => {
      withProject(files, (root) => assert.throws(() => discoverLocalMfes(root), { message }));
    });
  }

  test('two packages claiming one name: both named', () => {
    withProject(
      {
        'node_modules/billing-a/package.json': pkg('billing-a', '1.0.0', { name: 'billing', entry: 'mfe.js' }),
        'node_modules/@b/billing/package.json': pkg('@b/billing', '2.0.0', { name: 'billing', entry: 'mfe.js' }),
      },
      (root) => {
        assert.throws(() => discoverLocalMfes(root), (err) => {
          assert.match(err.message, /MFE name "billing" is claimed by two packages: @b\/billing \(.*node_modules\/@b\/billing\/package\.json\) and billing-a \(.*node_modules\/billing-a\/package\.json\)/);
          return true;
        });
      },
    );
  });

  test('every problem is reported at once', () => {
    withProject(
      {
        'node_modules/a/package.json': pkg('a', '1.0.0', { name: 'a b', entry: 'mfe.js' }),
        'node_modules/b/package.json': pkg('b', '1.0.0', { name: 'b' }),
        'node_modules/ok/package.json': pkg('ok', '1.0.0', { name: 'ok', entry: 'mfe.js' }),
      },
      (root) => {
        assert.throws(() => discoverLocalMfes(root), (err) => {
          assert.match(err.message, /^Invalid local MFE packages \(2 problems\):\n- .*"mfe\.name" must be.*\n- .*"mfe\.entry" is missing$/);
          return true;
        });
      },
    );
  });
});
