import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_REQUEST_BYTES, MAX_VALUE_BYTES } from '../../src/api/limits.js';
import { connect, type QuorumkvClient } from '../../src/client/index.js';
import type { TxnRequest } from '../../src/gen/quorumkv/v1/TxnRequest.js';
import type { TxnRequest__Output } from '../../src/gen/quorumkv/v1/TxnRequest.js';
import { codecFor } from '../../src/proto/codec.js';
import type { LocalCluster } from '../../src/up/local-cluster.js';
import { eventually, processLogs, startTestCluster, stopTestCluster } from '../support/local-cluster.js';

// Messages between storage members stay under the gRPC limit whatever the writes: a transaction a
// few bytes under the request limit replicates, a follower catches up over appends of 1 MiB
// entries, and over a snapshot holding a record larger than any chunk (the recorded outcome of a
// transaction with three previous values of up to 1 MiB).

const SNAPSHOT_ENTRIES = 30;
const LOG_TAIL_ENTRIES = 5;
const txnCodec = codecFor<TxnRequest, TxnRequest__Output>('quorumkv.v1.TxnRequest');

async function metric(address: string, name: string): Promise<number> {
  const text = await (await fetch(`http://${address}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(name));
  return Number(line?.split(' ').pop() ?? 0);
}

/** Puts a, b and c (returning their previous values) in one request of `bytes` bytes exactly. */
function nearLimitTxn(bytes: number, fill: number): TxnRequest {
  const put = (key: string, value: Buffer) => ({ requestPut: { key: Buffer.from(key), value, prevKv: true } });
  const build = (cBytes: number): TxnRequest => ({
    success: [put('big/a', Buffer.alloc(MAX_VALUE_BYTES, fill)), put('big/b', Buffer.alloc(MAX_VALUE_BYTES, fill)), put('big/c', Buffer.alloc(cBytes, fill))],
    requestId: `near-limit-${fill}`,
  });
  // The length prefix of c's value grows with it: settle its size in a few rounds.
  let cBytes = bytes - txnCodec.encode(build(0)).length;
  for (let i = 0; i < 4; i++) cBytes += bytes - txnCodec.encode(build(cBytes)).length;
  const txn = build(cBytes);
  expect(txnCodec.encode(txn).length).toBe(bytes);
  return txn;
}

describe('large messages between storage members', () => {
  let cluster: LocalCluster;
  let client: QuorumkvClient;

  beforeAll(async () => {
    cluster = await startTestCluster({ storage: 3, writers: 1, storageFlags: [`--snapshot-entries=${SNAPSHOT_ENTRIES}`, `--log-tail-entries=${LOG_TAIL_ENTRIES}`] });
    client = connect({ endpoints: [cluster.topology.gateway.listen], timeoutMs: 20_000 });
  }, 60_000);

  afterAll(async () => {
    client?.close();
    if (cluster) await stopTestCluster(cluster);
  }, 30_000);

  async function storage() {
    return (await client.status({ withHashes: true })).members.filter((m) => m.role === 'storage');
  }

  /** Waits until `follower` applied what the leader committed and every member hashes alike. */
  async function caughtUp(follower: string, timeoutMs: number): Promise<void> {
    const leader = (await storage()).find((m) => m.leader)!;
    await eventually(timeoutMs, async () => {
      const all = await storage();
      const member = all.find((m) => m.id === follower)!;
      if (member.appliedIndex < leader.commitIndex) throw new Error(`${follower} applied ${member.appliedIndex} of ${leader.commitIndex}`);
      const hashes = new Set(all.map((m) => `${m.hash}@${m.hashRevision}`));
      if (hashes.size !== 1) throw new Error(`hashes differ: ${[...hashes].join(' ')}`);
    }).catch((error: Error) => {
      throw new Error(`${error.message}\n${processLogs(cluster)}`);
    });
  }

  it('replicates a transaction just under the request limit and catches a paused follower up over 1 MiB appends', async () => {
    const { value: members } = await eventually(10_000, async () => {
      const all = await storage();
      if (!all.some((m) => m.leader)) throw new Error('no leader yet');
      return all;
    });
    for (const key of ['big/a', 'big/b', 'big/c']) await client.put(key, Buffer.alloc(MAX_VALUE_BYTES, 1));
    const follower = members.find((m) => !m.leader)!.id;
    await cluster.signal(follower, 'SIGSTOP');
    try {
      // Its log entry is a few bytes over the request limit, its append message more.
      const response = await client.txn(nearLimitTxn(MAX_REQUEST_BYTES - 16, 2));
      expect(response.succeeded).toBe(true);
      expect(response.responses.map((r) => r.responsePut?.prevKv?.value.length)).toEqual([MAX_VALUE_BYTES, MAX_VALUE_BYTES, MAX_VALUE_BYTES]);
      for (let i = 0; i < 5; i++) await client.put(`big/${i}`, Buffer.alloc(MAX_VALUE_BYTES - 64, i));
    } finally {
      await cluster.signal(follower, 'SIGCONT');
    }
    await caughtUp(follower, 30_000);
    expect((await client.get('big/b'))?.value.equals(Buffer.alloc(MAX_VALUE_BYTES, 2))).toBe(true);
  }, 120_000);

  it('installs a snapshot holding a record larger than any chunk on a follower that fell behind the log', async () => {
    const follower = (await storage()).find((m) => !m.leader)!.id;
    await cluster.signal(follower, 'SIGKILL');
    // The outcome recorded for this id holds three previous values: a record of about 3 MiB.
    expect((await client.txn(nearLimitTxn(MAX_REQUEST_BYTES - 4096, 3))).succeeded).toBe(true);
    for (let i = 0; i < 3 * SNAPSHOT_ENTRIES; i++) await client.put(`small/${i}`, `v${i}`);
    const leader = (await storage()).find((m) => m.leader)!;
    cluster.startAll([follower]);
    await cluster.waitReady([follower]);
    expect(leader.firstIndex).toBeGreaterThan(SNAPSHOT_ENTRIES);
    await caughtUp(follower, 40_000);
    const spec = cluster.topology.storage.find((s) => s.id === follower)!;
    expect(await metric(spec.metrics, 'quorumkv_snapshots_installed_total')).toBeGreaterThanOrEqual(1);
    expect((await client.get('big/a'))?.value.equals(Buffer.alloc(MAX_VALUE_BYTES, 3))).toBe(true);
  }, 120_000);
});
