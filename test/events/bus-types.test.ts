// Type-level tests of the bus (item 4): payloads declared by declaration merging are checked at
// compile time. `npm run typecheck` (tsc -p tsconfig.json, which includes test/) fails if a
// `@ts-expect-error` line below stops being an error; in the browser this file only runs the
// lines that are valid.
import { expect } from '@open-wc/testing';
import { z } from 'zod';
import { bus, type BusMeta, type MfeBus } from '../../src/index.js';

// A published app writes `declare module 'mfe-host'`; in this repository that module is the
// runtime's entry file.
declare module '../../src/index.js' {
  interface MfeEvents {
    'typetest:add-item': { productId: string; quantity: number };
    'typetest:logout': undefined;
  }
}

/** Compile-time only: never called, only type-checked. */
function typeChecks(b: MfeBus): void {
  b.emit('typetest:add-item', { productId: 'p1', quantity: 1 });
  // @ts-expect-error quantity must be a number
  b.emit('typetest:add-item', { productId: 'p1', quantity: '1' });
  // @ts-expect-error productId is missing
  b.emit('typetest:add-item', { quantity: 1 });
  // @ts-expect-error the payload is required
  b.emit('typetest:add-item');
  b.emit('typetest:logout', undefined, { crossTab: true });

  b.on('typetest:add-item', (detail, meta: BusMeta) => {
    const id: string = detail.productId;
    const n: number = detail.quantity;
    // @ts-expect-error no such field in the declared payload
    void detail.price;
    // @ts-expect-error quantity is a number, not a string
    const s: string = detail.quantity;
    void [id, n, s, meta.source, meta.crossTab];
  });
  // @ts-expect-error the listener's parameter does not match the declared payload
  b.on('typetest:add-item', (detail: { productId: number }) => void detail);
  const last: { productId: string; quantity: number } | undefined = b.last('typetest:add-item');
  void last;

  // Undeclared namespaced types are allowed, with unknown payloads.
  b.emit('other:thing', { anything: true });
  b.on('other:thing', (detail) => {
    // @ts-expect-error an undeclared payload is unknown
    void detail.anything;
  });
  // @ts-expect-error a type must be namespaced ("domain:name")
  b.emit('nocolon', 1);
  // @ts-expect-error options are checked too
  b.on('other:thing', () => {}, { replay: 'yes' });

  // Contracts: a schema whose output does not match the declared payload is an error.
  b.contract('typetest:add-item', z.object({ productId: z.string(), quantity: z.number() }));
  // @ts-expect-error quantity is a string in this schema
  b.contract('typetest:add-item', z.object({ productId: z.string(), quantity: z.string() }));
  b.contract('typetest:add-item', (d) => typeof d === 'object' || 'not an object');
  // @ts-expect-error a plain contract returns true/undefined, false, a message or issues
  b.contract('typetest:add-item', () => 42);
  const off: () => void = b.on('other:thing', () => {});
  off();
}

describe('bus types', () => {
  it('type-checks (see npm run typecheck); the typed calls also run', () => {
    expect(typeChecks).to.be.a('function');
    const got: number[] = [];
    const off = bus.on('typetest:add-item', (d) => got.push(d.quantity));
    bus.emit('typetest:add-item', { productId: 'p1', quantity: 2 });
    off();
    expect(got).to.deep.equal([2]);
  });
});
