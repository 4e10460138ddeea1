/// <reference types="node" preserve="true" />
/**
 * Remote configuration for the shell host (api.md §3 manifest format, §5 variables).
 *
 * Three sources, later wins per remote name (a later entry replaces the earlier one whole,
 * fields are not merged): the JSON file (`options.file`, else `MFE_REMOTES_FILE`), then
 * `MFE_REMOTES` (inline JSON or Base64 of JSON), then `options.remotes`. Every source is
 * validated in full and all problems are reported together in one `Error`, each line naming
 * the source, the remote and the field, so a broken deployment is fixed in one round.
 *
 * The types are declared here rather than imported from the browser runtime: the server
 * build must not pull browser modules (or their side effects) into `dist/server/`.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { nameProblem, versionProblem } from './names.js';

/** Module formats a remote can be written in (the same set as `<mfe-host format>`). */
export type RemoteFormat = 'esm' | 'single-spa' | 'html' | 'federation';

/** A canary release of a remote: served to a sticky `weight` share of users (0..1). */
export interface RemoteCanary {
  /** Absolute http(s) URL of the canary's entry module. */
  readonly entry: string;
  readonly version?: string;
  /** Subresource Integrity of the canary entry (the stable entry's `integrity` does not fit it). */
  readonly integrity?: string;
  /** Share of users who get the canary, from 0 to 1. */
  readonly weight: number;
}

/** One remote in manifest format (the object form; a bare string is shorthand for `{ entry }`). */
export interface RemoteEntry {
  /** Absolute http(s) URL of the remote's ESM entry. */
  readonly entry: string;
  readonly version?: string;
  /** Absolute http(s) URL tried when `entry` fails (with `error-handling="fallback"`). */
  readonly fallback?: string;
  /** Subresource Integrity metadata for `entry`, e.g. `sha384-…`. */
  readonly integrity?: string;
  /** Stylesheets, relative to the entry's folder or absolute. */
  readonly styles?: readonly string[];
  readonly format?: RemoteFormat;
  readonly canary?: RemoteCanary;
  /** Kill switch: the remote resolves to an error and the fallback content stays. */
  readonly disabled?: boolean;
  /** The module a `federation` container exposes (browser default `./mfe`). */
  readonly expose?: string;
  /** Packages the MFE takes from the shell (README "Sharing dependencies"), passed to the browser. */
  readonly shared?: { readonly [pkg: string]: RemoteShared };
}

/** One package in a remote's `shared`: the browser checks the range against the shell's copy. */
export interface RemoteShared {
  /** npm semver range, e.g. `^19.0.0`. */
  readonly requiredVersion: string;
  readonly singleton?: boolean;
  readonly strictVersion?: boolean;
  /** The MFE's own copy, a URL relative to its entry (kept as written). */
  readonly fallback?: string;
}

/**
 * A validated manifest: remote name → normalized entry. Returned deep-frozen, with a `null`
 * prototype so that a name taken from a URL (`toString`, `hasOwnProperty`) never finds an
 * inherited member.
 */
export type Manifest = { readonly [name: string]: RemoteEntry };

/** Options of {@link loadRemotes}. */
export interface LoadRemotesOptions {
  /** Environment to read `MFE_REMOTES` / `MFE_REMOTES_FILE` from. Default: `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Remotes given in code; they win over the file and `MFE_REMOTES`. */
  remotes?: Record<string, string | RemoteEntry>;
  /** Path of a JSON remotes file; replaces `MFE_REMOTES_FILE` when given. Relative to the cwd. */
  file?: string;
}

const FORMATS: readonly string[] = ['esm', 'single-spa', 'html', 'federation'] satisfies RemoteFormat[];
/** Keys that would reach `Object.prototype` when copied naively: skipped, never validated. */
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** One problem found in one source; `cause` keeps the underlying error (e.g. the JSON parser's). */
interface Problem {
  message: string;
  cause?: unknown;
}

/**
 * Loads, validates and merges the shell's remotes (api.md §5).
 *
 * Sources, later wins per name: the JSON file (`options.file`, else `env.MFE_REMOTES_FILE`),
 * `env.MFE_REMOTES` (inline JSON when it starts with `{`, else Base64 of JSON; line breaks in
 * the Base64 are ignored), then `options.remotes`. Empty variables count as unset.
 *
 * Entry, fallback and canary URLs must be absolute http(s) URLs. Names and versions become
 * URL segments (`/mfe/<name>/<version>/`), so they follow the rules of `names.ts`, shared with
 * indie mode: a name is letters, digits, `.`, `_`, `-`, starting with a letter or digit; a
 * `version` / `canary.version` is semver-like (letters, digits, `.`, `+`, `_`, `-`, starting
 * with a letter or digit: never `/`, `.` or `..`). Names `__proto__`, `constructor` and
 * `prototype` are ignored (as in the browser); unknown fields are dropped.
 *
 * @returns a deep-frozen, null-prototype manifest (possibly empty: no remotes configured).
 * @throws Error listing every problem as `<source>: remote "<name>": "<field>" …` — bad JSON
 *   (with the parser's message), a non-object document, a bad remote name (`"a/b"`), an entry
 *   that is neither a string nor an object, a missing or non-string or non-absolute `entry`, a
 *   bad `version` (`"../../x"`), an unknown `format`, `canary.weight` outside 0..1, an
 *   unreadable file.
 */
export function loadRemotes(options: LoadRemotesOptions = {}): Manifest {
  const env = options.env ?? process.env;
  const problems: Problem[] = [];
  const merged: Record<string, RemoteEntry> = Object.create(null);
  const add = (source: string, doc: unknown): void => {
    for (const [name, entry] of Object.entries(validateDocument(source, doc, problems))) merged[name] = entry;
  };

  const file = options.file ?? nonEmpty(env.MFE_REMOTES_FILE);
  if (file !== undefined) {
    const path = resolve(file);
    const source = `${options.file !== undefined ? 'options.file' : 'MFE_REMOTES_FILE'} (${path})`;
    let text: string | undefined;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      problems.push({ message: `${source}: cannot read the file: ${errorMessage(err)}`, cause: err });
    }
    if (text !== undefined) {
      const doc = parseJson(source, stripBom(text), problems);
      if (doc !== undefined) add(source, doc);
    }
  }

  const inline = nonEmpty(env.MFE_REMOTES);
  if (inline !== undefined) {
    const decoded = decodeInline(inline, problems);
    if (decoded) {
      const doc = parseJson(decoded.source, decoded.text, problems);
      if (doc !== undefined) add(decoded.source, doc);
    }
  }

  if (options.remotes !== undefined) add('options.remotes', options.remotes);

  if (problems.length > 0) {
    const message =
      problems.length === 1
        ? `Invalid MFE remotes: ${problems[0]!.message}`
        : `Invalid MFE remotes (${problems.length} problems):\n${problems.map((p) => `- ${p.message}`).join('\n')}`;
    const causes = problems.filter((p) => p.cause !== undefined);
    throw new Error(message, causes.length === 1 ? { cause: causes[0]!.cause } : undefined);
  }
  return Object.freeze(merged);
}

/** `MFE_REMOTES`: JSON when it starts with `{`, else Base64 (standard or URL-safe) of UTF-8 JSON. */
function decodeInline(value: string, problems: Problem[]): { source: string; text: string } | undefined {
  const trimmed = value.trim();
  if (trimmed.startsWith('{')) return { source: 'MFE_REMOTES', text: trimmed };
  const source = 'MFE_REMOTES (Base64)';
  const compact = trimmed.replace(/\s+/g, '');
  // Buffer.from(…, 'base64') skips characters outside the alphabet, so check the alphabet first:
  // a typo must not decode to some other JSON.
  if (!/^(?:[A-Za-z0-9+/]+|[A-Za-z0-9_-]+)={0,2}$/.test(compact) || compact.length % 4 === 1) {
    problems.push({
      message: `MFE_REMOTES: neither inline JSON (it does not start with "{") nor Base64 (got ${preview(trimmed)})`,
    });
    return undefined;
  }
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(compact, 'base64'));
    return { source, text: stripBom(text) };
  } catch (err) {
    problems.push({ message: `${source}: the decoded bytes are not UTF-8 text: ${errorMessage(err)}`, cause: err });
    return undefined;
  }
}

function parseJson(source: string, text: string, problems: Problem[]): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    problems.push({ message: `${source}: invalid JSON: ${errorMessage(err)}`, cause: err });
    return undefined;
  }
}

/** Validates one source's name → entry object; bad entries are reported and left out. */
function validateDocument(source: string, doc: unknown, problems: Problem[]): Record<string, RemoteEntry> {
  const out: Record<string, RemoteEntry> = Object.create(null);
  if (!isPlainObject(doc)) {
    problems.push({ message: `${source}: must be a JSON object of remotes (name → entry), got ${typeName(doc)}` });
    return out;
  }
  for (const name of Object.keys(doc)) {
    if (UNSAFE_KEYS.has(name)) continue; // prototype pollution: ignored on purpose
    const at = `${source}: remote ${JSON.stringify(name)}`;
    // The name and the version become URL segments (/mfe/<name>/<version>/): refused here, at
    // load, rather than producing manifest URLs the proxy would then answer 400.
    const bad = nameProblem(name);
    if (bad !== undefined) {
      problems.push({ message: `${at}: the name ${bad}${name === '' ? '' : `, got ${preview(name)}`}` });
      continue;
    }
    const entry = normalizeEntry(at, doc[name], problems);
    if (entry) out[name] = entry;
  }
  return out;
}

function normalizeEntry(at: string, raw: unknown, problems: Problem[]): RemoteEntry | undefined {
  const before = problems.length;
  const fail = (field: string, problem: string): void => {
    problems.push({ message: `${at}: ${JSON.stringify(field)} ${problem}` });
  };

  if (typeof raw === 'string') {
    if (!checkUrl(raw, 'entry', fail)) return undefined;
    return Object.freeze({ entry: raw });
  }
  if (!isPlainObject(raw)) {
    problems.push({ message: `${at}: must be an entry URL string or an object with "entry", got ${typeName(raw)}` });
    return undefined;
  }

  const entry: { -readonly [K in keyof RemoteEntry]: RemoteEntry[K] } = { entry: '' };
  if (raw.entry === undefined) fail('entry', 'is missing');
  else if (checkUrl(raw.entry, 'entry', fail)) entry.entry = raw.entry;

  if (optionalString(raw, 'version', fail) && checkVersion(raw.version as string, 'version', fail)) entry.version = raw.version as string;
  if (raw.fallback !== undefined && checkUrl(raw.fallback, 'fallback', fail)) entry.fallback = raw.fallback;
  if (optionalString(raw, 'integrity', fail)) entry.integrity = raw.integrity as string;

  if (raw.styles !== undefined) {
    if (!Array.isArray(raw.styles)) fail('styles', `must be an array of URL strings, got ${typeName(raw.styles)}`);
    else {
      const bad = raw.styles.findIndex((s) => typeof s !== 'string' || s === '');
      if (bad >= 0) fail(`styles[${bad}]`, `must be a non-empty URL string, got ${typeName(raw.styles[bad])}`);
      else entry.styles = Object.freeze([...(raw.styles as string[])]);
    }
  }

  if (raw.format !== undefined) {
    if (typeof raw.format === 'string' && FORMATS.includes(raw.format)) entry.format = raw.format as RemoteFormat;
    else fail('format', `must be one of ${FORMATS.join(', ')}, got ${typeName(raw.format)}`);
  }

  if (raw.canary !== undefined) {
    const canary = normalizeCanary(raw.canary, fail);
    if (canary) entry.canary = canary;
  }

  if (raw.disabled !== undefined) {
    if (typeof raw.disabled === 'boolean') entry.disabled = raw.disabled;
    else fail('disabled', `must be true or false, got ${typeName(raw.disabled)}`);
  }

  if (raw.expose !== undefined) {
    if (typeof raw.expose === 'string' && raw.expose !== '') entry.expose = raw.expose;
    else fail('expose', `must be a module name such as "./mfe", got ${typeName(raw.expose)}`);
  }

  if (raw.shared !== undefined) {
    const shared = normalizeShared(raw.shared, fail);
    if (shared) entry.shared = shared;
  }

  return problems.length === before ? Object.freeze(entry) : undefined;
}

function normalizeCanary(raw: unknown, fail: (field: string, problem: string) => void): RemoteCanary | undefined {
  if (!isPlainObject(raw)) {
    fail('canary', `must be an object with "entry" and "weight", got ${typeName(raw)}`);
    return undefined;
  }
  let ok = true;
  const canary: { -readonly [K in keyof RemoteCanary]: RemoteCanary[K] } = { entry: '', weight: 0 };
  if (raw.entry === undefined) {
    fail('canary.entry', 'is missing');
    ok = false;
  } else if (checkUrl(raw.entry, 'canary.entry', fail)) canary.entry = raw.entry;
  else ok = false;

  if (typeof raw.weight === 'number' && raw.weight >= 0 && raw.weight <= 1) canary.weight = raw.weight;
  else {
    fail('canary.weight', `must be a number from 0 to 1, got ${raw.weight === undefined ? 'nothing' : typeName(raw.weight)}`);
    ok = false;
  }

  if (raw.version !== undefined) {
    if (typeof raw.version === 'string') {
      if (checkVersion(raw.version, 'canary.version', fail)) canary.version = raw.version;
      else ok = false;
    } else {
      fail('canary.version', `must be a string, got ${typeName(raw.version)}`);
      ok = false;
    }
  }
  if (raw.integrity !== undefined) {
    if (typeof raw.integrity === 'string') canary.integrity = raw.integrity;
    else {
      fail('canary.integrity', `must be a string, got ${typeName(raw.integrity)}`);
      ok = false;
    }
  }
  return ok ? Object.freeze(canary) : undefined;
}

/** `shared`: package name → `{ requiredVersion, singleton?, strictVersion?, fallback? }`; the range is checked by the browser. */
function normalizeShared(raw: unknown, fail: (field: string, problem: string) => void): RemoteEntry['shared'] {
  if (!isPlainObject(raw)) {
    fail('shared', `must be an object of package name → { "requiredVersion": … }, got ${typeName(raw)}`);
    return undefined;
  }
  let ok = true;
  const out: Record<string, RemoteShared> = Object.create(null);
  for (const pkg of Object.keys(raw)) {
    if (UNSAFE_KEYS.has(pkg)) continue;
    const need = raw[pkg];
    const at = `shared.${pkg}`;
    if (!isPlainObject(need) || typeof need.requiredVersion !== 'string' || need.requiredVersion.trim() === '') {
      fail(`${at}.requiredVersion`, `must be a semver range string, got ${isPlainObject(need) ? typeName(need.requiredVersion) : typeName(need)}`);
      ok = false;
      continue;
    }
    const n: { -readonly [K in keyof RemoteShared]: RemoteShared[K] } = { requiredVersion: need.requiredVersion };
    for (const flag of ['singleton', 'strictVersion'] as const) {
      if (need[flag] === undefined) continue;
      if (typeof need[flag] === 'boolean') n[flag] = need[flag];
      else {
        fail(`${at}.${flag}`, `must be true or false, got ${typeName(need[flag])}`);
        ok = false;
      }
    }
    if (need.fallback !== undefined) {
      if (typeof need.fallback === 'string' && need.fallback !== '') n.fallback = need.fallback;
      else {
        fail(`${at}.fallback`, `must be a URL string, got ${typeName(need.fallback)}`);
        ok = false;
      }
    }
    out[pkg] = Object.freeze(n);
  }
  return ok ? Object.freeze(out) : undefined;
}

/** Server side, entries must be absolute http(s) URLs: there is no page URL to resolve against. */
function checkUrl(value: unknown, field: string, fail: (field: string, problem: string) => void): value is string {
  if (typeof value !== 'string') {
    fail(field, `must be a URL string, got ${typeName(value)}`);
    return false;
  }
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    fail(field, `must be an absolute http(s) URL, got ${preview(value)}`);
    return false;
  }
  return true;
}

function checkVersion(value: string, field: string, fail: (field: string, problem: string) => void): boolean {
  const bad = versionProblem(value);
  if (bad !== undefined) fail(field, `${bad}, got ${typeName(value)}`);
  return bad === undefined;
}

function optionalString(
  raw: Record<string, unknown>,
  field: string,
  fail: (field: string, problem: string) => void,
): boolean {
  const value = raw[field];
  if (value === undefined) return false;
  if (typeof value === 'string') return true;
  fail(field, `must be a string, got ${typeName(value)}`);
  return false;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A short description of a bad value for messages: its JSON (truncated) or its kind. Also used by the proxy's option checks. */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'object':
      return 'an object';
    case 'undefined':
      return 'undefined';
    case 'function':
    case 'symbol':
    case 'bigint':
      return `a ${typeof value}`;
    case 'number':
      return Number.isFinite(value) ? `${typeof value} ${value}` : String(value);
    default:
      return `${typeof value} ${preview(value as string | boolean)}`;
  }
}

function preview(value: string | boolean): string {
  const json = JSON.stringify(value);
  return json.length > 80 ? `${json.slice(0, 77)}…` : json;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
