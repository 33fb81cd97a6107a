import { MemoryLogStorage } from '../consensus/memory-storage.js';
import type { Entry, HardState, LogStorage, Snapshot, SnapshotMetadata } from '../consensus/types.js';
import { failpoint } from '../failpoints.js';
import type { RaftLogStore, StoredLog } from './raft-log-store.js';

// The raft log of a storage member: the durable copy in LevelDB (RaftLogStore) and the in-memory
// copy the consensus core reads (MemoryLogStorage), changed only together, through this class, so
// that the core never sees entries or a hard state that the disk does not hold.

export class DurableLog {
  private readonly memory: MemoryLogStorage;
  /** Bytes of entry data saved since the last snapshot, taken or installed: the in-memory log is bounded by them too. */
  private bytesSinceSnapshotCount = 0;

  /** `recovered`: the log as loaded at start-up, after recovery (startup-recovery.ts). */
  constructor(
    private readonly store: RaftLogStore,
    recovered: StoredLog,
  ) {
    const { hardState, entries, snapshot } = recovered;
    this.memory = new MemoryLogStorage(hardState, entries, snapshot.index > 0 ? { metadata: snapshot } : undefined);
  }

  /** What the consensus core reads; it is written only through this class. */
  get coreView(): LogStorage {
    return this.memory;
  }

  firstIndex(): number {
    return this.memory.firstIndex();
  }

  lastIndex(): number {
    return this.memory.lastIndex();
  }

  term(index: number): number {
    return this.memory.term(index);
  }

  /** The latest snapshot's metadata, taken here or installed from the leader (index 0: none). */
  snapshotMetadata(): SnapshotMetadata {
    return this.memory.snapshot().metadata;
  }

  get bytesSinceSnapshot(): number {
    return this.bytesSinceSnapshotCount;
  }

  /** Whether saving `hardState` would change the term or vote on disk (not just the commit index). */
  changesTermOrVote(hardState: HardState | undefined): boolean {
    return this.store.changesTermOrVote(hardState);
  }

  /** Writes a Ready's hard state and entries to disk (fsync), and only then shows them to the core. */
  async save(hardState: HardState | undefined, entries: Entry[]): Promise<void> {
    await failpoint('raft-save-before');
    await this.store.save(hardState, entries);
    await failpoint('raft-save-after');
    if (entries.length > 0) {
      this.memory.append(entries);
      for (const entry of entries) this.bytesSinceSnapshotCount += entry.data.length;
    }
    if (hardState) this.memory.setHardState(hardState);
  }

  /**
   * Records a snapshot of this member's own applied state at `metadata.index`, whose state must
   * already be durable. The log behind it stays until compact().
   */
  async recordSnapshot(metadata: SnapshotMetadata): Promise<void> {
    this.memory.createSnapshot({ metadata });
    await failpoint('snapshot-save-before');
    await this.store.saveSnapshot(metadata);
    await failpoint('snapshot-save-after');
    this.bytesSinceSnapshotCount = 0;
  }

  /** Drops the entries up to and including `upTo` (at most the snapshot's index); below firstIndex, nothing. */
  async compact(upTo: number): Promise<void> {
    if (upTo < this.memory.firstIndex()) return;
    this.memory.compact(upTo);
    await this.store.compact(upTo);
  }

  /** Replaces the whole log with a snapshot installed from the leader (its state is already the applied one). */
  async applySnapshot(snapshot: Snapshot): Promise<void> {
    this.memory.applySnapshot(snapshot);
    await this.store.reset(snapshot.metadata);
    this.bytesSinceSnapshotCount = 0;
  }
}
