// Sticky, deterministic canary choice (api.md §3).
import { expect } from '@open-wc/testing';
import { configure } from '../../src/index.js';
import { state } from '../../src/discovery/config.js';
import { hash, pick, userId } from '../../src/discovery/canary.js';

const USERS = Array.from({ length: 10_000 }, (_, i) => `user-${i}`);
const NAMES = ['billing', 'inventory', 'header', 'checkout', 'search'];

describe('canary: pick(userId, name, weight)', () => {
  for (const weight of [0, 0.01, 0.05, 0.5, 0.95, 1])
    it(`gives ${weight * 100} % of 10,000 users the canary, within ±1 point, for every name`, () => {
      for (const name of NAMES) {
        const share = (USERS.filter((u) => pick(u, name, weight)).length / USERS.length) * 100;
        expect(Math.abs(share - weight * 100), `${name}: ${share} %`).to.be.at.most(1);
      }
    });

  it('weight 0 never, weight 1 always', () => {
    for (const name of NAMES) {
      expect(USERS.some((u) => pick(u, name, 0))).to.equal(false);
      expect(USERS.every((u) => pick(u, name, 1))).to.equal(true);
    }
  });

  it('is deterministic: the same user always gets the same answer', () => {
    const answers = () => USERS.map((u) => pick(u, 'billing', 0.3));
    expect(answers()).to.deep.equal(answers());
    // Pinned values: a change of hash would silently move users between variants.
    expect([hash('user-0:billing'), hash('user-1:billing'), hash('')].map((h) => h.toFixed(6))).to.deep.equal(['0.410397', '0.792959', '0.668922']);
  });

  it('raising the weight only adds users: nobody flips back to stable', () => {
    const at = (w: number) => new Set(USERS.filter((u) => pick(u, 'billing', w)));
    const small = at(0.05);
    const big = at(0.5);
    expect([...small].every((u) => big.has(u))).to.equal(true);
  });

  it('choices for different names are independent', () => {
    const both = USERS.filter((u) => pick(u, 'billing', 0.5) && pick(u, 'inventory', 0.5)).length / 100;
    expect(Math.abs(both - 25)).to.be.at.most(2);
  });

  it('hash() is in [0, 1)', () => {
    for (const u of USERS.slice(0, 1000)) {
      const h = hash(u);
      expect(h >= 0 && h < 1).to.equal(true);
    }
  });
});

describe('canary: userId()', () => {
  const saved = state.userId;
  afterEach(() => {
    state.userId = saved;
  });

  it('is configure({ userId }) when given', () => {
    configure({ userId: 'ada@example.com' });
    expect(userId()).to.equal('ada@example.com');
  });

  it('else a random id kept in localStorage', () => {
    state.userId = undefined;
    localStorage.removeItem('mfe-user-id');
    const id = userId();
    expect(id).to.match(/^[\w-]{8,}$/);
    expect(localStorage.getItem('mfe-user-id')).to.equal(id);
    expect(userId()).to.equal(id);
    localStorage.setItem('mfe-user-id', 'kept-id');
    expect(userId()).to.equal('kept-id');
  });

  it('works when localStorage throws: one id for the page', () => {
    state.userId = undefined;
    const { getItem, setItem } = Storage.prototype;
    Storage.prototype.getItem = () => {
      throw new DOMException('denied', 'SecurityError');
    };
    Storage.prototype.setItem = Storage.prototype.getItem;
    try {
      const id = userId();
      expect(id).to.match(/^[\w-]{8,}$/);
      expect(userId()).to.equal(id);
    } finally {
      Object.assign(Storage.prototype, { getItem, setItem });
    }
  });
});
