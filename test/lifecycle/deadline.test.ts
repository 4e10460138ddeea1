import { expect } from '@open-wc/testing';
import { Deadline, STALE, TIMEOUT } from '../../src/lifecycle/deadline.js';

/** What `p` settled with, symbols named (a symbol cannot travel back to the test runner). */
const outcome = (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    (v) => ({ ok: v }),
    (e: unknown) => (e === STALE ? 'STALE' : e === TIMEOUT ? 'TIMEOUT' : e),
  );

describe('deadline', () => {
  it('passes a promise that settles in time through', async () => {
    const d = new Deadline(1000);
    expect(await d.race(Promise.resolve(7))).to.equal(7);
    expect(await outcome(d.race(Promise.reject(new Error('no'))))).to.have.property('message', 'no');
    d.done();
  });

  it('rejects with TIMEOUT when the time runs out first', async () => {
    const d = new Deadline(20);
    expect(await outcome(d.race(new Promise(() => {})))).to.equal('TIMEOUT');
    expect(d.stale).to.equal(false);
  });

  it('rejects with STALE when called off, now or for a later wait', async () => {
    const d = new Deadline(1000);
    const waiting = outcome(d.race(new Promise(() => {})));
    d.cancel();
    expect(await waiting).to.equal('STALE');
    expect(d.stale).to.equal(true);
    expect(await outcome(d.race(Promise.resolve(1)))).to.equal('STALE');
    const early = new Deadline(1000);
    early.cancel();
    expect(await outcome(early.race(new Promise(() => {})))).to.equal('STALE');
  });
});
