import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type QuorumkvClient } from '../../src/client/index.js';
import type { LocalCluster } from '../../src/up/local-cluster.js';
import { eventually, processLogs, startTestCluster, stopTestCluster } from '../support/local-cluster.js';

// A storage member that was down while the others compacted their logs catches up from a
// snapshot streamed by the leader; after a full restart, compacted members still hold everything.

const SNAPSHOT_ENTRIES = 40;
const LOG_TAIL_ENTRIES = 10;

async function metric(address: string, name: string): Promise<number> {
  const text = await (await fetch(`http://${address}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(name));
  return Number(line?.split(' ').pop() ?? 0);
}

describe('snapshots and log compaction', () => {
  let cluster: LocalCluster;
  let client: QuorumkvClient;
  const written = new Map<string, string>();

  beforeAll(async () => {
    cluster = await startTestCluster({ storage: 3, writers: 1, storageFlags: [`--snapshot-entries=${SNAPSHOT_ENTRIES}`, `--log-tail-entries=${LOG_TAIL_ENTRIES}`] });
    client = connect({ endpoints: [cluster.topology.gateway.listen], timeoutMs: 10_000 });
  }, 60_000);

  afterAll(async () => {
    client?.close();
    if (cluster) await stopTestCluster(cluster);
  }, 30_000);

  async function storage() {
    return (await client.status({ withHashes: true })).members.filter((m) => m.role === 'storage');
  }

  it('catches up a member that fell behind the compacted log with a snapshot', async () => {
    const { value: members } = await eventually(10_000, async () => {
      const all = await storage();
      if (!all.some((m) => m.leader)) throw new Error('no leader yet');
      return all;
    });
    const follower = members.find((m) => !m.leader)!.id;
    await cluster.signal(follower, 'SIGKILL');
    for (let i = 0; i < 4 * SNAPSHOT_ENTRIES; i++) {
      await client.put(`snap/${i}`, `v${i}`);
      written.set(`snap/${i}`, `v${i}`);
    }
    const leader = (await storage()).find((m) => m.leader)!;
    expect(leader.snapshotIndex).toBeGreaterThan(0);
    expect(leader.firstIndex).toBeGreaterThan(2 * SNAPSHOT_ENTRIES);

    cluster.startAll([follower]);
    await cluster.waitReady([follower]);
    const spec = cluster.topology.storage.find((s) => s.id === follower)!;
    await eventually(20_000, async () => {
      const all = await storage();
      const caughtUp = all.find((m) => m.id === follower)!;
      if (caughtUp.appliedIndex < leader.commitIndex) throw new Error(`${follower} applied ${caughtUp.appliedIndex} of ${leader.commitIndex}`);
      const hashes = new Set(all.map((m) => `${m.hash}@${m.hashRevision}`));
      if (hashes.size !== 1) throw new Error(`hashes differ: ${[...hashes].join(' ')}`);
    }).catch((error: Error) => {
      throw new Error(`${error.message}\n${processLogs(cluster)}`);
    });
    expect(await metric(spec.metrics, 'quorumkv_snapshots_installed_total')).toBeGreaterThanOrEqual(1);
    expect((await client.get('snap/7', { consistency: 'stale' }))?.value.toString()).toBe('v7');
  }, 90_000);

  it('keeps every acknowledged write across a full restart after compaction', async () => {
    await cluster.stopAll();
    cluster.startAll();
    await cluster.waitReady();
    const { value: all } = await eventually(10_000, () => client.range('snap/', { prefix: true }));
    expect(all.kvs.length).toBe(written.size);
    for (const kv of all.kvs) expect(kv.value.toString()).toBe(written.get(kv.key.toString()));
  }, 90_000);
});
