import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type QuorumkvClient } from '../../src/client/index.js';
import type { LocalCluster } from '../../src/up/local-cluster.js';
import { eventually, processLogs, startTestCluster, stopTestCluster } from '../support/local-cluster.js';

// Real processes: 3 storage members, 1 writer, 1 gateway. Kill the storage leader, keep
// writing, bring it back, restart everything, and check that no acknowledged write was lost.

const WRITE_GAP_BOUND_MS = 10_000;

describe('a cluster of real processes', () => {
  let cluster: LocalCluster;
  let client: QuorumkvClient;
  const acknowledged = new Map<string, string>();

  beforeAll(async () => {
    cluster = await startTestCluster({ storage: 3, writers: 1 });
    client = connect({ endpoints: [cluster.topology.gateway.listen], timeoutMs: 3_000 });
  }, 60_000);

  afterAll(async () => {
    client?.close();
    if (cluster) await stopTestCluster(cluster);
  }, 30_000);

  async function storageLeader(): Promise<string> {
    const { members } = await client.status();
    const leaders = members.filter((m) => m.role === 'storage' && m.leader && m.healthy);
    if (leaders.length !== 1) throw new Error(`expected one storage leader, saw ${leaders.length}`);
    return leaders[0].id;
  }

  async function write(key: string, value: string): Promise<void> {
    await client.put(key, value);
    acknowledged.set(key, value);
  }

  it('serves writes and reads through the gateway', async () => {
    for (let i = 0; i < 20; i++) await write(`k${i}`, `v${i}`);
    const kv = await client.get('k7');
    expect(kv?.value.toString()).toBe('v7');
    expect(kv?.version).toBe(1);
  }, 20_000);

  it('keeps taking writes after the storage leader is killed, and the old leader catches up', async () => {
    const leader = await eventually(10_000, storageLeader);
    await cluster.signal(leader.value, 'SIGKILL');
    const killedAt = Date.now();
    const gap = await eventually(WRITE_GAP_BOUND_MS, () => write('after-kill', String(killedAt)), 20);
    process.stdout.write(`write gap after killing storage leader ${leader.value}: ${gap.elapsedMs} ms\n`);
    const newLeader = await eventually(10_000, storageLeader);
    expect(newLeader.value).not.toBe(leader.value);
    for (let i = 0; i < 20; i++) await write(`during-${i}`, `d${i}`);

    cluster.startAll([leader.value]);
    await cluster.waitReady([leader.value]);
    await eventually(15_000, async () => {
      const { members } = await client.status();
      const storage = members.filter((m) => m.role === 'storage');
      const restarted = storage.find((m) => m.id === leader.value)!;
      const highest = Math.max(...storage.map((m) => m.commitIndex));
      if (!restarted.healthy || restarted.appliedIndex < highest) {
        throw new Error(`${leader.value} applied ${restarted.appliedIndex} of ${highest}`);
      }
    });
  }, 60_000);

  it('brings back every acknowledged write after the whole cluster restarts', async () => {
    await cluster.stopAll();
    cluster.startAll();
    try {
      await cluster.waitReady();
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${processLogs(cluster)}`);
    }
    const { value: all } = await eventually(10_000, () => client.range('\0', { rangeEnd: '\0' }));
    const stored = new Map(all.kvs.map((kv) => [kv.key.toString(), kv.value.toString()]));
    for (const [key, value] of acknowledged) expect(stored.get(key), key).toBe(value);
    expect(all.kvs.length).toBe(acknowledged.size);
  }, 60_000);
});
