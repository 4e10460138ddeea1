/// <reference types="node" preserve="true" />
/**
 * `mfe-host serve` (api.md §5): the shell host, indie mode and provider mode from one command.
 *
 * Exit codes: 0 after a clean shutdown (SIGTERM/SIGINT) or `--help`; 2 for a bad command line
 * (usage errors); 1 for bad configuration or a runtime failure (the port is taken, …). Every
 * error is one line (or one block, for a configuration with several problems) on stderr that
 * names the flag, variable, package or key, and why.
 */
import { statSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import { resolve } from 'node:path';
import { discoverLocalMfes, type LocalMfe } from './indie.js';
import { fetchManifests } from './fragments.js';
import { type Manifest, type RemoteEntry, loadRemotes } from './remotes.js';
import { unversionedUrls } from './routes.js';
import { createShellServer, envIs } from './shell.js';
import { createStaticHandler } from './static.js';

const DEFAULT_PORT = 8080;
const DEFAULT_HOST = '127.0.0.1';
/** How long in-flight requests get after SIGTERM before their connections are cut. */
const SHUTDOWN_GRACE_MS = 10_000;

/** The `--help` text. */
export const USAGE = `Usage: mfe-host serve [options]

Serves micro-frontends over HTTP. The mode follows from the configuration:
  shell host  remotes configured (MFE_REMOTES, MFE_REMOTES_FILE, --remotes or
              --remote-manifests):
              GET /mfe-manifest.json, and /mfe/<name>/<version>/… for local MFEs and,
              with --proxy or MFE_PROXY_ENABLED=true, for the remotes (proxied).
              Local MFE packages are added; a remote of the same name replaces one.
  indie       no remotes: the MFE packages found in node_modules and npm workspaces
              (package.json "mfe": { "name", "entry" }) at /mfe/<name>/<version>/.
  provider    no remotes, no local MFE, and --static DIR: serves DIR as one MFE's
              build for other origins (CORS for import(), always revalidated).
In shell and indie mode, --static DIR serves the shell app's own files as well.

Options:
  --port N        port to listen on, 0 for any free one (default 8080)
  --host H        address to listen on (default 127.0.0.1; 0.0.0.0 in a container)
  --static DIR    a folder to serve (see above)
  --remotes FILE  a JSON file of remotes (replaces MFE_REMOTES_FILE)
  --remote-manifests URL[,URL…]
                  remotes' mfe.json files (mfe-host/rollup) or other manifests, fetched
                  once at start; --remotes and MFE_REMOTES entries win by name
                  (replaces MFE_REMOTE_MANIFESTS)
  --proxy         proxy remote MFEs through /mfe/<name>/<version>/ (as MFE_PROXY_ENABLED=true)
  --no-proxy-cache
                  stream every proxied file from its remote: no in-memory cache of
                  versioned files (as MFE_PROXY_CACHE=false)
  -h, --help      show this help

Environment:
  MFE_REMOTES        inline JSON or Base64 JSON of remotes (manifest format)
  MFE_REMOTES_FILE   path to a JSON file of remotes
  MFE_REMOTE_MANIFESTS  URLs of mfe.json files or manifests (comma or space separated)
  MFE_PROXY_ENABLED  true: entries are rewritten to same-origin /mfe/… and proxied
  MFE_PROXY_CACHE    false: no proxy cache (by default the proxy keeps up to 64 MiB of
                     versioned, cacheable files in memory)

Stops on SIGTERM or SIGINT: no new connections, in-flight requests get ${SHUTDOWN_GRACE_MS / 1000} s.
`;

interface Flags {
  port?: number;
  host?: string;
  static?: string;
  remotes?: string;
  remoteManifests?: string;
  proxy?: boolean;
  proxyCache?: false;
  help?: boolean;
}

type FlagName = 'port' | 'host' | 'static' | 'remotes' | 'remote-manifests' | 'proxy' | 'no-proxy-cache' | 'help';
const VALUE_FLAGS: readonly FlagName[] = ['port', 'host', 'static', 'remotes', 'remote-manifests'];
const ALL_FLAGS = ['--port', '--host', '--static', '--remotes', '--remote-manifests', '--proxy', '--no-proxy-cache', '--help', '-h'];

/** A command-line mistake: printed with a hint at `--help`, exit code 2. */
class UsageError extends Error {}

/**
 * Runs the `mfe-host` command line. Resolves when the server has stopped (after SIGTERM or
 * SIGINT) or at once for `--help` and errors, with the process exit code.
 *
 * @param argv the arguments after the program name (`process.argv.slice(2)`).
 * @param env the environment to read `MFE_REMOTES`, `MFE_REMOTES_FILE`, `MFE_PROXY_ENABLED`, `MFE_PROXY_CACHE` from.
 */
export async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  let flags: Flags;
  try {
    flags = parseArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`mfe-host: ${err.message}\nRun "mfe-host --help" for usage.\n`);
    return 2;
  }
  if (flags.help) {
    process.stdout.write(USAGE);
    return 0;
  }

  let started: { server: Server; mode: string };
  try {
    started = await configure(flags, env);
  } catch (err) {
    // loadRemotes names its sources in API terms; on the command line the file came from --remotes.
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`mfe-host: ${message.replaceAll('options.file (', '--remotes (')}\n`);
    return 1;
  }
  return run(started.server, flags.host ?? DEFAULT_HOST, flags.port ?? DEFAULT_PORT, started.mode);
}

/** Strict parsing: known flags only (`--flag value` or `--flag=value`), each at most once, no stray words. */
function parseArgs(argv: readonly string[]): Flags {
  const flags: Flags = {};
  const given = new Set<FlagName>();
  let command: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h' || arg === '--help') {
      flags.help = true;
      continue;
    }
    if (!arg.startsWith('-')) {
      if (command === undefined) {
        if (arg === 'help') {
          flags.help = true;
          command = arg;
          continue;
        }
        if (arg !== 'serve') throw new UsageError(`unknown command ${JSON.stringify(arg)}${suggest(arg, ['serve'], ' (the only command is "serve")')}`);
        command = arg;
        continue;
      }
      throw new UsageError(`unexpected argument ${JSON.stringify(arg)}`);
    }
    const eq = arg.indexOf('=');
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    const name = flag.startsWith('--') ? (flag.slice(2) as FlagName) : undefined;
    if (name === undefined || !ALL_FLAGS.includes(flag)) {
      throw new UsageError(`unknown flag ${flag}${suggest(flag, ALL_FLAGS.filter((f) => f.startsWith('--')), '')}`);
    }
    if (given.has(name)) throw new UsageError(`${flag} given twice`);
    given.add(name);

    if (name === 'proxy') {
      if (eq !== -1) throw new UsageError('--proxy takes no value (leave it out to follow MFE_PROXY_ENABLED)');
      flags.proxy = true;
      continue;
    }
    if (name === 'no-proxy-cache') {
      if (eq !== -1) throw new UsageError('--no-proxy-cache takes no value (leave it out to follow MFE_PROXY_CACHE)');
      flags.proxyCache = false;
      continue;
    }
    if (!VALUE_FLAGS.includes(name)) continue;
    let value: string;
    if (eq !== -1) value = arg.slice(eq + 1);
    else {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('-') && !/^-\d/.test(next))) throw new UsageError(`${flag} needs a value`);
      value = next;
      i++;
    }
    if (value === '') throw new UsageError(`${flag} needs a value, got ""`);
    switch (name) {
      case 'port': {
        const port = /^\d{1,5}$/.test(value) ? Number(value) : NaN;
        if (!(port >= 0 && port <= 65535)) throw new UsageError(`--port must be a number from 0 to 65535, got ${JSON.stringify(value)}`);
        flags.port = port;
        break;
      }
      case 'host':
        flags.host = value;
        break;
      case 'static':
        flags.static = value;
        break;
      case 'remotes':
        flags.remotes = value;
        break;
      case 'remote-manifests':
        flags.remoteManifests = value;
        break;
    }
  }
  if (!flags.help && command === undefined) {
    throw new UsageError(argv.length === 0 ? 'missing command: mfe-host serve [options]' : 'missing command "serve" before the options');
  }
  return flags;
}

/** ` (did you mean --port?)` when a known word is within two edits of `word`. */
function suggest(word: string, known: readonly string[], none: string): string {
  let best: string | undefined;
  let bestDistance = 3;
  for (const k of known) {
    const d = editDistance(word, k);
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best === undefined ? none : ` (did you mean ${best}?)`;
}

function editDistance(a: string, b: string): number {
  // Damerau (optimal string alignment): a swap of two letters ("prot") counts as one edit.
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** Picks the mode from the configuration and builds its (not yet listening) server. */
async function configure(flags: Flags, env: NodeJS.ProcessEnv): Promise<{ server: Server; mode: string }> {
  const staticDir = flags.static === undefined ? undefined : checkDir(flags.static);
  const own = flags.remotes !== undefined || nonEmpty(env.MFE_REMOTES) || nonEmpty(env.MFE_REMOTES_FILE);
  const urls = (flags.remoteManifests ?? env.MFE_REMOTE_MANIFESTS ?? '').split(/[\s,]+/).filter(Boolean);
  const configured = own || urls.length > 0;
  // Published mfe.json files first; configured remotes replace them by name (pin, roll back).
  let published: Manifest = Object.create(null);
  if (urls.length > 0) {
    try {
      published = loadRemotes({ env: {}, remotes: (await fetchManifests(urls)) as Record<string, RemoteEntry> });
    } catch (err) {
      const source = flags.remoteManifests !== undefined ? '--remote-manifests' : 'MFE_REMOTE_MANIFESTS';
      throw new Error(`${source}: ${(err as Error).message.replaceAll('options.remotes: ', '')}`, { cause: err });
    }
  }
  const remotes: Manifest = Object.freeze(
    Object.assign(Object.create(null) as Record<string, RemoteEntry>, published, own ? loadRemotes({ env, ...(flags.remotes !== undefined ? { file: flags.remotes } : {}) }) : {}),
  );
  const found = discoverLocalMfes(process.cwd());

  // Remote configuration extends or overrides the local MFEs by name.
  const local: Record<string, { version: string; dir: string; entry: string }> = Object.create(null);
  for (const [name, mfe] of Object.entries(found)) if (!(name in remotes)) local[name] = pick(mfe);
  const localNames = Object.keys(local);

  if (!configured && localNames.length === 0) {
    if (staticDir === undefined) {
      throw new Error(
        'nothing to serve: no remotes configured (MFE_REMOTES, MFE_REMOTES_FILE or --remotes), ' +
          `no MFE package in ${resolve('node_modules')} or the npm workspaces (package.json "mfe" field), and no --static DIR`,
      );
    }
    return { server: providerServer(staticDir), mode: `provider mode: ${staticDir}` };
  }

  const server = createShellServer({
    remotes,
    local,
    env,
    ...(flags.proxy ? { proxy: true } : {}),
    ...(flags.proxyCache === false ? { proxyCache: false as const } : {}),
    ...(staticDir !== undefined ? { static: staticDir } : {}),
  });
  const locals = localNames.map((n) => `${n}@${local[n]!.version}`).join(', ');
  // The same reading as createShellServer's.
  const proxy = flags.proxy || envIs(env, 'MFE_PROXY_ENABLED', 'true');
  const proxyCache = flags.proxyCache ?? !envIs(env, 'MFE_PROXY_CACHE', 'false');
  const mode = configured
    ? `shell host: ${plural(Object.keys(remotes).length, 'remote')}${localNames.length ? `, local ${locals}` : ''}${proxy ? `, proxy on${proxyCache ? '' : ' (no cache)'}` : ''}`
    : `indie mode: ${locals}`;
  // Unversioned remotes work, but pay for it on every request: say so once, at start.
  const unversioned = unversionedUrls(remotes).map((u) => `${u.name}${u.field === 'entry' ? '' : ` ${u.field}`} (${u.url})`);
  if (unversioned.length > 0) {
    const cost = proxy ? 'proxied' : 'with --proxy, proxied';
    process.stdout.write(`mfe-host: unversioned (no "version", no /<semver>/ folder in the URL): ${unversioned.join(', ')}; ${cost} without immutable caching or the proxy cache, every request revalidated upstream (put the version in the URL, /<name>/1.2.0/<file>, or set "version")\n`);
  }
  return { server, mode };
}

/**
 * Provider mode: one MFE's build folder for other origins. `Access-Control-Allow-Origin: *`
 * and `Cross-Origin-Resource-Policy: cross-origin` (so a page on another origin, even one with
 * COEP, can `import()` it), preflights answered: createStaticHandler's `cors`. `max-age=0`:
 * the folder is a build output that changes in place (`mfe.js` keeps its name across builds),
 * so browsers revalidate every time; long caching belongs to versioned folders behind a CDN
 * (see README, "Running in production").
 */
function providerServer(root: string): Server {
  // cors: true adds both headers to every answer (errors included) and answers preflights.
  return createServer(createStaticHandler({ root, cors: true, immutable: false, maxAge: 0 }));
}

/** Listens, prints the one "listening" line, and resolves with 0 after a graceful shutdown. */
function run(server: Server, host: string, port: number, mode: string): Promise<number> {
  return new Promise<number>((done) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals): void => {
      if (stopping) return;
      stopping = true;
      process.stderr.write(`mfe-host: ${signal}: closing\n`);
      // Idle keep-alive connections would hold close() open: drop them; busy ones finish their
      // request (server.close() closes them once idle), within the grace period.
      const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
      force.unref();
      server.close(() => {
        clearTimeout(force);
        cleanup();
        done(0);
      });
      server.closeIdleConnections();
    };
    const cleanup = (): void => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
    };
    server.once('error', (err: NodeJS.ErrnoException) => {
      cleanup();
      const why = err.code === 'EADDRINUSE' ? 'the address is already in use' : err.code === 'EACCES' ? 'permission denied' : err.message;
      process.stderr.write(`mfe-host: cannot listen on ${host}:${port}: ${why}\n`);
      done(1);
    });
    server.listen(port, host, () => {
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
      const address = server.address();
      const actual = typeof address === 'object' && address ? address.port : port;
      const shown = host.includes(':') ? `[${host}]` : host;
      process.stdout.write(`mfe-host: listening on http://${shown}:${actual} (${mode})\n`);
    });
  });
}

function checkDir(dir: string): string {
  const abs = resolve(dir);
  let isDir = false;
  try {
    isDir = statSync(abs).isDirectory();
  } catch (err) {
    throw new Error(`--static: cannot use ${JSON.stringify(dir)} (${abs}): ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such folder' : String(err)}`);
  }
  if (!isDir) throw new Error(`--static: ${JSON.stringify(dir)} (${abs}) is not a folder`);
  return abs;
}

function pick(mfe: LocalMfe): { version: string; dir: string; entry: string } {
  return { version: mfe.version, dir: mfe.dir, entry: mfe.entry };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function nonEmpty(value: string | undefined): boolean {
  return value !== undefined && value.trim() !== '';
}
