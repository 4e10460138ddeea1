/**
 * The one Trusted Types policy of mfe-host, named `mfe-host`: every place that must turn a
 * string into markup or a script URL (HTML-entry pages, `document.write` output, the iframe
 * bridge) goes through it, and nothing else parses HTML. It is created lazily, on the first
 * such use, so pages that never load an HTML-entry or iframe MFE need not allow it; it is never
 * the default policy. Where the browser has no Trusted Types, or the page does not enforce them,
 * the strings pass as they are.
 *
 * The policy passes its input through unchanged: what it marks is code the page chose to load
 * (a configured MFE's own markup and scripts), exactly as trusted as its `import()`ed modules.
 * Its value is that a page can allow `mfe-host` and nothing else, and audit this one file.
 */

/** The policy name a page's CSP must allow: `trusted-types mfe-host`. */
export const POLICY_NAME = 'mfe-host';

/** What is used of `TrustedTypePolicy` (not in TypeScript's DOM lib). */
interface Policy {
  createHTML(input: string): unknown;
  createScript(input: string): unknown;
  createScriptURL(input: string): unknown;
}
interface Factory {
  createPolicy(name: string, rules: { createHTML(s: string): string; createScript(s: string): string; createScriptURL(s: string): string }): Policy;
}

let policy: Policy | undefined;

function get(): Policy | undefined {
  const factory = (globalThis as { trustedTypes?: Factory }).trustedTypes;
  if (!factory) return undefined;
  if (!policy) {
    const same = (s: string): string => s;
    try {
      policy = factory.createPolicy(POLICY_NAME, { createHTML: same, createScript: same, createScriptURL: same });
    } catch (err) {
      // A CSP `trusted-types` directive without our name: say what to add, not just "refused".
      throw new Error(
        `Trusted Types: this page does not allow the policy "${POLICY_NAME}", which parses HTML-entry MFEs and the iframe bridge; add it to the CSP: trusted-types ${POLICY_NAME} (${err instanceof Error ? err.message : String(err)})`,
      );
    }
  }
  return policy;
}

/**
 * `html` as what an HTML sink (`innerHTML`, `DOMParser.parseFromString`) accepts under Trusted
 * Types. Typed as a string for the DOM lib; at run time a `TrustedHTML` where the API exists.
 *
 * @throws Error naming the policy when the page's CSP does not allow it.
 */
export const trustedHTML = (html: string): string => (get()?.createHTML(html) ?? html) as string;

/** `code` for a script element's text (see {@link trustedHTML}). */
export const trustedScript = (code: string): string => (get()?.createScript(code) ?? code) as string;

/** `url` for a script element's `src` (see {@link trustedHTML}). */
export const trustedScriptURL = (url: string): string => (get()?.createScriptURL(url) ?? url) as string;
