// An in-memory LogStorage for tests, the simulator and the storage node. "Durable" here means
// "appended by the caller after it persisted a Ready". The log may be compacted behind a snapshot:
// entries up to `compactedIndex` are gone, and only the term of that index is kept.

import { assert } from './assert.js';
import { isValidConfState } from './conf-change.js';
import { limitEntriesBytes } from './entry-size.js';
import { NONE, type Entry, type HardState, type LogStorage, type Snapshot } from './types.js';

/** Thrown by entries() for a range that starts in the compacted prefix of the log. */
export class CompactedError extends Error {
  override name = 'CompactedError';
}

const NO_SNAPSHOT: Snapshot = { metadata: { index: 0, term: 0, voters: [], learners: [] } };

export class MemoryLogStorage implements LogStorage {
  private hardState: HardState;
  private latestSnapshot: Snapshot = NO_SNAPSHOT;
  /** The last compacted index (0 if none) and its term; log[i] holds index compactedIndex + 1 + i. */
  private compactedIndex = 0;
  private compactedTerm = 0;
  private log: Entry[] = [];

  constructor(hardState: HardState = { term: 0, vote: NONE, commit: 0 }, entries: Entry[] = [], snapshot?: Snapshot) {
    this.hardState = { ...hardState };
    if (snapshot !== undefined && snapshot.metadata.index > 0) this.applySnapshot(snapshot);
    this.append(entries);
    assert(this.hardState.commit <= this.lastIndex(), 'hard state commit is beyond the last entry');
  }

  initialState(): HardState {
    return { ...this.hardState };
  }

  snapshot(): Snapshot {
    return this.latestSnapshot;
  }

  firstIndex(): number {
    return this.compactedIndex + 1;
  }

  lastIndex(): number {
    return this.compactedIndex + this.log.length;
  }

  term(index: number): number {
    assert(
      Number.isInteger(index) && index >= this.compactedIndex && index <= this.lastIndex(),
      () => `term(${index}) out of range [${this.compactedIndex}, ${this.lastIndex()}]`,
    );
    return index === this.compactedIndex ? this.compactedTerm : this.log[index - this.compactedIndex - 1]!.term;
  }

  entries(lo: number, hi: number, maxBytes: number): Entry[] {
    if (lo <= this.compactedIndex) throw new CompactedError(`entries from ${lo} were compacted (first index ${this.firstIndex()})`);
    assert(lo <= hi && hi <= this.lastIndex() + 1, () => `entries[${lo}, ${hi}) out of range`);
    return limitEntriesBytes(this.log.slice(lo - this.compactedIndex - 1, hi - this.compactedIndex - 1), maxBytes);
  }

  /** Appends entries, first truncating any suffix they replace. They must leave no gap. */
  append(entries: Entry[]): void {
    if (entries.length === 0) return;
    const first = entries[0]!.index;
    assert(first > this.compactedIndex, () => `append at ${first} rewrites the compacted prefix (up to ${this.compactedIndex})`);
    assert(first <= this.lastIndex() + 1, () => `append at ${first} leaves a gap after ${this.lastIndex()}`);
    for (let i = 1; i < entries.length; i++) {
      assert(entries[i]!.index === first + i, 'appended entries must be contiguous');
      assert(entries[i]!.term >= entries[i - 1]!.term, 'entry terms must not decrease');
    }
    this.log.length = first - this.compactedIndex - 1;
    for (const entry of entries) this.log.push(entry);
  }

  setHardState(hardState: HardState): void {
    assert(hardState.term >= this.hardState.term, 'hard state term must not decrease');
    this.hardState = { ...hardState };
  }

  /**
   * Records a snapshot of this node's own applied state at metadata.index (which must be in the
   * log, and newer than the current snapshot). Entries stay until compact().
   */
  createSnapshot(snapshot: Snapshot): void {
    const { index, term } = snapshot.metadata;
    assert(index > this.latestSnapshot.metadata.index, () => `snapshot at ${index} is not newer than ${this.latestSnapshot.metadata.index}`);
    assert(index <= this.lastIndex() && index >= this.compactedIndex, () => `snapshot at ${index} is outside the log`);
    assert(this.term(index) === term, () => `snapshot term ${term} differs from the log's term ${this.term(index)} at ${index}`);
    assert(index <= this.hardState.commit, () => `snapshot at ${index} is beyond the durable commit ${this.hardState.commit}`);
    assert(isValidConfState(snapshot.metadata), 'snapshot configuration is invalid');
    this.latestSnapshot = copySnapshot(snapshot);
  }

  /**
   * Drops entries up to and including `index`, keeping its term. `index` must not pass the latest
   * snapshot, or the configuration and state behind the log would be lost; compacting at or below
   * the current first index is a no-op.
   */
  compact(index: number): void {
    if (index <= this.compactedIndex) return;
    assert(index <= this.latestSnapshot.metadata.index, () => `compact(${index}) passes the latest snapshot (${this.latestSnapshot.metadata.index})`);
    const term = this.term(index);
    this.log = this.log.slice(index - this.compactedIndex);
    this.compactedIndex = index;
    this.compactedTerm = term;
  }

  /** Replaces the whole log with a snapshot received from the leader (the Ready's `snapshot`). */
  applySnapshot(snapshot: Snapshot): void {
    const { index, term } = snapshot.metadata;
    assert(index >= this.latestSnapshot.metadata.index, () => `snapshot at ${index} is older than ${this.latestSnapshot.metadata.index}`);
    assert(index > 0 && term > 0, 'a snapshot to apply needs a positive index and term');
    assert(isValidConfState(snapshot.metadata), 'snapshot configuration is invalid');
    this.latestSnapshot = copySnapshot(snapshot);
    this.log = [];
    this.compactedIndex = index;
    this.compactedTerm = term;
    if (this.hardState.commit < index) this.hardState = { ...this.hardState, commit: index };
  }
}

function copySnapshot(s: Snapshot): Snapshot {
  const metadata = { ...s.metadata, voters: [...s.metadata.voters], learners: [...s.metadata.learners] };
  return s.data === undefined ? { metadata } : { metadata, data: s.data };
}
