/**
 * npm's semver, the part shared-dependency negotiation needs (discovery/sharing):
 * strict versions (SemVer 2.0.0, an optional leading `v`), their order, and ranges as npm reads
 * them: comparators (`<`, `<=`, `>`, `>=`, `=`), x-ranges (`1.x`, `1.2.*`, `*`, ``), tilde,
 * caret, hyphen ranges (`1.2 - 2.3.4`), sets joined with spaces and alternatives with `||`, and
 * the prerelease rule: `1.3.0-beta` satisfies a range only if one of the comparators of the same
 * set names a prerelease of 1.3.0 (`includePrerelease` and loose mode are not supported).
 *
 * The range text goes through the same rewriting steps as npm's `Range` (hyphen ranges, then
 * trimming, then ~ ^ x and * desugared into plain comparators), so odd inputs read the same way.
 * test/discovery/semver.test.ts checks it against vectors the real `semver` package computed
 * (test/fixtures/sharing/build.mjs).
 */

/** A parsed version: prerelease identifiers as written (numeric ones compare as numbers). */
export interface Version {
  major: number;
  minor: number;
  patch: number;
  pre: string[];
}

/** One comparator; `v` undefined is "any version". */
export interface Comparator {
  op: '' | '<' | '<=' | '>' | '>=';
  v?: Version;
  /** Canonical text, for de-duplication (`''` is any, `<0.0.0-0` the empty set). */
  key: string;
}

const NUM = '0|[1-9]\\d*';
const PRE_ID = `(?:${NUM}|\\d*[a-zA-Z-][a-zA-Z0-9-]*)`;
const PRE = `(?:-(${PRE_ID}(?:\\.${PRE_ID})*))`;
const PRE_LOOSE = `(?:-?((?:\\d+|\\d*[a-zA-Z-][a-zA-Z0-9-]*)(?:\\.(?:\\d+|\\d*[a-zA-Z-][a-zA-Z0-9-]*))*))`;
const BUILD = '(?:\\+[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*)';
/** Build metadata anywhere in a range: dropped before reading it, as npm does. */
const BUILD_ALL = new RegExp(BUILD, 'g');
const PLAIN = `v?(${NUM})\\.(${NUM})\\.(${NUM})${PRE}?${BUILD}?`;
const LOOSE_PLAIN = `[v=\\s]*\\d+\\.\\d+\\.\\d+${PRE_LOOSE}?${BUILD}?`;
const X = `${NUM}|x|X|\\*`;
/** An x-range version: groups major, minor, patch, prerelease. */
const X_PLAIN = `[v=\\s]*(${X})(?:\\.(${X})(?:\\.(${X})${PRE}?${BUILD}?)?)?`;
const GTLT = '((?:<|>)?=?)';

const FULL = new RegExp(`^${PLAIN}$`);
const COMPARATOR = new RegExp(`^${GTLT}\\s*(${PLAIN})$|^$`);
const HYPHEN = new RegExp(`^\\s*(${X_PLAIN})\\s+-\\s+(${X_PLAIN})\\s*$`);
const COMPARATOR_TRIM = new RegExp(`(\\s*)${GTLT}\\s*(${LOOSE_PLAIN}|${X_PLAIN})`, 'g');
const TILDE_TRIM = /(\s*)~>?\s+/g;
const CARET_TRIM = /(\s*)\^\s+/g;
const TILDE = new RegExp(`^~>?${X_PLAIN}$`);
const CARET = new RegExp(`^\\^${X_PLAIN}$`);
const XRANGE = new RegExp(`^${GTLT}\\s*${X_PLAIN}$`);
const STAR = /(<|>)?=?\s*\*/;
const GTE0 = /^\s*>=\s*0\.0\.0\s*$/;
const NUMERIC = /^\d+$/;

const isX = (id: string | undefined): boolean => !id || id.toLowerCase() === 'x' || id === '*';
/** `n + 1` of a numeric identifier. */
const inc = (n: string): number => +n + 1;

/** `version` parsed (npm's strict rules: no leading zeros, an optional `v`), or undefined. */
export function parse(version: string): Version | undefined {
  if (typeof version != 'string' || version.length > 256) return;
  const m = FULL.exec(version.trim());
  if (!m) return;
  const [major, minor, patch] = [m[1], m[2], m[3]].map(Number) as [number, number, number];
  if (major > Number.MAX_SAFE_INTEGER || minor > Number.MAX_SAFE_INTEGER || patch > Number.MAX_SAFE_INTEGER) return;
  return { major, minor, patch, pre: m[4] ? m[4].split('.') : [] };
}

/** Whether `version` is a valid semver version. */
export const valid = (version: string): boolean => !!parse(version);

const compareIds = (a: string, b: string): number => {
  const an = NUMERIC.test(a);
  const bn = NUMERIC.test(b);
  if (an && bn) return Math.sign(+a - +b);
  if (an != bn) return an ? -1 : 1;
  return a === b ? 0 : a < b ? -1 : 1;
};

/** -1, 0 or 1 as `a` is lower than, equal to or higher than `b` (build metadata is ignored). */
export function compare(a: Version, b: Version): number {
  const main = Math.sign(a.major - b.major) || Math.sign(a.minor - b.minor) || Math.sign(a.patch - b.patch);
  if (main) return main;
  // A prerelease is lower than its release.
  if (!a.pre.length || !b.pre.length) return a.pre.length ? -1 : b.pre.length ? 1 : 0;
  for (let i = 0; ; i++) {
    const x = a.pre[i];
    const y = b.pre[i];
    if (x === undefined || y === undefined) return x === y ? 0 : x === undefined ? -1 : 1;
    const c = compareIds(x, y);
    if (c) return c;
  }
}

/** `1.2.3 - 2.3.4` → `>=1.2.3 <=2.3.4`, with missing parts as x-ranges. */
const hyphen = (_: string, from: string, fM: string, fm: string, fp: string, _fpr: string, to: string, tM: string, tm: string, tp: string, tpr: string): string => {
  from = isX(fM) ? '' : isX(fm) ? `>=${fM}.0.0` : isX(fp) ? `>=${fM}.${fm}.0` : `>=${from}`;
  to = isX(tM) ? '' : isX(tm) ? `<${inc(tM)}.0.0-0` : isX(tp) ? `<${tM}.${inc(tm)}.0-0` : tpr ? `<=${tM}.${tm}.${tp}-${tpr}` : `<=${to}`;
  return `${from} ${to}`.trim();
};

/** `~1.2.3` → `>=1.2.3 <1.3.0-0`, `~1` → `>=1.0.0 <2.0.0-0`. */
const tilde = (c: string): string =>
  c.replace(TILDE, (_, M: string, m: string, p: string, pr: string) =>
    isX(M) ? '' : isX(m) ? `>=${M}.0.0 <${inc(M)}.0.0-0` : isX(p) ? `>=${M}.${m}.0 <${M}.${inc(m)}.0-0` : `>=${M}.${m}.${p}${pr ? '-' + pr : ''} <${M}.${inc(m)}.0-0`,
  );

/** `^1.2.3` → `>=1.2.3 <2.0.0-0`; below 1.0.0 the first non-zero part is the one kept. */
const caret = (c: string): string =>
  c.replace(CARET, (_, M: string, m: string, p: string, pr: string) => {
    if (isX(M)) return '';
    if (isX(m)) return `>=${M}.0.0 <${inc(M)}.0.0-0`;
    if (isX(p)) return M === '0' ? `>=0.${m}.0 <0.${inc(m)}.0-0` : `>=${M}.${m}.0 <${inc(M)}.0.0-0`;
    const from = `>=${M}.${m}.${p}${pr ? '-' + pr : ''}`;
    return M !== '0' ? `${from} <${inc(M)}.0.0-0` : m !== '0' ? `${from} <0.${inc(m)}.0-0` : `${from} <0.0.${inc(p)}-0`;
  });

/** `1.2.x` → `>=1.2.0 <1.3.0-0`, `>1.2` → `>=1.3.0`, `<=1` → `<2.0.0-0`, `*` stays. */
const xrange = (c: string): string =>
  c.replace(XRANGE, (all: string, op: string, M: string, m: string, p: string) => {
    const xM = isX(M);
    const xm = xM || isX(m);
    const xp = xm || isX(p);
    // `x.1`, `1.x.3`: left as they are, which makes them invalid comparators.
    if ((isX(M) && !isX(m)) || (isX(m) && p && !isX(p))) return c;
    if (op === '=' && xp) op = '';
    if (xM) return op === '>' || op === '<' ? '<0.0.0-0' : '*';
    if (op && xp) {
      let [a, b, d] = [+M, xm ? 0 : +m, 0];
      let pre = '';
      if (op === '>') {
        op = '>=';
        if (xm) [a, b] = [a + 1, 0];
        else b++;
      } else if (op === '<=') {
        op = '<';
        if (xm) a++;
        else b++;
      }
      if (op === '<') pre = '-0';
      return `${op}${a}.${b}.${d}${pre}`;
    }
    if (xm) return `>=${M}.0.0 <${inc(M)}.0.0-0`;
    if (xp) return `>=${M}.${m}.0 <${M}.${inc(m)}.0-0`;
    return all;
  });

const each = (c: string, fn: (c: string) => string): string => c.trim().split(/\s+/).map(fn).join(' ');

/** One comparator in canonical form; throws when it is not one. */
function comparator(text: string): Comparator {
  const m = COMPARATOR.exec(text.trim().split(/\s+/).join(' '));
  if (!m) throw new TypeError(`invalid comparator "${text}"`);
  if (!m[2]) return { op: '', key: '' };
  const v = parse(m[2]);
  if (!v) throw new TypeError(`invalid version "${m[2]}"`);
  const op = (m[1] === '=' ? '' : m[1]) as Comparator['op'];
  return { op, v, key: `${op}${v.major}.${v.minor}.${v.patch}${v.pre.length ? '-' + v.pre.join('.') : ''}` };
}

/** One space-separated set of comparators (all must hold). */
function comparatorSet(text: string): Comparator[] {
  const list = text
    .replace(BUILD_ALL, '')
    .replace(HYPHEN, hyphen as (...a: string[]) => string)
    .replace(COMPARATOR_TRIM, '$1$2$3')
    .replace(TILDE_TRIM, '$1~')
    .replace(CARET_TRIM, '$1^')
    .split(' ')
    .map((c) => each(c, caret))
    .map((c) => each(c, tilde))
    .map((c) => c.split(/\s+/).map((x) => xrange(x.trim())).join(' '))
    .map((c) => c.trim().replace(STAR, ''))
    .join(' ')
    .split(/\s+/)
    .map((c) => c.trim().replace(GTE0, ''));
  const set = new Map<string, Comparator>();
  for (const c of list.map(comparator)) {
    if (c.key === '<0.0.0-0') return [c];
    set.set(c.key, c);
  }
  if (set.size > 1) set.delete('');
  return [...set.values()];
}

/** A range as alternatives of comparator sets, or undefined when it is not a valid range. */
export function parseRange(range: string): Comparator[][] | undefined {
  if (typeof range != 'string') return;
  try {
    let sets = range
      .trim()
      .replace(/\s+/g, ' ')
      .split('||')
      .map((s) => comparatorSet(s.trim()));
    if (sets.length > 1) {
      // Alternatives nothing satisfies drop out (unless all are); an "any" one makes the range "any".
      const some = sets.filter((s) => s[0]!.key !== '<0.0.0-0');
      sets = !some.length ? [sets[0]!] : some.find((s) => s.length == 1 && s[0]!.key === '') ? [[{ op: '', key: '' }]] : some;
    }
    return sets;
  } catch {
    return;
  }
}

/** Whether `range` is a valid npm semver range. */
export const validRange = (range: string): boolean => !!parseRange(range);

const holds = (c: Comparator, v: Version): boolean => {
  if (!c.v) return true;
  const d = compare(v, c.v);
  return c.op === '' ? d === 0 : c.op === '<' ? d < 0 : c.op === '<=' ? d <= 0 : c.op === '>' ? d > 0 : d >= 0;
};

/** Whether `version` is in `range`, as npm's `semver.satisfies` (false when either is invalid). */
export function satisfies(version: string, range: string): boolean {
  const v = parse(version);
  const sets = parseRange(range);
  return !!v && !!sets?.some(
    (set) =>
      set.every((c) => holds(c, v)) &&
      // A prerelease only counts where a comparator of the set names one of the same release.
      (!v.pre.length || set.some((c) => c.v?.pre.length && c.v.major === v.major && c.v.minor === v.minor && c.v.patch === v.patch)),
  );
}
