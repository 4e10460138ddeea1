/// <reference types="node" preserve="true" />
/**
 * Live reconfiguration: one holder of the configuration in service, replaced as a whole when a
 * new one has been loaded and validated, never half-applied.
 *
 * - `load()` builds a complete new value (read, validate, construct handlers) or throws; a
 *   value whose `version` equals the one in service is dropped (nothing changes, nothing is
 *   logged), any other replaces it with one assignment. Readers take `current` once per
 *   request, so a request runs to its end on the configuration it started with.
 * - A refused configuration changes nothing: the last good one stays in service, each problem
 *   is logged once (the same problem seen again by the next poll is not repeated), and
 *   `status()` says what is in service and what was refused.
 * - Triggers: a watched file's folder (so the atomic symlink swap of a Kubernetes ConfigMap
 *   volume is seen, not only edits of the file's inode), an interval, or `reload()` (SIGHUP in
 *   `mfe-host serve`). Triggers are debounced and reloads never overlap: one asked for while
 *   another runs starts after it, and several such requests make one.
 */
import { type FSWatcher, realpathSync, watch } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, resolve, sep } from 'node:path';
import { type Middleware, type NextFunction, pathnameOf, sendError } from './http.js';

/** What made a (re)load happen. */
export type LiveTrigger = 'start' | 'file' | 'interval' | 'signal' | 'api';

/** One problem of a refused configuration: where, which key, why. */
export interface LiveProblem {
  /** The source as the message names it, e.g. `--remotes (/etc/mfe/remotes.json)` or `MFE_REMOTES`. */
  readonly source: string;
  /** The file path or document URL of the source, when it has one. */
  readonly file?: string;
  /** The remote and field, e.g. `billing.entry`, when the problem is in one entry. */
  readonly key?: string;
  /** Why, e.g. `"entry" must be an absolute http(s) URL, got "billing.js"`. */
  readonly why: string;
  /** The whole line, as logged. */
  readonly message: string;
}

/** The state of a {@link LiveConfig}, as `GET /mfe-status.json` shows it. */
export interface LiveConfigStatus {
  /** True while a valid configuration is in service (from the first successful load to `close()`): readiness. */
  readonly ok: boolean;
  /** True when the latest attempt was refused: what is served is older than what is configured. */
  readonly stale: boolean;
  /** Version of the configuration in service (a content hash: equal content, equal version). */
  readonly version: string;
  /** When the configuration in service was loaded (ISO 8601). */
  readonly loadedAt: string;
  /** What the configuration is read from, e.g. `--remotes (/etc/mfe/remotes.json), --remote-manifests https://…`. */
  readonly source: string;
  /** How many times a new configuration replaced the one in service. */
  readonly reloads: number;
  /** How many loads were attempted, the first one included (a counter to wait on). */
  readonly attempts: number;
  /** When the latest attempt ended (ISO 8601). */
  readonly checkedAt: string;
  /** The problems of the latest attempt: empty unless `stale`. */
  readonly errors: readonly LiveProblem[];
  /** The latest refused attempt, kept after the configuration is fixed. */
  readonly lastFailure: { readonly at: string; readonly trigger: LiveTrigger; readonly errors: readonly LiveProblem[] } | null;
  /** What `load()` said about the configuration in service (e.g. the manifest's ETag). */
  readonly details: Readonly<Record<string, unknown>>;
}

/** What `load()` returns: the value and its version. */
export interface LiveLoaded<T> {
  readonly value: T;
  /** A content hash: the same configuration loaded again must give the same version. */
  readonly version: string;
  /** JSON-able facts shown in `status().details`. */
  readonly details?: Readonly<Record<string, unknown>>;
}

/** Options of {@link startLiveConfig}. */
export interface LiveConfigOptions<T> {
  /**
   * Builds and validates a complete configuration, or throws. A thrown error may carry
   * `problems: LiveProblem[]`; otherwise each line of its message is one problem (the form
   * `loadRemotes` uses: `<source>: remote "<name>": "<field>" <why>`).
   */
  load(trigger: LiveTrigger): LiveLoaded<T> | Promise<LiveLoaded<T>>;
  /** What the configuration is read from, for `status().source` and the log. */
  source: string;
  /** Files to watch: their folders are watched, and any change there reloads. */
  watch?: readonly string[];
  /** Reload every this many milliseconds; `0` or absent: never. */
  interval?: number;
  /** Milliseconds of quiet after a file event before the reload. Default 100. */
  debounce?: number;
  /** Where the log lines go. Default: standard error, prefixed with `mfe-host: `. */
  log?: (line: string) => void;
}

/** The holder: the configuration in service and the means to replace it. */
export interface LiveConfig<T> {
  /** The configuration in service. Read it once per request and keep that snapshot. */
  readonly current: T;
  /** Its version (see {@link LiveLoaded.version}). */
  readonly version: string;
  /**
   * Loads again. Resolves `swapped` when a new configuration went into service, `unchanged`
   * when it was valid and equal to the one in service, `refused` when it failed (then the
   * problems were logged, once, and `status()` names them). Never rejects.
   */
  reload(trigger?: LiveTrigger): Promise<'swapped' | 'unchanged' | 'refused'>;
  status(): LiveConfigStatus;
  /** Stops watching and polling; `status().ok` becomes false. */
  close(): void;
}

/** Path of the status document served by {@link createLiveStatusHandler}. */
export const STATUS_PATH = '/mfe-status.json';

/**
 * Loads the configuration a first time and returns its holder, watching and polling from then on.
 *
 * @throws the first load's error: with no configuration in service there is nothing to keep.
 */
export async function startLiveConfig<T>(options: LiveConfigOptions<T>): Promise<LiveConfig<T>> {
  const log = options.log ?? ((line: string) => void process.stderr.write(`mfe-host: ${line}\n`));
  const debounce = options.debounce ?? 100;
  const first = await options.load('start');

  let loaded = first;
  let loadedAt = new Date();
  let checkedAt = loadedAt;
  let reloads = 0;
  let attempts = 1;
  let errors: readonly LiveProblem[] = [];
  let lastFailure: LiveConfigStatus['lastFailure'] = null;
  let closed = false;
  /** Problems logged since the last good load: logged once each, not on every poll. */
  const logged = new Set<string>();

  async function attempt(trigger: LiveTrigger): Promise<'swapped' | 'unchanged' | 'refused'> {
    attempts++;
    let next: LiveLoaded<T>;
    try {
      next = await options.load(trigger);
    } catch (err) {
      checkedAt = new Date();
      errors = Object.freeze(problemsOf(err));
      lastFailure = Object.freeze({ at: checkedAt.toISOString(), trigger, errors });
      const fresh = errors.filter((p) => !logged.has(p.message));
      if (fresh.length > 0) {
        log(`configuration not reloaded (${trigger}), still serving version ${loaded.version} from ${loadedAt.toISOString()}:`);
        for (const p of fresh) log(`  ${p.message}`);
      }
      logged.clear();
      for (const p of errors) logged.add(p.message);
      return 'refused';
    }
    checkedAt = new Date();
    const wasStale = errors.length > 0;
    errors = [];
    logged.clear();
    if (next.version === loaded.version) {
      if (wasStale) log(`configuration valid again (${trigger}), unchanged: version ${loaded.version}`);
      return 'unchanged';
    }
    if (closed) return 'unchanged';
    // The swap: one assignment. Requests read `current` once, at their start.
    loaded = next;
    loadedAt = checkedAt;
    reloads++;
    log(`configuration reloaded (${trigger}): version ${next.version}`);
    return 'swapped';
  }

  let chain: Promise<unknown> = Promise.resolve();
  let queued: Promise<'swapped' | 'unchanged' | 'refused'> | undefined;
  function reload(trigger: LiveTrigger = 'api'): Promise<'swapped' | 'unchanged' | 'refused'> {
    // One already waiting to start will read everything this caller wants read.
    if (queued) return queued;
    const run = chain.then(async () => {
      queued = undefined;
      const result = await attempt(trigger);
      rewatch();
      return result;
    });
    queued = run;
    chain = run.catch(() => undefined);
    return run;
  }

  const watchers = new Map<string, FSWatcher>();
  let timer: NodeJS.Timeout | undefined;
  const onFileEvent = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => void reload('file'), debounce);
    timer.unref();
  };
  /**
   * Watches the folder of each file, not the file: a ConfigMap volume replaces `..data` (the
   * symlink the file points through) by a rename, and an editor may replace the file by one;
   * a watch on the file's inode would see neither. Any event in the folder makes one
   * (debounced) reload. A file that is a symlink into another folder (edited in place there)
   * has that folder watched as well, found again after every reload since the link may move.
   */
  function rewatch(): void {
    if (closed) return;
    const dirs = new Set<string>();
    for (const f of options.watch ?? []) {
      const abs = resolve(f);
      const dir = dirname(abs);
      dirs.add(dir);
      try {
        const target = dirname(realpathSync(abs));
        if (target !== dir && !target.startsWith(`${dir}${sep}`)) dirs.add(target);
      } catch {
        // Gone for now: its own folder is watched, its return will be seen there.
      }
    }
    for (const [dir, w] of watchers) {
      if (!dirs.has(dir)) {
        w.close();
        watchers.delete(dir);
      }
    }
    for (const dir of dirs) {
      if (watchers.has(dir)) continue;
      try {
        const w = watch(dir, { persistent: false }, onFileEvent);
        w.on('error', (err) => {
          cannotWatch(dir, err);
          w.close();
          watchers.delete(dir);
        });
        watchers.set(dir, w);
        unwatchable.delete(dir);
      } catch (err) {
        cannotWatch(dir, err);
      }
    }
  }
  /** Folders that could not be watched, each logged once until watched again. */
  const unwatchable = new Set<string>();
  function cannotWatch(dir: string, err: unknown): void {
    if (unwatchable.has(dir)) return;
    unwatchable.add(dir);
    log(`cannot watch ${dir} (${(err as Error).message}); changes there are seen on SIGHUP${options.interval ? ' and every refresh' : ''}`);
  }
  rewatch();
  const poll = options.interval ? setInterval(() => void reload('interval'), options.interval) : undefined;
  poll?.unref();

  return {
    get current() {
      return loaded.value;
    },
    get version() {
      return loaded.version;
    },
    reload,
    status: (): LiveConfigStatus => ({
      ok: !closed,
      stale: errors.length > 0,
      version: loaded.version,
      loadedAt: loadedAt.toISOString(),
      source: options.source,
      reloads,
      attempts,
      checkedAt: checkedAt.toISOString(),
      errors,
      lastFailure,
      details: loaded.details ?? {},
    }),
    close() {
      closed = true;
      clearTimeout(timer);
      if (poll) clearInterval(poll);
      for (const w of watchers.values()) w.close();
      watchers.clear();
    },
  };
}

/** An error that lists its problems already split (see {@link LiveProblem}). */
export class LiveConfigError extends Error {
  readonly problems: readonly LiveProblem[];
  constructor(message: string, problems: readonly LiveProblem[], options?: ErrorOptions) {
    super(message, options);
    this.name = 'LiveConfigError';
    this.problems = problems;
  }
}

/**
 * The problems an error stands for: its `problems` if it has them, else one per line of its
 * message (the `- ` list of `loadRemotes`, or the one line after `Invalid MFE remotes: `).
 */
export function problemsOf(err: unknown): LiveProblem[] {
  if (err instanceof LiveConfigError) return [...err.problems];
  const text = err instanceof Error ? err.message : String(err);
  const lines = text.split('\n');
  const items = lines.length > 1 ? lines.slice(1).filter((l) => l.startsWith('- ')).map((l) => l.slice(2)) : [];
  const list = items.length > 0 ? items : [text.replace(/^Invalid MFE remotes: /, '')];
  return list.map(parseProblem);
}

/** `<source>: remote "<name>": "<field>" <why>`, where `<source>` is `NAME` or `NAME (path or URL)`. */
export function parseProblem(message: string): LiveProblem {
  const m = /^([\w.-]+(?: \((?:[^()]|\([^()]*\))*\))?): ([\s\S]*)$/.exec(message);
  if (!m) return { source: '', why: message, message };
  const source = m[1]!;
  let why = m[2]!;
  const inParens = /\((.*)\)$/.exec(source)?.[1];
  const file = inParens !== undefined && inParens !== 'Base64' ? inParens : undefined;
  let key: string | undefined;
  const entry = /^remote ("(?:[^"\\]|\\.)*"): (?:("(?:[^"\\]|\\.)*") )?([\s\S]*)$/.exec(why);
  if (entry) {
    const name = JSON.parse(entry[1]!) as string;
    key = entry[2] ? `${name}.${JSON.parse(entry[2]) as string}` : name;
    why = entry[2] ? `${entry[2]} ${entry[3]!}` : entry[3]!;
  }
  return { source, ...(file !== undefined && { file }), ...(key !== undefined && { key }), why, message };
}

/**
 * `GET|HEAD /mfe-status.json`: `config.status()` as JSON, `Cache-Control: no-store` (every
 * replica answers for itself; no cache may keep it). Other methods `405`; other paths `next()`
 * as middleware, else `404`.
 */
export function createLiveStatusHandler(config: Pick<LiveConfig<unknown>, 'status'>): Middleware {
  return function mfeStatus(req: IncomingMessage, res: ServerResponse, next?: NextFunction): void {
    if (pathnameOf(req) !== STATUS_PATH) {
      if (next) next();
      else sendError(res, 404, 'Not Found');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendError(res, 405, 'Method Not Allowed', { Allow: 'GET, HEAD' });
      return;
    }
    const body = Buffer.from(`${JSON.stringify(config.status(), null, 2)}\n`, 'utf8');
    res.writeHead(200, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': String(body.length),
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}
