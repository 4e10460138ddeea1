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
import { createDrainer, type Drainer } from './drain.js';
import { createHealthHandler, type Readiness } from './health.js';
import { discoverLocalMfes, type LocalMfe } from './indie.js';
import { createManifestFetcher, type FetchedManifest, type ManifestFailure } from './fragments.js';
import type { Middleware } from './http.js';
import { type LiveConfig, LiveConfigError, type LiveProblem, type LiveTrigger, STATUS_PATH, problemsOf, startLiveConfig } from './live-config.js';
import { manifestEtag } from './manifest.js';
import { createProxyCache } from './proxy-cache.js';
import { type Manifest, type RemoteEntry, loadRemotes } from './remotes.js';
import { unversionedUrls } from './routes.js';
import { type ShellHandler, createShellHandler, createShellServer, envIs } from './shell.js';
import { createStaticHandler } from './static.js';

const DEFAULT_PORT = 8080;
const DEFAULT_HOST = '127.0.0.1';
/** How long in-flight requests get, once the server stops accepting, before their connections are cut. */
const SHUTDOWN_GRACE_MS = 10_000;
/** The largest --drain-delay: past it, the value was most likely meant in milliseconds. */
const MAX_DRAIN_DELAY_S = 300;
/** Seconds between refreshes of remote manifests (and re-reads of the remotes file). */
const DEFAULT_REFRESH_S = 30;

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
                  at start and revalidated every refresh; --remotes and MFE_REMOTES
                  entries win by name (replaces MFE_REMOTE_MANIFESTS)
  --refresh-interval S
                  seconds between refreshes: remote manifests asked again with
                  If-None-Match/If-Modified-Since, the remotes file re-read (default
                  ${DEFAULT_REFRESH_S}; 0: never; replaces MFE_REFRESH_INTERVAL)
  --no-watch      do not watch the remotes file's folder (as MFE_WATCH=false); it is
                  still re-read every refresh and on SIGHUP
  --proxy         proxy remote MFEs through /mfe/<name>/<version>/ (as MFE_PROXY_ENABLED=true)
  --no-proxy-cache
                  stream every proxied file from its remote: no in-memory cache of
                  versioned files (as MFE_PROXY_CACHE=false)
  --drain-delay S on SIGTERM, keep serving for S seconds with /readyz answering 503
                  before closing, so load balancers stop sending traffic first
                  (default 0; 5 in Kubernetes; replaces MFE_DRAIN_DELAY)
  -h, --help      show this help

Environment:
  MFE_REMOTES        inline JSON or Base64 JSON of remotes (manifest format)
  MFE_REMOTES_FILE   path to a JSON file of remotes
  MFE_REMOTE_MANIFESTS  URLs of mfe.json files or manifests (comma or space separated)
  MFE_PROXY_ENABLED  true: entries are rewritten to same-origin /mfe/… and proxied
  MFE_PROXY_CACHE    false: no proxy cache (by default the proxy keeps up to 64 MiB of
                     versioned, cacheable files in memory)
  MFE_DRAIN_DELAY    seconds of --drain-delay
  MFE_REFRESH_INTERVAL  seconds between refreshes (default ${DEFAULT_REFRESH_S}, 0: never)
  MFE_WATCH          false: do not watch the remotes file

Live reconfiguration (shell host): a change of the remotes file (an edit, or the
symlink swap of a Kubernetes ConfigMap volume), a changed remote manifest or SIGHUP
loads the configuration again. A valid one replaces the one in service for new
requests (requests in flight finish on theirs); an invalid one changes nothing and
each problem is logged once. GET ${STATUS_PATH} (no-store) tells the version in
service, when and from where it was loaded, and the problems of the last attempt.

Probes: GET /healthz answers 200 while the process runs; GET /readyz 200 while it
serves, 503 with the reason otherwise (draining, not listening).
Stops on SIGTERM or SIGINT: /readyz answers 503 at once; after the drain delay, no new
connections, keep-alive connections close after their response, and requests in
flight get ${SHUTDOWN_GRACE_MS / 1000} s; then exit 0. A second signal skips the rest of the delay.
`;

interface Flags {
  port?: number;
  host?: string;
  static?: string;
  remotes?: string;
  remoteManifests?: string;
  proxy?: boolean;
  proxyCache?: false;
  /** Seconds. */
  refreshInterval?: number;
  watch?: false;
  drainDelay?: number;
  help?: boolean;
}

type FlagName = 'port' | 'host' | 'static' | 'remotes' | 'remote-manifests' | 'refresh-interval' | 'proxy' | 'no-proxy-cache' | 'no-watch' | 'drain-delay' | 'help';
const VALUE_FLAGS: readonly FlagName[] = ['port', 'host', 'static', 'remotes', 'remote-manifests', 'refresh-interval', 'drain-delay'];
const ALL_FLAGS = ['--port', '--host', '--static', '--remotes', '--remote-manifests', '--refresh-interval', '--proxy', '--no-proxy-cache', '--no-watch', '--drain-delay', '--help', '-h'];

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

  let drainDelay: number;
  let started: Configured;
  // The drainer exists once run() has the server; until then (and while serving) readiness is
  // the server's own (listening).
  const shutdown: { drainer?: Drainer } = {};
  const ready = (): Readiness => shutdown.drainer?.reason ?? true;
  try {
    drainDelay = flags.drainDelay ?? (nonEmpty(env.MFE_DRAIN_DELAY) ? seconds(env.MFE_DRAIN_DELAY!.trim(), 'MFE_DRAIN_DELAY') : 0);
    started = await configure(flags, env, ready);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`mfe-host: ${message}\n`);
    return 1;
  }
  const { config } = started;
  // SIGHUP reloads (its default action would end the process). Logged either way: whoever sent it wants to know.
  const hup = (): void => {
    if (!config) {
      process.stderr.write('mfe-host: SIGHUP: nothing to reload (provider mode serves its folder as it is on disk)\n');
      return;
    }
    process.stderr.write('mfe-host: SIGHUP: reloading the configuration\n');
    void config.reload('signal').then((result) => {
      if (result === 'unchanged') process.stderr.write(`mfe-host: configuration unchanged: version ${config.version}\n`);
    });
  };
  process.on('SIGHUP', hup);
  try {
    return await run(started.server, flags.host ?? DEFAULT_HOST, flags.port ?? DEFAULT_PORT, started.mode, drainDelay * 1000, shutdown);
  } finally {
    process.off('SIGHUP', hup);
    config?.close();
  }
}

/** A number of seconds from 0 to MAX_DRAIN_DELAY_S (decimals allowed), or an error naming `source`. */
function seconds(value: string, source: string): number {
  const n = /^\d+(\.\d+)?$/.test(value) ? Number(value) : NaN;
  if (!(n >= 0 && n <= MAX_DRAIN_DELAY_S)) {
    throw new (source.startsWith('--') ? UsageError : Error)(`${source} must be a number of seconds from 0 to ${MAX_DRAIN_DELAY_S}, got ${JSON.stringify(value)}`);
  }
  return n;
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
    if (name === 'no-watch') {
      if (eq !== -1) throw new UsageError('--no-watch takes no value (leave it out to follow MFE_WATCH)');
      flags.watch = false;
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
      case 'drain-delay':
        flags.drainDelay = seconds(value, '--drain-delay');
        break;
      case 'refresh-interval': {
        const seconds = seconds_(value);
        if (seconds === undefined) throw new UsageError(`--refresh-interval must be a number of seconds (0: never), got ${JSON.stringify(value)}`);
        flags.refreshInterval = seconds;
        break;
      }
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

/** What {@link configure} built: the (not yet listening) server, the mode line, and the live configuration. */
interface Configured {
  server: Server;
  mode: string;
  /** The shell host's configuration holder (shell host and indie mode; none in provider mode). */
  config?: LiveConfig<Middleware>;
}

/**
 * Picks the mode from the configuration and builds its (not yet listening) server. In shell
 * host and indie mode the configuration is live: loaded by `load()` below at start (a failure
 * stops the start) and again on each trigger (a failure keeps the configuration in service).
 */
async function configure(flags: Flags, env: NodeJS.ProcessEnv, ready: () => Readiness): Promise<Configured> {
  const staticDir = flags.static === undefined ? undefined : checkDir(flags.static);
  const own = flags.remotes !== undefined || nonEmpty(env.MFE_REMOTES) || nonEmpty(env.MFE_REMOTES_FILE);
  const urls = (flags.remoteManifests ?? env.MFE_REMOTE_MANIFESTS ?? '').split(/[\s,]+/).filter(Boolean);
  const configured = own || urls.length > 0;
  const manifestsFlag = flags.remoteManifests !== undefined ? '--remote-manifests' : 'MFE_REMOTE_MANIFESTS';
  const file = flags.remotes ?? (nonEmpty(env.MFE_REMOTES_FILE) ? env.MFE_REMOTES_FILE : undefined);
  const fileFlag = flags.remotes !== undefined ? '--remotes' : 'MFE_REMOTES_FILE';
  const refreshS = flags.refreshInterval ?? refreshFromEnv(env);
  const watchFile = flags.watch !== false && !envIs(env, 'MFE_WATCH', 'false');
  const fetcher = urls.length > 0 ? createManifestFetcher(urls) : undefined;

  /**
   * The remotes as configured now: published documents first, configured remotes replacing
   * them by name (pin, roll back). Every problem of every source in one error.
   */
  const readRemotes = async (trigger: LiveTrigger): Promise<Manifest> => {
    const failed: LiveConfigError[] = [];
    const published: Record<string, RemoteEntry> = Object.create(null);
    if (fetcher) {
      // A file event re-reads the file alone: documents are revalidated on their interval and on SIGHUP.
      let documents: readonly FetchedManifest[] | undefined = trigger === 'file' ? fetcher.cached() : undefined;
      if (documents === undefined) {
        try {
          documents = (await fetcher.fetch()).documents;
        } catch (err) {
          const failures = (err as { failures?: ManifestFailure[] }).failures ?? [];
          failed.push(
            new LiveConfigError(
              `${manifestsFlag}: ${(err as Error).message}`,
              failures.map((f) => ({ source: manifestsFlag, file: f.url, why: f.why, message: `${manifestsFlag}: ${f.url}: ${f.why}` })),
              { cause: err },
            ),
          );
        }
      }
      const problems: LiveProblem[] = [];
      for (const doc of documents ?? []) {
        try {
          Object.assign(published, loadRemotes({ env: {}, remotes: doc.remotes as Record<string, RemoteEntry> }));
        } catch (err) {
          // Named by the document it came from, as a file is.
          problems.push(...problemsOf(new Error((err as Error).message.replaceAll('options.remotes: ', `${manifestsFlag} (${doc.url}): `))));
        }
      }
      if (problems.length > 0) failed.push(invalid(problems));
    }
    let mine: Manifest = Object.create(null);
    if (own) {
      try {
        mine = loadRemotes({ env, ...(flags.remotes !== undefined ? { file: flags.remotes } : {}) });
      } catch (err) {
        // loadRemotes names its sources in API terms; on the command line the file came from --remotes.
        const e = new Error((err as Error).message.replaceAll('options.file (', '--remotes ('), { cause: err });
        failed.push(new LiveConfigError(e.message, problemsOf(e), { cause: err }));
      }
    }
    if (failed.length === 1) throw failed[0]!;
    if (failed.length > 1) throw new LiveConfigError(failed.map((e) => e.message).join('\n'), failed.flatMap((e) => e.problems));
    return Object.freeze(Object.assign(Object.create(null) as Record<string, RemoteEntry>, published, mine));
  };

  const atStart = await readRemotes('start');
  const found = discoverLocalMfes(process.cwd());

  // Remote configuration extends or overrides the local MFEs by name (createShellHandler
  // drops a local MFE a remote replaces, at every reload).
  const local: Record<string, { version: string; dir: string; entry: string }> = Object.create(null);
  for (const [name, mfe] of Object.entries(found)) local[name] = pick(mfe);
  const localNames = Object.keys(local).filter((n) => !(n in atStart));

  if (!configured && localNames.length === 0) {
    if (staticDir === undefined) {
      throw new Error(
        'nothing to serve: no remotes configured (MFE_REMOTES, MFE_REMOTES_FILE or --remotes), ' +
          `no MFE package in ${resolve('node_modules')} or the npm workspaces (package.json "mfe" field), and no --static DIR`,
      );
    }
    return { server: providerServer(staticDir, ready), mode: `provider mode: ${staticDir}` };
  }

  // The same reading as createShellServer's.
  const proxy = flags.proxy || envIs(env, 'MFE_PROXY_ENABLED', 'true');
  const proxyCache = flags.proxyCache ?? !envIs(env, 'MFE_PROXY_CACHE', 'false');
  // One proxy cache for every configuration in service: a reload (a canary weight, one more
  // remote) must not empty it. Entries are keyed by upstream URL, so a new route never sees
  // another's files.
  const cache = proxy && proxyCache ? createProxyCache(undefined, 'mfe-host serve') : undefined;
  let first: Manifest | undefined = atStart;
  let built: { version: string; handler: ShellHandler } | undefined;
  const config = await startLiveConfig<Middleware>({
    async load(trigger) {
      const remotes = first ?? (await readRemotes(trigger));
      first = undefined;
      // The configured remotes, not the served manifest: with the proxy on, two upstream
      // hosts can give one rewritten manifest, and the routes still differ.
      const version = manifestEtag(remotes);
      // Unchanged (a busy folder, a 304): no new handler, which the holder would drop anyway.
      const handler = built?.version === version ? built.handler : createShellHandler({
        remotes,
        local,
        proxy,
        ...(cache ? { proxyCache: cache } : proxyCache ? {} : { proxyCache: false as const }),
        ...(staticDir !== undefined ? { static: staticDir } : {}),
      });
      built = { version, handler };
      return { value: handler, version, details: { manifestEtag: handler.manifestEtag, remotes: Object.keys(handler.manifest).sort() } };
    },
    source: describeSources(file === undefined ? undefined : `${fileFlag} (${resolve(file)})`, nonEmpty(env.MFE_REMOTES), urls.length > 0 ? `${manifestsFlag} ${urls.join(', ')}` : undefined, localNames),
    ...(file !== undefined && watchFile ? { watch: [file] } : {}),
    ...(configured && (file !== undefined || fetcher) && refreshS > 0 ? { interval: refreshS * 1000 } : {}),
  });

  const server = createShellServer({ config, health: { ready } });
  const locals = localNames.map((n) => `${n}@${local[n]!.version}`).join(', ');
  const mode = configured
    ? `shell host: ${plural(Object.keys(atStart).length, 'remote')}${localNames.length ? `, local ${locals}` : ''}${proxy ? `, proxy on${proxyCache ? '' : ' (no cache)'}` : ''}`
    : `indie mode: ${locals}`;
  // Unversioned remotes work, but pay for it on every request: say so once, at start.
  const unversioned = unversionedUrls(atStart).map((u) => `${u.name}${u.field === 'entry' ? '' : ` ${u.field}`} (${u.url})`);
  if (unversioned.length > 0) {
    const cost = proxy ? 'proxied' : 'with --proxy, proxied';
    process.stdout.write(`mfe-host: unversioned (no "version", no /<semver>/ folder in the URL): ${unversioned.join(', ')}; ${cost} without immutable caching or the proxy cache, every request revalidated upstream (put the version in the URL, /<name>/1.2.0/<file>, or set "version")\n`);
  }
  return { server, mode, config };
}

/** `status().source`: where the configuration comes from, in command-line terms. */
function describeSources(file: string | undefined, inline: boolean, manifests: string | undefined, locals: readonly string[]): string {
  const parts = [file, inline ? 'MFE_REMOTES' : undefined, manifests, locals.length > 0 ? `local packages (${locals.join(', ')})` : undefined];
  return parts.filter((p) => p !== undefined).join('; ');
}

/** One error for several problems, in loadRemotes' words. */
function invalid(problems: readonly LiveProblem[]): LiveConfigError {
  const message =
    problems.length === 1
      ? `Invalid MFE remotes: ${problems[0]!.message}`
      : `Invalid MFE remotes (${problems.length} problems):\n${problems.map((p) => `- ${p.message}`).join('\n')}`;
  return new LiveConfigError(message, problems);
}

/** `MFE_REFRESH_INTERVAL` in seconds, default {@link DEFAULT_REFRESH_S}. */
function refreshFromEnv(env: NodeJS.ProcessEnv): number {
  const raw = env.MFE_REFRESH_INTERVAL;
  if (!nonEmpty(raw)) return DEFAULT_REFRESH_S;
  const seconds = seconds_(raw!.trim());
  if (seconds === undefined) throw new Error(`MFE_REFRESH_INTERVAL must be a number of seconds (0: never), got ${JSON.stringify(raw)}`);
  return seconds;
}

/** A non-negative decimal number of seconds (`30`, `0.5`), else undefined. */
function seconds_(value: string): number | undefined {
  if (!/^\d{1,9}(\.\d{1,3})?$/.test(value)) return undefined;
  return Number(value);
}

/**
 * Provider mode: one MFE's build folder for other origins. `Access-Control-Allow-Origin: *`
 * and `Cross-Origin-Resource-Policy: cross-origin` (so a page on another origin, even one with
 * COEP, can `import()` it), preflights answered: createStaticHandler's `cors`. `max-age=0`:
 * the folder is a build output that changes in place (`mfe.js` keeps its name across builds),
 * so browsers revalidate every time; long caching belongs to versioned folders behind a CDN
 * (see README, "Running in production"). `/healthz` and `/readyz` come first, as in the shell host.
 */
function providerServer(root: string, ready: () => Readiness): Server {
  // cors: true adds both headers to every answer (errors included) and answers preflights.
  const files = createStaticHandler({ root, cors: true, immutable: false, maxAge: 0 });
  const health = createHealthHandler({ ready, server: { get listening() { return server.listening; } } });
  const server = createServer((req, res) => health(req, res, () => files(req, res)));
  return server;
}

/**
 * Listens, prints the one "listening" line, and resolves with 0 after a graceful shutdown:
 * SIGTERM/SIGINT start the drain (createDrainer: not ready at once, `delayMs` later no new
 * connections and `Connection: close`, in-flight requests get SHUTDOWN_GRACE_MS); a second
 * signal skips the rest of the delay.
 */
function run(server: Server, host: string, port: number, mode: string, delayMs: number, shutdown: { drainer?: Drainer }): Promise<number> {
  const drainer = createDrainer(server, { delayMs, graceMs: SHUTDOWN_GRACE_MS, log: (line) => process.stderr.write(`mfe-host: ${line}\n`) });
  shutdown.drainer = drainer;
  return new Promise<number>((done) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals): void => {
      if (stopping) {
        void drainer.drain(signal); // hurries a drain waiting out its delay
        return;
      }
      stopping = true;
      void drainer.drain(signal).then(({ cut }) => {
        cleanup();
        process.stderr.write(`mfe-host: ${signal}: stopped${cut ? ` (${cut} cut at the deadline)` : ''}\n`);
        done(0);
      });
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
