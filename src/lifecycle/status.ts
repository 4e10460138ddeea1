/**
 * The lifecycle vocabulary in one place (single-spa's app.helpers idea).
 *
 *   idle ─▶ loading ─▶ mounting ─▶ mounted ─▶ unmounting ─▶ idle
 *              │           │          │ (update)
 *              └───────────┴──────────┴─────────▶ error ─▶ (reload / new src) loading
 *
 * `loading` covers resolve + load + bootstrap; the element's content container is shown
 * only in `mounted` and `unmounting`, so a half-mounted MFE is never visible.
 */
import type { MfeStatus } from '../types.js';

export const isBusy = (s: MfeStatus): boolean => s === 'loading' || s === 'mounting';
export const showsContent = (s: MfeStatus): boolean => s === 'mounted' || s === 'unmounting';
