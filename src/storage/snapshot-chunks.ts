import type { KeyValuePair, KeyValuePair__Output } from '../gen/quorumkv/internal/v1/KeyValuePair.js';

// How a snapshot's state records are cut into chunks of the InstallSnapshot stream, and put back
// together. A chunk is flushed before a record would take it over its byte budget, and a record
// larger than a chunk (a recorded outcome can hold whole previous values) is cut into parts, one
// per chunk, so no chunk ever crosses the gRPC limit between members, whatever the state holds.

export const CHUNK_PAIRS = 512;
export const CHUNK_BYTES = 1024 * 1024;
/** Most a pair's framing and fields take in a chunk besides its key and value. */
const PAIR_FIELDS_BYTES = 24;
/** Largest record a follower puts back together: no response, so no recorded outcome, is larger. */
export const MAX_RECORD_BYTES = 64 * 1024 * 1024;

export interface ChunkLimits {
  pairs: number;
  bytes: number;
}

/** Collects records into chunks; every chunk it hands out is within the limits. */
export class ChunkBuilder {
  private pairs: KeyValuePair[] = [];
  private bytes = 0;

  constructor(private readonly limits: ChunkLimits = { pairs: CHUNK_PAIRS, bytes: CHUNK_BYTES }) {}

  /** Adds one record; answers the chunks that are full now, to send in order. */
  add(key: Buffer, value: Buffer): KeyValuePair[][] {
    const full: KeyValuePair[][] = [];
    const partBytes = this.limits.bytes - key.length - PAIR_FIELDS_BYTES;
    if (partBytes <= 0) throw new Error(`a key of ${key.length} bytes leaves no room for its value in a chunk of ${this.limits.bytes}`);
    let offset = 0;
    do {
      const part = value.subarray(offset, offset + partBytes);
      offset += part.length;
      const size = key.length + part.length + PAIR_FIELDS_BYTES;
      if (this.pairs.length > 0 && (this.bytes + size > this.limits.bytes || this.pairs.length >= this.limits.pairs)) full.push(this.take());
      this.pairs.push(offset < value.length ? { key, value: part, more: true } : { key, value: part });
      this.bytes += size;
    } while (offset < value.length);
    return full;
  }

  /** The last chunk, if anything is left. */
  finish(): KeyValuePair[] | undefined {
    return this.pairs.length > 0 ? this.take() : undefined;
  }

  private take(): KeyValuePair[] {
    const chunk = this.pairs;
    this.pairs = [];
    this.bytes = 0;
    return chunk;
  }
}

/** Thrown on a stream of pairs that does not put back together. */
export class MalformedChunkError extends Error {}

/** Puts records cut into parts back together, on the follower. */
export class RecordAssembler {
  private key: Buffer | undefined;
  private parts: Buffer[] = [];
  private bytes = 0;

  /** The records these pairs complete, in order. */
  take(pairs: KeyValuePair__Output[]): Array<{ key: Buffer; value: Buffer }> {
    const records: Array<{ key: Buffer; value: Buffer }> = [];
    for (const pair of pairs) {
      if (this.key !== undefined && !this.key.equals(pair.key)) throw new MalformedChunkError('a record cut into parts was followed by another key before its last part');
      this.bytes += pair.value.length;
      if (this.bytes > MAX_RECORD_BYTES) throw new MalformedChunkError(`a record of the snapshot is over ${MAX_RECORD_BYTES} bytes`);
      if (pair.more) {
        this.key = pair.key;
        this.parts.push(pair.value);
        continue;
      }
      records.push({ key: pair.key, value: this.parts.length === 0 ? pair.value : Buffer.concat([...this.parts, pair.value]) });
      this.key = undefined;
      this.parts = [];
      this.bytes = 0;
    }
    return records;
  }

  /** A record is still waiting for parts. */
  get incomplete(): boolean {
    return this.key !== undefined;
  }
}
