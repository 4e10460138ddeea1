/// <reference types="node" preserve="true" />
/**
 * Indie mode (api.md §5): with no remote configuration, the shell host serves the MFEs it finds
 * on disk — packages in `node_modules` or in the npm workspaces whose `package.json` says
 *
 * ```json
 * { "name": "@acme/billing", "version": "1.2.0", "mfe": { "name": "billing", "entry": "./dist/mfe.js" } }
 * ```
 *
 * Discovery only reads `package.json` files; it never imports or runs a package. Like
 * {@link loadRemotes}, it validates everything and throws one `Error` listing every problem,
 * each naming the package's `package.json` and the field, so a broken checkout is fixed in one
 * round.
 */
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { nameProblem, versionProblem } from './names.js';

/** One MFE found on disk: served at `/mfe/<name>/<version>/` from `dir`. */
export interface LocalMfe {
  /** The package's `version`: the version segment of the MFE's URLs. */
  readonly version: string;
  /** Absolute folder served as the MFE's root: the folder of `mfe.entry` (the real path of the package). */
  readonly dir: string;
  /** The entry module's path relative to `dir`, `/`-separated (usually just a file name). */
  readonly entry: string;
  /** The npm package it came from (its `name`, or its folder when it has none). */
  readonly package: string;
}

/** Names that would reach `Object.prototype` as a manifest key. */
const UNSAFE_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

interface Found extends LocalMfe {
  /** The validated `mfe.name` (the key of the result). */
  readonly name: string;
  /** `package.json` path, for messages. */
  readonly manifest: string;
}

/**
 * Finds the local MFEs of the project at `root` (default: the current directory).
 *
 * Where it looks, each package at most once (a workspace package symlinked into `node_modules`
 * is the same real folder, so it is reported once):
 * - `root/node_modules/<name>` and `root/node_modules/@scope/<name>` (not nested
 *   `node_modules`; folders starting with `.` are skipped);
 * - the npm workspaces of `root/package.json`: `"workspaces": [...]` or
 *   `{ "packages": [...] }`, each pattern an exact folder (`"packages/billing"`) or one folder
 *   level of a directory (`"packages/*"`). Other globs are reported as unsupported.
 *
 * Packages without an `"mfe"` field are skipped. A package with one must have a string
 * `version` and `"mfe": { "name", "entry" }`: `name` made of letters, digits, `.`, `_`, `-`
 * (the rules of `names.ts`, shared with configured remotes, as is the `version` check);
 * `entry` a relative path to a file inside the package (`./dist/mfe.js`). The entry's folder is
 * what gets served, so put the entry at the top of the build output. The entry file need not
 * exist yet (a build may be running); requests for it answer 404 until it does.
 *
 * @returns a null-prototype object, MFE name → {@link LocalMfe}, names sorted.
 * @throws Error listing every problem: an unreadable or invalid `package.json` of a package
 *   that matters, a bad `mfe` field or `version`, an unsupported workspace pattern, two
 *   packages claiming the same MFE name (both named).
 */
export function discoverLocalMfes(root: string = process.cwd()): Record<string, LocalMfe> {
  const base = resolve(root);
  const problems: string[] = [];
  const seen = new Set<string>();
  const found: Found[] = [];

  const visit = (dir: string, strict: boolean): void => {
    let real: string;
    try {
      real = realpathSync(dir);
    } catch (err) {
      // In node_modules a dangling symlink is just not a package; a workspace must exist.
      if (strict) problems.push(`${dir}: workspace package folder not found: ${errorMessage(err)}`);
      return;
    }
    if (seen.has(real)) return;
    seen.add(real);
    const mfe = readPackage(real, strict, problems);
    if (mfe) found.push(mfe);
  };

  for (const dir of nodeModulesPackages(join(base, 'node_modules'))) visit(dir, false);
  for (const dir of workspacePackages(base, problems)) visit(dir, true);

  const out: Record<string, LocalMfe> = Object.create(null);
  const owner = new Map<string, Found>();
  for (const mfe of found.sort((a, b) => (a.manifest < b.manifest ? -1 : a.manifest > b.manifest ? 1 : 0))) {
    const name = mfe.name;
    const first = owner.get(name);
    if (first) {
      problems.push(
        `MFE name ${JSON.stringify(name)} is claimed by two packages: ${first.package} (${first.manifest}) and ${mfe.package} (${mfe.manifest}); rename one "mfe.name"`,
      );
      continue;
    }
    owner.set(name, mfe);
  }
  if (problems.length > 0) {
    throw new Error(
      problems.length === 1
        ? `Invalid local MFE packages: ${problems[0]!}`
        : `Invalid local MFE packages (${problems.length} problems):\n${problems.map((p) => `- ${p}`).join('\n')}`,
    );
  }
  for (const name of [...owner.keys()].sort()) {
    const { version, dir, entry, package: pkg } = owner.get(name)!;
    out[name] = Object.freeze({ version, dir, entry, package: pkg });
  }
  return out;
}

/** `node_modules/<pkg>` and `node_modules/@scope/<pkg>` folders (symlinks included). */
function nodeModulesPackages(nodeModules: string): string[] {
  const out: string[] = [];
  for (const name of listDirs(nodeModules)) {
    if (name.startsWith('.')) continue; // .bin, .package-lock.json, .cache
    if (name.startsWith('@')) {
      for (const sub of listDirs(join(nodeModules, name))) if (!sub.startsWith('.')) out.push(join(nodeModules, name, sub));
    } else out.push(join(nodeModules, name));
  }
  return out;
}

/** The folders named by the root package's `workspaces` (npm: an array, or `{ packages }`). */
function workspacePackages(base: string, problems: string[]): string[] {
  const manifest = join(base, 'package.json');
  let text: string;
  try {
    text = readFileSync(manifest, 'utf8');
  } catch {
    return []; // no root package: no workspaces
  }
  let pkg: unknown;
  try {
    pkg = JSON.parse(stripBom(text));
  } catch (err) {
    problems.push(`${manifest}: invalid JSON: ${errorMessage(err)}`);
    return [];
  }
  if (!isPlainObject(pkg) || pkg.workspaces === undefined) return [];
  const raw = pkg.workspaces;
  const field = Array.isArray(raw) ? 'workspaces' : 'workspaces.packages';
  const patterns = Array.isArray(raw) ? raw : isPlainObject(raw) ? raw.packages : undefined;
  if (!Array.isArray(patterns)) {
    problems.push(`${manifest}: "workspaces" must be an array of folder patterns or { "packages": [...] }, got ${typeName(raw)}`);
    return [];
  }
  const out: string[] = [];
  patterns.forEach((pattern: unknown, i) => {
    const at = `${manifest}: "${field}[${i}]"`;
    if (typeof pattern !== 'string' || pattern.trim() === '') {
      problems.push(`${at} must be a folder pattern string, got ${typeName(pattern)}`);
      return;
    }
    const clean = pattern.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, '');
    if (isAbsolute(clean) || clean.split('/').includes('..')) {
      problems.push(`${at} must be a folder inside the project, got ${JSON.stringify(pattern)}`);
      return;
    }
    const star = clean.endsWith('/*') ? clean.slice(0, -2) : clean === '*' ? '' : undefined;
    const fixed = star ?? clean;
    if (/[*?[\]{}!]/.test(fixed)) {
      problems.push(`${at}: pattern ${JSON.stringify(pattern)} is not supported (use "dir/*" or an exact folder)`);
      return;
    }
    if (star === undefined) {
      out.push(join(base, clean));
      return;
    }
    const parent = join(base, star);
    for (const name of listDirs(parent)) {
      if (name.startsWith('.') || name === 'node_modules') continue;
      // Only folders with a package.json are packages (npm ignores the others too).
      if (isFile(join(parent, name, 'package.json'))) out.push(join(parent, name));
    }
  });
  return out;
}

/**
 * Reads one package; returns its MFE, or undefined when it has none (or no readable
 * package.json). `strict` (workspaces): a package.json that cannot be parsed is a problem;
 * in node_modules, only one that says "mfe" matters, so an unparsable one is reported only
 * when it visibly mentions `"mfe"`.
 */
function readPackage(dir: string, strict: boolean, problems: string[]): Found | undefined {
  const manifest = join(dir, 'package.json');
  let text: string;
  try {
    text = readFileSync(manifest, 'utf8');
  } catch (err) {
    if (strict) problems.push(`${manifest}: cannot read the workspace package: ${errorMessage(err)}`);
    return undefined;
  }
  let pkg: unknown;
  try {
    pkg = JSON.parse(stripBom(text));
  } catch (err) {
    if (strict || text.includes('"mfe"')) problems.push(`${manifest}: invalid JSON: ${errorMessage(err)}`);
    return undefined;
  }
  if (!isPlainObject(pkg) || pkg.mfe === undefined) return undefined;

  const pkgName = typeof pkg.name === 'string' && pkg.name !== '' ? pkg.name : basename(dir);
  const before = problems.length;
  const fail = (field: string, problem: string): void => {
    problems.push(`${manifest} (${pkgName}): ${JSON.stringify(field)} ${problem}`);
  };
  const mfe = pkg.mfe;
  if (!isPlainObject(mfe)) {
    fail('mfe', `must be an object like { "name": "billing", "entry": "./dist/mfe.js" }, got ${typeName(mfe)}`);
    return undefined;
  }

  // MFE names and versions become URL segments and manifest keys: the rules of names.ts,
  // the same as for configured remotes.
  if (mfe.name === undefined) fail('mfe.name', 'is missing');
  else if (typeof mfe.name !== 'string') fail('mfe.name', `must be a string, got ${typeName(mfe.name)}`);
  else {
    const bad = nameProblem(mfe.name) ?? (UNSAFE_NAMES.has(mfe.name) ? 'must not be a member of every object' : undefined);
    if (bad !== undefined) fail('mfe.name', `${bad}, got ${typeName(mfe.name)}`);
  }

  let entryPath: string | undefined;
  if (mfe.entry === undefined) fail('mfe.entry', 'is missing');
  else if (typeof mfe.entry !== 'string' || mfe.entry.trim() === '') {
    fail('mfe.entry', `must be a relative path to the entry module, got ${typeName(mfe.entry)}`);
  } else if (isAbsolute(mfe.entry) || /^[a-z][a-z0-9+.-]*:/i.test(mfe.entry)) {
    fail('mfe.entry', `must be a path relative to the package, got ${typeName(mfe.entry)}`);
  } else if (/[\\/]$/.test(mfe.entry)) {
    fail('mfe.entry', `must name a file, not a folder, got ${typeName(mfe.entry)}`);
  } else {
    const abs = resolve(dir, mfe.entry);
    const rel = relative(dir, abs);
    if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
      fail('mfe.entry', `must stay inside the package folder, got ${typeName(mfe.entry)}`);
    } else entryPath = abs;
  }

  if (pkg.version === undefined) fail('version', 'is missing (it is the version segment of /mfe/<name>/<version>/)');
  else if (typeof pkg.version !== 'string') fail('version', `must be a version string such as "1.2.0", got ${typeName(pkg.version)}`);
  else {
    const bad = versionProblem(pkg.version);
    if (bad !== undefined) fail('version', `${bad}, got ${typeName(pkg.version)}`);
  }

  if (problems.length > before || entryPath === undefined) return undefined;
  return {
    name: mfe.name as string,
    version: pkg.version as string,
    dir: dirname(entryPath),
    entry: basename(entryPath),
    package: pkgName,
    manifest,
  };
}

function listDirs(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const e of entries) {
    if (e.isDirectory()) out.push(e.name);
    else if (e.isSymbolicLink()) {
      // npm links workspace packages (and `npm link`s) into node_modules as symlinks.
      try {
        if (statSync(join(dir, e.name)).isDirectory()) out.push(e.name);
      } catch {
        // dangling link: skipped
      }
    }
  }
  return out.sort();
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `string ${JSON.stringify(value).slice(0, 80)}`;
  if (value === undefined) return 'undefined';
  return `${typeof value} ${String(value)}`;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
