import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MvccAssertionError } from '../../src/mvcc/assert.js';
import { MvccStore, type AppliedEntry } from '../../src/mvcc/mvcc-store.js';
import { applyTxns, b, openHarness, putOp, rangeReq, txn, type Harness } from './helpers.js';

let h: Harness;
beforeEach(async () => {
  h = await openHarness();
});
afterEach(async () => {
  await h.cleanup();
});

const entry = (index: number, ...values: string[]): AppliedEntry => ({
  index,
  term: 1,
  txns: values.map((v) => txn([putOp('k', v)])),
});

describe('apply is idempotent by log index', () => {
  it('skips entries at or below the applied index and returns [] for them', async () => {
    await h.store.apply([entry(1, 'a'), entry(2, 'b')]);
    const hash = await h.store.stateHash();
    const outcomes = await h.store.apply([entry(1, 'a'), entry(2, 'b')]);
    expect(outcomes).toEqual([[], []]);
    expect(h.store.revision).toBe(3);
    expect(await h.store.stateHash()).toBe(hash);
    const mixed = await h.store.apply([entry(2, 'b'), entry(3, 'c')]);
    expect(mixed[0]).toEqual([]);
    expect(mixed[1][0].revision).toBe(4);
    expect((await h.store.range(rangeReq('k'))).kvs[0]).toMatchObject({ value: b('c'), version: 3 });
  });

  it('an entry with several txns outcomes each, in order', async () => {
    const [outcomes] = await h.store.apply([entry(1, 'a', 'b', 'c')]);
    expect(outcomes.map((o) => o.revision)).toEqual([2, 3, 4]);
  });

  it('asserts that entries are contiguous and terms do not go back', async () => {
    await h.store.apply([entry(1, 'a')]);
    await expect(h.store.apply([entry(3, 'x')])).rejects.toBeInstanceOf(MvccAssertionError);
    await h.store.apply([{ index: 2, term: 5, txns: [] }]);
    await expect(h.store.apply([{ index: 3, term: 4, txns: [] }])).rejects.toBeInstanceOf(MvccAssertionError);
    // A failed call wrote nothing, and the store keeps working.
    expect(h.store.appliedIndex).toBe(2);
    expect((await h.store.apply([{ index: 3, term: 5, txns: [] }])).length).toBe(1);
  });

  it('asserts that the entries of one call are in log order', async () => {
    await h.store.apply([entry(1, 'a'), entry(2, 'b')]);
    await expect(h.store.apply([entry(2, 'b'), entry(1, 'a')])).rejects.toBeInstanceOf(MvccAssertionError);
  });

  it('a failed call leaves no partial state behind', async () => {
    await expect(h.store.apply([entry(1, 'a'), entry(3, 'b')])).rejects.toBeInstanceOf(MvccAssertionError);
    expect(h.store.revision).toBe(1);
    expect((await h.store.range(rangeReq('k'))).count).toBe(0);
  });
});

describe('persistence', () => {
  it('keeps state, revisions, applied index and term across close and reopen', async () => {
    await h.store.apply([
      { index: 1, term: 3, txns: [txn([putOp('a', '1')]), txn([putOp('a', '2'), putOp('b', '1')])] },
      { index: 2, term: 3, txns: [], compactRevision: 2 },
    ]);
    const hash = await h.store.stateHash();
    await h.reopen();
    expect(h.store.revision).toBe(3);
    expect(h.store.appliedIndex).toBe(2);
    expect(h.store.appliedTerm).toBe(3);
    expect(h.store.compactRevision).toBe(2);
    expect(await h.store.stateHash()).toBe(hash);
    expect((await h.store.range(rangeReq('a', { revision: 2 }))).kvs[0].value).toEqual(b('1'));
    expect((await h.store.apply([{ index: 2, term: 3, txns: [txn([putOp('a', 'dup')])] }]))).toEqual([[]]);
    const [[out]] = await h.store.apply([{ index: 3, term: 3, txns: [txn([putOp('a', '3')])] }]);
    expect(out.revision).toBe(4);
    expect((await h.store.range(rangeReq('a'))).kvs[0]).toMatchObject({ version: 3, createRevision: 2 });
  });

  it('works inside a sublevel and keeps it separate from siblings', async () => {
    const one = await MvccStore.open(h.db.sublevel<Buffer, Buffer>('one', { keyEncoding: 'buffer', valueEncoding: 'buffer' }));
    const two = await MvccStore.open(h.db.sublevel<Buffer, Buffer>('two', { keyEncoding: 'buffer', valueEncoding: 'buffer' }));
    await one.apply([entry(1, 'only-in-one')]);
    expect(one.revision).toBe(2);
    expect(two.revision).toBe(1);
    expect((await two.range(rangeReq('k'))).count).toBe(0);
    expect((await one.range(rangeReq('k'))).kvs[0].value).toEqual(b('only-in-one'));
  });

  it('serialises overlapping apply calls in call order', async () => {
    const first = h.store.apply([entry(1, 'a')]);
    const second = h.store.apply([entry(2, 'b')]);
    const [[outA], [outB]] = [...(await first), ...(await second)];
    expect([outA.revision, outB.revision]).toEqual([2, 3]);
  });
});

describe('stateHash', () => {
  it('covers values and the revision', async () => {
    const other = await openHarness();
    try {
      await applyTxns(h, txn([putOp('a', '1')]));
      await applyTxns(other, txn([putOp('a', '2')]));
      expect(await h.store.stateHash()).not.toBe(await other.store.stateHash());
      await applyTxns(h, txn([putOp('a', 'x')]));
      await applyTxns(other, txn([putOp('a', 'x')]));
      expect(await h.store.stateHash()).toBe(await other.store.stateHash());
      await applyTxns(other, txn([putOp('a', 'x')])); // same value, but version, mod and revision move
      expect(await h.store.stateHash()).not.toBe(await other.store.stateHash());
    } finally {
      await other.cleanup();
    }
  });
});
