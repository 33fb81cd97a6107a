import type { KeyValue__Output } from '../gen/quorumkv/v1/KeyValue.js';
import type { LatestView } from './compare.js';
import { HistorySource } from './history-source.js';
import type { KeyRange } from './key-range.js';
import type { KvSource } from './kv-source.js';
import type { Keyspace } from './keyspace.js';
import { LatestSource } from './latest-source.js';
import { WriteOverlay } from './write-overlay.js';

/**
 * What the transactions of one apply call read: LevelDB as of the start of the call, plus the
 * call's own writes. LevelDB does not change during the call (it is written once, at the end), so
 * the "current" keyspace is exactly the state at `baseRevision`, and history below it is complete.
 */
export class ApplyView implements LatestView {
  readonly overlay: WriteOverlay;
  private readonly committed: LatestSource;
  private readonly latest: KvSource;

  constructor(
    current: Keyspace,
    private readonly history: Keyspace,
    private readonly baseRevision: number,
  ) {
    this.overlay = new WriteOverlay(current);
    this.committed = new LatestSource(current);
    this.latest = this.overlay.viewAt(Infinity, this.committed);
  }

  get(key: Buffer): Promise<KeyValue__Output | null> {
    return this.overlay.get(key);
  }

  scan(range: KeyRange): AsyncGenerator<KeyValue__Output> {
    return this.latest.scan(range);
  }

  scanKeys(range: KeyRange): AsyncGenerator<Buffer> {
    return this.latest.scanKeys(range);
  }

  /** The state at an older revision, which may fall inside this call's writes. */
  at(revision: number): KvSource {
    if (revision < this.baseRevision) return new HistorySource(this.history, revision);
    return this.overlay.viewAt(revision, this.committed);
  }
}
