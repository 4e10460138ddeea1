/** `registry.prefetch()`, loaded on demand: one `<link rel="modulepreload">` per entry. */
export function preload(entry: string): void {
  if (!document.head.querySelector(`link[rel=modulepreload][href="${CSS.escape(entry)}"]`)) {
    document.head.append(Object.assign(document.createElement('link'), { rel: 'modulepreload', href: entry }));
  }
}
