import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, InvalidArgumentError, type QuorumkvClient } from '../../src/client/index.js';
import type { LocalCluster } from '../../src/up/local-cluster.js';
import { eventually, startTestCluster, stopTestCluster } from '../support/local-cluster.js';

// What an operator reads off a running cluster: JSON log lines that name their process, slow and
// failed requests with their request ids, and metrics in base units with etcd's names beside ours.

type LogLine = Record<string, unknown> & { level: string; msg: string; role: string; id: string; cluster: string };

describe('logs and metrics of a running cluster', () => {
  let cluster: LocalCluster;
  let writer: QuorumkvClient;

  const linesOf = (name: string): LogLine[] =>
    readFileSync(join(cluster.dataDir, 'logs', `${name}.log`), 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as LogLine);

  beforeAll(async () => {
    // Every request counts as slow, so that one is logged whatever the machine's speed.
    process.env.QUORUMKV_SLOW_REQUEST_MS = '0';
    try {
      cluster = await startTestCluster({ storage: 3, writers: 1, readers: 1 });
    } finally {
      delete process.env.QUORUMKV_SLOW_REQUEST_MS;
    }
    writer = connect({ endpoints: [cluster.topology.writers[0].listen], timeoutMs: 5_000 });
  }, 60_000);

  afterAll(async () => {
    writer?.close();
    if (cluster) await stopTestCluster(cluster);
  }, 30_000);

  it('every server logs JSON lines with level, role, id and cluster, and no other output', () => {
    const t = cluster.topology;
    const roles = new Map<string, string>([...t.storage.map((s) => [s.id, 'storage'] as const), ...t.writers.map((w) => [w.id, 'writer'] as const), ...t.readers.map((r) => [r.id, 'reader'] as const), [t.gateway.id, 'gateway']]);
    expect(readdirSync(join(cluster.dataDir, 'logs')).sort()).toEqual([...roles.keys()].map((n) => `${n}.log`).sort());
    for (const [name, role] of roles) {
      const lines = linesOf(name);
      expect(lines.length, name).toBeGreaterThan(0);
      for (const line of lines) {
        expect(line, name).toMatchObject({ role, id: name, cluster: 'test' });
        expect(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).toContain(line.level);
        expect(typeof line.time).toBe('string');
      }
      expect(lines.some((l) => / listening$/.test(l.msg)), name).toBe(true);
    }
  });

  it('logs slow and failed requests with their request ids', async () => {
    await writer.put('logged', 'v', { requestId: 'operator-slow-1' });
    await expect(writer.put('', 'v', { requestId: 'operator-bad-1' })).rejects.toBeInstanceOf(InvalidArgumentError);
    const name = cluster.topology.writers[0].id;
    const { value: lines } = await eventually(5_000, async () => {
      const lines = linesOf(name);
      if (!lines.some((l) => l.requestId === 'operator-bad-1')) throw new Error('not logged yet');
      return lines;
    });
    const slow = lines.find((l) => l.requestId === 'operator-slow-1');
    expect(slow).toMatchObject({ level: 'warn', code: 'OK', role: 'writer', id: name });
    expect(slow!.msg).toMatch(/^slow request: KV\/Put/);
    expect(slow!.durationSeconds).toBeGreaterThanOrEqual(0);
    const failed = lines.find((l) => l.requestId === 'operator-bad-1');
    expect(failed).toMatchObject({ code: 'INVALID_ARGUMENT', role: 'writer' });
    expect(failed!.msg).toMatch(/^request failed: KV\/Put/);
    expect(String(failed!.error)).toMatch(/key is empty/);
  });

  it('exports metrics in base units, with etcd names beside ours', async () => {
    const text = await (await fetch(`http://${cluster.topology.storage[0].metrics}/metrics`)).text();
    for (const name of [
      'quorumkv_raft_has_leader',
      'etcd_server_has_leader',
      'etcd_server_is_leader',
      'etcd_server_leader_changes_seen_total',
      'etcd_server_proposals_pending',
      'etcd_server_proposals_applied_total',
      'etcd_server_proposals_committed_total',
      'etcd_server_proposals_failed_total',
      'etcd_disk_wal_fsync_duration_seconds_bucket',
      'etcd_disk_backend_commit_duration_seconds_bucket',
      'quorumkv_disk_backend_commit_duration_seconds_bucket',
      'etcd_mvcc_db_total_size_in_bytes',
    ]) {
      expect(text, name).toMatch(new RegExp(`^${name}(\\{| )`, 'm'));
    }
    expect(text).toMatch(/^etcd_server_has_leader\{[^}]*\} 1$/m);
    // A write went through: some proposals were applied, and the WAL histogram counted fsyncs.
    expect(Number(text.match(/^etcd_server_proposals_applied_total\{[^}]*\} (\d+)/m)?.[1])).toBeGreaterThan(0);
    expect(Number(text.match(/^etcd_disk_wal_fsync_duration_seconds_count\{[^}]*\} (\d+)/m)?.[1])).toBeGreaterThan(0);
    // Peers are probed at start, so every peer has a round-trip time.
    const peers = cluster.topology.storage.slice(1).map((s) => s.id);
    await eventually(10_000, async () => {
      const now = await (await fetch(`http://${cluster.topology.storage[0].metrics}/metrics`)).text();
      for (const peer of peers) {
        if (!new RegExp(`^etcd_network_peer_round_trip_time_seconds_count\\{[^}]*To="${peer}"[^}]*\\} [1-9]`, 'm').test(now)) throw new Error(`no round trip to ${peer} yet`);
        if (!new RegExp(`^quorumkv_network_peer_round_trip_time_seconds_count\\{[^}]*to="${peer}"`, 'm').test(now)) throw new Error(`no round trip to ${peer} yet`);
      }
    });
    const reader = await (await fetch(`http://${cluster.topology.readers[0].metrics}/metrics`)).text();
    expect(reader).toMatch(/^quorumkv_replica_lag_seconds\{/m);
    expect(reader).not.toMatch(/_milliseconds/);
  });
});
