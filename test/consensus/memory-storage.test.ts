import { describe, expect, it } from 'vitest';
import { MemoryLogStorage } from '../../src/consensus/memory-storage.js';
import { entry } from './cluster.js';

describe('MemoryLogStorage', () => {
  it('truncates a conflicting suffix before appending', () => {
    const s = new MemoryLogStorage(undefined, [entry(1, 1), entry(2, 1), entry(3, 1)]);
    s.append([entry(2, 2), entry(3, 2), entry(4, 2)]);
    expect(s.lastIndex()).toBe(4);
    expect([1, 2, 3, 4].map((i) => s.term(i))).toEqual([1, 2, 2, 2]);
    s.append([entry(2, 3)]);
    expect(s.lastIndex()).toBe(2);
  });

  it('limits entries by bytes but returns at least one', () => {
    const s = new MemoryLogStorage(undefined, [entry(1, 1, 'aaaa'), entry(2, 1, 'bbbb'), entry(3, 1, 'cccc')]);
    expect(s.entries(1, 4, 8).map((e) => e.index)).toEqual([1, 2]);
    expect(s.entries(1, 4, 1).map((e) => e.index)).toEqual([1]);
    expect(s.entries(2, 4, 1 << 20).map((e) => e.index)).toEqual([2, 3]);
  });

  it('refuses gaps and answers term(0) = 0', () => {
    const s = new MemoryLogStorage();
    expect(s.term(0)).toBe(0);
    expect(() => s.append([entry(2, 1)])).toThrow(/gap/);
    expect(() => s.term(1)).toThrow(/out of range/);
  });

  it('keeps the hard state it was given and refuses a commit beyond the log', () => {
    const s = new MemoryLogStorage({ term: 3, vote: 'b', commit: 1 }, [entry(1, 1)]);
    expect(s.initialState()).toEqual({ term: 3, vote: 'b', commit: 1 });
    expect(() => new MemoryLogStorage({ term: 1, vote: '', commit: 2 }, [entry(1, 1)])).toThrow(/commit/);
  });
});
