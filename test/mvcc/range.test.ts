import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CompactedRevisionError, FutureRevisionError } from '../../src/mvcc/errors.js';
import { MAX_RANGE_KEYS } from '../../src/mvcc/limits.js';
import { applyTxns, b, compactTo, delOp, keysOf, openHarness, putOp, rangeOp, rangeReq, txn, type Harness } from './helpers.js';

let h: Harness;
beforeEach(async () => {
  h = await openHarness();
});
afterEach(async () => {
  await h.cleanup();
});

const Z = Buffer.of(0);

describe('range selection', () => {
  beforeEach(async () => {
    await applyTxns(h, txn(['a', 'ab', 'abc', 'b', 'ba', 'c'].map((k) => putOp(k, `v-${k}`))));
  });

  it('empty rangeEnd selects one key', async () => {
    const r = await h.store.range(rangeReq('ab'));
    expect(r).toEqual({ kvs: [{ key: b('ab'), value: b('v-ab'), createRevision: 2, modRevision: 2, version: 1, lease: 0 }], more: false, count: 1, revision: 2 });
    expect((await h.store.range(rangeReq('aa'))).count).toBe(0);
  });

  it('[key, rangeEnd) is half-open; a prefix range is [p, p+1)', async () => {
    expect(keysOf((await h.store.range(rangeReq('ab', { rangeEnd: b('b') }))).kvs)).toEqual(['ab', 'abc']);
    expect(keysOf((await h.store.range(rangeReq('a', { rangeEnd: b('ba') }))).kvs)).toEqual(['a', 'ab', 'abc', 'b']);
    expect((await h.store.range(rangeReq('c', { rangeEnd: b('a') }))).count).toBe(0);
  });

  it('"\\0" as rangeEnd means every key >= key; with key "\\0" every key', async () => {
    expect(keysOf((await h.store.range(rangeReq('b', { rangeEnd: Z }))).kvs)).toEqual(['b', 'ba', 'c']);
    expect(keysOf((await h.store.range(rangeReq(Z, { rangeEnd: Z }))).kvs)).toEqual(['a', 'ab', 'abc', 'b', 'ba', 'c']);
  });

  it('limit truncates and reports more and the full count', async () => {
    const all = { rangeEnd: Z };
    expect(await h.store.range(rangeReq(Z, { ...all, limit: 2 }))).toMatchObject({ more: true, count: 6 });
    expect(keysOf((await h.store.range(rangeReq(Z, { ...all, limit: 2 }))).kvs)).toEqual(['a', 'ab']);
    expect(await h.store.range(rangeReq(Z, { ...all, limit: 6 }))).toMatchObject({ more: false, count: 6 });
    expect(await h.store.range(rangeReq(Z, { ...all, limit: 7 }))).toMatchObject({ more: false, count: 6 });
    expect((await h.store.range(rangeReq(Z, { ...all, limit: 0 }))).kvs).toHaveLength(6);
  });

  it('keysOnly drops values but keeps revisions; countOnly returns only the count', async () => {
    const keysOnly = await h.store.range(rangeReq('b', { rangeEnd: Z, keysOnly: true }));
    expect(keysOnly.kvs[0]).toEqual({ key: b('b'), value: Buffer.alloc(0), createRevision: 2, modRevision: 2, version: 1, lease: 0 });
    expect(keysOnly.count).toBe(3);
    expect(await h.store.range(rangeReq('a', { rangeEnd: b('b'), countOnly: true }))).toEqual({ kvs: [], more: false, count: 3, revision: 2 });
  });
});

describe('the hard maximum per range', () => {
  it(`returns at most MAX_RANGE_KEYS (${MAX_RANGE_KEYS}) kvs with more = true, and counts them all`, async () => {
    const total = MAX_RANGE_KEYS + 5;
    const puts = Array.from({ length: total }, (_, i) => putOp(`key-${String(i).padStart(6, '0')}`, 'v'));
    await applyTxns(h, txn(puts));
    const unlimited = await h.store.range(rangeReq(Z, { rangeEnd: Z }));
    expect(unlimited.kvs).toHaveLength(MAX_RANGE_KEYS);
    expect(unlimited).toMatchObject({ more: true, count: total });
    const tooHigh = await h.store.range(rangeReq(Z, { rangeEnd: Z, limit: MAX_RANGE_KEYS * 2 }));
    expect(tooHigh.kvs).toHaveLength(MAX_RANGE_KEYS);
    expect(await h.store.range(rangeReq(Z, { rangeEnd: Z, countOnly: true }))).toMatchObject({ count: total });
  });
});

describe('binary keys', () => {
  it('orders keys containing 0x00 and 0xFF bytewise, live and in history', async () => {
    const keys = [[0x00], [0x00, 0x00], [0x00, 0xff], [0x01], [0x61, 0x00], [0x61], [0x61, 0xff], [0xff], [0xff, 0x00], [0xff, 0xff]]
      .map((bytes) => Buffer.from(bytes));
    await applyTxns(h, txn(keys.map((k) => putOp(k, k))));
    await applyTxns(h, txn(keys.map((k) => putOp(k, 'second'))));
    const sorted = [...keys].sort(Buffer.compare).map((k) => k.toString('hex'));
    const hex = (kvs: { key: Buffer }[]) => kvs.map((kv) => kv.key.toString('hex'));
    expect(hex((await h.store.range(rangeReq(Z, { rangeEnd: Z }))).kvs)).toEqual(sorted);
    const old = await h.store.range(rangeReq(Z, { rangeEnd: Z, revision: 2 }));
    expect(hex(old.kvs)).toEqual(sorted);
    expect(old.kvs.every((kv) => kv.value.equals(kv.key))).toBe(true);
    // [0x61, 0x61 0xff) holds 0x61 and 0x61 0x00 only.
    const middle = await h.store.range(rangeReq(Buffer.of(0x61), { rangeEnd: Buffer.of(0x61, 0xff), revision: 2 }));
    expect(hex(middle.kvs)).toEqual(['61', '6100']);
  });
});

describe('reads at older revisions', () => {
  beforeEach(async () => {
    await applyTxns(
      h,
      txn([putOp('a', 'a1'), putOp('b', 'b1')]), // 2
      txn([putOp('a', 'a2')]), // 3
      txn([delOp('b')]), // 4
      txn([putOp('b', 'b4'), putOp('c', 'c4')]), // 5
      txn([delOp('a')]), // 6
    );
  });

  it('sees each revision as it was, including deletes and re-creates', async () => {
    const at = async (revision: number) =>
      (await h.store.range(rangeReq(Z, { rangeEnd: Z, revision }))).kvs.map((kv) => `${kv.key}=${kv.value}@${kv.createRevision}/${kv.modRevision}/${kv.version}`);
    expect(await at(2)).toEqual(['a=a1@2/2/1', 'b=b1@2/2/1']);
    expect(await at(3)).toEqual(['a=a2@2/3/2', 'b=b1@2/2/1']);
    expect(await at(4)).toEqual(['a=a2@2/3/2']);
    expect(await at(5)).toEqual(['a=a2@2/3/2', 'b=b4@5/5/1', 'c=c4@5/5/1']);
    expect(await at(6)).toEqual(['b=b4@5/5/1', 'c=c4@5/5/1']);
    expect(await at(0)).toEqual(await at(6));
  });

  it('applies limit, count, keysOnly and countOnly at old revisions too', async () => {
    const r = await h.store.range(rangeReq(Z, { rangeEnd: Z, revision: 5, limit: 1, keysOnly: true }));
    expect(r).toEqual({ kvs: [{ key: b('a'), value: Buffer.alloc(0), createRevision: 2, modRevision: 3, version: 2, lease: 0 }], more: true, count: 3, revision: 6 });
    expect((await h.store.range(rangeReq('b', { rangeEnd: Z, revision: 5, countOnly: true }))).count).toBe(2);
  });

  it('throws FutureRevisionError beyond the store revision', async () => {
    await expect(h.store.range(rangeReq('a', { revision: 7 }))).rejects.toBeInstanceOf(FutureRevisionError);
    await expect(h.store.range(rangeReq('a', { revision: 7 }))).rejects.toThrow(/revision 7 is in the future.*at revision 6/);
  });

  it('after compaction, older reads throw CompactedRevisionError and newer ones still work', async () => {
    await compactTo(h, 4);
    expect(h.store.compactRevision).toBe(4);
    await expect(h.store.range(rangeReq('a', { revision: 3 }))).rejects.toBeInstanceOf(CompactedRevisionError);
    await expect(h.store.range(rangeReq('a', { revision: 2 }))).rejects.toThrow(/compacted.*oldest readable revision is 4/);
    expect(keysOf((await h.store.range(rangeReq(Z, { rangeEnd: Z, revision: 4 }))).kvs)).toEqual(['a']);
    expect((await h.store.range(rangeReq('a', { revision: 4 }))).kvs[0].value).toEqual(b('a2'));
    expect(keysOf((await h.store.range(rangeReq(Z, { rangeEnd: Z, revision: 5 }))).kvs)).toEqual(['a', 'b', 'c']);
    // The change log below the compact revision is kept while it is inside the conflict window.
    expect(await h.store.changesAt(3)).toHaveLength(1);
    expect(await h.store.changesAt(4)).toHaveLength(1);
    // Only what a read at >= 4 can reach is left: a@3, b@5, c@5, a@6 (tombstone b@4 and a@2, b@2 are gone).
    let historyRecords = 0;
    for await (const _ of h.db.sublevel('hist', { keyEncoding: 'buffer', valueEncoding: 'buffer' }).keys()) historyRecords += 1;
    expect(historyRecords).toBe(4);
    const [rejected] = await applyTxns(h, txn([rangeOp('a', { revision: 3 })]));
    expect(rejected.rejected).toMatch(/compacted/);
  });

  it('answers with the revision of the data it read, never an older one, while applies go on', async () => {
    const writes = (async () => {
      for (let i = 0; i < 60; i++) await applyTxns(h, txn([putOp('moving', String(i))]));
    })();
    let reads = 0;
    let done = false;
    void writes.then(() => (done = true));
    while (!done) {
      const result = await h.store.range(rangeReq('moving'));
      const newest = result.kvs[0]?.modRevision ?? 0;
      expect(newest, `data at ${newest}, answered as of ${result.revision}`).toBeLessThanOrEqual(result.revision);
      reads++;
      // One read a turn of the event loop, as requests arrive: a one-key read answers without
      // leaving the turn, so a loop that only awaited it would starve the applies.
      await new Promise((resolve) => setImmediate(resolve));
    }
    await writes;
    expect(reads).toBeGreaterThan(0);
    const last = await h.store.range(rangeReq('moving'));
    expect(last.revision).toBe(h.store.revision);
    expect(last.kvs[0].modRevision).toBe(last.revision);
  });
});
