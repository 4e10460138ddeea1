// loadRemotes(): sources (file, MFE_REMOTES inline/Base64, options.remotes), precedence,
// normalization and every validation error, read as behaviour.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRemotes } from '../../dist/server/index.js';

const A = 'https://cdn.example.com/mfe/billing/1.2.0/mfe.js';
const B = 'https://inventory.internal/mfe/inventory/1.4.0/mfe.js';
const C = 'https://cdn.example.com/mfe/inventory/1.3.9/mfe.js';

/** The manifest as a plain object (it has a null prototype), for deepEqual. */
const plain = (m) => JSON.parse(JSON.stringify(m));
const b64 = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64');
const inline = (value) => ({ env: { MFE_REMOTES: typeof value === 'string' ? value : JSON.stringify(value) } });

/** Asserts that loadRemotes(options) throws one Error whose message contains every fragment. */
function assertRejected(options, ...fragments) {
  let error;
  assert.throws(
    () => loadRemotes(options),
    (err) => {
      error = err;
      return err instanceof Error;
    },
  );
  for (const f of fragments) assert.ok(error.message.includes(f), `expected ${JSON.stringify(f)} in:\n${error.message}`);
  return error;
}

let dir;
let n = 0;
/** Writes `text` to a new file in a temp folder and returns its absolute path. */
const fileWith = (text) => {
  const path = join(dir, `remotes-${++n}.json`);
  writeFileSync(path, text);
  return path;
};
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'mfe-remotes-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('loadRemotes: sources', () => {
  test('inline JSON in MFE_REMOTES, strings and objects normalized, unknown fields dropped', () => {
    const m = loadRemotes(
      inline({
        billing: A,
        inventory: {
          entry: B,
          version: '1.4.0',
          fallback: C,
          integrity: 'sha384-abc',
          styles: ['inventory.css'],
          format: 'esm',
          canary: { entry: 'https://cdn.example.com/mfe/inventory/1.5.0-rc.1/mfe.js', version: '1.5.0-rc.1', weight: 0.05 },
          disabled: false,
          someFutureField: { x: 1 },
        },
      }),
    );
    assert.deepEqual(plain(m), {
      billing: { entry: A },
      inventory: {
        entry: B,
        version: '1.4.0',
        fallback: C,
        integrity: 'sha384-abc',
        styles: ['inventory.css'],
        format: 'esm',
        canary: { entry: 'https://cdn.example.com/mfe/inventory/1.5.0-rc.1/mfe.js', version: '1.5.0-rc.1', weight: 0.05 },
        disabled: false,
      },
    });
  });

  test('the manifest is deep-frozen and has a null prototype', () => {
    const m = loadRemotes(inline({ inv: { entry: B, styles: ['a.css'], canary: { entry: C, weight: 0.5 } } }));
    assert.equal(Object.getPrototypeOf(m), null);
    assert.equal(m.toString, undefined, 'a name taken from a URL must not find Object.prototype members');
    assert.ok(Object.isFrozen(m));
    assert.ok(Object.isFrozen(m.inv));
    assert.ok(Object.isFrozen(m.inv.styles));
    assert.ok(Object.isFrozen(m.inv.canary));
    assert.throws(() => {
      m.inv.entry = 'https://evil.example/x.js';
    }, TypeError);
  });

  test('inline JSON may be surrounded by whitespace', () => {
    assert.deepEqual(plain(loadRemotes(inline(`\n  {"billing": "${A}"}  \n`))), { billing: { entry: A } });
  });

  test('Base64 JSON in MFE_REMOTES (standard, line-wrapped, URL-safe)', () => {
    const doc = { billing: A, inventory: { entry: B, version: '1.4.0' } };
    const expected = { billing: { entry: A }, inventory: { entry: B, version: '1.4.0' } };
    assert.deepEqual(plain(loadRemotes(inline(b64(doc)))), expected);
    const wrapped = b64(doc).replace(/.{20}/g, '$&\n');
    assert.ok(wrapped.includes('\n'));
    assert.deepEqual(plain(loadRemotes(inline(wrapped))), expected);
    const urlSafe = Buffer.from(JSON.stringify({ x: 'https://a.example/??>>~~' })).toString('base64url');
    assert.match(urlSafe, /[-_]/, 'the sample must use the URL-safe alphabet');
    assert.deepEqual(plain(loadRemotes(inline(urlSafe))), { x: { entry: 'https://a.example/??>>~~' } });
  });

  test('JSON file from MFE_REMOTES_FILE (a UTF-8 BOM is accepted)', () => {
    const path = fileWith(`\uFEFF${JSON.stringify({ billing: A })}`);
    assert.deepEqual(plain(loadRemotes({ env: { MFE_REMOTES_FILE: path } })), { billing: { entry: A } });
  });

  test('options.file is read instead of MFE_REMOTES_FILE', () => {
    const fromEnv = fileWith(JSON.stringify({ envOnly: A }));
    const fromOption = fileWith(JSON.stringify({ optionOnly: B }));
    assert.deepEqual(plain(loadRemotes({ env: { MFE_REMOTES_FILE: fromEnv }, file: fromOption })), {
      optionOnly: { entry: B },
    });
  });

  test('options.remotes alone', () => {
    assert.deepEqual(plain(loadRemotes({ env: {}, remotes: { billing: A, inv: { entry: B, disabled: true } } })), {
      billing: { entry: A },
      inv: { entry: B, disabled: true },
    });
  });

  test('nothing configured: an empty manifest; empty variables count as unset', () => {
    assert.deepEqual(Object.keys(loadRemotes({ env: {} })), []);
    assert.deepEqual(Object.keys(loadRemotes({ env: { MFE_REMOTES: '  ', MFE_REMOTES_FILE: '' } })), []);
  });

  test('reads process.env by default', () => {
    const saved = process.env.MFE_REMOTES;
    process.env.MFE_REMOTES = JSON.stringify({ fromProcess: A });
    try {
      assert.deepEqual(plain(loadRemotes()), { fromProcess: { entry: A } });
    } finally {
      if (saved === undefined) delete process.env.MFE_REMOTES;
      else process.env.MFE_REMOTES = saved;
    }
  });

  test('precedence: file < MFE_REMOTES < options.remotes, each entry replaced whole', () => {
    const path = fileWith(
      JSON.stringify({
        a: { entry: 'https://file.example/a.js', version: 'file' },
        b: 'https://file.example/b.js',
        c: 'https://file.example/c.js',
        onlyFile: 'https://file.example/f.js',
      }),
    );
    const env = {
      MFE_REMOTES_FILE: path,
      MFE_REMOTES: b64({ a: 'https://env.example/a.js', b: 'https://env.example/b.js', onlyEnv: 'https://env.example/e.js' }),
    };
    const m = loadRemotes({ env, remotes: { b: { entry: 'https://code.example/b.js' }, onlyCode: 'https://code.example/o.js' } });
    assert.deepEqual(plain(m), {
      a: { entry: 'https://env.example/a.js' }, // no "version" carried over from the file
      b: { entry: 'https://code.example/b.js' },
      c: { entry: 'https://file.example/c.js' },
      onlyFile: { entry: 'https://file.example/f.js' },
      onlyEnv: { entry: 'https://env.example/e.js' },
      onlyCode: { entry: 'https://code.example/o.js' },
    });
  });

  test('every format and the canary weight bounds 0 and 1 are accepted', () => {
    const m = loadRemotes(
      inline({
        e: { entry: A, format: 'esm' },
        s: { entry: A, format: 'single-spa' },
        h: { entry: A, format: 'html' },
        f: { entry: A, format: 'federation', canary: { entry: B, weight: 0 } },
        c: { entry: A, canary: { entry: B, weight: 1, integrity: 'sha384-x' } },
      }),
    );
    assert.deepEqual(
      Object.values(m).map((e) => e.format),
      ['esm', 'single-spa', 'html', 'federation', undefined],
    );
    assert.equal(m.f.canary.weight, 0);
    assert.deepEqual({ ...m.c.canary }, { entry: B, weight: 1, integrity: 'sha384-x' });
  });
});

describe('loadRemotes: prototype keys', () => {
  test('__proto__, constructor and prototype are ignored in JSON, even with invalid values', () => {
    const json = `{"__proto__": {"entry": "https://evil.example/x.js", "polluted": true}, "constructor": 42, "prototype": "nope", "ok": "${A}"}`;
    for (const options of [inline(json), inline(b64(json)), { env: { MFE_REMOTES_FILE: fileWith(json) } }]) {
      const m = loadRemotes(options);
      assert.deepEqual(Object.keys(m), ['ok']);
      assert.equal(Object.getPrototypeOf(m), null);
      assert.equal({}.polluted, undefined);
      assert.equal({}.entry, undefined);
    }
  });

  test('own __proto__ keys in options.remotes are ignored too', () => {
    const remotes = JSON.parse(`{"__proto__": "https://evil.example/x.js", "ok": "${A}"}`);
    assert.ok(Object.hasOwn(remotes, '__proto__'));
    assert.deepEqual(Object.keys(loadRemotes({ env: {}, remotes })), ['ok']);
  });
});

describe('loadRemotes: errors name the source, the remote and the field', () => {
  test('invalid inline JSON, with the parser message', () => {
    const text = '{"billing": }';
    let parserMessage;
    try {
      JSON.parse(text);
    } catch (err) {
      parserMessage = err.message;
    }
    const err = assertRejected(inline(text), 'MFE_REMOTES: invalid JSON: ', parserMessage);
    assert.ok(err.cause instanceof SyntaxError, 'the parser error is kept as cause');
  });

  test('invalid JSON inside Base64', () => {
    assertRejected(inline(b64('{"billing": nope}')), 'MFE_REMOTES (Base64): invalid JSON: ');
  });

  test('MFE_REMOTES that is neither JSON nor Base64', () => {
    assertRejected(inline('billing=https://x'), 'MFE_REMOTES: neither inline JSON', 'nor Base64', '"billing=https://x"');
    assertRejected(inline('[1, 2]'), 'MFE_REMOTES: neither inline JSON');
  });

  test('Base64 of an impossible length (a stray character) is rejected, not decoded around', () => {
    let json = JSON.stringify({ billing: A });
    while (Buffer.byteLength(json) % 3 !== 0) json += ' '; // no "=" padding, so a stray char can follow
    const good = b64(json);
    assert.doesNotMatch(good, /=/);
    assert.deepEqual(Object.keys(loadRemotes(inline(good))), ['billing']);
    assertRejected(inline(`${good}Q`), 'MFE_REMOTES: neither inline JSON', 'nor Base64');
  });

  test('Base64 of bytes that are not UTF-8', () => {
    assertRejected(inline(Buffer.from([0xff, 0xfe, 0xfd, 0xfc]).toString('base64')), 'MFE_REMOTES (Base64): the decoded bytes are not UTF-8');
  });

  test('invalid JSON in the file names the file path', () => {
    const path = fileWith('{ "billing": ');
    assertRejected({ env: { MFE_REMOTES_FILE: path } }, `MFE_REMOTES_FILE (${path}): invalid JSON: `);
    assertRejected({ env: {}, file: path }, `options.file (${path}): invalid JSON: `);
  });

  test('a file that cannot be read', () => {
    const path = join(dir, 'missing.json');
    const err = assertRejected({ env: { MFE_REMOTES_FILE: path } }, `MFE_REMOTES_FILE (${path}): cannot read the file`, 'ENOENT');
    assert.equal(err.cause.code, 'ENOENT');
  });

  test('a document that is not a JSON object', () => {
    assertRejected({ env: { MFE_REMOTES_FILE: fileWith('[]') } }, 'must be a JSON object of remotes', 'got an array');
    assertRejected({ env: { MFE_REMOTES_FILE: fileWith('null') } }, 'got null');
    assertRejected(inline(b64('"https://x.example/a.js"')), 'MFE_REMOTES (Base64): must be a JSON object of remotes', 'got string');
    assertRejected({ env: {}, remotes: [A] }, 'options.remotes: must be a JSON object of remotes', 'got an array');
  });

  test('an entry that is neither a string nor an object', () => {
    assertRejected(inline({ billing: 42 }), 'MFE_REMOTES: remote "billing": must be an entry URL string or an object', 'got number 42');
    assertRejected(inline({ billing: null }), 'remote "billing": must be an entry URL string or an object', 'got null');
    assertRejected(inline({ billing: [A] }), 'remote "billing": must be an entry URL string or an object', 'got an array');
    assertRejected(inline({ billing: true }), 'remote "billing": must be an entry URL string or an object', 'got boolean true');
  });

  test('missing or non-string "entry"', () => {
    assertRejected(inline({ billing: { version: '1.0.0' } }), 'MFE_REMOTES: remote "billing": "entry" is missing');
    assertRejected(inline({ billing: { entry: 5 } }), 'MFE_REMOTES: remote "billing": "entry" must be a URL string, got number 5');
    assertRejected({ env: {}, remotes: { billing: { entry: null } } }, 'options.remotes: remote "billing": "entry" must be a URL string, got null');
  });

  test('entry URLs must be absolute http(s) URLs', () => {
    assertRejected(inline({ billing: '/mfe/billing/mfe.js' }), 'remote "billing": "entry" must be an absolute http(s) URL, got "/mfe/billing/mfe.js"');
    assertRejected(inline({ billing: { entry: 'ftp://x.example/a.js' } }), 'remote "billing": "entry" must be an absolute http(s) URL');
    assertRejected(inline({ billing: 'javascript:alert(1)' }), 'remote "billing": "entry" must be an absolute http(s) URL');
    assertRejected(inline({ billing: { entry: A, fallback: 'mfe.js' } }), 'remote "billing": "fallback" must be an absolute http(s) URL');
    assertRejected(inline({ billing: { entry: A, canary: { entry: './rc.js', weight: 0.1 } } }), 'remote "billing": "canary.entry" must be an absolute http(s) URL');
  });

  test('canary.weight outside 0..1 (or not a number, or missing)', () => {
    const canary = (weight) => inline({ billing: { entry: A, canary: { entry: B, weight } } });
    assertRejected(canary(1.5), 'MFE_REMOTES: remote "billing": "canary.weight" must be a number from 0 to 1, got number 1.5');
    assertRejected(canary(-0.1), '"canary.weight" must be a number from 0 to 1, got number -0.1');
    assertRejected(canary('0.5'), '"canary.weight" must be a number from 0 to 1, got string "0.5"');
    assertRejected(inline({ billing: { entry: A, canary: { entry: B } } }), '"canary.weight" must be a number from 0 to 1, got nothing');
    assertRejected({ env: {}, remotes: { billing: { entry: A, canary: { entry: B, weight: NaN } } } }, '"canary.weight" must be a number from 0 to 1, got NaN');
    assertRejected(inline({ billing: { entry: A, canary: 0.5 } }), 'remote "billing": "canary" must be an object with "entry" and "weight"');
    assertRejected(inline({ billing: { entry: A, canary: { weight: 0.5 } } }), '"canary.entry" is missing');
  });

  test('unknown format', () => {
    assertRejected(
      inline({ billing: { entry: A, format: 'umd' } }),
      'MFE_REMOTES: remote "billing": "format" must be one of esm, single-spa, html, federation, got string "umd"',
    );
    assertRejected(inline({ billing: { entry: A, format: 'ESM' } }), '"format" must be one of');
  });

  test('wrong types of the other fields', () => {
    assertRejected(inline({ billing: { entry: A, version: 1.2 } }), 'remote "billing": "version" must be a string, got number 1.2');
    assertRejected(inline({ billing: { entry: A, integrity: true } }), 'remote "billing": "integrity" must be a string');
    assertRejected(inline({ billing: { entry: A, styles: 'a.css' } }), 'remote "billing": "styles" must be an array of URL strings');
    assertRejected(inline({ billing: { entry: A, styles: ['a.css', 7] } }), 'remote "billing": "styles[1]" must be a non-empty URL string, got number 7');
    assertRejected(inline({ billing: { entry: A, disabled: 'yes' } }), 'remote "billing": "disabled" must be true or false, got string "yes"');
    assertRejected(inline({ billing: { entry: A, canary: { entry: B, weight: 0.1, version: 2 } } }), '"canary.version" must be a string');
  });

  test('an empty remote name', () => {
    assertRejected(inline({ '': A }), 'MFE_REMOTES: remote "": the name must not be empty');
  });

  // Names and versions become URL segments of /mfe/<name>/<version>/: refused at load, with
  // the same rules as indie mode, instead of manifest URLs the proxy would answer 400.
  const URL_SEGMENT_NAME = 'the name must be letters, digits, ".", "_" or "-" (a URL segment), starting with a letter or digit';
  for (const name of ['a/b', '.', '..', '.hidden', '-x', 'bil ling', 'a%2Fb', 'a\\b', 'ü', 'x?y', 'x#y']) {
    test(`a remote named ${JSON.stringify(name)} is refused, naming it and why`, () => {
      assertRejected(inline({ [name]: A, ok: B }), `MFE_REMOTES: remote ${JSON.stringify(name)}: ${URL_SEGMENT_NAME}, got ${JSON.stringify(name)}`);
    });
  }

  test('names of letters, digits, ".", "_" and "-" load', () => {
    const names = ['billing', 'Billing2', 'my_app-1', 'billing.v2', '0day'];
    assert.deepEqual(Object.keys(loadRemotes({ env: {}, remotes: Object.fromEntries(names.map((n) => [n, A])) })), names);
  });

  const URL_SEGMENT_VERSION = 'must be a version string such as "1.2.0" (a URL segment: letters, digits, ".", "+", "_" or "-", starting with a letter or digit)';
  for (const version of ['../../x', '.', '..', '1.0/2', '', '_', '_canary', '1.0.0%2F', ' 1.0.0', 'a\\b']) {
    test(`"version": ${JSON.stringify(version)} is refused, naming the remote, the key and why`, () => {
      assertRejected(inline({ billing: { entry: A, version } }), `MFE_REMOTES: remote "billing": "version" ${version === '' ? 'must not be empty' : URL_SEGMENT_VERSION}, got string ${JSON.stringify(version)}`);
      assertRejected(
        inline({ billing: { entry: A, canary: { entry: B, weight: 0.1, version } } }),
        `MFE_REMOTES: remote "billing": "canary.version" ${version === '' ? 'must not be empty' : URL_SEGMENT_VERSION}`,
      );
    });
  }

  test('semver-like versions load', () => {
    for (const version of ['1.2.0', '1.5.0-rc.1', '1.0.0+build.7', 'v2', '2024-01-01', 'sha_abc123']) {
      assert.equal(loadRemotes(inline({ billing: { entry: A, version, canary: { entry: B, weight: 0.1, version } } })).billing.version, version);
    }
  });

  test('a bad name or version in one source loads nothing (no half-applied configuration)', () => {
    const path = fileWith(JSON.stringify({ billing: A }));
    assertRejected({ env: { MFE_REMOTES_FILE: path, MFE_REMOTES: JSON.stringify({ 'a/b': B }) } }, 'MFE_REMOTES: remote "a/b": the name');
    assertRejected({ env: { MFE_REMOTES_FILE: path }, remotes: { inventory: { entry: B, version: '../../x' } } }, 'options.remotes: remote "inventory": "version"');
  });

  test('every problem of every source is reported in one Error', () => {
    const path = fileWith(JSON.stringify({ a: 'relative.js' }));
    const err = assertRejected(
      { env: { MFE_REMOTES_FILE: path, MFE_REMOTES: JSON.stringify({ b: { entry: A, format: 'x' }, ok: A }) }, remotes: { c: 1 } },
      'Invalid MFE remotes (3 problems):',
      `- MFE_REMOTES_FILE (${path}): remote "a": "entry" must be an absolute http(s) URL`,
      '- MFE_REMOTES: remote "b": "format" must be one of',
      '- options.remotes: remote "c": must be an entry URL string or an object',
    );
    assert.equal(err.cause, undefined, 'no single cause to point at');
  });

  test('an invalid source is an error even when a later source overrides its entry', () => {
    assertRejected(
      { env: { MFE_REMOTES: JSON.stringify({ billing: { entry: A, format: 'umd' } }) }, remotes: { billing: A } },
      'MFE_REMOTES: remote "billing": "format"',
    );
  });
});
