import { createHash, type Hash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import type { KeyValue, KeyValue__Output } from '../gen/quorumkv/v1/KeyValue.js';
import { codecFor } from '../proto/codec.js';

// The snapshot file: every live key-value of the store at one revision.
//
//   "quorumkv-snapshot-v1\n"
//   header: u64be revision ++ u64be compact revision (reads below it are refused after a restore)
//   records: u32be length ++ quorumkv.v1.KeyValue, in key order
//   0xffffffff (end of records) ++ u64be record count
//   zero padding to a multiple of 512 bytes
//   sha256 of everything before it (32 bytes)
//
// The frame is etcd's Maintenance.Snapshot stream's (magic, length-prefixed records, end marker,
// page padding, sha256 at the end, which etcdctl checks), so one format can serve both
// `quorumkv snapshot save` and etcdctl.

export const SNAPSHOT_MAGIC = Buffer.from('quorumkv-snapshot-v1\n');
const END_MARKER = 0xffffffff;
const HEADER_BYTES = 16;
const COUNT_BYTES = 8;
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

export interface SnapshotSummary extends SnapshotHeader {
  keys: number;
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

/** Writes a snapshot file record by record; `finish` ends it with the count, padding and checksum. */
export class SnapshotWriter {
  private readonly sha: Hash = createHash('sha256');
  private bytes = 0;
  private keys = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  private constructor(
    private readonly file: FileHandle,
    private readonly header: SnapshotHeader,
  ) {}

  /** Creates `path` (which must not exist) for a snapshot at `header.revision`. */
  static async create(path: string, header: SnapshotHeader): Promise<SnapshotWriter> {
    if (!(header.compactRevision <= header.revision)) throw new Error(`compact revision ${header.compactRevision} is above revision ${header.revision}`);
    const writer = new SnapshotWriter(await open(path, 'wx'), header);
    await writer.write(SNAPSHOT_MAGIC, u64(header.revision), u64(header.compactRevision));
    return writer;
  }

  async add(kv: KeyValue__Output): Promise<void> {
    const record = kvCodec.encode(kv);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(record.length);
    this.keys++;
    await this.write(length, record);
  }

  async finish(): Promise<SnapshotSummary> {
    const end = Buffer.alloc(4);
    end.writeUInt32BE(END_MARKER);
    const count = u64(this.keys);
    const written = this.bytes + this.pendingBytes + end.length + count.length;
    await this.write(end, count, Buffer.alloc((PAGE_BYTES - (written % PAGE_BYTES)) % PAGE_BYTES));
    await this.flush();
    const digest = this.sha.digest();
    await this.file.write(digest);
    await this.file.sync();
    await this.file.close();
    return { ...this.header, keys: this.keys, bytes: this.bytes + SHA256_BYTES, sha256: digest.toString('hex') };
  }

  /** Closes the file unfinished (the caller deletes it). */
  async abandon(): Promise<void> {
    await this.file.close();
  }

  private async write(...parts: Buffer[]): Promise<void> {
    for (const part of parts) {
      this.sha.update(part);
      this.pending.push(part);
      this.pendingBytes += part.length;
    }
    if (this.pendingBytes >= CHUNK_BYTES) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const chunk = Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    await this.file.write(chunk);
    this.bytes += chunk.length;
  }
}

/**
 * Reads a snapshot file: `header` at once, then every key-value in order from `records()`, and
 * `finish()` checks the count, the padding and the checksum. Memory stays bounded by a chunk.
 * A caller must not trust what it read before `finish()` resolved.
 */
export class SnapshotReader {
  private readonly sha: Hash = createHash('sha256');
  private buffered: Buffer = Buffer.alloc(0);
  private position = 0;
  private keys = 0;
  private ended = false;
  header: SnapshotHeader = { revision: 0, compactRevision: 0 };

  private constructor(
    private readonly path: string,
    private readonly file: FileHandle,
    private readonly contentBytes: number,
  ) {}

  static async open(path: string): Promise<SnapshotReader> {
    const file = await open(path, 'r');
    try {
      const { size } = await file.stat();
      if (size < SNAPSHOT_MAGIC.length + HEADER_BYTES + 4 + COUNT_BYTES + SHA256_BYTES || (size - SHA256_BYTES) % PAGE_BYTES !== 0) {
        throw new SnapshotFormatError(`${path}: ${size} bytes is not the size of a quorumkv snapshot`);
      }
      const reader = new SnapshotReader(path, file, size - SHA256_BYTES);
      if (!(await reader.take(SNAPSHOT_MAGIC.length)).equals(SNAPSHOT_MAGIC)) throw new SnapshotFormatError(`${path}: not a quorumkv snapshot (no magic line)`);
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
        this.ended = true;
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

  async finish(): Promise<SnapshotSummary> {
    try {
      if (!this.ended) for await (const _ of this.records());
      const count = Number((await this.take(COUNT_BYTES)).readBigUInt64BE(0));
      const padding = await this.take(this.contentBytes - (this.position - this.buffered.length));
      if (padding.some((b) => b !== 0)) throw new SnapshotFormatError(`${this.path}: bytes after the record count are not zero padding`);
      const expected = Buffer.alloc(SHA256_BYTES);
      await this.file.read(expected, 0, SHA256_BYTES, this.contentBytes);
      const actual = this.sha.digest();
      if (!actual.equals(expected)) throw new SnapshotFormatError(`${this.path}: checksum mismatch (the file says ${expected.toString('hex')}, its content hashes to ${actual.toString('hex')})`);
      if (count !== this.keys) throw new SnapshotFormatError(`${this.path}: the file counts ${count} records but holds ${this.keys}`);
      return { ...this.header, keys: this.keys, bytes: this.contentBytes + SHA256_BYTES, sha256: actual.toString('hex') };
    } finally {
      await this.close();
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
