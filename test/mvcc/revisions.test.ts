import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyTxns, b, delOp, keysOf, openHarness, putOp, rangeOp, rangeReq, txn, type Harness } from './helpers.js';

let h: Harness;
beforeEach(async () => {
  h = await openHarness();
});
afterEach(async () => {
  await h.cleanup();
});

const get = async (key: string) => (await h.store.range(rangeReq(key))).kvs[0];

describe('per-key revisions and versions', () => {
  it('starts empty at revision 1, as etcd does', async () => {
    expect(h.store.revision).toBe(1);
    expect(h.store.appliedIndex).toBe(0);
    expect(await h.store.range(rangeReq('a'))).toEqual({ kvs: [], more: false, count: 0, revision: 1 });
  });

  it('create sets version 1 and create = mod = the new revision; puts bump version and mod', async () => {
    await applyTxns(h, txn([putOp('a', '1')]));
    expect(await get('a')).toEqual({ key: b('a'), value: b('1'), createRevision: 2, modRevision: 2, version: 1, lease: 0 });
    await applyTxns(h, txn([putOp('b', 'x')]), txn([putOp('a', '2')]), txn([putOp('a', '3')]));
    expect(await get('a')).toEqual({ key: b('a'), value: b('3'), createRevision: 2, modRevision: 5, version: 3, lease: 0 });
    expect(h.store.revision).toBe(5);
  });

  it('delete removes the key; a later put re-creates it with version 1 and a new create revision', async () => {
    await applyTxns(h, txn([putOp('a', '1')]), txn([putOp('a', '2')]));
    const [deleted] = await applyTxns(h, txn([delOp('a')]));
    expect(deleted.revision).toBe(4);
    expect(deleted.response.responses[0].responseDeleteRange!.deleted).toBe(1);
    expect(await get('a')).toBeUndefined();
    await applyTxns(h, txn([putOp('a', 'again')]));
    expect(await get('a')).toEqual({ key: b('a'), value: b('again'), createRevision: 5, modRevision: 5, version: 1, lease: 0 });
  });

  it('all writes of one txn share one revision', async () => {
    const [out] = await applyTxns(h, txn([putOp('a', '1'), putOp('b', '2'), delOp('zzz')]));
    expect(out.revision).toBe(2);
    expect((await get('a')).modRevision).toBe(2);
    expect((await get('b')).modRevision).toBe(2);
    const changes = await h.store.changesAt(2);
    expect(changes.map((c) => [c.kind, c.kv.key.toString()])).toEqual([['put', 'a'], ['put', 'b']]);
  });

  it('a txn touching one key twice leaves its final state and logs both events', async () => {
    await applyTxns(h, txn([putOp('k', 'old')]));
    await applyTxns(h, txn([delOp('k'), putOp('k', 'new'), putOp('k', 'newer')]));
    expect(await get('k')).toEqual({ key: b('k'), value: b('newer'), createRevision: 3, modRevision: 3, version: 2, lease: 0 });
    expect((await h.store.range(rangeReq('k', { revision: 3 }))).kvs[0].value).toEqual(b('newer'));
    expect((await h.store.changesAt(3)).map((c) => c.kind)).toEqual(['delete', 'put', 'put']);
  });

  it('delete-range removes [key, rangeEnd) and returns prevKvs when asked', async () => {
    await applyTxns(h, txn([putOp('a', '1'), putOp('b', '2'), putOp('c', '3'), putOp('d', '4')]));
    const [withPrev] = await applyTxns(h, txn([delOp('b', 'd', true)]));
    const response = withPrev.response.responses[0].responseDeleteRange!;
    expect(response.deleted).toBe(2);
    expect(response.prevKvs).toEqual([
      { key: b('b'), value: b('2'), createRevision: 2, modRevision: 2, version: 1, lease: 0 },
      { key: b('c'), value: b('3'), createRevision: 2, modRevision: 2, version: 1, lease: 0 },
    ]);
    const [withoutPrev] = await applyTxns(h, txn([delOp('a', '\0')]));
    expect(withoutPrev.response.responses[0].responseDeleteRange).toMatchObject({ deleted: 2, prevKvs: [] });
    expect((await h.store.range(rangeReq('\0', { rangeEnd: b('\0') }))).count).toBe(0);
  });

  it('put returns the previous kv only when asked', async () => {
    await applyTxns(h, txn([putOp('a', '1')]));
    const [plain, withPrev, fresh] = await applyTxns(h, txn([putOp('a', '2')]), txn([putOp('a', '3', true)]), txn([putOp('n', '1', true)]));
    expect(plain.response.responses[0].responsePut!.prevKv).toBeNull();
    expect(withPrev.response.responses[0].responsePut!.prevKv).toEqual({
      key: b('a'), value: b('2'), createRevision: 2, modRevision: 3, version: 2, lease: 0,
    });
    expect(fresh.response.responses[0].responsePut!.prevKv).toBeNull();
  });
});

describe('the store revision bumps only for transactions that write', () => {
  it('read-only txns, deletes of nothing and empty entries keep the revision', async () => {
    await applyTxns(h, txn([putOp('a', '1')]));
    const outcomes = await applyTxns(h, txn([rangeOp('a')]), txn([delOp('missing')]), txn([delOp('x', 'y')]), txn([]));
    expect(outcomes.map((o) => o.revision)).toEqual([2, 2, 2, 2]);
    expect(await h.store.changesAt(3)).toEqual([]);
    await h.store.apply([{ index: h.nextIndex++, term: 1, txns: [] }]);
    expect(h.store.revision).toBe(2);
    expect(h.store.appliedIndex).toBe(h.nextIndex - 1);
    const [write] = await applyTxns(h, txn([putOp('a', '2')]));
    expect(write.revision).toBe(3);
  });

  it('a put of the same value still writes', async () => {
    await applyTxns(h, txn([putOp('a', 'same')]));
    const [out] = await applyTxns(h, txn([putOp('a', 'same')]));
    expect(out.revision).toBe(3);
    expect(keysOf((await h.store.range(rangeReq('a'))).kvs)).toEqual(['a']);
  });
});
