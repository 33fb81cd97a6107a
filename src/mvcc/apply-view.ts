import type { KeyValue__Output } from '../gen/quorumkv/v1/KeyValue.js';
import type { LatestView } from './compare.js';
import { HistorySource } from './history-source.js';
import type { KeyRange } from './key-range.js';
import type { KvSource } from './kv-source.js';
import type { Keyspace, Sublevel } from './keyspace.js';
import { LatestSource } from './latest-source.js';
import { LeaseTable, leaseKeys } from './lease-table.js';
import { WriteOverlay } from './write-overlay.js';

/**
 * What the transactions of one apply call read: LevelDB as of the start of the call, plus the
 * call's own writes. LevelDB does not change during the call (it is written once, at the end), so
 * the "current" keyspace is exactly the state at `baseRevision`, and history below it is complete.
 */
export class ApplyView implements LatestView {
  readonly overlay: WriteOverlay;
  readonly leases: LeaseTable;
  private readonly committed: LatestSource;
  private readonly latest: KvSource;

  constructor(
    current: Keyspace,
    private readonly history: Keyspace,
    private readonly baseRevision: number,
    leases: Sublevel,
    private readonly leaseIndex: Sublevel,
  ) {
    this.overlay = new WriteOverlay(current);
    this.leases = new LeaseTable(leases);
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

  /** Makes the writes and lease changes so far permanent for this call. */
  checkpoint(): void {
    this.overlay.checkpoint();
    this.leases.checkpoint();
  }

  /** Undoes the writes and lease changes since the last checkpoint. */
  rollback(): void {
    this.overlay.rollback();
    this.leases.rollback();
  }

  /**
   * The live keys attached to lease `id` now, in key order: those the index listed when the call
   * began and those the call attached, each checked against its latest value.
   */
  async keysOfLease(id: number): Promise<KeyValue__Output[]> {
    const candidates = new Map<string, Buffer>();
    for await (const key of leaseKeys(this.leaseIndex, id)) candidates.set(key.toString('latin1'), key);
    for (const key of this.overlay.attachedTo(id)) candidates.set(key.toString('latin1'), key);
    const attached: KeyValue__Output[] = [];
    for (const key of [...candidates.values()].sort(Buffer.compare)) {
      const kv = await this.get(key);
      if (kv !== null && kv.lease === id) attached.push(kv);
    }
    return attached;
  }

  /** The state at an older revision, which may fall inside this call's writes. */
  at(revision: number): KvSource {
    if (revision < this.baseRevision) return new HistorySource(this.history, revision);
    return this.overlay.viewAt(revision, this.committed);
  }
}
