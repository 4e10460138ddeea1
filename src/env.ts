/**
 * Build flags. `DEV` is true in the development build (`mfe-host` under the "development"
 * export condition) and in tests; the production builds replace this module with
 * `export const DEV = false`, so every `if (DEV)` branch (warnings, leak reports) is stripped.
 */
export const DEV: boolean = true;
