// "deals": the new deals section, a vanilla ES module MFE. "Add to cart" goes out on the bus
// (cart:add), where the old page's script counts it in the header.
export const styles = `
  :host { font: 14px system-ui, sans-serif; }
  ul { list-style: none; margin: 0; padding: 0; display: grid; grid-template-columns: repeat(3, 1fr); gap: 10px; }
  li { background: #fff; border: 1px solid #d0d7de; border-radius: 10px; padding: 12px; display: grid; gap: 6px; }
  .name { font-weight: 600; }
  .was { color: #57606a; text-decoration: line-through; margin-right: 6px; }
  .price { color: #cf222e; font-weight: 700; }
  button { font: inherit; border: 0; border-radius: 6px; padding: 6px 10px; background: #1f6feb; color: #fff; cursor: pointer; }
  button:disabled { background: #2da44e; cursor: default; }
`;

const DEALS = [
  { sku: 'HAM-16', name: 'Claw hammer, 16 oz', was: 15.99, price: 12.99 },
  { sku: 'DRL-18', name: 'Cordless drill 18 V', was: 119, price: 89 },
  { sku: 'TAP-25', name: 'Tape measure, 25 ft', was: 9.99, price: 7.49 },
];

const money = (n) => `$${n.toFixed(2)}`;

export function mount(ctx) {
  const list = document.createElement('ul');
  for (const d of DEALS) {
    const li = document.createElement('li');
    const name = Object.assign(document.createElement('span'), { className: 'name', textContent: d.name });
    const price = document.createElement('span');
    price.append(Object.assign(document.createElement('span'), { className: 'was', textContent: money(d.was) }));
    price.append(Object.assign(document.createElement('span'), { className: 'price', textContent: money(d.price) }));
    const buy = Object.assign(document.createElement('button'), { type: 'button', textContent: 'Add to cart' });
    buy.dataset.sku = d.sku;
    li.append(name, price, buy);
    list.append(li);
  }
  list.addEventListener(
    'click',
    (e) => {
      const buy = e.target.closest('button[data-sku]');
      if (!buy) return;
      ctx.bus.emit('cart:add', { sku: buy.dataset.sku });
      buy.textContent = 'Added ✓';
      buy.disabled = true;
    },
    { signal: ctx.signal },
  );
  ctx.host.append(list);
}

export function unmount(ctx) {
  ctx.host.replaceChildren();
}
