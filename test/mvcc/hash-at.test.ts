import { afterEach, describe, expect, it } from 'vitest';
import { CompactedRevisionError, FutureRevisionError } from '../../src/mvcc/errors.js';
import type { TxnRequest__Output } from '../../src/gen/quorumkv/v1/TxnRequest.js';
import { addOp, applyTxns, compactTo, delOp, openHarness, putOp, txn, type Harness } from './helpers.js';

const harnesses: Harness[] = [];
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.cleanup();
});

async function storeWith(...txns: TxnRequest__Output[]): Promise<Harness> {
  const h = await openHarness();
  harnesses.push(h);
  await applyTxns(h, ...txns);
  return h;
}

const log = [
  txn([putOp('a', '1'), putOp('b', '1')]),
  txn([addOp('n', 3), putOp('a', '2')]),
  txn([delOp('b')]),
  txn([putOp('b', 'again'), addOp('n', 4)]),
  txn([delOp('a', 'c')]),
  txn([putOp('z', 'last')]),
];

describe('hashAt', () => {
  it('agrees at every common revision between a store that applied more and one that applied less', async () => {
    const behind = await storeWith(...log.slice(0, 4));
    const ahead = await storeWith(...log);
    for (let revision = 1; revision <= 5; revision++) {
      expect((await ahead.store.hashAt(revision)).hash).toBe((await behind.store.hashAt(revision)).hash);
    }
    expect(await ahead.store.hashAt(5)).toMatchObject({ revision: 5, currentRevision: 7, compactRevision: 0 });
    expect((await behind.store.hashAt(0)).hash).toBe((await ahead.store.hashAt(5)).hash);
    expect((await ahead.store.hashAt(6)).hash).not.toBe((await ahead.store.hashAt(5)).hash);
  });

  it('differs when the data differs at the same revision', async () => {
    const one = await storeWith(...log.slice(0, 3));
    const other = await storeWith(log[0], txn([addOp('n', 3), putOp('a', 'different')]), log[2]);
    expect(one.store.revision).toBe(other.store.revision);
    expect((await one.store.hashAt(3)).hash).not.toBe((await other.store.hashAt(3)).hash);
    expect((await one.store.hashAt(2)).hash).toBe((await other.store.hashAt(2)).hash);
  });

  it('0 means the current revision, which hashes like stateHash', async () => {
    const h = await storeWith(...log);
    const current = await h.store.hashAt(0);
    expect(current).toMatchObject({ revision: 7, currentRevision: 7 });
    expect(current.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(current.hash).toBe(await h.store.stateHash());
    expect(current.hash).toBe((await h.store.hashAt(7)).hash);
  });

  it('throws FutureRevisionError and CompactedRevisionError, and agrees after compaction', async () => {
    const plain = await storeWith(...log);
    const compacted = await storeWith(...log);
    await compactTo(compacted, 4);
    await expect(compacted.store.hashAt(8)).rejects.toBeInstanceOf(FutureRevisionError);
    await expect(compacted.store.hashAt(3)).rejects.toBeInstanceOf(CompactedRevisionError);
    expect(await compacted.store.hashAt(4)).toMatchObject({ compactRevision: 4 });
    for (let revision = 4; revision <= 7; revision++) {
      expect((await compacted.store.hashAt(revision)).hash).toBe((await plain.store.hashAt(revision)).hash);
    }
  });
});
