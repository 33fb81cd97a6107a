import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { connect } from '../../src/client/index.js';
import { recordedFailpoints, type FailpointName } from '../../src/failpoints.js';
import { eventually, processLogs, startTestCluster, stopTestCluster } from './local-cluster.js';

// Crashes storage members at failpoints under load, and checks what a crash must not change.
// Every storage member runs with the points armed to crash, sharing one record file, so each point
// crashes one member once. Under a steady load of writes, a crashed member is brought back once the
// others have compacted their logs past it (it then needs a snapshot, which visits the install
// points; when only those are left, one member is taken down on purpose). Once every point was
// visited: nothing acknowledged is lost, and every member hashes alike.

const SNAPSHOT_ENTRIES = 12;
const LOG_TAIL_ENTRIES = 5;
const KEYS = 40;
/** Writes acknowledged, at least, before the checks: each key written a few times. */
const MIN_WRITES = 3 * KEYS;
/** A member comes back after this many acknowledged writes without it (its log is then behind the others' snapshots), or when no write was acknowledged for this long (quorum lost). */
const RESTART_AFTER_WRITES = 3 * SNAPSHOT_ENTRIES;
const RESTART_AFTER_MS = 1_500;

/** Runs a 3-member cluster through a crash at each of `points`; fails (vitest) if anything is lost. */
export async function crashAtFailpoints(points: readonly FailpointName[], visitBudgetMs: number): Promise<void> {
  const cluster = await startTestCluster({
    storage: 3,
    writers: 1,
    storageFlags: [`--snapshot-entries=${SNAPSHOT_ENTRIES}`, `--log-tail-entries=${LOG_TAIL_ENTRIES}`, '--auto-compaction-retention=10'],
  });
  const client = connect({ endpoints: [cluster.topology.gateway.listen], timeoutMs: 1_500 });
  const recordDir = mkdtempSync(join(tmpdir(), 'quorumkv-failpoints-'));
  try {
    const record = join(recordDir, 'fired');
    const storage = cluster.topology.storage.map((s) => s.id);
    for (const spec of cluster.specs.filter((s) => storage.includes(s.name))) {
      spec.env = { QUORUMKV_FAILPOINTS: points.map((name) => `${name}=crash`).join(','), QUORUMKV_FAILPOINTS_RECORD: record };
    }
    // Armed by a restart with the new environment.
    await Promise.all(storage.map((id) => cluster.signal(id, 'SIGKILL')));
    cluster.startAll(storage);

    /** Per key: every value written, and the highest write acknowledged. */
    const attempted = new Map<string, Set<string>>();
    const acknowledged = new Map<string, number>();
    const down = new Map<string, { since: number; writes: number }>();
    let crashes = 0;
    let acknowledgedWrites = 0;
    const noteCrashes = () => {
      for (const id of storage) {
        if (cluster.isRunning(id) || down.has(id)) continue;
        crashes++;
        down.set(id, { since: Date.now(), writes: 0 });
      }
    };
    const started = Date.now();
    const timeline: Record<string, number> = {};
    let lastWriteAt = started;
    for (let i = 0; (recordedFailpoints(record).size < points.length || acknowledgedWrites < MIN_WRITES) && Date.now() - started < visitBudgetMs; i++) {
      const key = `fp/${i % KEYS}`;
      const value = `v${i}`;
      attempted.set(key, (attempted.get(key) ?? new Set()).add(value));
      const ok = await client.put(key, value).then(
        () => true,
        () => false,
      );
      if (ok) {
        acknowledgedWrites++;
        acknowledged.set(key, i);
        lastWriteAt = Date.now();
      }
      noteCrashes();
      for (const name of recordedFailpoints(record)) if (!(name in timeline)) timeline[name] = Date.now() - started;
      for (const state of down.values()) if (ok) state.writes++;
      // The install points need a member that fell behind the others' snapshots: when only they
      // are left and every member runs, one is taken down (not a crash) to be brought back later.
      const left = points.filter((name) => !recordedFailpoints(record).has(name));
      if (down.size === 0 && left.every((name) => name.startsWith('install-'))) {
        const id = storage[i % storage.length]!;
        await cluster.signal(id, 'SIGKILL');
        down.set(id, { since: Date.now(), writes: 0 });
      }
      for (const [id, state] of down) {
        const stalled = Date.now() - Math.max(lastWriteAt, state.since) > RESTART_AFTER_MS;
        if (state.writes >= RESTART_AFTER_WRITES || stalled) {
          down.delete(id);
          cluster.startAll([id]);
        }
      }
    }
    const visited = recordedFailpoints(record);
    // The last point's process may still be exiting.
    await eventually(5_000, async () => {
      noteCrashes();
      if (crashes < visited.size) throw new Error(`${crashes} crashes seen, ${visited.size} failpoints fired`);
    }).catch(() => undefined);
    // Each crash was a failpoint's: a member that died otherwise (a fatal error) fails here.
    const seen = { visited: [...visited].sort(), crashes };
    expect(seen, `failpoints fired (ms since the load started): ${JSON.stringify(timeline)}`).toEqual({ visited: [...points].sort(), crashes: visited.size });

    // Every point fired once; the members that still run are quiet now. Bring the rest back, unarmed.
    for (const spec of cluster.specs) spec.env = {};
    cluster.startAll(storage.filter((id) => !cluster.isRunning(id)));
    await cluster.waitReady(storage, 30_000);
    await eventually(30_000, async () => {
      const members = (await client.status({ withHashes: true })).members.filter((m) => m.role === 'storage');
      const commit = Math.max(...members.map((m) => m.commitIndex));
      const behind = members.filter((m) => m.appliedIndex < commit).map((m) => m.id);
      if (members.length !== storage.length || behind.length > 0) throw new Error(`not caught up: ${behind.join(', ')}`);
      const hashes = new Set(members.map((m) => `${m.hash}@${m.hashRevision}`));
      if (hashes.size !== 1) throw new Error(`hashes differ: ${[...hashes].join(' ')}`);
    }).catch((error: Error) => {
      throw new Error(`${error.message}\n${processLogs(cluster)}`);
    });
    const { kvs } = await client.range('fp/', { prefix: true });
    const finals = new Map(kvs.map((kv) => [kv.key.toString(), kv.value.toString()]));
    for (const [key, index] of acknowledged) {
      const final = finals.get(key);
      // The last acknowledged write of the key, or a later one whose answer was lost in a crash.
      expect(final !== undefined && attempted.get(key)!.has(final) && Number(final.slice(1)) >= index, `${key}: ${final} after acknowledged v${index}`).toBe(true);
    }
    expect(acknowledgedWrites).toBeGreaterThanOrEqual(MIN_WRITES);
  } finally {
    client.close();
    await stopTestCluster(cluster);
    rmSync(recordDir, { recursive: true, force: true });
  }
}
