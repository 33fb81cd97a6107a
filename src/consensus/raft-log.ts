// The log as the core sees it: the durable prefix in LogStorage plus an unstable suffix that lives
// here until the caller has persisted it (handed over in a Ready, acknowledged by advance()).
// Reads below the unstable offset go to storage; storage may still hold a stale suffix that the
// unstable entries replace, which is why storage is never read at or beyond the offset.
// A snapshot received from the leader is unstable too until advance() acknowledges it: meanwhile
// the log starts right after it, and storage (which still holds the old log) is not read at all.

import { assert } from './assert.js';
import { limitEntriesBytes } from './entry-size.js';
import type { Entry, LogStorage, SnapshotMetadata } from './types.js';

/** maybeAppend's answer when the entries would overwrite a committed entry. */
export const CONFLICTS_WITH_COMMITTED = -1;

export class RaftLog {
  private committedIndex: number;
  private appliedIndex: number;
  private unstableOffset: number;
  private unstable: Entry[] = [];
  private unstableSnapshot: SnapshotMetadata | undefined;

  constructor(private readonly storage: LogStorage, committed: number, applied: number) {
    this.unstableOffset = storage.lastIndex() + 1;
    // Everything a snapshot covers is committed, whatever the hard state says.
    committed = Math.max(committed, storage.firstIndex() - 1);
    assert(committed <= storage.lastIndex(), () => `commit ${committed} is beyond the stored log (${storage.lastIndex()})`);
    assert(applied <= committed, () => `applied ${applied} is beyond commit ${committed}`);
    assert(applied >= storage.firstIndex() - 1, () => `applied ${applied} is behind the compacted log (first index ${storage.firstIndex()})`);
    this.committedIndex = committed;
    this.appliedIndex = applied;
  }

  /** A snapshot from the leader, not yet handed out and acknowledged. */
  get pendingSnapshot(): SnapshotMetadata | undefined {
    return this.unstableSnapshot;
  }

  get committed(): number {
    return this.committedIndex;
  }

  get applied(): number {
    return this.appliedIndex;
  }

  firstIndex(): number {
    return this.unstableSnapshot !== undefined ? this.unstableSnapshot.index + 1 : this.storage.firstIndex();
  }

  lastIndex(): number {
    return this.unstableOffset + this.unstable.length - 1;
  }

  lastTerm(): number {
    return this.term(this.lastIndex()) ?? 0;
  }

  /** Term at index, or undefined when the index is compacted or beyond the log. */
  term(index: number): number | undefined {
    if (index >= this.unstableOffset) {
      return index <= this.lastIndex() ? this.unstable[index - this.unstableOffset]!.term : undefined;
    }
    const snap = this.unstableSnapshot;
    if (snap !== undefined) return index === snap.index ? snap.term : undefined;
    if (index < this.storage.firstIndex() - 1) return undefined;
    return index === 0 ? 0 : this.storage.term(index);
  }

  matchTerm(index: number, term: number): boolean {
    return this.term(index) === term;
  }

  /** Raft §5.4.1: is a candidate's log at least as up to date as ours? */
  isUpToDate(lastIndex: number, lastTerm: number): boolean {
    const ourTerm = this.lastTerm();
    return lastTerm > ourTerm || (lastTerm === ourTerm && lastIndex >= this.lastIndex());
  }

  /** Index of the first entry that is not already in the log as given, or 0 if all are. */
  findConflict(entries: Entry[]): number {
    for (const entry of entries) {
      if (!this.matchTerm(entry.index, entry.term)) return entry.index;
    }
    return 0;
  }

  /** The highest index <= index whose term is <= term: every index above it cannot match. */
  findConflictByTerm(index: number, term: number): number {
    let i = Math.min(index, this.lastIndex());
    for (;;) {
      const t = this.term(i);
      if (t === undefined || t <= term || i === 0) return i;
      i--;
    }
  }

  /**
   * Appends a leader's entries after (prevIndex, prevTerm). Returns the last index known to match
   * the leader, undefined if the log does not contain (prevIndex, prevTerm), or
   * CONFLICTS_WITH_COMMITTED if accepting them would rewrite a committed entry.
   */
  maybeAppend(prevIndex: number, prevTerm: number, leaderCommit: number, entries: Entry[]): number | undefined {
    if (!this.matchTerm(prevIndex, prevTerm)) return undefined;
    const lastNewIndex = prevIndex + entries.length;
    const conflictIndex = this.findConflict(entries);
    if (conflictIndex !== 0) {
      if (conflictIndex <= this.committedIndex) return CONFLICTS_WITH_COMMITTED;
      this.append(entries.slice(conflictIndex - (prevIndex + 1)));
    }
    this.commitTo(Math.min(leaderCommit, lastNewIndex));
    return lastNewIndex;
  }

  /** Appends entries (replacing any suffix they conflict with). Returns the new last index. */
  append(entries: Entry[]): number {
    if (entries.length === 0) return this.lastIndex();
    const first = entries[0]!.index;
    assert(first > this.committedIndex, () => `append at ${first} would rewrite committed entries (commit ${this.committedIndex})`);
    assert(first <= this.lastIndex() + 1, () => `append at ${first} leaves a gap after ${this.lastIndex()}`);
    if (first === this.lastIndex() + 1) {
      for (const entry of entries) this.unstable.push(entry);
    } else if (first <= this.unstableOffset) {
      this.unstableOffset = first;
      this.unstable = entries.slice();
    } else {
      this.unstable = this.unstable.slice(0, first - this.unstableOffset).concat(entries);
    }
    return this.lastIndex();
  }

  /** Entries in [lo, hi), at least one if lo < hi, within maxBytes. */
  slice(lo: number, hi: number, maxBytes: number): Entry[] {
    assert(lo >= this.firstIndex() && lo <= hi && hi <= this.lastIndex() + 1, () => `slice [${lo}, ${hi}) out of range`);
    let out: Entry[] = [];
    const storedHi = Math.min(hi, this.unstableOffset);
    if (lo < storedHi) {
      out = this.storage.entries(lo, storedHi, maxBytes);
      if (out.length < storedHi - lo) return out;
    }
    const from = Math.max(lo, this.unstableOffset);
    if (from < hi) {
      const fresh = this.unstable.slice(from - this.unstableOffset, hi - this.unstableOffset);
      out = out.length === 0 ? fresh : out.concat(fresh);
    }
    return limitEntriesBytes(out, maxBytes);
  }

  commitTo(index: number): void {
    if (index <= this.committedIndex) return;
    assert(index <= this.lastIndex(), () => `commit ${index} is beyond the last index ${this.lastIndex()}`);
    this.committedIndex = index;
  }

  appliedTo(index: number): void {
    assert(index >= this.appliedIndex && index <= this.committedIndex, () => `applied ${index} outside [${this.appliedIndex}, ${this.committedIndex}]`);
    this.appliedIndex = index;
  }

  hasNextCommittedEntries(): boolean {
    return this.unstableSnapshot === undefined && this.committedIndex > this.appliedIndex;
  }

  nextCommittedEntries(maxBytes: number): Entry[] {
    if (!this.hasNextCommittedEntries()) return [];
    return this.slice(this.appliedIndex + 1, this.committedIndex + 1, maxBytes);
  }

  hasUnstableEntries(): boolean {
    return this.unstable.length > 0;
  }

  unstableEntries(): Entry[] {
    return this.unstable.slice();
  }

  /** Replaces the log with a leader's snapshot: the log now starts after it, all of it committed. */
  restore(snapshot: SnapshotMetadata): void {
    assert(snapshot.index > this.committedIndex, () => `snapshot at ${snapshot.index} does not pass commit ${this.committedIndex}`);
    this.unstableSnapshot = snapshot;
    this.unstable = [];
    this.unstableOffset = snapshot.index + 1;
    this.committedIndex = snapshot.index;
  }

  /** The application installed the snapshot at `index`: it counts as applied and durable. */
  snapshotStableTo(index: number): void {
    assert(this.storage.firstIndex() - 1 >= index, () => `advance() before the snapshot at ${index} was applied to storage`);
    if (this.unstableSnapshot !== undefined && this.unstableSnapshot.index === index) this.unstableSnapshot = undefined;
    if (index > this.appliedIndex) this.appliedIndex = index;
  }

  /** Entries up to (index, term) are now in storage, unless they were replaced meanwhile. */
  stableTo(index: number, term: number): void {
    if (index < this.unstableOffset || !this.matchTerm(index, term)) return;
    this.unstable = this.unstable.slice(index + 1 - this.unstableOffset);
    this.unstableOffset = index + 1;
  }

  /** The highest index whose entry (as in this log) the caller has durably persisted. */
  durableLastIndex(): number {
    return Math.min(this.storage.lastIndex(), this.unstableOffset - 1);
  }
}
