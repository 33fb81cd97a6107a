// The in-flight window of one follower: last indices of App messages sent and not yet acked.
// A fixed-size ring, so a slow follower costs bounded memory.

import { assert } from './assert.js';

export class Inflights {
  private readonly lastIndices: number[];
  private start = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    assert(Number.isInteger(capacity) && capacity > 0, 'inflight capacity must be a positive integer');
    this.lastIndices = new Array<number>(capacity).fill(0);
  }

  get size(): number {
    return this.count;
  }

  full(): boolean {
    return this.count === this.capacity;
  }

  add(lastIndex: number): void {
    assert(!this.full(), 'inflights: add to a full window');
    if (this.count > 0) {
      const newest = this.lastIndices[(this.start + this.count - 1) % this.capacity]!;
      assert(lastIndex > newest, 'inflights: indices must increase');
    }
    this.lastIndices[(this.start + this.count) % this.capacity] = lastIndex;
    this.count++;
  }

  /** Frees every message whose last index is <= index (acked). */
  freeLE(index: number): void {
    while (this.count > 0 && this.lastIndices[this.start]! <= index) this.freeFirstOne();
  }

  freeFirstOne(): void {
    if (this.count === 0) return;
    this.start = (this.start + 1) % this.capacity;
    this.count--;
  }

  reset(): void {
    this.start = 0;
    this.count = 0;
  }
}
