import { createHash, type Hash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import type { KeyValue, KeyValue__Output } from '../gen/quorumkv/v1/KeyValue.js';
import { codecFor } from '../proto/codec.js';

// The snapshot file: every live key-value of the store at one revision, and its leases.
//
//   "quorumkv-snapshot-v2\n"
//   header: u64be revision ++ u64be compact revision (reads below it are refused after a restore)
//   records: u32be length ++ quorumkv.v1.KeyValue, in key order
//   0xffffffff (end of records) ++ u64be record count
//   leases: u64be lease count ++ (u64be lease id ++ u64be granted TTL in seconds), in id order
//   zero padding to a multiple of 512 bytes
//   sha256 of everything before it (32 bytes)
//
// The frame is etcd's Maintenance.Snapshot stream's (magic, length-prefixed records, end marker,
// page padding, sha256 at the end, which etcdctl checks), so one format serves both
// `quorumkv snapshot save` and etcdctl. Version 1 files, which hold no leases, still read.

export const SNAPSHOT_MAGIC = Buffer.from('quorumkv-snapshot-v2\n');
const SNAPSHOT_MAGIC_V1 = Buffer.from('quorumkv-snapshot-v1\n');
const END_MARKER = 0xffffffff;
const HEADER_BYTES = 16;
const COUNT_BYTES = 8;
const LEASE_BYTES = 16;
const SHA256_BYTES = 32;
const PAGE_BYTES = 512;
/** A record larger than this is a corrupt file, not a key-value (keys and values are bounded). */
const MAX_RECORD_BYTES = 64 * 1024 * 1024;
const CHUNK_BYTES = 1024 * 1024;

const kvCodec = codecFor<KeyValue, KeyValue__Output>('quorumkv.v1.KeyValue');

export interface SnapshotHeader {
  revision: number;
  compactRevision: number;
}

/** A lease as a snapshot keeps it: restored, it runs its granted TTL in full, as after a leader change. */
export interface SnapshotLease {
  id: number;
  ttl: number;
}

export interface SnapshotSummary extends SnapshotHeader {
  keys: number;
  /** Leases in the file; null for a version 1 file, which cannot hold them. */
  leases: number | null;
  bytes: number;
  /** sha256 of the file's content: its last 32 bytes. */
  sha256: string;
}

export class SnapshotFormatError extends Error {
  override name = 'SnapshotFormatError';
}

function u64(value: number): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64BE(BigInt(value));
  return bytes;
}

/**
 * Encodes a snapshot piece by piece: `start`, a `record` per key-value, `end`, then `digest`.
 * Each piece is bytes to send or write as they come, so a file and a stream are the same bytes.
 */
export class SnapshotEncoder {
  private readonly sha: Hash = createHash('sha256');
  private contentBytes = 0;
  private records = 0;

  start(header: SnapshotHeader): Buffer {
    if (!(header.compactRevision <= header.revision)) throw new Error(`compact revision ${header.compactRevision} is above revision ${header.revision}`);
    return this.emit(SNAPSHOT_MAGIC, u64(header.revision), u64(header.compactRevision));
  }

  record(kv: KeyValue__Output | KeyValue): Buffer {
    const record = kvCodec.encode(kv as KeyValue);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(record.length);
    this.records++;
    return this.emit(length, record);
  }

  /** The end marker, the record count, the leases and the padding. */
  end(leases: readonly SnapshotLease[]): Buffer {
    const parts = [Buffer.alloc(4), u64(this.records), u64(leases.length)];
    parts[0]!.writeUInt32BE(END_MARKER);
    for (const lease of [...leases].sort((a, b) => a.id - b.id)) parts.push(u64(lease.id), u64(lease.ttl));
    const written = this.contentBytes + parts.reduce((n, p) => n + p.length, 0);
    parts.push(Buffer.alloc((PAGE_BYTES - (written % PAGE_BYTES)) % PAGE_BYTES));
    return this.emit(...parts);
  }

  /** The sha256 of everything emitted: the last 32 bytes. */
  digest(): Buffer {
    return this.sha.digest();
  }

  get keys(): number {
    return this.records;
  }

  /** Bytes emitted so far, the digest not included. */
  get bytes(): number {
    return this.contentBytes;
  }

  private emit(...parts: Buffer[]): Buffer {
    const bytes = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    this.sha.update(bytes);
    this.contentBytes += bytes.length;
    return bytes;
  }
}

/** Writes a snapshot file record by record; `finish` ends it with the count, the leases, padding and checksum. */
export class SnapshotWriter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  private constructor(
    private readonly file: FileHandle,
    private readonly header: SnapshotHeader,
    private readonly encoder: SnapshotEncoder,
  ) {}

  /** Creates `path` (which must not exist) for a snapshot at `header.revision`. */
  static async create(path: string, header: SnapshotHeader): Promise<SnapshotWriter> {
    const encoder = new SnapshotEncoder();
    const start = encoder.start(header);
    const writer = new SnapshotWriter(await open(path, 'wx'), header, encoder);
    await writer.write(start);
    return writer;
  }

  async add(kv: KeyValue__Output): Promise<void> {
    await this.write(this.encoder.record(kv));
  }

  async finish(leases: readonly SnapshotLease[] = []): Promise<SnapshotSummary> {
    await this.write(this.encoder.end(leases));
    await this.flush();
    const digest = this.encoder.digest();
    await this.file.write(digest);
    await this.file.sync();
    await this.file.close();
    return { ...this.header, keys: this.encoder.keys, leases: leases.length, bytes: this.encoder.bytes + SHA256_BYTES, sha256: digest.toString('hex') };
  }

  /** Closes the file unfinished (the caller deletes it). */
  async abandon(): Promise<void> {
    await this.file.close();
  }

  private async write(bytes: Buffer): Promise<void> {
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    if (this.pendingBytes >= CHUNK_BYTES) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const chunk = Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    await this.file.write(chunk);
  }
}

/**
 * Reads a snapshot file: `header` at once, then every key-value in order from `records()`, then
 * `leases`, and `finish()` checks the count, the padding and the checksum. Memory stays bounded
 * by a chunk (and the leases). A caller must not trust what it read before `finish()` resolved.
 */
export class SnapshotReader {
  private readonly sha: Hash = createHash('sha256');
  private buffered: Buffer = Buffer.alloc(0);
  private position = 0;
  private keys = 0;
  private counted = 0;
  private ended = false;
  private leaseRecords: SnapshotLease[] = [];
  header: SnapshotHeader = { revision: 0, compactRevision: 0 };

  private constructor(
    private readonly path: string,
    private readonly file: FileHandle,
    private readonly contentBytes: number,
    /** Version 2 and later: the file says which leases its keys are attached to. */
    readonly holdsLeases: boolean,
  ) {}

  static async open(path: string): Promise<SnapshotReader> {
    const file = await open(path, 'r');
    try {
      const { size } = await file.stat();
      if (size < SNAPSHOT_MAGIC.length + HEADER_BYTES + 4 + COUNT_BYTES + SHA256_BYTES || (size - SHA256_BYTES) % PAGE_BYTES !== 0) {
        throw new SnapshotFormatError(`${path}: ${size} bytes is not the size of a quorumkv snapshot`);
      }
      const magic = Buffer.alloc(SNAPSHOT_MAGIC.length);
      await file.read(magic, 0, magic.length, 0);
      const version2 = magic.equals(SNAPSHOT_MAGIC);
      if (!version2 && !magic.equals(SNAPSHOT_MAGIC_V1)) throw new SnapshotFormatError(`${path}: not a quorumkv snapshot (no magic line)`);
      const reader = new SnapshotReader(path, file, size - SHA256_BYTES, version2);
      await reader.take(magic.length);
      const header = await reader.take(HEADER_BYTES);
      reader.header = { revision: Number(header.readBigUInt64BE(0)), compactRevision: Number(header.readBigUInt64BE(8)) };
      return reader;
    } catch (error) {
      await file.close();
      throw error;
    }
  }

  async *records(): AsyncGenerator<KeyValue__Output> {
    while (!this.ended) {
      const length = (await this.take(4)).readUInt32BE(0);
      if (length === END_MARKER) {
        await this.readTrailer();
        return;
      }
      if (length > MAX_RECORD_BYTES) throw new SnapshotFormatError(`${this.path}: record ${this.keys + 1} claims ${length} bytes`);
      const bytes = Buffer.from(await this.take(length));
      this.keys++;
      let kv: KeyValue__Output;
      try {
        kv = kvCodec.decode(bytes);
      } catch (error) {
        throw new SnapshotFormatError(`${this.path}: record ${this.keys} does not decode (${(error as Error).message}): the file is damaged`);
      }
      yield kv;
    }
  }

  /** The file's leases, in id order: known once `records()` has ended. */
  get leases(): readonly SnapshotLease[] {
    if (!this.ended) throw new Error('the leases follow the records: read the records first');
    return this.leaseRecords;
  }

  async finish(): Promise<SnapshotSummary> {
    try {
      if (!this.ended) for await (const _ of this.records());
      const padding = await this.take(this.contentBytes - (this.position - this.buffered.length));
      if (padding.some((b) => b !== 0)) throw new SnapshotFormatError(`${this.path}: bytes after the records and leases are not zero padding`);
      const expected = Buffer.alloc(SHA256_BYTES);
      await this.file.read(expected, 0, SHA256_BYTES, this.contentBytes);
      const actual = this.sha.digest();
      if (!actual.equals(expected)) throw new SnapshotFormatError(`${this.path}: checksum mismatch (the file says ${expected.toString('hex')}, its content hashes to ${actual.toString('hex')})`);
      if (this.counted !== this.keys) throw new SnapshotFormatError(`${this.path}: the file counts ${this.counted} records but holds ${this.keys}`);
      return {
        ...this.header,
        keys: this.keys,
        leases: this.holdsLeases ? this.leaseRecords.length : null,
        bytes: this.contentBytes + SHA256_BYTES,
        sha256: actual.toString('hex'),
      };
    } finally {
      await this.close();
    }
  }

  /** After the end marker: the record count, then (version 2) the leases. */
  private async readTrailer(): Promise<void> {
    this.ended = true;
    this.counted = Number((await this.take(COUNT_BYTES)).readBigUInt64BE(0));
    if (!this.holdsLeases) return;
    const count = Number((await this.take(COUNT_BYTES)).readBigUInt64BE(0));
    if (count * LEASE_BYTES > this.contentBytes - (this.position - this.buffered.length)) {
      throw new SnapshotFormatError(`${this.path}: the file claims ${count} leases, more than it has room for`);
    }
    const bytes = await this.take(count * LEASE_BYTES);
    for (let i = 0; i < count; i++) {
      this.leaseRecords.push({ id: Number(bytes.readBigUInt64BE(i * LEASE_BYTES)), ttl: Number(bytes.readBigUInt64BE(i * LEASE_BYTES + 8)) });
    }
  }

  async close(): Promise<void> {
    await this.file.close().catch(() => undefined);
  }

  private async take(n: number): Promise<Buffer> {
    while (this.buffered.length < n) {
      const chunk = Buffer.alloc(Math.min(CHUNK_BYTES, this.contentBytes - this.position));
      if (chunk.length === 0) throw new SnapshotFormatError(`${this.path}: ends inside a record`);
      await this.file.read(chunk, 0, chunk.length, this.position);
      this.position += chunk.length;
      this.sha.update(chunk);
      this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    }
    const out = this.buffered.subarray(0, n);
    this.buffered = this.buffered.subarray(n);
    return out;
  }
}
