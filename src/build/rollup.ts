/// <reference types="node" preserve="true" />
/**
 * `mfe-host/rollup`: builds one MFE for `<mfe-host>` and writes `mfe.json` beside it, the
 * manifest fragment a shell merges (README "Build and ship an MFE").
 *
 * ```js
 * // rollup.config.mjs
 * import { mfe } from 'mfe-host/rollup';
 * export default { input: 'src/mfe.js', output: { dir: 'dist' }, plugins: [mfe({ styles: ['src/billing.css'] })] };
 * ```
 *
 * What it does to the build: ES module output with content-hashed file names (unless set),
 * the `shared` packages left as bare imports, the `styles` emitted as hashed assets (with the
 * files their `url()`s point at), and `mfe.json`: `{ "<name>": { entry, version, integrity,
 * styles, shared, format } }`, URLs relative to mfe.json. The integrity is the SHA-384 of the
 * entry's final bytes (computed after every other plugin's `renderChunk` and `generateBundle`,
 * so after minifiers), and checked against the written file.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, dirname, extname, posix, resolve } from 'node:path';
import type { NormalizedInputOptions, OutputBundle, OutputChunk, OutputOptions, Plugin, PluginContext } from 'rollup';

/** How an MFE that shares a package wants it (manifest `shared`, README "Sharing dependencies"). */
export interface MfeSharedOptions {
  /** npm semver range the shell's copy must satisfy. Default: the range in package.json `dependencies` (else `peerDependencies`). */
  requiredVersion?: string;
  /** Only one copy may run on the page. Left out of mfe.json when not given. */
  singleton?: boolean;
  /** Never use a copy outside the range. Left out of mfe.json when not given. */
  strictVersion?: boolean;
  /** URL (relative to the entry) of the MFE's own copy, used when the shell's does not fit. Written as given. */
  fallback?: string;
}

/** Options of {@link mfe}. Every one is optional. */
export interface MfeRollupOptions {
  /** The remote's name, the key in mfe.json. Default: package.json `name` without its `@scope/`. */
  name?: string;
  /** The `version` in mfe.json. Default: package.json `version` (left out when there is none). */
  version?: string;
  /** Folder of package.json, and the base of relative `styles` and `packageJson`. Default: `process.cwd()`. */
  cwd?: string;
  /** Path of the package.json to read (relative to `cwd`). Default: `package.json`. */
  packageJson?: string;
  /**
   * Which input is the MFE's entry module when the build has several: an input name (a key of an
   * `input` object, or a file name without extension for an array) or the input's path. With a
   * single input, that one.
   */
  entry?: string;
  /**
   * CSS files (relative to `cwd`) emitted as content-hashed assets and listed in `styles`, so
   * `<mfe-host>` adopts them into the shadow root before `mount`. Files their relative `url()`s
   * point at (images, fonts) are emitted as hashed assets too and the `url()`s rewritten.
   */
  styles?: readonly string[];
  /**
   * Packages the shell provides: `['lit']` or `{ lit: { singleton: true } }`. Their bare imports
   * (`lit`, `lit/decorators.js`) stay imports instead of being bundled, and each is listed in
   * mfe.json `shared` with its `requiredVersion`.
   */
  shared?: readonly string[] | Readonly<Record<string, MfeSharedOptions>>;
  /**
   * `format` written to mfe.json, for entries that are not plain `mount`/`unmount` modules:
   * `'single-spa'` for single-spa lifecycles. Left out for `'esm'` (the default). The code is
   * always emitted as ES modules.
   */
  format?: 'esm' | 'single-spa';
  /** File name of the manifest fragment, relative to the output folder. Default `mfe.json`. */
  fileName?: string;
}

/** One entry of mfe.json, as written. */
export interface MfeJsonEntry {
  entry: string;
  version?: string;
  integrity: string;
  styles?: string[];
  shared?: Record<string, MfeSharedOptions & { requiredVersion: string }>;
  format?: 'single-spa';
}

interface PackageJson {
  name?: unknown;
  version?: unknown;
  dependencies?: unknown;
  peerDependencies?: unknown;
}

const ES_FORMATS = ['es', 'esm', 'module'];

/** Content-hashed names, set only where the configuration left them unset. */
const NAMING = {
  entryFileNames: '[name]-[hash].js',
  chunkFileNames: '[name]-[hash].js',
  assetFileNames: 'assets/[name]-[hash][extname]',
} as const;

/**
 * The rollup plugin for an MFE build. Put it in `plugins` (before or after a minifier: the
 * integrity is taken from the final bytes either way).
 *
 * @throws (as a build error) `[plugin mfe-host] MFE "<name>": <cause>`: no input, several inputs and no
 *   `entry`, an `entry` that is not an input, a non-ES output `format`, an unreadable
 *   package.json, no name, a missing style or `url()` file, a shared package without a range.
 */
export function mfe(options: MfeRollupOptions = {}): Plugin {
  const cwd = resolve(options.cwd ?? process.cwd());
  const pkgPath = resolve(cwd, options.packageJson ?? 'package.json');
  const fileName = options.fileName ?? 'mfe.json';
  const sharedOpts: Record<string, MfeSharedOptions> = Array.isArray(options.shared)
    ? Object.fromEntries((options.shared as readonly string[]).map((p) => [p, {}]))
    : { ...(options.shared as Record<string, MfeSharedOptions> | undefined) };
  const sharedNames = Object.keys(sharedOpts);

  /** Read at each buildStart (watch mode picks up a version bump). */
  let pkg: PackageJson | undefined;
  let pkgError: string | undefined;
  let name = options.name;
  let version = options.version;
  let label = labelOf(name, undefined);

  function readPackage(): void {
    try {
      pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as PackageJson;
      pkgError = undefined;
    } catch (err) {
      pkg = undefined;
      pkgError = `cannot read ${pkgPath}: ${err instanceof Error ? err.message : String(err)}`;
    }
    const pkgName = typeof pkg?.name === 'string' ? pkg.name : undefined;
    name = options.name ?? pkgName?.replace(/^@[^/]+\//, '');
    version = options.version ?? (typeof pkg?.version === 'string' ? pkg.version : undefined);
    label = labelOf(name, pkgName);
  }

  /** Resolved at buildStart: the entry's input name, and each shared package's need. */
  let entryName = '';
  let shared: Record<string, MfeSharedOptions & { requiredVersion: string }> | undefined;
  /** The integrity written to mfe.json, by output entry file, checked once written. */
  const written = new Map<string, string>();

  function fail(ctx: Pick<PluginContext, 'error'>, cause: string): never {
    return ctx.error(`${label}: ${cause}`);
  }

  return {
    name: 'mfe-host',

    buildStart(this: PluginContext, input: NormalizedInputOptions) {
      readPackage();
      if (!pkgError) this.addWatchFile(pkgPath);
      if (name === undefined || name === '') {
        fail(this, pkgError ?? `no name: set "name" in the options or in ${pkgPath}`);
      }
      entryName = pickEntry(this, input.input);
      shared = sharedNames.length === 0 ? undefined : Object.fromEntries(sharedNames.map((p) => [p, need(this, p)]));
    },

    resolveId: {
      order: 'pre',
      handler(source) {
        // Bare imports of a shared package, subpaths included, stay imports for the page's import map.
        for (const p of sharedNames) if (source === p || source.startsWith(`${p}/`)) return { id: source, external: true };
        return null;
      },
    },

    outputOptions(output: OutputOptions): OutputOptions {
      const format = output.format ?? 'es';
      if (!ES_FORMATS.includes(format)) {
        throw new Error(`[plugin mfe-host] ${label}: output.format must be "es" (an MFE entry is loaded with import()), got ${JSON.stringify(format)}`);
      }
      return {
        ...output,
        format,
        entryFileNames: output.entryFileNames ?? NAMING.entryFileNames,
        chunkFileNames: output.chunkFileNames ?? NAMING.chunkFileNames,
        assetFileNames: output.assetFileNames ?? NAMING.assetFileNames,
      };
    },

    generateBundle: {
      // After every other plugin's generateBundle, so the entry's code is final when hashed.
      order: 'post',
      handler(this: PluginContext, _output, bundle: OutputBundle) {
        const chunk = Object.values(bundle).find((f): f is OutputChunk => f.type === 'chunk' && f.isEntry && f.name === entryName);
        if (!chunk) fail(this, `the entry chunk "${entryName}" is not in the output`);
        const integrity = sri(chunk.code);
        written.set(chunk.fileName, integrity);

        const styles = (options.styles ?? []).map((file) => emitStyle(this, bundle, file));
        const entry: MfeJsonEntry = {
          entry: relativeTo(fileName, chunk.fileName),
          ...(version !== undefined && { version }),
          integrity,
        };
        if (styles.length > 0) entry.styles = styles.map((s) => relativeTo(fileName, s));
        if (shared) entry.shared = shared;
        if (options.format !== undefined && options.format !== 'esm') entry.format = options.format;
        this.emitFile({ type: 'asset', fileName, source: `${JSON.stringify({ [name!]: entry }, null, 2)}\n` });
      },
    },

    writeBundle(this: PluginContext, output, bundle) {
      // The written bytes are what browsers check: make sure nothing changed them after us.
      const dir = output.dir ?? (output.file && dirname(output.file));
      if (!dir) return;
      for (const [file, integrity] of written) {
        if (!bundle[file]) continue;
        const actual = sri(readFileSync(resolve(dir, file)));
        if (actual !== integrity) {
          fail(this, `${file} changed after mfe.json was written (a plugin altered it in writeBundle?): integrity ${integrity} in mfe.json, ${actual} on disk`);
        }
      }
      written.clear();
    },
  };

  /** The input name of the entry module, from `input` and the `entry` option. */
  function pickEntry(ctx: PluginContext, input: NormalizedInputOptions['input']): string {
    const named: [string, string][] = Array.isArray(input)
      ? input.map((file) => [basename(file, extname(file)), file])
      : Object.entries(input);
    if (named.length === 0) fail(ctx, 'no input: set "input" to the MFE\'s entry module');
    if (options.entry === undefined) {
      if (named.length > 1) {
        fail(ctx, `several inputs (${named.map(([n]) => n).join(', ')}): set "entry" to the one that is the MFE's entry module`);
      }
      return named[0]![0];
    }
    const want = options.entry;
    const hit = named.find(([n, file]) => n === want || file === want || resolve(cwd, file) === resolve(cwd, want));
    if (!hit) fail(ctx, `"entry" ${JSON.stringify(want)} is not an input (inputs: ${named.map(([n]) => n).join(', ')})`);
    return hit[0];
  }

  /** A shared package's entry in mfe.json, its range from the options or package.json. */
  function need(ctx: PluginContext, p: string): MfeSharedOptions & { requiredVersion: string } {
    const given = sharedOpts[p]!;
    const range = given.requiredVersion ?? rangeIn(pkg?.dependencies, p) ?? rangeIn(pkg?.peerDependencies, p);
    if (range === undefined) {
      if (pkgError) fail(ctx, `shared package "${p}" needs a version range: ${pkgError}`);
      fail(ctx, `shared package "${p}" has no version range: add it to "dependencies" or "peerDependencies" in ${pkgPath}, or give shared: { "${p}": { requiredVersion } }`);
    }
    if (range.trim() === '' || /^[a-z][a-z\d+.-]*:/i.test(range)) {
      fail(ctx, `shared package "${p}": ${JSON.stringify(range)} is not a semver range; give shared: { "${p}": { requiredVersion: "^1.2.0" } }`);
    }
    const out: MfeSharedOptions & { requiredVersion: string } = { requiredVersion: range };
    if (given.singleton !== undefined) out.singleton = given.singleton;
    if (given.strictVersion !== undefined) out.strictVersion = given.strictVersion;
    if (given.fallback !== undefined) out.fallback = given.fallback;
    return out;
  }

  /**
   * Emits a CSS file and the files its relative `url()`s name, rewriting those to the emitted
   * (hashed) names; returns the CSS file's output name. Emitted per output, in generateBundle,
   * where an emitted asset gets its final name at once.
   */
  function emitStyle(ctx: PluginContext, bundle: OutputBundle, file: string): string {
    const path = resolve(cwd, file);
    let css: string;
    try {
      css = readFileSync(path, 'utf8');
    } catch (err) {
      fail(ctx, `cannot read style ${JSON.stringify(file)} (${path}): ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
    if (/@import\b/.test(css)) ctx.warn(`${label}: style ${JSON.stringify(file)} has @import, which constructable stylesheets ignore: list the imported file in "styles" instead`);
    const assets = new Map<string, string>();
    for (const [, , ref] of css.matchAll(URL_RE)) {
      if (!isRelative(ref!) || assets.has(ref!)) continue;
      const clean = ref!.replace(/[?#].*$/, '');
      let target = clean;
      let source: Buffer;
      try {
        target = resolve(dirname(path), decodeURIComponent(clean));
        source = readFileSync(target);
      } catch (err) {
        fail(ctx, `style ${JSON.stringify(file)}: url(${ref}) → ${target}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
      }
      const id = ctx.emitFile({ type: 'asset', name: basename(target), originalFileName: target, source });
      assets.set(ref!, ctx.getFileName(id) + ref!.slice(clean.length));
    }
    // Relative url()s depend on the CSS's own folder, known once it is emitted: guess the
    // assets' folder (the usual case, one assetFileNames pattern), and emit again if wrong.
    const guess = posix.dirname([...assets.values()][0] ?? 'x');
    const emit = (folder: string): string =>
      ctx.getFileName(ctx.emitFile({ type: 'asset', name: basename(path), originalFileName: path, source: rewriteUrls(css, assets, folder) }));
    const first = emit(guess);
    if (posix.dirname(first) === guess) return first;
    delete bundle[first];
    return emit(posix.dirname(first));
  }
}

const URL_RE = /url\(\s*(['"]?)([^'")\s]+)\1\s*\)/g;

/** `css` with each relative `url()` found in `assets` pointing at its output name, relative to `folder`. */
function rewriteUrls(css: string, assets: Map<string, string>, folder: string): string {
  return css.replace(URL_RE, (all, quote: string, ref: string) => {
    const out = assets.get(ref);
    return out === undefined ? all : `url(${quote}${posix.relative(folder, out)}${quote})`;
  });
}

/** A URL relative to the CSS file: not absolute, not root-relative, not a fragment or data. */
function isRelative(ref: string): boolean {
  return !/^([a-z][a-z\d+.-]*:|\/|#)/i.test(ref);
}

/** `file` (relative to the output folder) as a URL relative to the manifest fragment. */
function relativeTo(manifest: string, file: string): string {
  const rel = posix.relative(posix.dirname(manifest), file);
  return rel.startsWith('../') ? rel : `./${rel}`;
}

/** How errors name the MFE: `MFE "billing"` (rollup adds `[plugin mfe-host]` before it). */
function labelOf(name: string | undefined, pkgName: string | undefined): string {
  return name ? `MFE "${name}"` : pkgName ? `MFE of package "${pkgName}"` : 'MFE';
}

/** Subresource Integrity of UTF-8 text or bytes. */
function sri(data: string | Buffer): string {
  return `sha384-${createHash('sha384').update(data).digest('base64')}`;
}

/** A dependency's range from a package.json dependency object. */
function rangeIn(deps: unknown, p: string): string | undefined {
  if (typeof deps !== 'object' || deps === null || !Object.hasOwn(deps, p)) return undefined;
  const v = (deps as Record<string, unknown>)[p];
  return typeof v === 'string' ? v : undefined;
}
