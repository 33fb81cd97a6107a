import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type QuorumkvClient } from '../../src/client/index.js';
import type { Event__Output } from '../../src/gen/quorumkv/v1/Event.js';
import { CLI_ENTRY } from '../../src/proto/root.js';
import type { LocalCluster } from '../../src/up/local-cluster.js';
import { eventually, startTestCluster, stopTestCluster } from '../support/local-cluster.js';

// Leases on real processes: the CLI's lease commands and put --lease, expiry by the storage
// leader's clock (keys vanish after the TTL, never before, all at one revision, on every member),
// and a leader kill in the middle of a lease's life, after which the new leader gives the lease
// its full TTL again.

const run = promisify(execFile);

let cluster: LocalCluster;
let client: QuorumkvClient;

beforeAll(async () => {
  cluster = await startTestCluster({ storage: 3, writers: 1, readers: 1 });
  client = connect({ endpoints: [cluster.topology.gateway.listen], timeoutMs: 10_000 });
}, 120_000);

afterAll(async () => {
  client?.close();
  if (cluster) await stopTestCluster(cluster);
}, 30_000);

async function quorumkv(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [CLI_ENTRY, ...args, '--endpoint', cluster.topology.gateway.listen], { timeout: 30_000 });
  return stdout;
}

/** Resolves with the first batch of events on `prefix` from `fromRevision` that holds a DELETE, and when it arrived. */
async function firstDeletion(prefix: string, fromRevision: number): Promise<{ events: Event__Output[]; atMs: number }> {
  const watcher = client.watch(prefix, { prefix: true, fromRevision });
  try {
    for await (const batch of watcher) {
      if (batch.events.some((e) => e.type === 'DELETE')) return { events: batch.events, atMs: Date.now() };
    }
    throw new Error('the watch ended before any deletion');
  } finally {
    watcher.close();
  }
}

async function storageLeader(): Promise<string> {
  const { members } = await client.status();
  const leaders = members.filter((m) => m.role === 'storage' && m.leader && m.healthy);
  if (leaders.length !== 1) throw new Error(`expected one storage leader, saw ${leaders.length}`);
  return leaders[0].id;
}

/** Every live storage member has the same state hash at one revision. */
async function membersAgree(): Promise<void> {
  const { members } = await client.status({ withHashes: true });
  const hashes = members.filter((m) => m.role === 'storage' && m.healthy).map((m) => `${m.hashRevision}:${m.hash}`);
  expect(hashes.length).toBeGreaterThanOrEqual(2);
  expect(new Set(hashes).size, hashes.join(' ')).toBe(1);
}

describe('the lease commands of the CLI', { timeout: 60_000 }, () => {
  it('grant, put --lease, timetolive --keys, keep-alive --once, list and revoke, which deletes the key', async () => {
    const granted = await quorumkv('lease', 'grant', '60');
    const id = /^lease ([0-9a-f]{16}) granted with TTL\(60s\)\n$/.exec(granted)?.[1];
    expect(id, granted).toBeDefined();
    expect(await quorumkv('put', 'cli/k', 'v', '--lease', id!)).toBe('OK\n');
    expect(JSON.parse(await quorumkv('get', 'cli/k', '-o', 'json'))).toMatchObject({ kvs: [{ key: 'cli/k', lease: id }] });
    expect(await quorumkv('lease', 'timetolive', id!, '--keys')).toMatch(new RegExp(`^lease ${id} granted with TTL\\(60s\\), remaining\\(\\d+s\\), attached keys\\(\\[cli/k\\]\\)\n$`));
    expect(await quorumkv('lease', 'keep-alive', id!, '--once')).toBe(`lease ${id} keepalived with TTL(60)\n`);
    expect((await quorumkv('lease', 'list')).split('\n')).toContain(id);
    expect(await quorumkv('lease', 'revoke', id!)).toBe(`lease ${id} revoked (1 keys deleted)\n`);
    expect(await client.get('cli/k')).toBeUndefined();
    const expired = await run(process.execPath, [CLI_ENTRY, 'lease', 'timetolive', id!, '--endpoint', cluster.topology.gateway.listen]).catch((e: { code: number; stdout: string }) => e);
    expect(expired).toMatchObject({ code: 1, stdout: `lease ${id} already expired\n` });
    const refused = await run(process.execPath, [CLI_ENTRY, 'put', 'cli/k', 'v', '--lease', id!, '--endpoint', cluster.topology.gateway.listen]).catch((e: { code: number; stderr: string }) => e);
    expect(refused).toMatchObject({ code: 1 });
    expect((refused as { stderr: string }).stderr).toMatch(/requested lease [0-9a-f]+ not found.*LeaseNotFoundError/);
  });
});

describe('the reader endpoint', { timeout: 30_000 }, () => {
  it('answers time to live and the list (from the storage leader) and refuses grants and revocations', async () => {
    const reads = connect({ endpoints: [cluster.topology.gateway.readerListen!], timeoutMs: 10_000 });
    try {
      const lease = await client.grantLease(60);
      await client.put('reader/k', 'v', { lease: lease.id });
      const answer = await reads.leaseTimeToLive(lease.id, { keys: true });
      expect(answer.grantedTtl).toBe(60);
      expect(answer.keys.map((key) => key.toString())).toEqual(['reader/k']);
      expect((await reads.leases()).leases.map((l) => l.id)).toContain(lease.id);
      await expect(reads.grantLease(10)).rejects.toThrow(/reads only/);
      await expect(reads.revokeLease(lease.id)).rejects.toThrow(/reads only/);
      // Straight to the reader node too.
      const reader = connect({ endpoints: [cluster.topology.readers[0].listen], timeoutMs: 10_000 });
      try {
        expect((await reader.leaseTimeToLive(lease.id)).grantedTtl).toBe(60);
        await expect(reader.grantLease(10)).rejects.toThrow(/reader node/);
      } finally {
        reader.close();
      }
      await client.revokeLease(lease.id);
    } finally {
      reads.close();
    }
  });
});

describe('expiry by the storage leader', { timeout: 60_000 }, () => {
  it('deletes the keys of a lease left to expire after its TTL and not before, all at one revision, alike on every member', async () => {
    const sentAtMs = Date.now();
    const lease = await client.grantLease(2);
    expect(lease.ttl).toBe(2);
    await client.put('exp/a', '1', { lease: lease.id });
    const put = await client.put('exp/b', '2', { lease: lease.id });
    await client.put('exp/kept', '3');
    const deletion = await firstDeletion('exp/', put.header!.revision + 1);
    // The leader's clock started at the grant's apply, after the request was sent.
    expect(deletion.atMs - sentAtMs).toBeGreaterThanOrEqual(2_000);
    expect(deletion.events.map((e) => [e.type, e.kv!.key.toString()])).toEqual([['DELETE', 'exp/a'], ['DELETE', 'exp/b']]);
    expect(new Set(deletion.events.map((e) => e.kv!.modRevision)).size).toBe(1);
    expect((await client.range('exp/', { prefix: true })).kvs.map((kv) => kv.key.toString())).toEqual(['exp/kept']);
    expect((await client.leaseTimeToLive(lease.id)).ttl).toBe(-1);
    await eventually(10_000, membersAgree);
  });

  it('a lease kept alive outlives its TTL; once it is not renewed, it expires', async () => {
    const lease = await client.grantLease(2);
    const put = await client.put('alive/k', 'v', { lease: lease.id });
    const grantedAtMs = Date.now();
    // Renew whenever the leader reports it half gone, for three TTLs.
    while (Date.now() - grantedAtMs < 6_000) {
      await eventually(3_000, async () => {
        if ((await client.leaseTimeToLive(lease.id)).ttl > 1) throw new Error('not half gone yet');
      }, 100);
      expect((await client.keepLeaseAliveOnce(lease.id)).ttl).toBe(2);
    }
    expect((await client.get('alive/k'))?.value.toString()).toBe('v');
    const renewedAtMs = Date.now();
    const deletion = await firstDeletion('alive/', put.header!.revision + 1);
    expect(deletion.atMs - renewedAtMs).toBeGreaterThanOrEqual(1_000);
    expect((await client.keepLeaseAliveOnce(lease.id)).ttl).toBe(0);
  });

  it('after the storage leader is killed mid-lease, the new leader gives the lease its full TTL again', async () => {
    const ttlSeconds = 6;
    const lease = await client.grantLease(ttlSeconds);
    const put = await client.put('kill/k', 'v', { lease: lease.id });
    // Half way through the lease's life by the leader's clock, kill the leader.
    await eventually(10_000, async () => {
      if ((await client.leaseTimeToLive(lease.id)).ttl > ttlSeconds / 2) throw new Error('not half way yet');
    }, 100);
    const leader = await storageLeader();
    await cluster.signal(leader, 'SIGKILL');
    const killedAtMs = Date.now();
    const newLeader = await eventually(15_000, storageLeader, 100);
    expect(newLeader.value).not.toBe(leader);
    const deletion = await firstDeletion('kill/', put.header!.revision + 1);
    // The old leader's deadline was about ttl/2 after the kill; the new one's is a full TTL after it took over.
    expect(deletion.atMs - killedAtMs).toBeGreaterThanOrEqual(ttlSeconds * 1000);
    expect(deletion.events.map((e) => e.type)).toEqual(['DELETE']);
    process.stdout.write(`lease of ${ttlSeconds} s: killed the leader at half life, new leader after ${newLeader.elapsedMs} ms, keys deleted ${deletion.atMs - killedAtMs} ms after the kill\n`);
    cluster.startAll([leader]);
    await cluster.waitReady([leader]);
    await eventually(20_000, membersAgree, 200);
  });
});
