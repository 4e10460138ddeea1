/**
 * Sticky canary choice (api.md §3): the same user always gets the same variant of a remote,
 * and over many users the share of canary users matches the entry's `weight`.
 */
import { state } from './config.js';

const KEY = 'mfe-user-id';
let memory: string | undefined;

const randomId = (): string =>
  crypto.randomUUID?.() ?? Array.from(crypto.getRandomValues(new Uint32Array(4)), (n) => n.toString(36)).join('-');

/**
 * The id canary choices stick to: `configure({ userId })`, else a random id kept in
 * localStorage (`mfe-user-id`), else (storage blocked or full) one random id per page.
 */
export function userId(): string {
  if (state.userId) return state.userId;
  try {
    let id = localStorage.getItem(KEY);
    if (!id) localStorage.setItem(KEY, (id = randomId()));
    return id;
  } catch {
    return (memory ??= randomId());
  }
}

/** A deterministic, well-spread number in [0, 1) for `s`: 32-bit FNV-1a, then murmur3's final mix. */
export function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) / 2 ** 32;
}

/** Whether `user` gets the canary of `name` rolled out to a `weight` share (0: never, 1: always). */
export const pick = (user: string, name: string, weight: number): boolean => hash(`${user}:${name}`) < weight;
