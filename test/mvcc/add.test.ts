import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addOp, applyTxns, b, cmp, openHarness, putOp, rangeReq, txn, valueOf, type Harness } from './helpers.js';

let h: Harness;
beforeEach(async () => {
  h = await openHarness();
});
afterEach(async () => {
  await h.cleanup();
});

const MAX = Number.MAX_SAFE_INTEGER;
const addResponse = (value: number) => ({ response: 'responseAdd', responseAdd: { header: null, value } });

describe('integer add', () => {
  it('a missing key counts as 0: the result is the delta, written like a put', async () => {
    const [outcome] = await applyTxns(h, txn([addOp('n', 5)]));
    expect(outcome).toEqual({ response: { header: null, succeeded: true, responses: [addResponse(5)] }, revision: 2 });
    expect((await h.store.range(rangeReq('n'))).kvs[0]).toEqual({ key: b('n'), value: b('5'), createRevision: 2, modRevision: 2, version: 1, lease: 0 });
    expect((await h.store.changesAt(2)).map((c) => c.kind)).toEqual(['put']);
  });

  it('repeated adds accumulate, across transactions and in order inside one', async () => {
    await applyTxns(h, txn([addOp('n', 5)]), txn([addOp('n', 2)]));
    const [outcome] = await applyTxns(h, txn([addOp('n', 3), addOp('n', 10)]));
    expect(outcome.response.responses).toEqual([addResponse(10), addResponse(20)]);
    expect((await h.store.range(rangeReq('n'))).kvs[0]).toMatchObject({ value: b('20'), createRevision: 2, modRevision: 4, version: 4 });
  });

  it('negative deltas, and "-0" and leading zeros read as integers', async () => {
    await applyTxns(h, txn([addOp('n', 10)]), txn([addOp('n', -15)]));
    expect(await valueOf(h, 'n')).toBe('-5');
    await applyTxns(h, txn([putOp('z', '-0'), addOp('z', -1), putOp('y', '007'), addOp('y', 1)]));
    expect([await valueOf(h, 'z'), await valueOf(h, 'y')]).toEqual(['-1', '8']);
  });

  it('adds to a value put earlier in the same transaction', async () => {
    const [outcome] = await applyTxns(h, txn([putOp('n', '7'), addOp('n', 3)]));
    expect(outcome.response.responses[1]).toEqual(addResponse(10));
  });

  it('a value that is not a decimal integer rejects the whole transaction, naming the key', async () => {
    for (const bad of ['abc', '', '+5', ' 5', '5 ', '1.5', '1e3', '-', '0x10']) {
      await applyTxns(h, txn([putOp('bad', bad)]));
      const revision = h.store.revision;
      const hash = await h.store.stateHash();
      const [outcome] = await applyTxns(h, txn([putOp('other', 'x'), addOp('ok', 1), addOp('bad', 1)]));
      expect(outcome).toEqual({ response: { header: null, succeeded: false, responses: [] }, revision, rejected: expect.stringMatching(/"bad".*not a decimal integer/) });
      expect(await h.store.stateHash()).toBe(hash);
      expect(await valueOf(h, 'other')).toBeNull();
    }
  });

  it('a result beyond ±MAX_SAFE_INTEGER is rejected, at both ends', async () => {
    await applyTxns(h, txn([putOp('n', String(MAX - 1)), putOp('m', String(-MAX + 1))]));
    expect((await applyTxns(h, txn([addOp('n', 1)])))[0].response.responses).toEqual([addResponse(MAX)]);
    const [over] = await applyTxns(h, txn([addOp('n', 1)]));
    expect(over.rejected).toMatch(/"n".*9007199254740992/);
    const [under] = await applyTxns(h, txn([addOp('m', -1), addOp('m', -1)]));
    expect(under.rejected).toMatch(/"m"/);
    expect([await valueOf(h, 'n'), await valueOf(h, 'm')]).toEqual([String(MAX), String(-MAX + 1)]);
    await applyTxns(h, txn([putOp('huge', '99999999999999999999')]));
    expect((await applyTxns(h, txn([addOp('huge', -1)])))[0].rejected).toMatch(/"huge"/);
  });

  it('a delta that is not a safe integer is rejected', async () => {
    expect((await applyTxns(h, txn([addOp('n', 1.5)])))[0].rejected).toMatch(/delta 1.5/);
    expect(h.store.revision).toBe(1);
  });

  it('runs in the branch its compares choose; a rejected add in the branch not taken is harmless', async () => {
    await applyTxns(h, txn([putOp('n', '5'), putOp('text', 'x')]));
    const branchy = txn([addOp('n', 1)], [cmp('n', 'VALUE', 'EQUAL', '5')], [addOp('n', 100), addOp('text', 1)]);
    const [taken] = await applyTxns(h, branchy);
    expect(taken.response).toEqual({ header: null, succeeded: true, responses: [addResponse(6)] });
    const [failed] = await applyTxns(h, branchy);
    expect(failed.rejected).toMatch(/"text"/);
    expect(await valueOf(h, 'n')).toBe('6');
  });

  it('names a binary key in hex', async () => {
    await applyTxns(h, txn([putOp(Buffer.of(0, 0xff), 'x')]));
    expect((await applyTxns(h, txn([addOp(Buffer.of(0, 0xff), 1)])))[0].rejected).toMatch(/key 0x00ff/);
  });
});
