import { describe, expect, it } from 'vitest';
import { BackendPool } from '../../src/gateway/backend-pool.js';
import { servedWithoutLeader } from '../../src/gateway/read-consistency.js';
import { varintField } from '../../src/gateway/request-id-field.js';
import { nodeHealth } from '../../src/node/run-node.js';
import { KV } from '../../src/proto/services.js';
import { EtcdKV } from '../../src/proto/etcd-services.js';

// What a node serves while the storage tier has no leader it can reach, and how the gateway
// tells the reads that need a leader from those that do not.

const RANGE = '/quorumkv.v1.KV/Range';
const ETCD_RANGE = '/etcdserverpb.KV/Range';

describe('reads that need no storage leader', () => {
  it('are serializable Range calls, in quorumkv\'s API and in etcd\'s', () => {
    const range = (fields: object) => KV.service.Range.requestSerialize({ key: Buffer.from('k'), ...fields });
    expect(servedWithoutLeader(RANGE, range({ serializable: true }))).toBe(true);
    expect(servedWithoutLeader(RANGE, range({ serializable: true, maxStalenessMs: 300, minRevision: 7 }))).toBe(true);
    expect(servedWithoutLeader(RANGE, range({}))).toBe(false);
    expect(servedWithoutLeader(RANGE, range({ minRevision: 7 }))).toBe(false);
    expect(servedWithoutLeader('/quorumkv.v1.Lease/Leases', range({ serializable: true }))).toBe(false);
    const etcd = EtcdKV.service.Range.requestSerialize({ key: Buffer.from('k'), serializable: true });
    expect(servedWithoutLeader(ETCD_RANGE, etcd)).toBe(true);
    expect(servedWithoutLeader(ETCD_RANGE, EtcdKV.service.Range.requestSerialize({ key: Buffer.from('k') }))).toBe(false);
  });

  it('reads a top-level varint field, 0 when absent, undefined when the bytes do not parse', () => {
    expect(varintField(KV.service.Range.requestSerialize({ key: Buffer.from('k'), maxStalenessMs: 300 }), 21)).toBe(300);
    expect(varintField(KV.service.Range.requestSerialize({ key: Buffer.from('k') }), 21)).toBe(0);
    expect(varintField(Buffer.from([0x0a, 0x05, 0x01]), 7)).toBeUndefined();
  });
});

describe('node health without a storage leader', () => {
  const storage = (answered: number, knowLeader: number) => ({ answered, knowLeader, members: 3 });

  it('a writer cut off from a majority serves reads that need no leader only', () => {
    expect(nodeHealth('writer', storage(3, 0), undefined)).toMatchObject({ ready: true, readsReady: true });
    expect(nodeHealth('writer', storage(2, 0), undefined)).toMatchObject({ ready: true, readsReady: true });
    const cut = nodeHealth('writer', storage(1, 1), undefined);
    expect(cut).toMatchObject({ ready: false, readsReady: true });
    expect(cut.reason).toMatch(/reads that need no leader only: 1 of 3 storage members answered/);
    expect(nodeHealth('writer', storage(0, 0), undefined)).toMatchObject({ ready: false, readsReady: false });
  });

  it('a reader serves linearizable reads while one member it reaches knows a leader, the rest while one answers', () => {
    expect(nodeHealth('reader', storage(1, 1), { lagMs: 0, lagRevisions: 0 })).toMatchObject({ ready: true, readsReady: true });
    expect(nodeHealth('reader', storage(2, 0), { lagMs: 0, lagRevisions: 0 })).toMatchObject({ ready: true, readsReady: true });
    expect(nodeHealth('reader', storage(1, 0), { lagMs: 0, lagRevisions: 0 })).toMatchObject({ ready: false, readsReady: true });
    expect(nodeHealth('reader', storage(3, 3), { lagMs: 60_000, lagRevisions: 9 })).toMatchObject({ ready: false, readsReady: false });
  });
});

describe('the gateway\'s picks', () => {
  it('takes a node that serves only reads needing no leader only when asked to, and only once no healthy node is left', async () => {
    const pool = new BackendPool('writer', () => {}, () => 0);
    await pool.update(new Map([['w1', '127.0.0.1:1'], ['w2', '127.0.0.1:2']]));
    const [w1, w2] = pool.backends;
    w1.healthy = false;
    w1.readsHealthy = true;
    w2.healthy = false;
    w2.readsHealthy = false;
    expect(pool.pick()).toBeUndefined();
    expect(pool.pick(new Set(), true)).toBe(w1);
    w2.healthy = true;
    w2.readsHealthy = true;
    expect(pool.pick()).toBe(w2);
    expect(pool.pick(new Set(), true)).toBe(w1);
    pool.markDown(w1);
    expect(pool.pick(new Set(), true)).toBeUndefined();
    pool.stop();
  });
});
