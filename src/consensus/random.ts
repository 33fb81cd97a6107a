// A small seeded PRNG (mulberry32). The core takes its randomness from here so that one seed
// reproduces one run; Math.random would make the simulator unreplayable.

import { assert } from './assert.js';

export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    assert(Number.isFinite(seed), 'seed must be a finite number');
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 2^32). */
  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform in [0, 1). */
  nextFloat(): number {
    return this.nextUint32() / 0x1_0000_0000;
  }

  /** Uniform integer in [0, maxExclusive). */
  nextInt(maxExclusive: number): number {
    assert(Number.isInteger(maxExclusive) && maxExclusive > 0, 'nextInt needs a positive integer bound');
    return Math.floor(this.nextFloat() * maxExclusive);
  }

  /** Uniform integer in [lo, hi]. */
  between(lo: number, hi: number): number {
    assert(lo <= hi, 'between needs lo <= hi');
    return lo + this.nextInt(hi - lo + 1);
  }

  chance(probability: number): boolean {
    return this.nextFloat() < probability;
  }

  pick<T>(items: readonly T[]): T {
    assert(items.length > 0, 'pick from an empty list');
    return items[this.nextInt(items.length)] as T;
  }
}

/** Uniform floats in [0, 1) from `seed`, as a function: for workloads and tests that need a seeded stream. */
export function seededFloats(seed: number): () => number {
  const random = new SeededRandom(seed);
  return () => random.nextFloat();
}
