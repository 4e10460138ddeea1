/** Module formats an MFE can be written in. This build runs `esm`; the others load on demand. */
export type MfeFormat = 'esm' | 'single-spa' | 'html' | 'federation';
