/**
 * "billing" MFE, canary release (2.0.0-beta.1): the same app with a "collected" meter and a
 * visible canary marker, see ./billing-app.tsx. The manifest gives it to a sticky share of users
 * (`canary.weight`); `?mfe-override=billing=<its entry URL>` forces it.
 */
import { createBilling } from './billing-app.js';

export const mfe = createBilling('canary');
