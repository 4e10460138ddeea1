/**
 * Reports a payload that its bus contract rejected, with the issues found (a chunk loaded on
 * the first rejection: wording issues is not needed on the happy path).
 */
import type { BusCheck } from './bus.js';
import type { StandardSchemaV1 } from './standard-schema.js';

/** `path.to.field: message` for an issue, the text itself for a string. */
const issue = (i: string | StandardSchemaV1.Issue): string =>
  typeof i == 'string'
    ? i
    : (i.path?.length ? i.path.map((p) => String(typeof p == 'object' ? p.key : p)).join('.') + ': ' : '') + i.message;

export const rejected = (type: string, r: BusCheck): void =>
  reportError(new TypeError(`mfe-host bus: "${type}" payload rejected by its contract: ${r === false ? 'invalid payload' : ([r].flat() as (string | StandardSchemaV1.Issue)[]).map(issue).join('; ') || 'invalid payload'}`));
