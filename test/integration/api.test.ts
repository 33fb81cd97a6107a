import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_KEY_BYTES, MAX_TXN_OPS, MAX_VALUE_BYTES } from '../../src/api/limits.js';
import { connect, InvalidArgumentError, type QuorumkvClient } from '../../src/client/index.js';
import { CLI_ENTRY } from '../../src/proto/root.js';
import type { LocalCluster } from '../../src/up/local-cluster.js';
import { startTestCluster, stopTestCluster } from '../support/local-cluster.js';

// The public API and the CLI against a real cluster: results, headers, and bad input that is
// refused with a clear status and changes nothing.

const run = promisify(execFile);

describe('the KV API and the CLI', () => {
  let cluster: LocalCluster;
  let client: QuorumkvClient;
  let endpoint: string;

  beforeAll(async () => {
    cluster = await startTestCluster({ storage: 3, writers: 1 });
    endpoint = cluster.topology.gateway.listen;
    client = connect({ endpoints: [endpoint], timeoutMs: 5_000 });
  }, 60_000);

  afterAll(async () => {
    client?.close();
    if (cluster) await stopTestCluster(cluster);
  }, 30_000);

  async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await run(process.execPath, [CLI_ENTRY, ...args], { env: { ...process.env, QUORUMKV_ENDPOINT: endpoint } });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }

  it('puts, gets and deletes with etcd revision semantics and a full header', async () => {
    const first = await client.put('rev/a', '1');
    const second = await client.put('rev/a', '2', { prevKv: true });
    expect(second.header!.revision).toBe(first.header!.revision + 1);
    expect(second.prevKv!.value.toString()).toBe('1');
    expect(second.header!.clusterId).toBeGreaterThan(0);
    expect(second.header!.memberId).toBeGreaterThan(0);
    expect(second.header!.raftTerm).toBeGreaterThan(0);
    const kv = (await client.get('rev/a'))!;
    expect([kv.version, kv.createRevision, kv.modRevision]).toEqual([2, first.header!.revision, second.header!.revision]);
    const old = await client.range('rev/a', { revision: first.header!.revision });
    expect(old.kvs[0].value.toString()).toBe('1');
    await client.put('rev/b', '3');
    expect((await client.range('rev/', { prefix: true, countOnly: true })).count).toBe(2);
    const deleted = await client.delete('rev/', { prefix: true });
    expect(deleted.deleted).toBe(2);
    expect(await client.get('rev/a')).toBeUndefined();
    expect((await client.get('rev/a', { serializable: true })) ?? undefined).toBeUndefined();
  });

  it('runs a compare-and-set transaction on the success and the failure branch', async () => {
    const put = await client.put('cas', 'old');
    const cas = (expected: number) =>
      client.txn({
        compare: [{ key: Buffer.from('cas'), target: 'MOD', result: 'EQUAL', modRevision: expected }],
        success: [{ requestPut: { key: Buffer.from('cas'), value: Buffer.from('new') } }],
        failure: [{ requestRange: { key: Buffer.from('cas') } }],
      });
    const won = await cas(put.header!.revision);
    expect(won.succeeded).toBe(true);
    const lost = await cas(put.header!.revision);
    expect(lost.succeeded).toBe(false);
    expect(lost.responses[0].responseRange!.kvs[0].value.toString()).toBe('new');
  });

  it('refuses bad input with INVALID_ARGUMENT and a message, and changes nothing', async () => {
    const before = (await client.range('\0', { rangeEnd: '\0', countOnly: true })).header!.revision;
    const refusals: Array<[() => Promise<unknown>, RegExp]> = [
      [() => client.put('', 'x'), /key is empty/],
      [() => client.put('k'.repeat(MAX_KEY_BYTES + 1), 'x'), /key is \d+ bytes; the limit is/],
      [() => client.put('big', Buffer.alloc(MAX_VALUE_BYTES + 1)), /value is \d+ bytes; the limit is/],
      [() => client.delete('b', { rangeEnd: 'a' }), /range_end must sort after key/],
      [
        () => client.txn({ success: Array.from({ length: MAX_TXN_OPS + 1 }, (_, i) => ({ requestPut: { key: Buffer.from(`t${i}`), value: Buffer.from('v') } })) }),
        /the limit is 128/,
      ],
      [() => client.txn({ compare: [{ key: Buffer.from('a'), target: 7 as never, result: 'EQUAL', version: 1 }] }), /unknown compare target 7/],
      [() => client.txn({ compare: [{ key: Buffer.from('a'), target: 'VERSION', result: 'EQUAL', value: Buffer.from('v') }] }), /needs the version field/],
      [() => client.txn({ success: [{}] }), /an op must set one of/],
      [() => client.range('a', { revision: -1 }), /revision must be a non-negative integer/],
      [
        () => client.txn({ success: [{ requestPut: { key: Buffer.from('f'), value: Buffer.from('v') } }, { requestRange: { key: Buffer.from('a'), revision: 1e9 } }] }),
        /nothing applied: .*future/,
      ],
    ];
    for (const [call, message] of refusals) {
      const error = await call().then(() => undefined, (e: unknown) => e);
      expect(error, String(message)).toBeInstanceOf(InvalidArgumentError);
      expect((error as Error).message).toMatch(message);
    }
    const after = (await client.range('\0', { rangeEnd: '\0', countOnly: true })).header!.revision;
    expect(after).toBe(before);
  });

  it('refuses a request id reused for a different put, txn or delete-range, and changes nothing', async () => {
    const first = await client.put('reused/k', 'v1', { requestId: 'reused-R' });
    const retry = await client.put('reused/k', 'v1', { requestId: 'reused-R' });
    expect(retry.header!.revision).toBe(first.header!.revision);
    const reuses: Array<() => Promise<unknown>> = [
      () => client.put('reused/k', 'v2', { requestId: 'reused-R' }),
      () => client.txn({ success: [{ requestPut: { key: Buffer.from('reused/k'), value: Buffer.from('v3') } }], requestId: 'reused-R' }),
      () => client.delete('reused/k', { requestId: 'reused-R' }),
    ];
    for (const call of reuses) {
      const error = await call().then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as Error).message).toMatch(/request id reused-R was already used for a different request/);
    }
    const kv = (await client.get('reused/k'))!;
    expect([kv.value.toString(), kv.modRevision]).toEqual(['v1', first.header!.revision]);
  });

  it('has a CLI for put, get, del and status', async () => {
    expect((await cli('put', 'cli-key', 'hello')).stdout.trim()).toBe('OK');
    expect((await cli('get', 'cli-key')).stdout.trim()).toBe('hello');
    const json = JSON.parse((await cli('put', 'cli-key', 'again', '--json')).stdout);
    expect(json.revision).toBeGreaterThan(0);
    const missing = await cli('get', 'no-such-key');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/key "no-such-key" not found/);
    expect((await cli('del', 'cli-key')).stdout.trim()).toBe('1');

    const status = JSON.parse((await cli('status', '--json')).stdout);
    const storage = status.members.filter((m: { role: string }) => m.role === 'storage');
    expect(storage).toHaveLength(3);
    expect(storage.filter((m: { leader: boolean }) => m.leader)).toHaveLength(1);
    for (const field of ['role', 'id', 'address', 'pid', 'zone', 'leader', 'term', 'commitIndex', 'appliedIndex', 'healthy']) {
      expect(storage[0]).toHaveProperty(field);
    }
    const table = (await cli('status')).stdout;
    expect(table).toMatch(/^ROLE\s+ID\s+ADDRESS\s+VERSION\s+PID\s+ZONE\s+LEADER\s+LEARNER\s+TERM\s+RAFT INDEX\s+APPLIED\s+LAG\s+DB SIZE\s+HASH@REV\s+HEALTHY/);
  }, 30_000);

  it('prints a clear error and exits non-zero on bad CLI input', async () => {
    const empty = await cli('put', '', 'x');
    expect(empty.code).not.toBe(0);
    expect(empty.stderr).toMatch(/key is empty/);
    const usage = await cli('put', 'only-key');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/usage: quorumkv put KEY VALUE/);
    const unknown = await cli('frobnicate');
    expect(unknown.code).toBe(2);
  }, 30_000);

  it('serves metrics, health and readiness on every process', async () => {
    for (const spec of [...cluster.topology.storage, ...cluster.topology.writers, cluster.topology.gateway]) {
      const metrics = await (await fetch(`http://${spec.metrics}/metrics`)).text();
      expect(metrics).toMatch(/quorumkv_grpc_requests_total/);
      expect((await fetch(`http://${spec.metrics}/healthz`)).status).toBe(200);
      expect((await fetch(`http://${spec.metrics}/readyz`)).status).toBe(200);
    }
    const storageMetrics = await (await fetch(`http://${cluster.topology.storage[0].metrics}/metrics`)).text();
    for (const name of ['quorumkv_raft_term', 'quorumkv_raft_leader_changes_total', 'quorumkv_raft_proposals_committed_total', 'quorumkv_disk_fsync_duration_seconds_bucket', 'quorumkv_raft_applied_index']) {
      expect(storageMetrics).toContain(name);
    }
    // The data directory's size, as etcd reports its database size: LevelDB has written files.
    const dbSize = Number(storageMetrics.match(/^quorumkv_db_size_bytes\{[^}]*\} (\d+)/m)?.[1]);
    expect(dbSize).toBeGreaterThan(1_000);
  });
});
