// An in-memory LogStorage for tests and the simulator. A real node keeps the same shape on disk;
// "durable" here means "appended by the caller after it persisted a Ready".

import { assert } from './assert.js';
import { limitEntriesBytes } from './entry-size.js';
import { NONE, type Entry, type HardState, type LogStorage } from './types.js';

export class MemoryLogStorage implements LogStorage {
  private hardState: HardState;
  /** entries[i] holds index i + 1: this storage never compacts, so firstIndex is always 1. */
  private readonly log: Entry[] = [];

  constructor(hardState: HardState = { term: 0, vote: NONE, commit: 0 }, entries: Entry[] = []) {
    this.hardState = { ...hardState };
    this.append(entries);
    assert(this.hardState.commit <= this.lastIndex(), 'hard state commit is beyond the last entry');
  }

  initialState(): HardState {
    return { ...this.hardState };
  }

  firstIndex(): number {
    return 1;
  }

  lastIndex(): number {
    return this.log.length;
  }

  term(index: number): number {
    assert(Number.isInteger(index) && index >= 0 && index <= this.lastIndex(), () => `term(${index}) out of range [0, ${this.lastIndex()}]`);
    return index === 0 ? 0 : this.log[index - 1]!.term;
  }

  entries(lo: number, hi: number, maxBytes: number): Entry[] {
    assert(lo >= 1 && lo <= hi && hi <= this.lastIndex() + 1, () => `entries[${lo}, ${hi}) out of range`);
    return limitEntriesBytes(this.log.slice(lo - 1, hi - 1), maxBytes);
  }

  /** Appends entries, first truncating any suffix they replace. They must leave no gap. */
  append(entries: Entry[]): void {
    if (entries.length === 0) return;
    const first = entries[0]!.index;
    assert(first >= 1 && first <= this.lastIndex() + 1, () => `append at ${first} leaves a gap after ${this.lastIndex()}`);
    for (let i = 1; i < entries.length; i++) {
      assert(entries[i]!.index === first + i, 'appended entries must be contiguous');
      assert(entries[i]!.term >= entries[i - 1]!.term, 'entry terms must not decrease');
    }
    this.log.length = first - 1;
    for (const entry of entries) this.log.push(entry);
  }

  setHardState(hardState: HardState): void {
    assert(hardState.term >= this.hardState.term, 'hard state term must not decrease');
    this.hardState = { ...hardState };
  }
}
