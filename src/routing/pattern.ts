/**
 * `<mfe-route path>` patterns in engines without `URLPattern` (Firefox < 142, e.g. Firefox ESR
 * 140): a small built-in matcher for the common subset. The router uses native URLPattern
 * wherever it exists and loads this module (its own chunk) only where it does not.
 *
 * The fallback follows the URLPattern spec's steps for the pathname component, so it gives the same
 * `exec({ pathname })` results: literal text (percent-encoded like URLPattern does, `\` escapes),
 * `:name` (one segment, `[^/]+?`), `*` (`.*`, numbered groups "0", "1", …) and `?` after either;
 * a `/` right before `:name` or `*` is its prefix, so `/users/:id?` also matches `/users`. Anything
 * else (`(regexp)`, `{…}` groups, `+`/`*` modifiers) throws: it needs URLPattern.
 */

/** What the router uses of a `URLPattern` (not in TypeScript's DOM lib yet). */
export interface Pattern {
  exec(input: { pathname: string }): { pathname: { input: string; groups: Record<string, string | undefined> } } | null;
}

/**
 * URLPattern's "canonicalize a pathname": the URL parser's path state on `v` alone (no leading `/`
 * added, dot segments resolved, the path percent-encode set, `\` as `/` as engines do). The URL
 * parser would end the path at `?`/`#` and trim trailing spaces and controls, which that state
 * does not: those are encoded first.
 */
const canon = (v: string): string => {
  if (!v) return v;
  const slash = v[0] === '/';
  const p = new URL(`http://h${slash ? '' : '/-'}${v.replace(/[\t\n\r]/g, '').replace(/[\0- #?]/g, encodeURIComponent)}`).pathname;
  return slash ? p : p.slice(2);
};

/**
 * The built-in matcher (exported for tests): compiles `pattern` or throws a `TypeError` naming it
 * when it is outside the subset above.
 */
export function fallbackPattern(pattern: string): Pattern {
  const names: string[] = [];
  let re = '';
  let fixed = '';
  let n = 0;
  /** Whether `fixed` ends with an unescaped `/` (the prefix of a following `:name` or `*`). */
  let slash = false;
  const flush = (): void => {
    re += canon(fixed).replace(/[.+*?^${}()[\]|/\\]/g, '\\$&');
    fixed = '';
  };
  const tokens = /\\([^])|:([\p{ID_Start}$_][\p{ID_Continue}$\u200c\u200d]*)|(\*)|([^])/gu;
  for (let m; (m = tokens.exec(pattern)); ) {
    const [t, esc, name, star] = m;
    if (esc !== undefined) fixed += esc;
    else if (name !== undefined || star) {
      const key = name ?? String(n++);
      if (names.includes(key)) break;
      names.push(key);
      const prefix = slash ? '/' : '';
      if (slash) fixed = fixed.slice(0, -1);
      flush();
      const opt = pattern[tokens.lastIndex] === '?' ? (tokens.lastIndex++, '?') : '';
      re += `(?:${prefix}(${name ? '[^/]+?' : '.*'}))${opt}`;
      // A modifier, a regexp or a group right after a parameter: native URLPattern only.
      if (/^[*+?(]/.test(pattern.slice(tokens.lastIndex))) break;
      slash = false;
      continue;
    } else if (/[(){}+?*:\\]/.test(t)) break;
    else fixed += t;
    slash = t === '/';
  }
  if (tokens.lastIndex) {
    // The loop broke out early: `lastIndex` was left past the token it could not handle.
    throw new TypeError(`path pattern "${pattern}" needs URLPattern, which this browser lacks (built-in matcher: literal text, :name, *, and ? after those)`);
  }
  flush();
  const rx = new RegExp(`^${re}$`, 'u');
  return {
    exec({ pathname }) {
      const input = canon(pathname);
      const m = rx.exec(input);
      if (!m) return null;
      const groups: Record<string, string | undefined> = {};
      names.forEach((k, i) => (groups[k] = m[i + 1]));
      return { pathname: { input, groups } };
    },
  };
}
