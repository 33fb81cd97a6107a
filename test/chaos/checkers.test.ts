import { describe, expect, it } from 'vitest';
import { checkBankTotals, checkCounter, checkSet, CounterTally } from '../../src/chaos/checkers.js';

describe('checkSet', () => {
  it('passes when every acknowledged add is present, counting unacknowledged ones that made it as recovered', () => {
    const result = checkSet([1, 2, 3], [1, 2, 3, 4, 5], [3, 1, 2, 5]);
    expect(result).toMatchObject({ ok: true, attempted: 5, acknowledged: 3, read: 4 });
    expect(result.lost.count).toBe(0);
    expect(result.recovered).toEqual({ count: 1, sample: [5] });
  });

  it('fails on a lost acknowledged add', () => {
    const result = checkSet([1, 2, 3], [1, 2, 3], [1, 3]);
    expect(result.ok).toBe(false);
    expect(result.lost).toEqual({ count: 1, sample: [2] });
  });

  it('fails on an element nobody added and on a duplicate', () => {
    expect(checkSet([1], [1], [1, 99])).toMatchObject({ ok: false, unexpected: { count: 1, sample: [99] } });
    expect(checkSet([1], [1], [1, 1])).toMatchObject({ ok: false, duplicated: { count: 1, sample: [1] } });
  });

  it('keeps samples bounded and refuses an acknowledged add that was never attempted', () => {
    const acked = Array.from({ length: 100 }, (_, i) => i);
    const result = checkSet(acked, acked, [], { sampleSize: 5 });
    expect(result.lost.count).toBe(100);
    expect(result.lost.sample).toEqual([0, 1, 2, 3, 4]);
    expect(() => checkSet([7], [], [7])).toThrow(/not among the attempted/);
  });
});

describe('checkCounter', () => {
  function tally(records: Array<[number, 'ok' | 'failed' | 'unknown']>, initial = 0): CounterTally {
    const t = new CounterTally(initial);
    for (const [delta, outcome] of records) t.record(delta, outcome);
    return t;
  }

  it('accepts a final value between the acknowledged and the attempted sum', () => {
    const t = tally([[5, 'ok'], [3, 'unknown'], [100, 'failed'], [2, 'ok']]);
    expect(checkCounter(t, 7)).toMatchObject({ ok: true, lower: 7, upper: 10, counts: { ok: 2, failed: 1, unknown: 1 } });
    expect(checkCounter(t, 10).ok).toBe(true);
  });

  it('rejects a lost acknowledged add and a value past every attempt', () => {
    const t = tally([[5, 'ok'], [3, 'unknown']]);
    expect(checkCounter(t, 4).ok).toBe(false);
    expect(checkCounter(t, 9).ok).toBe(false);
    // A failed add must not apply.
    expect(checkCounter(tally([[5, 'ok'], [3, 'failed']]), 8).ok).toBe(false);
  });

  it('widens the lower bound with unknown negative adds', () => {
    const t = tally([[10, 'ok'], [-4, 'unknown'], [2, 'unknown']], 100);
    expect(checkCounter(t, 106)).toMatchObject({ ok: true, lower: 106, upper: 112 });
    expect(checkCounter(t, 105).ok).toBe(false);
  });

  it('refuses non-integer deltas', () => {
    expect(() => new CounterTally().record(0.5, 'ok')).toThrow(/safe integer/);
  });
});

describe('checkBankTotals', () => {
  it('passes when every snapshot sums to the total', () => {
    const result = checkBankTotals([{ balances: { a: 50, b: 50 } }, { balances: { a: 0, b: 100 } }], 100);
    expect(result).toEqual({ ok: true, reads: 2, wrongTotal: { count: 0, sample: [] }, negative: { count: 0, sample: [] } });
  });

  it('fails on a broken total and names the read', () => {
    const result = checkBankTotals([{ balances: { a: 50, b: 50 } }, { time: 7, balances: { a: 40, b: 50 } }], 100);
    expect(result.ok).toBe(false);
    expect(result.wrongTotal.sample).toEqual([{ index: 1, time: 7, total: 90, balances: { a: 40, b: 50 } }]);
  });

  it('fails on a negative balance unless allowed', () => {
    const snapshots = [{ balances: { a: -10, b: 110 } }];
    expect(checkBankTotals(snapshots, 100)).toMatchObject({ ok: false, negative: { count: 1 } });
    expect(checkBankTotals(snapshots, 100, { allowNegative: true }).ok).toBe(true);
  });
});
