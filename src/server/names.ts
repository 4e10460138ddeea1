/**
 * The rules for MFE names and versions on the server, in one place: both become a segment of
 * `/mfe/<name>/<version>/<file>` and a key of the served manifest, so the remotes loader
 * (`loadRemotes`) and indie mode (`discoverLocalMfes`) refuse the same values at load, before
 * a URL is ever built from them.
 *
 * The browser runtime (`src/discovery/manifest.ts`) accepts any name except `__proto__`,
 * `constructor` and `prototype`; its `?mfe-override=name=URL` syntax cannot address a name with
 * `=`, `,` or spaces at either end. The server's set is a subset of both: every name the server
 * accepts resolves and can be overridden in the browser.
 */

/** Letters, digits, `.`, `_`, `-`, starting with a letter or digit (so never `.`, `..` or a dotfile). */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
/**
 * Semver-like: letters, digits, `.`, `+`, `_`, `-`, starting with a letter or digit. So never
 * `/`, `.`, `..`, and never one of the reserved segments (`_`, `_canary`, `_fallback`).
 */
const VERSION = /^[A-Za-z0-9][A-Za-z0-9.+_-]*$/;
/** Longer segments are a mistake (a URL or a hash pasted into the wrong field), not a name. */
const MAX_LENGTH = 214; // npm's limit for package names

/**
 * Why `name` cannot be an MFE name, or undefined when it can.
 *
 * ```js
 * nameProblem('billing')  // undefined
 * nameProblem('a/b')      // 'must be letters, digits, ".", "_" or "-" (a URL segment), …'
 * ```
 */
export function nameProblem(name: string): string | undefined {
  if (name === '') return 'must not be empty';
  if (name.length > MAX_LENGTH) return `must be at most ${MAX_LENGTH} characters, got ${name.length}`;
  if (!NAME.test(name)) {
    return 'must be letters, digits, ".", "_" or "-" (a URL segment), starting with a letter or digit';
  }
  return undefined;
}

/** Why `version` cannot be a version segment, or undefined when it can. */
export function versionProblem(version: string): string | undefined {
  if (version === '') return 'must not be empty';
  if (version.length > MAX_LENGTH) return `must be at most ${MAX_LENGTH} characters, got ${version.length}`;
  if (!VERSION.test(version)) {
    return 'must be a version string such as "1.2.0" (a URL segment: letters, digits, ".", "+", "_" or "-", starting with a letter or digit)';
  }
  return undefined;
}

/**
 * A full semver 2.0.0 version (semver.org's regular expression): `MAJOR.MINOR.PATCH`, an
 * optional `-prerelease` and `+build`. `1.0`, `latest` or `01.0.0` are not.
 */
const SEMVER =
  /^(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)(?:-(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*)?(?:\+[0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*)?$/;

/**
 * The version an entry URL carries in its path, or undefined: the **last directory segment**
 * (never the file name) that is a full semver, with one leading `v` stripped.
 *
 * ```js
 * versionFromUrl('http://billing:8888/mfe/billing/1.0.0/remoteEntry.js') // '1.0.0'
 * versionFromUrl('https://cdn.example.com/billing/v2.0.1/remoteEntry.js') // '2.0.1'
 * versionFromUrl('https://cdn.example.com/2.0.1/1.0.0-rc.1/x.js')         // '1.0.0-rc.1'
 * versionFromUrl('https://cdn.example.com/billing/1.0/x.js')              // undefined
 * versionFromUrl('https://cdn.example.com/billing/latest/x.js')           // undefined
 * versionFromUrl('https://cdn.example.com/billing/1.0.0.js')              // undefined (a file name)
 * ```
 *
 * Segments are matched as written in the URL: a percent-encoded one (`1.0.0%2Bb`) is not a version.
 */
export function versionFromUrl(href: string): string | undefined {
  let pathname: string;
  try {
    pathname = new URL(href).pathname;
  } catch {
    return undefined;
  }
  const dirs = pathname.split('/').slice(1, -1); // without the leading "" and the file name
  for (let i = dirs.length - 1; i >= 0; i--) {
    const segment = dirs[i]!.replace(/^v/, '');
    if (SEMVER.test(segment)) return segment;
  }
  return undefined;
}
