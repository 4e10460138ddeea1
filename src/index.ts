/**
 * mfe-host: compose independently deployed micro-frontends with `<mfe-host>`.
 * Importing this module defines the element (idempotently).
 */
import { define } from './element/define.js';

export { MfeHost } from './element/mfe-host.js';
export type { ErrorHandling, Isolation } from './element/mfe-host.js';
export { define } from './element/define.js';
export { configure, setContext } from './discovery/config.js';
export type { MfeConfig } from './discovery/config.js';
export { registry } from './discovery/registry.js';
export type { CanaryEntry, Manifest, ManifestProblem, RemoteEntry, ResolvedRemote, SharedNeed, SharedPackage, SharingDecision } from './discovery/types.js';
export { bus } from './events/bus.js';
export type { MfeBus, MfeEvents, MfeEventType, MfePayload, BusMeta, BusListener, OnOptions, EmitOptions, BusCheck, BusValidator } from './events/bus.js';
export type { StandardSchemaV1 } from './events/standard-schema.js';
export { MfeError } from './lifecycle/errors.js';
export type { MfeFormat } from './lifecycle/formats.js';
export type { SideEffectOptions, SideEffectKind } from './lifecycle/side-effects.js';
export type * from './types.js';

define();
