import type { KeyValue__Output } from '../gen/quorumkv/v1/KeyValue.js';
import type { KeyRange } from './key-range.js';
import type { KvSource } from './kv-source.js';
import { scanEntries, scanKeys, type Keyspace, type Snapshot } from './keyspace.js';
import { decodeStoredKv } from './kv-encoding.js';

/** The latest committed state: the "current" keyspace, raw key -> KeyValue without its key. */
export class LatestSource implements KvSource {
  constructor(
    private readonly current: Keyspace,
    private readonly snapshot?: Snapshot,
  ) {}

  async *scan(range: KeyRange): AsyncGenerator<KeyValue__Output> {
    for await (const [key, value] of scanEntries(this.current, this.bounds(range))) {
      yield decodeStoredKv(key, value);
    }
  }

  scanKeys(range: KeyRange): AsyncGenerator<Buffer> {
    return scanKeys(this.current, this.bounds(range));
  }

  private bounds(range: KeyRange) {
    return { gte: range.start, lt: range.end, snapshot: this.snapshot };
  }
}
