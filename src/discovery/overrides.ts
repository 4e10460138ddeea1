/**
 * Local overrides, only with `configure({ allowOverrides: true })` (development, staging):
 * `localStorage['mfe-override:billing'] = URL`, then `?mfe-override=billing=URL` (repeat the
 * parameter or separate pairs with commas); later wins, so a link beats what a developer stored. URLs resolve against the page and
 * must be http(s); names `__proto__`, `constructor`, `prototype` are ignored.
 */
import { unsafe } from './config.js';
import type { ManifestProblem } from './types.js';

const PREFIX = 'mfe-override:';

/** The overridden entry URLs by name (read now: the query string and storage may change), and the bad ones. */
export function overrides(): { urls: Record<string, string>; problems: ManifestProblem[] } {
  const urls: Record<string, string> = Object.create(null);
  const problems: ManifestProblem[] = [];
  const add = (source: string, name: string, value: string): void => {
    if (unsafe(name)) return;
    try {
      const url = new URL(value.trim(), document.baseURI);
      if (/^https?:$/.test(url.protocol)) return void (urls[name] = url.href);
    } catch {}
    problems.push({ source, name, message: `${source}: remote ${JSON.stringify(name)}: "entry" must be an http(s) URL, got ${JSON.stringify(value)}` });
  };
  try {
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i);
      if (key?.startsWith(PREFIX)) add(`localStorage "${key}"`, key.slice(PREFIX.length), localStorage.getItem(key) ?? '');
    }
  } catch {
    // Storage blocked (privacy settings, sandboxed iframe): no stored overrides.
  }
  for (const param of new URLSearchParams(location.search).getAll('mfe-override'))
    for (const pair of param.split(',')) {
      const i = pair.indexOf('=');
      if (i > 0) add('?mfe-override', pair.slice(0, i).trim(), pair.slice(i + 1));
      else if (pair.trim()) problems.push({ source: '?mfe-override', message: `?mfe-override: ${JSON.stringify(pair)} must be name=URL` });
    }
  return { urls, problems };
}
