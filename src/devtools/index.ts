/** `mfe-host/devtools` (stub: filled in by its own change). */
export {};
