/**
 * URL path checks shared by the static handler and the proxy (pillarjs/send's "malicious path"
 * step). A path is split on `/` *before* decoding, and every segment is decoded and checked on
 * its own: so `%2e%2e` is caught as `..`, and an encoded `/` or `\` can never create a segment
 * boundary that the checks did not see.
 */

/** The result of {@link splitSafePath}: the raw and decoded segments, or why the path is refused. */
export type SafePath = { ok: true; raw: string[]; decoded: string[] } | { ok: false; reason: string };

/**
 * Splits `path` (the part of a URL path below a route prefix, without a leading `/`) into
 * segments and refuses anything that could leave the folder it is resolved in:
 * NUL bytes (raw or `%00`), backslashes (raw or `%5C`, a separator on Windows and for some
 * URL parsers), encoded slashes (`%2F`), `.` and `..` segments (raw or percent-encoded, and with
 * `;` path parameters: `..;`, `..;foo`, `.;x`, `..%3B`), empty segments (`//evil`, `http://evil/x`: a scheme-relative or absolute URL smuggled into the
 * path), and malformed percent-encoding.
 *
 * `allowTrailingSlash` accepts one empty segment at the end (a directory URL like `docs/`).
 */
export function splitSafePath(path: string, allowTrailingSlash = false): SafePath {
  // malicious path: these never occur in a legitimate asset URL, so they are refused outright
  // rather than normalized (normalizing is how traversal bugs are born).
  // Most asset URLs have no `%` at all: then no segment needs decoding (nor the checks for
  // encoded forms), which is most of this function's cost on every proxied request.
  const encoded = path.includes('%');
  if (path.includes('\0') || (encoded && /%00/i.test(path))) return { ok: false, reason: 'NUL byte in path' };
  if (path.includes('\\') || (encoded && /%5c/i.test(path))) return { ok: false, reason: 'backslash in path' };
  if (encoded && /%2f/i.test(path)) return { ok: false, reason: 'encoded slash in path' };

  const raw = path.split('/');
  const decoded: string[] = [];
  for (let i = 0; i < raw.length; i++) {
    const segment = raw[i]!;
    if (segment === '') {
      if (allowTrailingSlash && i === raw.length - 1 && i > 0) {
        decoded.push('');
        continue;
      }
      return { ok: false, reason: 'empty path segment' };
    }
    let text = segment;
    if (encoded && segment.includes('%')) {
      try {
        text = decodeURIComponent(segment);
      } catch {
        return { ok: false, reason: 'malformed percent-encoding in path' };
      }
    }
    // malicious path: dot segments, also when percent-encoded (%2e%2e) or mixed (.%2e), and
    // with `;` path parameters (`..;`, `..;jsessionid=x`): Tomcat, Jetty and other servlet
    // containers drop the parameters before resolving, so to them `/a/..;/b` is `/a/../b`.
    const semicolon = text.indexOf(';');
    const bare = semicolon === -1 ? text : text.slice(0, semicolon);
    if (bare === '.' || bare === '..') return { ok: false, reason: semicolon === -1 ? 'dot segment in path' : 'dot segment with ";" parameters in path' };
    decoded.push(text);
  }
  return { ok: true, raw, decoded };
}

/** Percent-encodes one path segment for a URL this package builds (names and versions). */
export function encodeSegment(text: string): string {
  return encodeURIComponent(text);
}
