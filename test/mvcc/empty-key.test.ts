import { afterEach, beforeEach, expect, it } from 'vitest';
import { applyTxns, openHarness, putOp, rangeReq, txn, type Harness } from './helpers.js';

let h: Harness;
beforeEach(async () => {
  h = await openHarness();
});
afterEach(async () => {
  await h.cleanup();
});

// The API layer refuses empty keys; the state machine must still apply one without crashing,
// identically everywhere, should one reach the log.
it('applies and reads an empty key, which sorts before every other key', async () => {
  await applyTxns(h, txn([putOp('', 'e'), putOp(Buffer.of(0), 'z')]), txn([putOp('', 'e2')]));
  const all = await h.store.range(rangeReq(Buffer.of(0), { rangeEnd: Buffer.of(0) }));
  expect(all.kvs.map((kv) => kv.key.toString('hex'))).toEqual(['', '00']);
  const old = await h.store.range(rangeReq(Buffer.of(0), { rangeEnd: Buffer.of(0), revision: 2 }));
  expect(old.kvs.map((kv) => kv.value.toString())).toEqual(['e', 'z']);
  expect((await h.store.range(rangeReq(''))).kvs[0].version).toBe(2);
});
