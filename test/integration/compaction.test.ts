import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompactedRevisionError, connect, type QuorumkvClient } from '../../src/client/index.js';
import type { LocalCluster } from '../../src/up/local-cluster.js';
import { eventually, startTestCluster, stopTestCluster } from '../support/local-cluster.js';

// A bounded write loop that overwrites the same keys: once snapshots compact the raft log and
// history compaction drops old versions, the log stops growing, old revisions are gone, and the
// data directories grow far slower than the bytes written.

const SNAPSHOT_ENTRIES = 100;
const LOG_TAIL_ENTRIES = 50;
const HISTORY_REVISIONS = 200;
const VALUE_BYTES = 8_192;
const ROUNDS = 5;
const WRITES_PER_ROUND = 600;

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
      storageFlags: [`--snapshot-entries=${SNAPSHOT_ENTRIES}`, `--log-tail-entries=${LOG_TAIL_ENTRIES}`, `--history-revisions=${HISTORY_REVISIONS}`],
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
});
