import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type QuorumkvClient } from '../../src/client/index.js';
import type { LocalCluster } from '../../src/up/local-cluster.js';
import { eventually, freePorts, processLogs, startTestCluster, stopTestCluster } from '../support/local-cluster.js';

// Replace a storage voter while writes go on: add a new member as a learner, promote it once it
// caught up, remove an old voter. No acknowledged write is lost and the replicas end equal.

describe('membership changes', () => {
  let cluster: LocalCluster;
  let client: QuorumkvClient;

  beforeAll(async () => {
    cluster = await startTestCluster({ storage: 3, writers: 1, storageFlags: ['--snapshot-entries=50', '--log-tail-entries=10'] });
    client = connect({ endpoints: [cluster.topology.gateway.listen], timeoutMs: 15_000 });
  }, 60_000);

  afterAll(async () => {
    client?.close();
    if (cluster) await stopTestCluster(cluster);
  }, 30_000);

  /** Starts s4 with --join, adds it as a learner, promotes it, removes an old voter; returns it. */
  async function replaceAVoter(acked: string[]): Promise<string> {
    const [listen, metrics] = (await freePorts(2)).map((p) => `127.0.0.1:${p}`);
    const peers = cluster.topology.storage.map((s) => `${s.id}=${s.listen}`).join(',');
    cluster.add({
      name: 's4',
      role: 'storage',
      metrics,
      args: ['storage', '--id=s4', '--cluster=test', `--listen=${listen}`, `--peers=${peers}`, '--join', `--data-dir=${join(cluster.dataDir, 's4')}`, `--metrics-listen=${metrics}`],
    });
    cluster.startAll(['s4']);
    const added = await client.addMember('s4', listen);
    expect(added.members.find((m) => m.id === 's4')?.role).toBe('learner');
    // The learner says so itself in the status report, beside its data directory's size.
    await eventually(15_000, async () => {
      const s4 = (await client.status()).members.find((m) => m.role === 'storage' && m.id === 's4');
      if (!s4?.healthy || !s4.learner || !(s4.dbSizeBytes > 0)) throw new Error(`s4 reports ${JSON.stringify(s4)}`);
    });
    await eventually(30_000, () => client.promoteMember('s4'), 200);
    const removed = (await client.members()).members.find((m) => m.id !== 's4')!.id;
    await client.removeMember(removed);
    const after = await eventually(15_000, () => client.members());
    expect(after.value.members.map((m) => [m.id, m.role]).sort()).toEqual(
      ['s1', 's2', 's3', 's4'].filter((id) => id !== removed).map((id) => [id, 'voter']),
    );
    await cluster.signal(removed, 'SIGTERM');
    // Writes go on through the new configuration before the checks.
    const target = acked.length + 50;
    await eventually(20_000, async () => {
      if (acked.length < target) throw new Error(`${acked.length} writes so far`);
    });
    return removed;
  }

  it('replaces a storage voter while writes continue, losing nothing', async () => {
    const acked: string[] = [];
    let writing = true;
    const writer = (async () => {
      for (let i = 0; writing && i < 5_000; i++) {
        await client.put(`member/${i}`, String(i));
        acked.push(`member/${i}`);
      }
    })();
    try {
      await replaceAVoter(acked);
    } finally {
      writing = false;
      await writer;
    }
    const { value: all } = await eventually(15_000, () => client.range('member/', { prefix: true }));
    const stored = new Set(all.kvs.map((kv) => kv.key.toString()));
    for (const key of acked) expect(stored.has(key), key).toBe(true);
    await eventually(20_000, async () => {
      const storage = (await client.status({ withHashes: true })).members.filter((m) => m.role === 'storage' && m.healthy);
      const hashes = new Set(storage.map((m) => `${m.hash}@${m.hashRevision}`));
      if (storage.length !== 3 || hashes.size !== 1) throw new Error(`replicas: ${storage.map((m) => `${m.id} ${m.hash.slice(0, 8)}@${m.hashRevision}`).join(', ')}`);
      // Promoted and the old voters: none is a learner now.
      expect(storage.map((m) => m.learner)).toEqual([false, false, false]);
    }).catch((error: Error) => {
      throw new Error(`${error.message}\n${processLogs(cluster)}`);
    });
  }, 120_000);

  it('refuses bad membership changes with a clear error', async () => {
    await expect(client.addMember('Bad Id', '127.0.0.1:1')).rejects.toThrow(/member id/);
    await expect(client.addMember('s9', 'nowhere')).rejects.toThrow(/member address/);
    await expect(client.promoteMember('s9')).rejects.toThrow(/is not a learner/);
    await expect(client.removeMember('s9')).rejects.toThrow(/is not a member/);
  });

  it('answers a change once it is applied, also when nothing else is being written', async () => {
    const [address] = (await freePorts(1)).map((p) => `127.0.0.1:${p}`);
    const added = await client.addMember('s5', address);
    expect(added.members.find((m) => m.id === 's5')?.role).toBe('learner');
    expect((await client.addMember('s5', address)).members.filter((m) => m.id === 's5')).toHaveLength(1);
    const removed = await client.removeMember('s5');
    expect(removed.members.some((m) => m.id === 's5')).toBe(false);
  }, 60_000);
});
