// The shell: the runtime, the version of the React it provides, and the decision report.
import { configure, registry } from '/dist/browser/mfe-host.min.js'; // in your app: from 'mfe-host'

const { react } = await (await fetch(new URL('./build/shared.json', import.meta.url))).json();
// The page's import map says where React is; this says which version it is.
configure({ shared: { react: { version: react.version, url: new URL(react.url, location.href).href } } });

const hosts = [...document.querySelectorAll('mfe-host')];
await Promise.all(hosts.map((h) => h.settled));
const body = document.querySelector('#report tbody');
for (const d of await registry.sharing()) {
  const row = body.insertRow();
  for (const cell of [d.mfe, d.package, d.requiredVersion, d.decision, d.reason]) row.insertCell().textContent = cell;
}
