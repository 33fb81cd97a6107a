import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Level } from 'level';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RequestOp__Output } from '../../src/gen/quorumkv/v1/RequestOp.js';
import type { TxnRequest__Output } from '../../src/gen/quorumkv/v1/TxnRequest.js';
import { MIN_LEASE_TTL_SECONDS } from '../../src/mvcc/lease-table.js';
import { MvccStore, type AppliedEntry } from '../../src/mvcc/mvcc-store.js';
import { addOp, applyTxns, b, cmp, delOp, openHarness, putOp, rangeReq, txn, withId, type Harness } from './helpers.js';

// Leases in the replicated state: grants, keys attached by puts, revocations that delete every
// attached key at one revision, and the lease→keys index, all decided in log order alike on
// every member and carried by a copy of the state (what a snapshot sends).

const grantOp = (ttl: number, id = 0): RequestOp__Output => ({ request: 'requestLeaseGrant', requestLeaseGrant: { ttl, id, requestId: '' } });
const revokeOp = (id: number): RequestOp__Output => ({ request: 'requestLeaseRevoke', requestLeaseRevoke: { id, requestId: '' } });
const leasedPut = (key: string, value: string, lease: number, ignoreLease = false): RequestOp__Output => {
  const op = putOp(key, value);
  return { ...op, requestPut: { ...op.requestPut!, lease, ignoreLease } };
};

async function grant(h: Harness, ttl: number, id = 0): Promise<number> {
  const [outcome] = await applyTxns(h, txn([grantOp(ttl, id)]));
  expect(outcome.rejected).toBeUndefined();
  return outcome.response.responses[0].responseLeaseGrant!.id;
}

async function leaseOfKey(h: Harness, key: string): Promise<number | null> {
  const { kvs } = await h.store.range(rangeReq(key));
  return kvs.length === 0 ? null : kvs[0].lease;
}

let h: Harness;
beforeEach(async () => {
  h = await openHarness();
});
afterEach(async () => {
  await h.cleanup();
});

describe('grant', () => {
  it('records the lease without moving the revision, picks a non-zero id, and raises a short TTL to the minimum', async () => {
    const revision = h.store.revision;
    const [outcome] = await applyTxns(h, txn([grantOp(1)]));
    const granted = outcome.response.responses[0].responseLeaseGrant!;
    expect(granted.id).toBeGreaterThan(0);
    expect(granted.ttl).toBe(MIN_LEASE_TTL_SECONDS);
    expect(outcome.revision).toBe(revision);
    expect(h.store.revision).toBe(revision);
    expect(outcome.leaseEffects).toEqual({ granted: [{ id: granted.id, ttl: MIN_LEASE_TTL_SECONDS }], revoked: [] });
    expect(await h.store.lease(granted.id)).toEqual({ id: granted.id, ttl: MIN_LEASE_TTL_SECONDS });
    expect(await h.store.leases()).toEqual([{ id: granted.id, ttl: MIN_LEASE_TTL_SECONDS }]);
  });

  it('grants the id asked for, and refuses it while it is taken', async () => {
    expect(await grant(h, 30, 77)).toBe(77);
    const [again] = await applyTxns(h, txn([grantOp(60, 77)]));
    expect(again.rejected).toMatch(/lease 4d already exists/);
    expect(again.leaseExists).toBe(77);
    expect(await h.store.lease(77)).toEqual({ id: 77, ttl: 30 });
  });

  it('picks different ids for grants in one entry and in different entries', async () => {
    const entry: AppliedEntry = { index: h.nextIndex++, term: 1, txns: [txn([grantOp(10), grantOp(10)]), txn([grantOp(10)])] };
    const [outcomes] = await h.store.apply([entry]);
    const ids = outcomes.flatMap((o) => o.response.responses.map((r) => r.responseLeaseGrant!.id));
    ids.push(await grant(h, 10));
    expect(new Set(ids).size).toBe(4);
    expect((await h.store.leases()).map((l) => l.id).sort()).toEqual([...ids].sort());
  });

  it('answers a repeated request id with the lease it granted the first time, granting nothing more', async () => {
    const request = withId(txn([grantOp(10)]), 'grant-1');
    const [first] = await applyTxns(h, request);
    const [repeat] = await applyTxns(h, request);
    expect(repeat.deduplicated).toBe(true);
    expect(repeat.response.responses[0].responseLeaseGrant!.id).toBe(first.response.responses[0].responseLeaseGrant!.id);
    expect(repeat.leaseEffects).toBeUndefined();
    expect(await h.store.leases()).toHaveLength(1);
  });
});

describe('attach', () => {
  it('a put with a lease attaches the key; one without detaches it; ignore_lease keeps it; an add keeps it', async () => {
    const lease = await grant(h, 10);
    await applyTxns(h, txn([leasedPut('k', 'v1', lease)]));
    expect(await leaseOfKey(h, 'k')).toBe(lease);
    expect(await h.store.leaseKeys(lease, 10)).toEqual([b('k')]);
    await applyTxns(h, txn([leasedPut('k', 'v2', 0, true)]));
    expect(await leaseOfKey(h, 'k')).toBe(lease);
    await applyTxns(h, txn([putOp('n', '1')]), txn([leasedPut('n', '1', lease)]), txn([addOp('n', 2)]));
    expect(await leaseOfKey(h, 'n')).toBe(lease);
    expect(await h.store.leaseKeys(lease, 10)).toEqual([b('k'), b('n')]);
    await applyTxns(h, txn([putOp('k', 'v3')]));
    expect(await leaseOfKey(h, 'k')).toBe(0);
    expect(await h.store.leaseKeys(lease, 10)).toEqual([b('n')]);
  });

  it('moves a key from one lease to another, and drops it from the index when it is deleted', async () => {
    const first = await grant(h, 10);
    const second = await grant(h, 10);
    await applyTxns(h, txn([leasedPut('a', '1', first)]), txn([leasedPut('b', '1', first)]), txn([leasedPut('a', '2', second)]));
    expect(await h.store.leaseKeys(first, 10)).toEqual([b('b')]);
    expect(await h.store.leaseKeys(second, 10)).toEqual([b('a')]);
    await applyTxns(h, txn([delOp('a', 'c')]));
    expect(await h.store.leaseKeys(first, 10)).toEqual([]);
    expect(await h.store.leaseKeys(second, 10)).toEqual([]);
  });

  it('refuses a put with an unknown lease whole, in a txn with other ops, naming the lease', async () => {
    const revision = h.store.revision;
    const [outcome] = await applyTxns(h, txn([putOp('other', 'x'), leasedPut('k', 'v', 12345)]));
    expect(outcome.rejected).toBe('requested lease 3039 not found');
    expect(outcome.leaseNotFound).toBe(12345);
    expect(h.store.revision).toBe(revision);
    expect((await h.store.range(rangeReq('other'))).kvs).toEqual([]);
  });

  it('refuses ignore_lease on a missing key, and with a lease named', async () => {
    const [missing] = await applyTxns(h, txn([leasedPut('nothing', 'v', 0, true)]));
    expect(missing.rejected).toMatch(/not found: ignore_lease needs a key/);
    const lease = await grant(h, 10);
    const [both] = await applyTxns(h, txn([leasedPut('k', 'v', lease, true)]));
    expect(both.rejected).toBe('a put with ignore_lease names no lease');
  });

  it('compares on the lease a key is attached to (0 for a missing key)', async () => {
    const lease = await grant(h, 10);
    await applyTxns(h, txn([leasedPut('k', 'v', lease)]));
    const [held] = await applyTxns(h, txn([putOp('yes', '1')], [cmp('k', 'LEASE', 'EQUAL', lease)]));
    expect(held.response.succeeded).toBe(true);
    const [other] = await applyTxns(h, txn([putOp('no', '1')], [cmp('k', 'LEASE', 'EQUAL', lease + 1)]));
    expect(other.response.succeeded).toBe(false);
    const [missing] = await applyTxns(h, txn([putOp('m', '1')], [cmp('absent', 'LEASE', 'EQUAL', 0)]));
    expect(missing.response.succeeded).toBe(true);
  });

  it('sees a lease granted earlier in the same apply call, and undoes a grant whose txn is rejected', async () => {
    const [outcomes] = await h.store.apply([{ index: h.nextIndex++, term: 1, txns: [txn([grantOp(10, 5)]), txn([leasedPut('k', 'v', 5)]), txn([grantOp(10, 6), addOp('k', 1)])] }]);
    expect(outcomes[1].rejected).toBeUndefined();
    expect(outcomes[2].rejected).toMatch(/integer/);
    expect(await h.store.leases()).toEqual([{ id: 5, ttl: 10 }]);
    expect(await h.store.leaseKeys(5, 10)).toEqual([b('k')]);
  });
});

describe('revoke', () => {
  it('deletes every attached key at one revision and removes the lease', async () => {
    const lease = await grant(h, 10);
    const other = await grant(h, 10);
    await applyTxns(h, txn([leasedPut('a', '1', lease)]), txn([leasedPut('b', '2', lease)]), txn([leasedPut('c', '3', other)]), txn([putOp('d', '4')]));
    const before = h.store.revision;
    const [outcome] = await applyTxns(h, txn([revokeOp(lease)]));
    expect(outcome.response.responses[0].responseLeaseRevoke!.deleted).toBe(2);
    expect(outcome.revision).toBe(before + 1);
    expect(outcome.leaseEffects).toEqual({ granted: [], revoked: [lease] });
    const changes = await h.store.changesAt(before + 1);
    expect(changes.map((c) => [c.kind, c.kv.key.toString(), c.kv.modRevision])).toEqual([
      ['delete', 'a', before + 1],
      ['delete', 'b', before + 1],
    ]);
    expect((await h.store.range(rangeReq(Buffer.of(0), { rangeEnd: Buffer.of(0) }))).kvs.map((kv) => kv.key.toString())).toEqual(['c', 'd']);
    expect(await h.store.lease(lease)).toBeNull();
    expect(await h.store.leaseKeys(lease, 10)).toEqual([]);
    expect(await h.store.leases()).toEqual([{ id: other, ttl: 10 }]);
  });

  it('a lease with no keys is revoked without a new revision; an unknown one is refused', async () => {
    const lease = await grant(h, 10);
    const revision = h.store.revision;
    const [outcome] = await applyTxns(h, txn([revokeOp(lease)]));
    expect(outcome.response.responses[0].responseLeaseRevoke!.deleted).toBe(0);
    expect(h.store.revision).toBe(revision);
    const [again] = await applyTxns(h, txn([revokeOp(lease)]));
    expect(again.leaseNotFound).toBe(lease);
    expect(again.rejected).toMatch(/requested lease [0-9a-f]+ not found/);
  });

  it('deletes keys attached earlier in the same apply call, and not keys detached in it', async () => {
    const lease = await grant(h, 10);
    await applyTxns(h, txn([leasedPut('old', '1', lease)]), txn([leasedPut('moved', '1', lease)]));
    const [outcomes] = await h.store.apply([
      { index: h.nextIndex++, term: 1, txns: [txn([leasedPut('new', '1', lease)]), txn([putOp('moved', '2')]), txn([revokeOp(lease)])] },
    ]);
    expect(outcomes[2].response.responses[0].responseLeaseRevoke!.deleted).toBe(2);
    expect((await h.store.range(rangeReq(Buffer.of(0), { rangeEnd: Buffer.of(0) }))).kvs.map((kv) => kv.key.toString())).toEqual(['moved']);
    expect(await h.store.leaseKeys(lease, 10)).toEqual([]);
  });

  it('a put to a revoked lease is refused', async () => {
    const lease = await grant(h, 10);
    await applyTxns(h, txn([revokeOp(lease)]));
    const [outcome] = await applyTxns(h, txn([leasedPut('k', 'v', lease)]));
    expect(outcome.leaseNotFound).toBe(lease);
  });
});

describe('replication', () => {
  /** A lease workload: grants, attaching puts, moves, deletes and revocations, from a seed. */
  function workload(seed: number, count: number): TxnRequest__Output[] {
    let state = seed;
    const random = (n: number) => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return Math.floor(state / 65_536) % n;
    };
    const txns: TxnRequest__Output[] = [];
    for (let i = 0; i < count; i++) {
      const lease = 1 + random(6);
      const key = `k${random(12)}`;
      switch (random(6)) {
        case 0:
          txns.push(txn([grantOp(5 + random(20), lease)]));
          break;
        case 1:
          txns.push(txn([revokeOp(lease)]));
          break;
        case 2:
          txns.push(txn([putOp(key, String(i))]));
          break;
        case 3:
          txns.push(txn([delOp(key)]));
          break;
        default:
          txns.push(txn([leasedPut(key, String(i), lease)]));
      }
    }
    return txns;
  }

  it('members that apply the same log in different batches agree on leases, keys and outcomes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'quorumkv-lease-'));
    const open = async (name: string) => {
      const db = new Level<Buffer, Buffer>(join(dir, name), { keyEncoding: 'buffer', valueEncoding: 'buffer' });
      await db.open();
      return { db, store: await MvccStore.open(db) };
    };
    const one = await open('one');
    const many = await open('many');
    try {
      const txns = workload(7, 400);
      const entries: AppliedEntry[] = txns.map((t, i) => ({ index: i + 1, term: 1, txns: [t] }));
      const outcomesOne = [];
      for (const entry of entries) outcomesOne.push(...(await one.store.apply([entry])).flat());
      const outcomesMany = [];
      for (let i = 0; i < entries.length; i += 17) outcomesMany.push(...(await many.store.apply(entries.slice(i, i + 17))).flat());
      expect(outcomesMany).toEqual(outcomesOne);
      expect(outcomesOne.filter((o) => o.leaseEffects?.revoked.length).length).toBeGreaterThan(10);
      expect(outcomesOne.filter((o) => o.leaseNotFound).length).toBeGreaterThan(10);
      expect(await many.store.stateHash()).toBe(await one.store.stateHash());
      const leases = await one.store.leases();
      expect(await many.store.leases()).toEqual(leases);
      for (const { id } of leases) expect(await many.store.leaseKeys(id, 100)).toEqual(await one.store.leaseKeys(id, 100));
      // The index is exactly the keys whose KeyValue names the lease.
      const { kvs } = await one.store.range(rangeReq(Buffer.of(0), { rangeEnd: Buffer.of(0) }));
      for (const { id } of leases) {
        expect(await one.store.leaseKeys(id, 100)).toEqual(kvs.filter((kv) => kv.lease === id).map((kv) => kv.key));
      }
      expect(kvs.every((kv) => kv.lease === 0 || leases.some((l) => l.id === kv.lease))).toBe(true);
    } finally {
      await one.db.close();
      await many.db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a copy of the state (what a snapshot sends) keeps the leases and their keys, and revokes them alike', async () => {
    const lease = await grant(h, 15);
    await applyTxns(h, txn([leasedPut('a', '1', lease)]), txn([leasedPut('b', '2', lease)]), txn([putOp('c', '3')]));
    const dir = mkdtempSync(join(tmpdir(), 'quorumkv-lease-copy-'));
    const copy = new Level<Buffer, Buffer>(dir, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
    await copy.open();
    try {
      const pairs: Array<{ type: 'put'; key: Buffer; value: Buffer }> = [];
      for await (const [key, value] of h.db.iterator()) pairs.push({ type: 'put', key, value });
      await copy.batch(pairs);
      const restored = await MvccStore.open(copy);
      expect(await restored.leases()).toEqual([{ id: lease, ttl: 15 }]);
      expect(await restored.leaseKeys(lease, 10)).toEqual([b('a'), b('b')]);
      expect(await restored.stateHash()).toBe(await h.store.stateHash());
      const revoke: AppliedEntry = { index: h.nextIndex++, term: 1, txns: [txn([revokeOp(lease)])] };
      const [[fromCopy]] = await restored.apply([revoke]);
      const [[fromOriginal]] = await h.store.apply([revoke]);
      expect(fromCopy).toEqual(fromOriginal);
      expect(fromCopy.response.responses[0].responseLeaseRevoke!.deleted).toBe(2);
      expect(await restored.stateHash()).toBe(await h.store.stateHash());
    } finally {
      await copy.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
