import type { KeyValue__Output } from '../gen/quorumkv/v1/KeyValue.js';
import { assert } from './assert.js';
import { decodeHistoryKey, keyGroupStart } from './key-encoding.js';
import type { KeyRange } from './key-range.js';
import type { KvSource } from './kv-source.js';
import { scanEntries, type Keyspace, type Snapshot } from './keyspace.js';
import { decodeHistoryRecord } from './kv-encoding.js';

/**
 * The state as of an older revision, read from the history keyspace ((key, revision) -> record).
 * For each key, the last record at or below the revision wins; a tombstone there means the key
 * did not exist. Cost is proportional to the history of the keys in range, which compaction bounds.
 */
export class HistorySource implements KvSource {
  constructor(
    private readonly history: Keyspace,
    private readonly revision: number,
    private readonly snapshot?: Snapshot,
  ) {
    assert(revision >= 0, 'history read at a negative revision');
  }

  async *scan(range: KeyRange): AsyncGenerator<KeyValue__Output> {
    let currentKey: Buffer | null = null;
    let visible: KeyValue__Output | null = null;
    for await (const [encoded, record] of scanEntries(this.history, this.bounds(range))) {
      const { key, revision } = decodeHistoryKey(encoded);
      if (currentKey === null || !currentKey.equals(key)) {
        if (visible !== null) yield visible;
        currentKey = key;
        visible = null;
      }
      // Records of one key come in revision order, so later ones simply replace earlier ones.
      if (revision <= this.revision) visible = decodeHistoryRecord(key, record);
    }
    if (visible !== null) yield visible;
  }

  async *scanKeys(range: KeyRange): AsyncGenerator<Buffer> {
    for await (const kv of this.scan(range)) yield kv.key;
  }

  private bounds(range: KeyRange) {
    const lt = range.end === null ? null : keyGroupStart(range.end);
    return { gte: keyGroupStart(range.start), lt, snapshot: this.snapshot };
  }
}
