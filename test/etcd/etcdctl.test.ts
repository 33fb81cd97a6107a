import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshotStatus } from '../../src/backup/save.js';
import { SNAPSHOT_MAGIC, SnapshotReader } from '../../src/backup/snapshot-format.js';
import type { LocalCluster } from '../../src/up/local-cluster.js';
import { startTestCluster, stopTestCluster } from '../support/local-cluster.js';
import { etcdctl, etcdctlWatch } from './etcdctl.js';

// etcdctl 3.4 (Debian's etcd-client) against a writer node's port, unchanged: the etcd v3 API is
// served beside quorumkv's own.

let cluster: LocalCluster;

beforeAll(async () => {
  cluster = await startTestCluster({ storage: 3, writers: 1 });
}, 120_000);

afterAll(async () => {
  if (cluster) await stopTestCluster(cluster);
}, 30_000);

it('an empty store is at revision 1', async () => {
  const { stdout } = await etcdctl(cluster.topology.writers[0].listen, ['get', 'nothing', '-w', 'json']);
  expect(Number(JSON.parse(stdout).header.revision)).toBe(1);
});

for (const via of ['writer', 'gateway'] as const) {
// Each etcdctl run is a process start and a TLS handshake: a dozen of them take seconds on a loaded machine.
describe(`etcdctl through the ${via}`, { timeout: 30_000 }, () => {
  let endpoint: string;
  const ctl = async (...args: string[]) => {
    const result = await etcdctl(endpoint, args);
    expect(result.code, `etcdctl ${args.join(' ')}: ${result.stderr}`).toBe(0);
    return result.stdout;
  };

  beforeAll(async () => {
    endpoint = via === 'writer' ? cluster.topology.writers[0].listen : cluster.topology.gateway.listen;
    // Each pass starts from an empty key space.
    expect((await etcdctl(endpoint, ['del', '', '--from-key'])).code).toBe(0);
  });

  it('puts and gets', async () => {
    expect(await ctl('put', 'greeting', 'hello')).toBe('OK\n');
    expect(await ctl('get', 'greeting')).toBe('greeting\nhello\n');
    const json = JSON.parse(await ctl('get', 'greeting', '-w', 'json'));
    expect(json.kvs[0]).toMatchObject({ version: 1 });
    expect(json.kvs[0].create_revision).toBe(json.kvs[0].mod_revision);
    expect(Buffer.from(json.kvs[0].value, 'base64').toString()).toBe('hello');
  });
  it('gets with prefix, limit, rev, sort and keys-only', async () => {
    for (const [key, value] of [['p/b', '2'], ['p/a', '3'], ['p/c', '1'], ['q', 'x']]) await ctl('put', key, value);
    expect(await ctl('get', 'p/', '--prefix')).toBe('p/a\n3\np/b\n2\np/c\n1\n');
    expect(await ctl('get', 'p/', '--prefix', '--limit=2')).toBe('p/a\n3\np/b\n2\n');
    expect(await ctl('get', 'p/', '--prefix', '--keys-only')).toBe('p/a\n\np/b\n\np/c\n\n');
    expect(await ctl('get', 'p/', '--prefix', '--sort-by=VALUE', '--order=ASCEND', '--print-value-only')).toBe('1\n2\n3\n');
    expect(await ctl('get', 'p/', '--prefix', '--sort-by=KEY', '--order=DESCEND', '--keys-only')).toBe('p/c\n\np/b\n\np/a\n\n');
    expect(await ctl('get', 'p/', '--prefix', '--sort-by=MODIFY', '--order=DESCEND', '--limit=1', '--keys-only')).toBe('p/c\n\n');
    // etcdctl 3.4 has no --count-only (3.5 added it): count_only is tested with the etcd3 client.
    expect(JSON.parse(await ctl('get', 'p/', '--prefix', '--limit=1', '-w', 'json'))).toMatchObject({ count: 3, more: true });
    const first = JSON.parse(await ctl('get', 'p/b', '-w', 'json')).kvs[0];
    await ctl('put', 'p/b', 'changed');
    expect(await ctl('get', 'p/b', `--rev=${first.mod_revision}`, '--print-value-only')).toBe('2\n');
    expect(await ctl('get', 'p/b', '--print-value-only')).toBe('changed\n');
    const future = await etcdctl(endpoint, ['get', 'p/b', '--rev=100000']);
    expect(future.code).not.toBe(0);
    expect(future.stderr).toContain('etcdserver: mvcc: required revision is a future revision');
  });

  it('deletes one key and a prefix, with the previous values', async () => {
    await ctl('put', 'd/1', 'a');
    await ctl('put', 'd/2', 'b');
    expect(await ctl('del', 'd/1', '--prev-kv')).toBe('1\nd/1\na\n');
    expect(await ctl('del', 'd/', '--prefix')).toBe('1\n');
    expect(await ctl('get', 'd/', '--prefix')).toBe('');
  });

  it('compacts: older revisions are gone for reads, newer ones stay, and a repeat or a future revision is refused', async () => {
    await ctl('put', 'c/k', 'v1');
    const old = Number(JSON.parse(await ctl('get', 'c/k', '-w', 'json')).header.revision);
    await ctl('put', 'c/k', 'v2');
    const current = Number(JSON.parse(await ctl('get', 'c/k', '-w', 'json')).header.revision);
    expect(await ctl('get', 'c/k', `--rev=${old}`)).toBe('c/k\nv1\n');
    expect(await ctl('compaction', String(current), '--physical')).toBe(`compacted revision ${current}\n`);
    const below = await etcdctl(endpoint, ['get', 'c/k', `--rev=${old}`]);
    expect(below.code).not.toBe(0);
    expect(below.stderr).toContain('etcdserver: mvcc: required revision has been compacted');
    expect(await ctl('get', 'c/k', `--rev=${current}`)).toBe('c/k\nv2\n');
    const again = await etcdctl(endpoint, ['compaction', String(current)]);
    expect(again.stderr).toContain('etcdserver: mvcc: required revision has been compacted');
    const future = await etcdctl(endpoint, ['compaction', String(current + 1000)]);
    expect(future.stderr).toContain('etcdserver: mvcc: required revision is a future revision');
  });
  it('runs a transaction from interactive input, on both branches', async () => {
    await ctl('put', 't/key', 'old');
    const success = await etcdctl(endpoint, ['txn', '--interactive'], 'value("t/key") = "old"\n\nput t/key new\nput t/other x\n\nget t/key\n\n');
    expect(success.code, success.stderr).toBe(0);
    expect(success.stdout).toContain('SUCCESS');
    expect(await ctl('get', 't/key', '--print-value-only')).toBe('new\n');
    const failure = await etcdctl(endpoint, ['txn', '--interactive'], 'value("t/key") = "old"\n\nput t/key never\n\nget t/key\n\n');
    expect(failure.stdout).toMatch(/FAILURE\n\nt\/key\nnew/);
    const twice = await etcdctl(endpoint, ['txn'], '\nput t/a 1\nput t/a 2\n\n\n');
    expect(twice.stderr).toContain('etcdserver: duplicate key given in txn request');
  });

  it('grants a lease, attaches keys with put --lease, tells its time to live with its keys, keeps it alive and lists it', async () => {
    const granted = await ctl('lease', 'grant', '60');
    const id = /^lease ([0-9a-f]+) granted with TTL\(60s\)\n$/.exec(granted)?.[1];
    expect(id, granted).toBeDefined();
    expect(await ctl('put', 'l/a', '1', `--lease=${id}`)).toBe('OK\n');
    expect(await ctl('put', 'l/b', '2', `--lease=${id}`)).toBe('OK\n');
    expect(await ctl('put', 'l/free', '3')).toBe('OK\n');
    const kv = JSON.parse(await ctl('get', 'l/a', '-w', 'json')).kvs[0];
    expect(kv.lease).toBe(parseInt(id!, 16));
    const ttl = new RegExp(`^lease ${id} granted with TTL\\(60s\\), remaining\\((\\d+)s\\), attached keys\\(\\[l/a l/b\\]\\)\n$`).exec(await ctl('lease', 'timetolive', id!, '--keys'));
    expect(ttl).not.toBeNull();
    // Seconds left by the leader's clock: a few etcdctl runs since the grant.
    expect(Number(ttl![1])).toBeGreaterThan(40);
    expect(Number(ttl![1])).toBeLessThanOrEqual(60);
    expect(await ctl('lease', 'keep-alive', '--once', id!)).toBe(`lease ${id} keepalived with TTL(60)\n`);
    expect((await ctl('lease', 'list')).split('\n')).toContain(id);
    // A key put again without the lease leaves it.
    await ctl('put', 'l/b', '2');
    expect(await ctl('lease', 'timetolive', id!, '--keys')).toContain('attached keys([l/a])');
  });

  it('revokes a lease: its keys are deleted at one revision; the lease is gone for timetolive, put --lease and revoke', async () => {
    const id = /^lease ([0-9a-f]+) granted/.exec(await ctl('lease', 'grant', '60'))![1];
    await ctl('put', 'r/a', '1', `--lease=${id}`);
    await ctl('put', 'r/b', '2', `--lease=${id}`);
    await ctl('put', 'r/c', '3');
    const before = Number(JSON.parse(await ctl('get', 'r/a', '-w', 'json')).header.revision);
    expect(await ctl('lease', 'revoke', id)).toBe(`lease ${id} revoked\n`);
    const after = JSON.parse(await ctl('get', 'r/', '--prefix', '-w', 'json'));
    expect(Number(after.header.revision)).toBe(before + 1);
    expect(after.kvs.map((k: { key: string }) => Buffer.from(k.key, 'base64').toString())).toEqual(['r/c']);
    expect(await ctl('get', 'r/', '--prefix', `--rev=${before}`, '--keys-only')).toBe('r/a\n\nr/b\n\nr/c\n\n');
    expect(await ctl('lease', 'timetolive', id)).toBe(`lease ${id} already expired\n`);
    const put = await etcdctl(endpoint, ['put', 'r/a', 'x', `--lease=${id}`]);
    expect(put.code).not.toBe(0);
    expect(put.stderr).toContain('etcdserver: requested lease not found');
    const revoke = await etcdctl(endpoint, ['lease', 'revoke', id]);
    expect(revoke.stderr).toContain('etcdserver: requested lease not found');
    const unknown = await etcdctl(endpoint, ['put', 'r/z', 'x', '--lease=1234abcd']);
    expect(unknown.stderr).toContain('etcdserver: requested lease not found');
  });

  it('watches from an older revision with previous values, deletes included', async () => {
    const start = JSON.parse(await ctl('put', 'w/k', 'one', '-w', 'json')).header.revision;
    await ctl('put', 'w/k', 'two');
    await ctl('del', 'w/k');
    const output = await etcdctlWatch(endpoint, ['w/', '--prefix', `--rev=${start}`, '--prev-kv'], (out) => out.includes('DELETE\nw/k\ntwo\nw/k\n'));
    // Each event: type, then the previous key and value (when there was one), then the key and value.
    expect(output).toMatch(/^PUT\nw\/k\none\nPUT\nw\/k\none\nw\/k\ntwo\nDELETE\nw\/k\ntwo\nw\/k\n/);
  });
});
}

for (const via of ['writer', 'gateway'] as const) {
describe(`etcdctl cluster and maintenance commands through the ${via}`, () => {
  let endpoint: string;

  beforeAll(() => {
    endpoint = via === 'writer' ? cluster.topology.writers[0].listen : cluster.topology.gateway.listen;
  });

  it('lists the storage members with uint64 ids and the writers as client URLs', async () => {
    const { code, stdout, stderr } = await etcdctl(endpoint, ['member', 'list', '-w', 'json']);
    expect(code, stderr).toBe(0);
    const list = JSON.parse(stdout);
    expect(list.members.map((m: { name: string }) => m.name).sort()).toEqual(['s1', 's2', 's3']);
    for (const member of list.members) {
      expect(typeof member.ID).toBe('number');
      expect(member.peerURLs[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(member.clientURLs).toEqual([`http://${cluster.topology.writers[0].listen}`]);
    }
    const table = await etcdctl(endpoint, ['member', 'list']);
    expect(table.stdout.trim().split('\n')).toHaveLength(3);
  });

  it('reports endpoint status and health', async () => {
    const status = await etcdctl(endpoint, ['endpoint', 'status', '-w', 'json']);
    expect(status.code, status.stderr).toBe(0);
    const [report] = JSON.parse(status.stdout);
    expect(report.Status.version).toBe('3.4.34');
    expect(report.Status.leader).toBeGreaterThan(0);
    expect(report.Status.raftIndex).toBeGreaterThan(0);
    expect(report.Status.raftTerm).toBeGreaterThan(0);
    expect(report.Status.dbSize).toBeGreaterThan(0); // the storage member's data directory, in bytes
    const health = await etcdctl(endpoint, ['endpoint', 'health']);
    expect(health.code, health.stderr).toBe(0);
    expect(health.stdout + health.stderr).toContain('is healthy');
  });

  it('lists no alarms while the replicas agree, and accepts defragment', async () => {
    await etcdctl(endpoint, ['put', 'alarm/k', 'v']);
    const alarms = await etcdctl(endpoint, ['alarm', 'list']);
    expect(alarms.code, alarms.stderr).toBe(0);
    expect(alarms.stdout).toBe('');
    const defrag = await etcdctl(endpoint, ['defrag']);
    expect(defrag.code, defrag.stderr).toBe(0);
    expect(defrag.stdout).toContain('Finished defragmenting');
  });

  it('saves a snapshot that quorumkv snapshot restore reads: every key at one revision, the leases, and its sha256', async () => {
    await etcdctl(endpoint, ['put', 'snap/a', '1']);
    const granted = await etcdctl(endpoint, ['lease', 'grant', '600']);
    const leaseHex = /lease ([0-9a-f]+) granted/.exec(granted.stdout)?.[1];
    expect(leaseHex, granted.stdout + granted.stderr).toBeDefined();
    await etcdctl(endpoint, ['put', 'snap/b', '2', `--lease=${leaseHex}`]);
    const file = join(cluster.dataDir, `${via}.snapshot`);
    const saved = await etcdctl(endpoint, ['snapshot', 'save', file]);
    expect(saved.code, saved.stderr).toBe(0);
    expect(saved.stdout).toContain('Snapshot saved at');
    const bytes = readFileSync(file);
    expect(bytes.subarray(0, SNAPSHOT_MAGIC.length)).toEqual(SNAPSHOT_MAGIC);
    const body = bytes.subarray(0, bytes.length - 32);
    expect(createHash('sha256').update(body).digest()).toEqual(bytes.subarray(bytes.length - 32));
    expect(body.includes(Buffer.from('snap/b'))).toBe(true);

    const status = await snapshotStatus(file);
    expect(status.leases).toBeGreaterThanOrEqual(1);
    const reader = await SnapshotReader.open(file);
    const leased = new Map<string, number>();
    for await (const kv of reader.records()) leased.set(kv.key.toString(), kv.lease);
    const lease = reader.leases.find((l) => l.id === Number.parseInt(leaseHex!, 16));
    await reader.finish();
    expect(leased.get('snap/a')).toBe(0);
    expect(leased.get('snap/b')).toBe(Number.parseInt(leaseHex!, 16));
    expect(lease).toEqual({ id: Number.parseInt(leaseHex!, 16), ttl: 600 });
  });
});
}
