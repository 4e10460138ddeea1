/**
 * The panel's styles: one constructed stylesheet adopted by its shadow root, so a strict CSP
 * (`style-src 'self'`, no `'unsafe-inline'`) allows them and nothing leaks into the page.
 */
export const sheet = new CSSStyleSheet();
sheet.replaceSync(`
:host {
  all: initial;
  position: fixed;
  right: 8px;
  bottom: 8px;
  z-index: 2147483646;
  font: 12px/1.4 system-ui, sans-serif;
  color: #e5e7eb;
  color-scheme: dark;
}
:host([hidden]), [hidden] { display: none !important; }
button, input { font: inherit; color: inherit; }
button {
  background: #374151;
  border: 1px solid #4b5563;
  border-radius: 4px;
  padding: 1px 8px;
  cursor: pointer;
}
button:hover { background: #4b5563; }
button:focus-visible, input:focus-visible { outline: 2px solid #818cf8; outline-offset: 1px; }
.pill {
  border-radius: 999px;
  padding: 4px 12px;
  background: #1f2937;
  box-shadow: 0 2px 8px #0008;
}
.pill .errors { color: #fca5a5; margin-inline-start: 6px; }
.panel {
  display: flex;
  flex-direction: column;
  gap: 8px;
  width: min(720px, calc(100vw - 16px));
  max-height: min(70vh, 640px);
  overflow: auto;
  padding: 8px 10px;
  background: #111827f2;
  border: 1px solid #374151;
  border-radius: 8px;
  box-shadow: 0 4px 16px #000a;
}
header, .bar { display: flex; align-items: center; gap: 8px; }
h2, h3 { margin: 0; font-size: 12px; font-weight: 600; }
h2 { flex: 1; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: start; padding: 2px 6px; border-bottom: 1px solid #1f2937; vertical-align: top; }
th { color: #9ca3af; font-weight: 500; }
tbody tr:hover, tbody tr:focus-within { background: #1f2937; }
.name[data-depth='1'] { padding-inline-start: 16px; }
.name[data-depth='2'] { padding-inline-start: 26px; }
.name[data-depth='3'] { padding-inline-start: 36px; }
.name[data-depth='4'] { padding-inline-start: 46px; }
.leaks { color: #fcd34d; margin-inline-start: 6px; }
.entry, .payload, .type { font-family: ui-monospace, monospace; }
.entry { color: #93c5fd; }
.status { border-radius: 4px; padding: 0 4px; }
.status.mounted { background: #065f46; }
.status.loading, .status.mounting, .status.unmounting { background: #92400e; }
.status.error, .decision.rejected, .decision.singleton-mismatch { background: #7f1d1d; }
.status.idle { background: #374151; }
.last-error { color: #fca5a5; }
.muted { color: #6b7280; }
.log { list-style: none; margin: 0; padding: 0; max-height: 240px; overflow: auto; }
.log li { display: grid; grid-template-columns: max-content max-content max-content 1fr; gap: 8px; padding: 1px 0; border-bottom: 1px solid #1f2937; }
.log time { color: #6b7280; }
.type { color: #c4b5fd; }
.during { color: #6b7280; }
.payload { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
input[type='search'] { flex: 1; background: #1f2937; border: 1px solid #4b5563; border-radius: 4px; padding: 1px 6px; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
.overlay {
  position: fixed;
  pointer-events: none;
  z-index: 2147483645;
  outline: 2px solid #f472b6;
  background: #f472b622;
}
.overlay span {
  position: absolute;
  left: 0;
  bottom: 100%;
  background: #f472b6;
  color: #111827;
  padding: 0 4px;
  font-size: 11px;
  white-space: nowrap;
}
`);
