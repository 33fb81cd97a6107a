import * as grpc from '@grpc/grpc-js';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompactedRevisionError, connect, InvalidArgumentError, type QuorumkvClient } from '../../src/client/index.js';
import type { CompactResponse__Output } from '../../src/gen/quorumkv/internal/v1/CompactResponse.js';
import type { HashKVResponse__Output } from '../../src/gen/quorumkv/internal/v1/HashKVResponse.js';
import { Storage } from '../../src/proto/services.js';
import type { LocalCluster } from '../../src/up/local-cluster.js';
import { eventually, startTestCluster, stopTestCluster, testPeerCredentials } from '../support/local-cluster.js';

// A bounded write loop that overwrites the same keys: once snapshots compact the raft log and
// history compaction drops old versions, the log stops growing, old revisions are gone, and the
// data directories grow far slower than the bytes written.

const SNAPSHOT_ENTRIES = 100;
const LOG_TAIL_ENTRIES = 50;
const HISTORY_REVISIONS = 200;
const VALUE_BYTES = 8_192;
const ROUNDS = 5;
const WRITES_PER_ROUND = 600;

/** One call of the internal Storage service on the member at `address`. */
function storageCall<T>(address: string, call: (client: InstanceType<typeof Storage>, done: (error: grpc.ServiceError | null, response?: T) => void) => void): Promise<T> {
  const client = new Storage(address, testPeerCredentials('writer', 'w1'));
  return new Promise<T>((resolve, reject) =>
    call(client, (error, response) => {
      client.close();
      if (error) reject(error);
      else resolve(response!);
    }),
  ).finally(() => client.close());
}

const compactAt = (address: string, revision: number) =>
  storageCall<CompactResponse__Output>(address, (c, done) => c.compact({ revision }, { deadline: Date.now() + 10_000 }, done));
const hashAt = (address: string) =>
  storageCall<HashKVResponse__Output>(address, (c, done) => c.hashKv({ revision: 0 }, { deadline: Date.now() + 10_000 }, done));

function duBytes(dir: string): number {
  return Number(execFileSync('du', ['-sb', dir]).toString().split(/\s/)[0]);
}

describe('a storage tier that runs for months', () => {
  let cluster: LocalCluster;
  let client: QuorumkvClient;

  beforeAll(async () => {
    cluster = await startTestCluster({
      storage: 3,
      writers: 1,
      storageFlags: [`--snapshot-entries=${SNAPSHOT_ENTRIES}`, `--log-tail-entries=${LOG_TAIL_ENTRIES}`, `--auto-compaction-retention=${HISTORY_REVISIONS}`],
    });
    client = connect({ endpoints: [cluster.topology.gateway.listen], timeoutMs: 10_000 });
  }, 60_000);

  afterAll(async () => {
    client?.close();
    if (cluster) await stopTestCluster(cluster);
  }, 30_000);

  it('stops growing its log and history under a bounded overwrite loop', async () => {
    const value = Buffer.alloc(VALUE_BYTES, 7);
    const sizes: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const batch = 16;
      for (let i = 0; i < WRITES_PER_ROUND; i += batch) {
        await Promise.all(Array.from({ length: batch }, (_, j) => client.put(`loop/${(i + j) % 20}`, value)));
      }
      sizes.push(cluster.topology.storage.map((s) => duBytes(join(cluster.dataDir, s.id))).reduce((a, b) => a + b, 0));
    }
    const written = ROUNDS * WRITES_PER_ROUND * VALUE_BYTES * cluster.topology.storage.length;
    process.stdout.write(`data directories after each round of ${WRITES_PER_ROUND} writes: ${sizes.map((b) => `${(b / 1e6).toFixed(1)} MB`).join(', ')} (${(written / 1e6).toFixed(1)} MB of values written)\n`);

    const { value: storage } = await eventually(10_000, async () => {
      const members = (await client.status()).members.filter((m) => m.role === 'storage');
      for (const m of members) {
        if (m.commitIndex - m.firstIndex > SNAPSHOT_ENTRIES + LOG_TAIL_ENTRIES + 20) throw new Error(`${m.id} keeps ${m.commitIndex - m.firstIndex} entries`);
      }
      return members;
    });
    for (const m of storage) expect(m.snapshotIndex).toBeGreaterThan(m.commitIndex - 2 * SNAPSHOT_ENTRIES);
    // Every value lands in the log, the history and the change log: kept forever, the directories
    // would hold several times what was written. Compacted, they hold a fraction of it.
    expect(sizes[sizes.length - 1]).toBeLessThan(written);

    const error = await client.range('loop/1', { revision: 5 }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(CompactedRevisionError);
    expect((error as Error).message).toMatch(/compacted/);
    expect((await client.get('loop/1'))?.value.length).toBe(VALUE_BYTES);
  }, 180_000);

  it('compacts as a log entry: a member that was down while it was committed refuses the same old reads', async () => {
    const members = (await client.status()).members.filter((m) => m.role === 'storage');
    const follower = members.find((m) => !m.leader)!;
    const other = members.find((m) => !m.leader && m.id !== follower.id)!;
    const spec = (id: string) => cluster.topology.storage.find((s) => s.id === id)!;
    await cluster.signal(follower.id, 'SIGKILL');
    let revision = 0;
    for (let i = 0; i < 5; i++) revision = (await client.put('compact/k', `v${i}`)).header!.revision;
    // Through a follower, which forwards the entry to the leader.
    const target = revision - 1;
    const compacted = await compactAt(spec(other.id).listen, target);
    expect(compacted.compactRevision).toBe(target);
    await expect(compactAt(spec(other.id).listen, target)).rejects.toMatchObject({ code: grpc.status.OUT_OF_RANGE });
    cluster.startAll([follower.id]);
    await cluster.waitReady([follower.id]);

    // Reads inside a transaction at a revision below the compact revision are refused by every
    // member alike: had the restarted member not compacted, it alone would apply the put.
    const error = await client
      .txn({ success: [{ requestRange: { key: Buffer.from('compact/k'), revision: target - 1 } }, { requestPut: { key: Buffer.from('compact/diverge'), value: Buffer.from('x') } }] })
      .then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toMatch(/compacted/);
    const marker = (await client.put('compact/marker', 'm')).header!.revision;
    const { value: hashes } = await eventually(10_000, async () => {
      const all = await Promise.all(cluster.topology.storage.map((s) => hashAt(s.listen)));
      if (all.some((h) => h.currentRevision < marker)) throw new Error('a member has not applied the marker yet');
      return all;
    });
    for (const h of hashes) expect(h).toMatchObject({ hash: hashes[0].hash, currentRevision: marker, compactRevision: target });
  }, 60_000);
});
