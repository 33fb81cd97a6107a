import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type QuorumkvClient } from '../../src/client/index.js';
import type { LocalCluster } from '../../src/up/local-cluster.js';
import { eventually, startTestCluster, stopTestCluster } from '../support/local-cluster.js';

// A reader node answers serializable one-key reads from its cache of latest values, kept current
// by following the log: after a write, a read-your-writes read (min_revision) never sees the value
// before it, and once the cache has followed past the write, plain serializable reads see it
// without a storage round trip (counted as hits).

/** The cache lookups of the node whose metrics listen at `metrics`, by result. */
async function lookups(metrics: string): Promise<Record<string, number>> {
  const text = await (await fetch(`http://${metrics}/metrics`)).text();
  const counts: Record<string, number> = { hit: 0, miss: 0, bypass: 0 };
  for (const [, result, value] of text.matchAll(/^quorumkv_read_cache_lookups_total\{result="(\w+)"[^}]*\} (\d+)/gm)) counts[result!] = Number(value);
  return counts;
}

/** Enough one-key reads in a second for the node to start following the log (cached-reads.ts), then one that is a hit. */
async function warm(client: QuorumkvClient, metrics: string, key: string, consistency: 'stale' | 'linearizable'): Promise<void> {
  await eventually(15_000, async () => {
    const before = (await lookups(metrics)).hit;
    await Promise.all(Array.from({ length: 60 }, () => client.range(key, { consistency })));
    if ((await lookups(metrics)).hit <= before) throw new Error('no hit yet');
  }, 200);
}

describe('the node cache of latest values', () => {
  let cluster: LocalCluster;
  let writer: QuorumkvClient;
  let reader: QuorumkvClient;

  beforeAll(async () => {
    cluster = await startTestCluster({ storage: 3, writers: 1, readers: 3 });
    writer = connect({ endpoints: [cluster.topology.gateway.listen], timeoutMs: 10_000 });
    reader = connect({ endpoints: [cluster.topology.readers[0]!.listen], timeoutMs: 10_000 });
  }, 60_000);

  afterAll(async () => {
    writer?.close();
    reader?.close();
    if (cluster) await stopTestCluster(cluster);
  }, 30_000);

  it('answers reads from the cache once learned, and never older than a write the read names', async () => {
    const first = await writer.put('cached/k', 'v1');
    const read = (minRevision = 0) => reader.range('cached/k', { consistency: minRevision > 0 ? 'read-your-writes' : 'stale', minRevision });
    expect((await read(first.header!.revision)).kvs[0]?.value.toString()).toBe('v1');
    await warm(reader, cluster.topology.readers[0]!.metrics, 'cached/k', 'stale');
    expect((await read()).kvs[0]?.value.toString()).toBe('v1');

    for (let i = 2; i <= 20; i++) {
      const { header } = await writer.put('cached/k', `v${i}`);
      const answer = await read(header!.revision);
      expect(answer.kvs[0]?.value.toString(), `after write ${i}`).toBe(`v${i}`);
      expect(answer.header!.revision).toBeGreaterThanOrEqual(header!.revision);
    }
    const deleted = await writer.delete('cached/k');
    expect((await read(deleted.header!.revision)).kvs).toEqual([]);
    // The follow brings the deletion into the cache: plain reads stop seeing the key too.
    await eventually(10_000, async () => {
      if ((await read()).kvs.length > 0) throw new Error('still there');
    });
    const counts = await lookups(cluster.topology.readers[0]!.metrics);
    expect(counts.hit).toBeGreaterThan(0);
    expect(counts.miss).toBeGreaterThan(0);
  });

  it('answers linearizable reads on a writer from the cache, each seeing every write acknowledged before it', async () => {
    const direct = connect({ endpoints: [cluster.topology.writers[0]!.listen], timeoutMs: 10_000 });
    try {
      await writer.put('cached/lin', 'v0');
      await warm(direct, cluster.topology.writers[0]!.metrics, 'cached/lin', 'linearizable');
      const before = (await lookups(cluster.topology.writers[0]!.metrics)).hit;
      // Writes through another client; each read begins after the write's answer, so it must see it.
      for (let i = 1; i <= 30; i++) {
        await writer.put('cached/lin', `v${i}`);
        expect((await direct.range('cached/lin')).kvs[0]?.value.toString(), `read after write ${i}`).toBe(`v${i}`);
      }
      await writer.delete('cached/lin');
      expect((await direct.range('cached/lin')).kvs).toEqual([]);
      expect((await lookups(cluster.topology.writers[0]!.metrics)).hit).toBeGreaterThan(before);
    } finally {
      direct.close();
    }
  });

  it('answers a linearizable read after the write before it while the node follows a paused member', async () => {
    // A reader whose home member (the one in its zone, which it follows) is not the leader; with
    // that member paused, its follow stops while writes go on, so only a confirmation round keeps
    // cached answers from being stale.
    const leader = (await writer.status()).members.find((m) => m.role === 'storage' && m.leader)!.id;
    const home = cluster.topology.storage.find((s) => s.id !== leader)!;
    const node = cluster.topology.readers.find((r) => r.zone === home.zone)!;
    const direct = connect({ endpoints: [node.listen], timeoutMs: 10_000 });
    try {
      await writer.put('cached/paused', 'v0');
      // The node follows its home member and holds the key.
      await warm(direct, node.metrics, 'cached/paused', 'stale');
      await cluster.signal(home.id, 'SIGSTOP');
      try {
        for (let i = 1; i <= 5; i++) {
          await writer.put('cached/paused', `v${i}`);
          expect((await direct.range('cached/paused')).kvs[0]?.value.toString(), `read after write ${i}`).toBe(`v${i}`);
        }
      } finally {
        await cluster.signal(home.id, 'SIGCONT');
      }
    } finally {
      direct.close();
    }
  });

  it('sends reads with a staleness bound to storage, which checks it', async () => {
    await writer.put('cached/bounded', 'v');
    const before = (await lookups(cluster.topology.readers[0]!.metrics)).bypass;
    // Within its bound a member may answer from before the write (a follower learns the write is
    // committed only with the leader's next message), so wait for the write to show.
    await eventually(10_000, async () => {
      const answer = await reader.range('cached/bounded', { consistency: 'stale', maxStalenessMs: 5_000 });
      expect(answer.kvs[0]?.value.toString()).toBe('v');
    });
    expect((await lookups(cluster.topology.readers[0]!.metrics)).bypass).toBeGreaterThan(before);
  });
});
