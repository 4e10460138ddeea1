/**
 * Module formats an MFE can be written in. This build runs `esm`; the others load on demand. An
 * `esm` entry whose module has no `mount` but exports `init` and `get` (a Module Federation
 * container given without a format) is mounted as `federation` (lifecycle/adapters).
 */
export type MfeFormat = 'esm' | 'single-spa' | 'html' | 'federation';
