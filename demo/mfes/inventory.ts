/**
 * "inventory" MFE, written with Vue 3: a product list whose "Add to cart" buttons emit
 * `cart:add-item` on the bus (`ctx.bus.emit`), which the header MFE counts (MFE → MFE, with no
 * import between them). Prices follow the locale of the shell context.
 *
 * Export shape: named exports `mount` / `update` / `unmount` / `styles`.
 *
 * `createApp` with render functions (`h()`): Vue's runtime-only build, no template compiler
 * (which would also need `unsafe-eval`). The context reaches the app through a
 * `shallowReactive` holder, so `update` re-renders the same component instance and awaits
 * `nextTick()` for the DOM.
 */
import { createApp, defineComponent, h, nextTick, onUnmounted, reactive, shallowReactive, type App, type PropType } from 'vue';
import type { MfeBus, MountContext } from '../../src/index.js';
import { baseStyles, money, readContext, type DemoContext, type Locale } from './shared.js';

interface Product {
  id: string;
  name: string;
  sku: string;
  price: number;
  stock: number;
}

const PRODUCTS: Product[] = [
  { id: 'p-lamp', name: 'Aurora Desk Lamp', sku: 'LMP-100', price: 49, stock: 24 },
  { id: 'p-mouse', name: 'Nimbus Wireless Mouse', sku: 'MSE-220', price: 29.9, stock: 3 },
  { id: 'p-pack', name: 'Atlas Backpack 24 L', sku: 'BAG-310', price: 89, stock: 12 },
  { id: 'p-phones', name: 'Orbit Headphones', sku: 'HPH-510', price: 139, stock: 8 },
  { id: 'p-note', name: 'Pixel Notebook A5', sku: 'NTB-040', price: 12.5, stock: 0 },
];
const CURRENCY = 'EUR';

const TEXT: Record<Locale, { title: string; sub: string; add: string; added: string; inStock: (n: number) => string; low: (n: number) => string; out: string }> = {
  en: {
    title: 'Products',
    sub: 'Add to cart emits cart:add-item on the bus',
    add: 'Add to cart',
    added: 'Added',
    inStock: (n) => `${n} in stock`,
    low: (n) => `Only ${n} left`,
    out: 'Out of stock',
  },
  de: {
    title: 'Produkte',
    sub: '„In den Warenkorb“ sendet cart:add-item über den Bus',
    add: 'In den Warenkorb',
    added: 'Hinzugefügt',
    inStock: (n) => `${n} auf Lager`,
    low: (n) => `Nur noch ${n}`,
    out: 'Ausverkauft',
  },
  fr: {
    title: 'Produits',
    sub: '« Ajouter au panier » émet cart:add-item sur le bus',
    add: 'Ajouter au panier',
    added: 'Ajouté',
    inStock: (n) => `${n} en stock`,
    low: (n) => `Plus que ${n}`,
    out: 'Épuisé',
  },
};

const Inventory = defineComponent({
  props: {
    context: { type: Object as PropType<DemoContext>, required: true },
    bus: { type: Object as PropType<MfeBus>, required: true },
  },
  setup(props) {
    /** Products just added: their button says "Added" for a moment. */
    const added = reactive(new Set<string>());
    const timers = new Set<ReturnType<typeof setTimeout>>();
    onUnmounted(() => timers.forEach(clearTimeout));

    const add = (p: Product): void => {
      props.bus.emit('cart:add-item', { productId: p.id, quantity: 1 });
      added.add(p.id);
      const timer = setTimeout(() => {
        timers.delete(timer);
        added.delete(p.id);
      }, 1200);
      timers.add(timer);
    };

    return () => {
      const { locale } = props.context;
      const t = TEXT[locale];
      return h('section', { class: 'inventory' }, [
        h('div', { class: 'head' }, [h('h3', { class: 'title' }, t.title), h('p', { class: 'muted' }, t.sub)]),
        h(
          'ul',
          { class: 'list' },
          PRODUCTS.map((p, i) => {
            const stockClass = p.stock === 0 ? 'out' : p.stock < 5 ? 'low' : 'ok';
            const stock = p.stock === 0 ? t.out : p.stock < 5 ? t.low(p.stock) : t.inStock(p.stock);
            const isAdded = added.has(p.id);
            return h('li', { class: 'item', key: p.id, 'data-product': p.id }, [
              h('span', { class: `thumb t${i % 5}`, 'aria-hidden': 'true' }, p.name.slice(0, 1)),
              h('div', { class: 'info' }, [
                h('span', { class: 'name' }, p.name),
                h('span', { class: 'meta' }, [h('span', { class: 'sku' }, p.sku), h('span', { class: `stock ${stockClass}` }, stock)]),
              ]),
              h('span', { class: 'price' }, money(p.price, CURRENCY, locale)),
              h(
                'button',
                {
                  type: 'button',
                  class: isAdded ? 'add done' : 'add',
                  disabled: p.stock === 0,
                  'data-product': p.id,
                  onClick: () => add(p),
                },
                isAdded ? `✓ ${t.added}` : t.add,
              ),
            ]);
          }),
        ),
      ]);
    };
  },
});

interface Instance {
  app: App;
  container: HTMLElement;
  state: { context: DemoContext };
}
const instances = new WeakMap<HTMLElement, Instance>();

export const styles = `${baseStyles('.inventory')}
.inventory { padding: 4px 2px 2px; }
.head { margin-bottom: 12px; }
.title { margin: 0; font-size: 17px; font-weight: 700; color: #0f172a; letter-spacing: -.01em; }
.muted { margin: 2px 0 0; color: #64748b; font-size: 13px; }
.list { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 8px; }
.item {
  display: grid; grid-template-columns: 40px minmax(0, 1fr) auto auto; align-items: center; gap: 12px;
  padding: 8px 10px; border-radius: 12px; border: 1px solid #e5e7eb; background: #fff;
  transition: border-color .15s ease, box-shadow .15s ease;
}
.item:hover { border-color: #a7f3d0; box-shadow: 0 2px 10px rgba(16,185,129,.1); }
.thumb { display: grid; place-items: center; width: 40px; height: 40px; border-radius: 10px; font-weight: 800; font-size: 16px; color: #fff; }
.t0 { background: linear-gradient(135deg, #f59e0b, #f97316); }
.t1 { background: linear-gradient(135deg, #6366f1, #8b5cf6); }
.t2 { background: linear-gradient(135deg, #10b981, #059669); }
.t3 { background: linear-gradient(135deg, #ec4899, #db2777); }
.t4 { background: linear-gradient(135deg, #64748b, #475569); }
.info { display: flex; flex-direction: column; min-width: 0; }
.name { font-weight: 600; color: #0f172a; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.meta { display: flex; gap: 8px; font-size: 12px; color: #64748b; }
.sku { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.stock.ok { color: #047857; }
.stock.low { color: #b45309; font-weight: 600; }
.stock.out { color: #b91c1c; font-weight: 600; }
.price { font-weight: 700; color: #0f172a; font-variant-numeric: tabular-nums; white-space: nowrap; }
.add {
  min-width: 104px; padding: 8px 12px; border-radius: 9px; cursor: pointer;
  font-weight: 600; font-size: 13px; color: #fff; border: 0;
  background: linear-gradient(135deg, #10b981, #059669);
  box-shadow: 0 3px 10px rgba(16,185,129,.28);
  transition: transform .12s ease, background .2s ease;
}
.add:hover:not(:disabled) { transform: translateY(-1px); }
.add:focus-visible { outline: 3px solid #a7f3d0; outline-offset: 2px; }
.add.done { background: #ecfdf5; color: #047857; box-shadow: inset 0 0 0 1px #a7f3d0; }
.add:disabled { cursor: not-allowed; color: #94a3b8; background: #f1f5f9; box-shadow: none; }
`;

export function mount(ctx: MountContext): void {
  const container = document.createElement('div');
  ctx.host.append(container);
  const state = shallowReactive({ context: readContext(ctx.context) });
  const bus = ctx.bus;
  const app = createApp({ render: () => h(Inventory, { context: state.context, bus }) });
  app.mount(container); // the first render is synchronous
  instances.set(ctx.host, { app, container, state });
}

export async function update(ctx: MountContext): Promise<void> {
  const instance = instances.get(ctx.host);
  if (!instance) throw new Error('inventory: update() before mount()');
  instance.state.context = readContext(ctx.context);
  await nextTick();
}

export function unmount(ctx: MountContext): void {
  const instance = instances.get(ctx.host);
  if (!instance) return;
  instance.app.unmount();
  instance.container.remove();
  instances.delete(ctx.host);
}
