import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { restoreSnapshot } from '../../src/backup/restore.js';
import { snapshotStatus } from '../../src/backup/save.js';
import { SnapshotFormatError, SnapshotReader, SnapshotWriter } from '../../src/backup/snapshot-format.js';
import type { KeyValue__Output } from '../../src/gen/quorumkv/v1/KeyValue.js';

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

async function write(path: string, kvs: KeyValue__Output[], revision: number) {
  const writer = await SnapshotWriter.create(path, { revision, compactRevision: revision });
  for (const k of kvs) await writer.add(k);
  return writer.finish();
}

describe('the snapshot file', () => {
  const kvs = [kv('a', '1', 2, 5, 3), kv('b', 'two', 3, 3, 1), kv('c/d', 'x'.repeat(5000), 4, 6, 2)];

  it('reads back every key-value, the revision and the checksum, framed as etcd frames its snapshots', async () => {
    const path = join(tempDir(), 'snap');
    const written = await write(path, kvs, 7);
    const bytes = readFileSync(path);
    expect(bytes.subarray(0, 21).toString()).toBe('quorumkv-snapshot-v1\n');
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
});
