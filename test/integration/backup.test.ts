import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type QuorumkvClient } from '../../src/client/index.js';
import type { HashKVResponse__Output } from '../../src/gen/quorumkv/internal/v1/HashKVResponse.js';
import { CLI_ENTRY } from '../../src/proto/root.js';
import { Storage } from '../../src/proto/services.js';
import { LocalCluster } from '../../src/up/local-cluster.js';
import { loopbackTopology } from '../../src/up/loopback-topology.js';
import { eventually, processLogs, startTestCluster, stopTestCluster, testCertsDir, testPeerCredentials } from '../support/local-cluster.js';

// Backup and restore as an operator runs them: a snapshot taken while writes go on, restored into
// a new cluster whose members hash as the old ones did at the snapshot's revision and take writes;
// a point-in-time snapshot from the retained history; a continuous backup that keeps the last K.
// The restored members start with a log that is not empty, so they count only peers whose
// incarnation they know: restore records every member's in every directory, and without that the
// new cluster elects no leader and the reads and writes below never answer.

const run = promisify(execFile);
const SHORT_TTL_SECONDS = 8;

async function cli(endpoint: string, ...args: string[]): Promise<any> {
  const { stdout } = await run(process.execPath, [CLI_ENTRY, ...args, '--output', 'json'], { env: { ...process.env, QUORUMKV_ENDPOINT: endpoint }, timeout: 60_000 });
  return JSON.parse(stdout);
}

function hashAt(address: string, revision: number): Promise<HashKVResponse__Output> {
  const client = new Storage(address, testPeerCredentials('writer', 'w1'));
  return new Promise((resolve, reject) =>
    client.hashKv({ revision }, { deadline: Date.now() + 10_000 }, (error, response) => {
      client.close();
      if (error) reject(error);
      else resolve(response!);
    }),
  );
}

describe('backup and restore', () => {
  let source: LocalCluster;
  let client: QuorumkvClient;
  const work = mkdtempSync(join(tmpdir(), 'quorumkv-backup-'));

  beforeAll(async () => {
    source = await startTestCluster({ storage: 3, writers: 1 });
    client = connect({ endpoints: [source.topology.gateway.listen], timeoutMs: 10_000 });
  }, 60_000);

  afterAll(async () => {
    client?.close();
    if (source) await stopTestCluster(source);
    rmSync(work, { recursive: true, force: true });
  }, 30_000);

  it('restores a snapshot taken under write load into a new cluster that hashes the same at its revision and takes writes', async () => {
    for (let i = 0; i < 50; i++) await client.put(`key/${String(i).padStart(3, '0')}`, `v0-${i}`);
    // Leases go with the snapshot: a long one that outlives the restore, and a short one that
    // expires in the restored cluster once its TTL has run there in full.
    const long = (await client.grantLease(600)).id;
    const short = (await client.grantLease(SHORT_TTL_SECONDS)).id;
    await client.put('leased/long', 'l', { lease: long });
    await client.put('leased/short', 's', { lease: short });
    const early = (await client.put('marker', 'early')).header!.revision;
    // Writes go on, bounded in count, while the snapshot is taken.
    let writing = true;
    let written = 0;
    const load = (async () => {
      for (let round = 1; writing && round <= 2_000; round++) {
        await client.put(`key/${String(round % 50).padStart(3, '0')}`, `v${round}`);
        written++;
      }
    })();
    await eventually(20_000, async () => {
      if (written < 20) throw new Error(`${written} writes so far`);
    });
    const file = join(work, 'under-load.snap');
    await client.keepLeaseAliveOnce(short);
    const saved = await cli(source.topology.gateway.listen, 'snapshot', 'save', file);
    const writtenDuringSave = written;
    writing = false;
    await load;
    expect(written).toBeGreaterThan(20);
    expect(saved.keys).toBe(53);
    expect(saved.leases).toBe(2);
    expect(saved.revision).toBeGreaterThan(early);
    const afterSave = (await client.put('marker', 'late')).header!.revision;
    expect(afterSave).toBeGreaterThan(saved.revision);

    // The file is the state at its revision: the same hash every old member reports there.
    const status = await cli(source.topology.gateway.listen, 'snapshot', 'status', file);
    expect(status).toMatchObject({ revision: saved.revision, keys: 53, leases: 2, sha256: saved.sha256 });
    for (const member of source.topology.storage) expect((await hashAt(member.listen, saved.revision)).hash, member.id).toBe(status.hash);
    process.stderr.write(`backup: ${writtenDuringSave} writes before and during the save, snapshot at revision ${saved.revision}\n`);

    // Point in time: the state at an earlier revision still in the retained history.
    const earlier = join(work, 'point-in-time.snap');
    const pit = await cli(source.topology.gateway.listen, 'snapshot', 'save', earlier, '--revision', String(early));
    expect(pit.revision).toBe(early);
    expect((await cli(source.topology.gateway.listen, 'snapshot', 'status', earlier)).hash).toBe((await hashAt(source.topology.storage[0].listen, early)).hash);

    // A new cluster from the file, with a fresh cluster name.
    const topology = await loopbackTopology({ storage: 3, writers: 1 }, 'unused');
    const dataDir = join(work, 'restored');
    const members = topology.storage.map((s) => `${s.id}=${s.listen}`).join(',');
    const restored = await cli(source.topology.gateway.listen, 'snapshot', 'restore', file, '--data-dir', dataDir, '--members', members);
    expect(restored).toMatchObject({ revision: saved.revision, keys: 53, hash: status.hash });
    expect(restored.cluster).not.toBe(source.topology.cluster);
    const target = new LocalCluster({ ...topology, cluster: restored.cluster }, dataDir, { output: 'files', certsDir: testCertsDir() });
    target.startAll();
    try {
      await target.waitReady(undefined, 90_000).catch((error: Error) => {
        throw new Error(`${error.message}\n${processLogs(target)}`);
      });
      for (const member of target.topology.storage) expect((await hashAt(member.listen, saved.revision)).hash, member.id).toBe(status.hash);
      const restoredClient = connect({ endpoints: [target.topology.gateway.listen], timeoutMs: 10_000 });
      try {
        const range = await restoredClient.range('key/', { prefix: true });
        expect(range.count).toBe(50);
        expect((await restoredClient.get('marker'))?.value.toString()).toBe('early');
        const longLease = await restoredClient.leaseTimeToLive(long, { keys: true });
        expect(longLease).toMatchObject({ grantedTtl: 600 });
        expect(longLease.ttl).toBeGreaterThan(500);
        expect(longLease.keys.map((k) => k.toString())).toEqual(['leased/long']);
        expect((await restoredClient.leaseTimeToLive(short)).grantedTtl).toBe(SHORT_TTL_SECONDS);
        await eventually(4 * SHORT_TTL_SECONDS * 1000, async () => {
          if (await restoredClient.get('leased/short')) throw new Error('the short lease has not expired in the restored cluster yet');
        });
        expect((await restoredClient.get('leased/long'))?.value.toString()).toBe('l');
        const next = await restoredClient.put('after-restore', 'yes');
        // The short lease's expiry took one revision.
        expect(next.header!.revision).toBe(saved.revision + 2);
        expect((await restoredClient.get('after-restore'))?.value.toString()).toBe('yes');
      } finally {
        restoredClient.close();
      }
    } finally {
      await target.stopAll(5_000);
    }

    // The restored data refuses to run as part of the old cluster.
    const refused = await run(process.execPath, [CLI_ENTRY, 'storage', '--id', 's1', '--cluster', source.topology.cluster, '--listen', '127.0.0.1:1', '--peers', 's1=127.0.0.1:1', '--data-dir', join(dataDir, 's1')]).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(refused?.code).toBe(1);
    expect(refused?.stderr).toMatch(new RegExp(`belongs to cluster "${restored.cluster}"`));
  }, 180_000);

  it('backs up continuously, keeping the newest K snapshots', async () => {
    const dir = join(work, 'continuous');
    const child = spawn(process.execPath, [CLI_ENTRY, 'snapshot', 'backup', dir, '--every', '300ms', '--keep', '2', '--endpoint', source.topology.gateway.listen], { stdio: ['ignore', 'pipe', 'pipe'] });
    const saved: Array<{ file: string; revision: number }> = [];
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const record = JSON.parse(line);
      if (record.msg === 'snapshot saved') saved.push(record);
    });
    try {
      let revision = 0;
      await eventually(60_000, async () => {
        // A write between rounds, so every snapshot has its own revision.
        revision = (await client.put('continuous', String(saved.length))).header!.revision;
        if (saved.length < 4) throw new Error(`${saved.length} snapshots so far`);
      }, 200);
      expect(revision).toBeGreaterThan(0);
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('close', resolve));
    }
    const files = readdirSync(dir).filter((f) => f.endsWith('.qkvsnap')).sort();
    expect(files).toHaveLength(2);
    expect(files.map((f) => join(dir, f))).toEqual(saved.slice(-2).map((s) => s.file));
    for (const file of files) expect((await cli(source.topology.gateway.listen, 'snapshot', 'status', join(dir, file))).keys).toBeGreaterThan(0);
  }, 90_000);
});
