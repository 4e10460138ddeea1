// "stores": the new store finder, a lit MFE (lit-html templates rendered into ctx.host).
import { html, render } from 'lit';

export const styles = `
  :host { font: 14px system-ui, sans-serif; }
  input { font: inherit; padding: 6px 8px; border: 1px solid #d0d7de; border-radius: 6px; width: 240px; }
  ul { list-style: none; padding: 0; margin: 10px 0 0; display: grid; gap: 6px; }
  li { background: #fff; border: 1px solid #d0d7de; border-radius: 8px; padding: 8px 10px; }
  .city { font-weight: 600; }
  .hours { color: #57606a; float: right; }
  .none { color: #57606a; font-style: italic; }
`;

const STORES = [
  { city: 'Springfield', street: '742 Evergreen Terrace', hours: 'Mon–Sat 8–20' },
  { city: 'Shelbyville', street: '12 Main Street', hours: 'Mon–Fri 9–18' },
  { city: 'Capital City', street: '1 Plaza Square', hours: 'daily 7–22' },
];

const view = (query, onInput) => {
  const q = query.trim().toLowerCase();
  const found = STORES.filter((s) => !q || `${s.city} ${s.street}`.toLowerCase().includes(q));
  return html`
    <label>Find a store: <input type="search" placeholder="City or street" .value=${query} @input=${onInput}></label>
    <ul>
      ${found.map((s) => html`<li><span class="city">${s.city}</span> · ${s.street}<span class="hours">${s.hours}</span></li>`)}
    </ul>
    ${found.length ? '' : html`<p class="none">No store matches “${query}”.</p>`}
  `;
};

export function mount(ctx) {
  const draw = (query) => render(view(query, (e) => draw(e.target.value)), ctx.host);
  draw('');
}

export function unmount(ctx) {
  render(null, ctx.host);
  ctx.host.replaceChildren();
}
