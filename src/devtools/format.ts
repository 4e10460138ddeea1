/** How the panel words values: short previews, with the full text kept for a `title`. */

/** `text` cut to `max` characters, with an ellipsis when cut. */
export const cut = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/**
 * `value` as JSON for a preview: never throws (cycles, BigInt, functions, DOM nodes, errors
 * are described instead), `undefined` reads as such.
 */
export function json(value: unknown): string {
  const seen = new WeakSet<object>();
  try {
    return (
      JSON.stringify(value, (_key, v: unknown) => {
        if (typeof v === 'bigint') return `${v}n`;
        if (typeof v === 'function') return `ƒ ${v.name || 'anonymous'}`;
        if (typeof v === 'symbol') return v.toString();
        if (v instanceof Node) return `<${v.nodeName.toLowerCase()}>`;
        if (v instanceof Error) return `${v.name}: ${v.message}`;
        if (v && typeof v === 'object') {
          if (seen.has(v)) return '[circular]';
          seen.add(v);
        }
        return v;
      }) ?? 'undefined'
    );
  } catch (e) {
    // A getter or toJSON that throws.
    return `[unreadable: ${e instanceof Error ? e.message : String(e)}]`;
  }
}

/**
 * An entry URL short enough for a table cell: same-origin URLs lose the origin, the query
 * (cache busters) is dropped, and only the last two path segments remain.
 */
export function shortUrl(url: string): string {
  if (!url) return '';
  try {
    const u = new URL(url, location.href);
    const parts = u.pathname.split('/').filter(Boolean);
    const tail = parts.slice(-2).join('/');
    const more = parts.length > 2 ? '…/' : '/';
    return u.origin === location.origin ? `${more}${tail}` : `${u.host}${more}${tail}`;
  } catch {
    return url;
  }
}

/** Milliseconds: whole ones from 10 up, one decimal below. */
export const ms = (n: number): string => `${n >= 10 ? Math.round(n) : n.toFixed(1)} ms`;

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
/** Local clock time with milliseconds: `14:03:07.250`. */
export const clock = (t: number): string => {
  const d = new Date(t);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
};
