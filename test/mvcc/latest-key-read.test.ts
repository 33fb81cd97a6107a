import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { armFailpoints } from '../../src/failpoints.js';
import { applyTxns, b, delOp, openHarness, putOp, rangeReq, txn, type Harness } from './helpers.js';

// A one-key read at the latest revision takes a synchronous path (MvccStore.readLatestKey); a read
// naming the current revision explicitly takes the snapshot path. They must answer alike, and the
// synchronous one must never return data newer than the revision it names.

let h: Harness;
beforeEach(async () => {
  h = await openHarness();
});
afterEach(async () => {
  armFailpoints('');
  await h.cleanup();
});

describe('one key at the latest revision', () => {
  it('answers as the snapshot path does: present, absent, deleted, keys only, count only', async () => {
    await applyTxns(h, txn([putOp('a', 'v1'), putOp('b', 'v1')]), txn([putOp('a', 'v2')]), txn([delOp('b')]));
    for (const key of ['a', 'b', 'c']) {
      for (const options of [{}, { keysOnly: true }, { countOnly: true }, { limit: 1 }]) {
        const latest = await h.store.range(rangeReq(key, options));
        const atCurrent = await h.store.range(rangeReq(key, { ...options, revision: h.store.revision }));
        expect(latest, `${key} ${JSON.stringify(options)}`).toEqual(atCurrent);
      }
    }
    expect((await h.store.range(rangeReq('a'))).kvs[0]).toMatchObject({ value: b('v2'), version: 2, modRevision: 3 });
  });

  it('while an apply batch is written but not yet counted, answers from the snapshot path, never with newer data', async () => {
    await applyTxns(h, txn([putOp('k', 'v0')]));
    // The batch is in LevelDB for 30 ms before the store's revision moves to it.
    armFailpoints('apply-flush-after=delay(30)');
    let done = false;
    const applying = applyTxns(h, txn([putOp('k', 'v1')])).then(() => (done = true));
    let reads = 0;
    while (!done) {
      const { kvs, revision } = await h.store.range(rangeReq('k'));
      expect(kvs[0]!.modRevision, `data at ${kvs[0]!.modRevision}, answered as of ${revision}`).toBeLessThanOrEqual(revision);
      reads++;
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await applying;
    expect(reads).toBeGreaterThan(5);
    expect(await h.store.range(rangeReq('k'))).toMatchObject({ revision: 3, kvs: [{ value: b('v1'), modRevision: 3 }] });
  });
});
