import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { restoreSnapshot } from '../../src/backup/restore.js';
import { snapshotStatus } from '../../src/backup/save.js';
import { SnapshotFormatError, SnapshotReader, SnapshotWriter } from '../../src/backup/snapshot-format.js';
import { createHash } from 'node:crypto';
import { Level } from 'level';
import type { KeyValue, KeyValue__Output } from '../../src/gen/quorumkv/v1/KeyValue.js';
import { MvccStore } from '../../src/mvcc/mvcc-store.js';
import { codecFor } from '../../src/proto/codec.js';
import { StateSlots } from '../../src/storage/state-slots.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'quorumkv-snapshot-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

const kv = (key: string, value: string, create: number, mod: number, version: number): KeyValue__Output => ({
  key: Buffer.from(key),
  value: Buffer.from(value),
  createRevision: create,
  modRevision: mod,
  version,
  lease: 0,
} as KeyValue__Output);

async function write(path: string, kvs: KeyValue__Output[], revision: number, leases: Array<{ id: number; ttl: number }> = []) {
  const writer = await SnapshotWriter.create(path, { revision, compactRevision: revision });
  for (const k of kvs) await writer.add(k);
  return writer.finish(leases);
}

/** A version 1 file, byte by byte as that version laid it out: no lease section. */
function versionOneFile(kvs: KeyValue__Output[], revision: number): Buffer {
  const codec = codecFor<KeyValue, KeyValue__Output>('quorumkv.v1.KeyValue');
  const u64 = (n: number) => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64BE(BigInt(n));
    return b;
  };
  const parts: Buffer[] = [Buffer.from('quorumkv-snapshot-v1\n'), u64(revision), u64(revision)];
  for (const k of kvs) {
    const record = codec.encode(k);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(record.length);
    parts.push(length, record);
  }
  parts.push(Buffer.from([0xff, 0xff, 0xff, 0xff]), u64(kvs.length));
  const size = parts.reduce((n, p) => n + p.length, 0);
  parts.push(Buffer.alloc((512 - (size % 512)) % 512));
  const body = Buffer.concat(parts);
  return Buffer.concat([body, createHash('sha256').update(body).digest()]);
}

/** The leases of a restored member's state, each with its keys. */
async function restoredLeases(dir: string): Promise<Array<{ id: number; ttl: number; keys: string[] }>> {
  const db = new Level<Buffer, Buffer>(dir, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
  await db.open();
  try {
    const state = await MvccStore.open((await StateSlots.open(db)).activeSpace());
    const found: Array<{ id: number; ttl: number; keys: string[] }> = [];
    for (const lease of await state.leases()) found.push({ ...lease, keys: (await state.leaseKeys(lease.id, 100)).map((k) => k.toString()) });
    return found;
  } finally {
    await db.close();
  }
}

describe('the snapshot file', () => {
  const kvs = [kv('a', '1', 2, 5, 3), kv('b', 'two', 3, 3, 1), kv('c/d', 'x'.repeat(5000), 4, 6, 2)];

  it('reads back every key-value, the revision and the checksum, framed as etcd frames its snapshots', async () => {
    const path = join(tempDir(), 'snap');
    const written = await write(path, kvs, 7);
    const bytes = readFileSync(path);
    expect(bytes.subarray(0, 21).toString()).toBe('quorumkv-snapshot-v2\n');
    // etcdctl accepts a size that is a multiple of 512 plus the 32-byte sha256 trailer.
    expect((bytes.length - 32) % 512).toBe(0);
    expect(written).toMatchObject({ revision: 7, keys: 3, bytes: bytes.length });
    const reader = await SnapshotReader.open(path);
    const read: KeyValue__Output[] = [];
    for await (const k of reader.records()) read.push(k);
    expect(await reader.finish()).toEqual(written);
    expect(read.map((k) => [k.key.toString(), k.value.toString(), k.createRevision, k.modRevision, k.version])).toEqual(kvs.map((k) => [k.key.toString(), k.value.toString(), k.createRevision, k.modRevision, k.version]));
  });

  it('refuses a file with a flipped byte, a cut file and a file that is no snapshot, with a clear error', async () => {
    const dir = tempDir();
    const path = join(dir, 'snap');
    await write(path, kvs, 7);
    const bytes = readFileSync(path);
    const flipped = Buffer.from(bytes);
    flipped[40] ^= 0xff;
    writeFileSync(join(dir, 'flipped'), flipped);
    writeFileSync(join(dir, 'cut'), bytes.subarray(0, bytes.length - 512));
    writeFileSync(join(dir, 'other'), Buffer.alloc(1056, 7));
    await expect(snapshotStatus(join(dir, 'flipped'))).rejects.toThrow(SnapshotFormatError);
    await expect(snapshotStatus(join(dir, 'cut'))).rejects.toThrow(/not the size of a quorumkv snapshot|checksum|ends inside/);
    await expect(snapshotStatus(join(dir, 'other'))).rejects.toThrow(/no magic line/);
    // A restore from a bad file leaves no data directory behind.
    const members = new Map([['s1', '127.0.0.1:1'], ['s2', '127.0.0.1:2']]);
    await expect(restoreSnapshot({ file: join(dir, 'flipped'), dataDir: join(dir, 'restored'), members })).rejects.toThrow();
    expect(existsSync(join(dir, 'restored', 's1'))).toBe(false);
  });

  it('restores members whose state hashes as the file does, under a fresh cluster name', async () => {
    const dir = tempDir();
    const path = join(dir, 'snap');
    await write(path, kvs, 7);
    const status = await snapshotStatus(path);
    const members = new Map([['s1', '127.0.0.1:1'], ['s2', '127.0.0.1:2'], ['s3', '127.0.0.1:3']]);
    const result = await restoreSnapshot({ file: path, dataDir: join(dir, 'restored'), members });
    expect(result.hash).toBe(status.hash);
    expect(result.cluster).toMatch(/^restored-[0-9a-f]{12}$/);
    expect(readFileSync(join(dir, 'restored', 's2', 'CLUSTER'), 'utf8').trim()).toBe(result.cluster);
    const again = await restoreSnapshot({ file: path, dataDir: join(dir, 'again'), members });
    expect(again.cluster).not.toBe(result.cluster);
    await expect(restoreSnapshot({ file: path, dataDir: join(dir, 'restored'), members })).rejects.toThrow(/is not empty/);
  });

  it('keeps the leases: a restored key stays attached to its lease, which keeps its granted TTL', async () => {
    const dir = tempDir();
    const path = join(dir, 'snap');
    const leased = [kv('a', '1', 2, 5, 3), { ...kv('b', 'two', 3, 3, 1), lease: 42 }, { ...kv('c', 'x', 4, 6, 1), lease: 42 }];
    const written = await write(path, leased, 7, [{ id: 42, ttl: 30 }, { id: 7, ttl: 5 }]);
    expect(written.leases).toBe(2);
    const reader = await SnapshotReader.open(path);
    expect(() => reader.leases).toThrow(/read the records first/);
    const read: KeyValue__Output[] = [];
    for await (const k of reader.records()) read.push(k);
    expect(reader.leases).toEqual([{ id: 7, ttl: 5 }, { id: 42, ttl: 30 }]);
    expect(await reader.finish()).toEqual(written);
    expect(read.map((k) => k.lease)).toEqual([0, 42, 42]);

    const members = new Map([['s1', '127.0.0.1:1']]);
    await restoreSnapshot({ file: path, dataDir: join(dir, 'restored'), members });
    expect(await restoredLeases(join(dir, 'restored', 's1'))).toEqual([{ id: 7, ttl: 5, keys: [] }, { id: 42, ttl: 30, keys: ['b', 'c'] }]);
  });

  it('still reads a version 1 file, whose keys come back detached from their leases', async () => {
    const dir = tempDir();
    const path = join(dir, 'v1');
    writeFileSync(path, versionOneFile([kv('a', '1', 2, 2, 1), { ...kv('b', '2', 3, 3, 1), lease: 42 }], 3));
    const status = await snapshotStatus(path);
    expect(status).toMatchObject({ revision: 3, keys: 2, leases: null });
    const members = new Map([['s1', '127.0.0.1:1']]);
    const result = await restoreSnapshot({ file: path, dataDir: join(dir, 'restored'), members });
    expect(result.snapshot.keys).toBe(2);
    expect(await restoredLeases(join(dir, 'restored', 's1'))).toEqual([]);
  });

  it('refuses to restore a file whose keys name a lease it does not hold, leaving nothing behind', async () => {
    const dir = tempDir();
    const path = join(dir, 'snap');
    await write(path, [{ ...kv('b', 'two', 3, 3, 1), lease: 42 }], 7, [{ id: 7, ttl: 5 }]);
    const members = new Map([['s1', '127.0.0.1:1']]);
    await expect(restoreSnapshot({ file: path, dataDir: join(dir, 'restored'), members })).rejects.toThrow(/lease\(s\) 42/);
    expect(existsSync(join(dir, 'restored', 's1'))).toBe(false);
  });
});
