// Configuration of @custom-elements-manifest/analyzer for `npm run analyze` (part of
// `npm run build`): writes dist/custom-elements.json, which package.json's "customElements"
// points at, so editors and tools know the attributes, properties, events and slots of
// <mfe-host>, <mfe-router>, <mfe-route> and <mfe-devtools>.
//
//   cem analyze --config src/custom-elements-manifest.config.mjs
//
// The elements are described by their classes' JSDoc (`@tagname`, `@attr`, `@fires`, `@slot`)
// and, for <mfe-host>, its lit `static properties`.

/** Where each source module ships: the manifest names files of the published package. */
const SHIPPED = {
  'src/element/mfe-host.ts': 'dist/index.js',
  'src/routing/index.ts': 'dist/routing.js',
  'src/devtools/panel.ts': 'dist/devtools.js',
};

/**
 * Post-processing, once the manifest is complete:
 * - module paths become the files the package ships (the sources are not published), and
 *   exports that point at other (type-only) modules are dropped;
 * - an element whose events are documented with `@fires` lists those only: the analyzer also
 *   reports `dispatchEvent(new CustomEvent(type))` in a generic helper as an event named "type";
 * - every element gets its `custom-element-definition` export: each entry point defines its
 *   elements when imported, through a `define()` helper the analyzer cannot follow.
 */
const published = () => ({
  name: 'mfe-host-published',
  packageLinkPhase({ customElementsManifest }) {
    customElementsManifest.modules = customElementsManifest.modules.filter((m) => SHIPPED[m.path]);
    for (const mod of customElementsManifest.modules) {
      mod.path = SHIPPED[mod.path];
      mod.exports = (mod.exports ?? []).filter((e) => SHIPPED[e.declaration?.module]);
      for (const e of mod.exports) e.declaration.module = SHIPPED[e.declaration.module];
      for (const d of mod.declarations ?? []) {
        if (d.tagName && !mod.exports.some((e) => e.kind === 'custom-element-definition' && e.name === d.tagName)) {
          mod.exports.push({ kind: 'custom-element-definition', name: d.tagName, declaration: { name: d.name, module: mod.path } });
        }
        if (d.events?.some((e) => e.description)) d.events = d.events.filter((e) => e.description);
        for (const m of [...(d.members ?? []), ...(d.attributes ?? []), ...(d.events ?? [])]) {
          if (m.inheritedFrom?.module && SHIPPED[m.inheritedFrom.module]) m.inheritedFrom.module = SHIPPED[m.inheritedFrom.module];
        }
      }
    }
  },
});

export default {
  globs: Object.keys(SHIPPED),
  outdir: 'dist',
  litelement: true,
  // package.json's "customElements" is maintained by hand ("dist/custom-elements.json").
  packagejson: false,
  plugins: [published()],
};
