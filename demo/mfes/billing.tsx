/**
 * "billing" MFE, stable release (1.4.2): see ./billing-app.tsx.
 *
 * Export shape: `export const mfe = { mount, update, unmount, styles }`.
 */
import { createBilling } from './billing-app.js';

export const mfe = createBilling('stable');
