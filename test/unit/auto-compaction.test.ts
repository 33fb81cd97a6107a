import { describe, expect, it } from 'vitest';
import { AutoCompactor, DEFAULT_AUTO_COMPACTION, parseAutoCompaction } from '../../src/storage/auto-compaction.js';

describe('automatic compaction flags, read as etcd reads them', () => {
  it('defaults to keeping 100,000 revisions', () => {
    expect(parseAutoCompaction(undefined, undefined)).toEqual(DEFAULT_AUTO_COMPACTION);
    expect(parseAutoCompaction('revision', '1000')).toEqual({ mode: 'revision', retention: 1000 });
    expect(parseAutoCompaction(undefined, '0')).toEqual({ mode: 'revision', retention: 0 });
  });

  it('reads a periodic retention as a duration or a number of hours', () => {
    expect(parseAutoCompaction('periodic', '1h')).toEqual({ mode: 'periodic', retention: 3_600_000 });
    expect(parseAutoCompaction('periodic', '1h30m')).toEqual({ mode: 'periodic', retention: 5_400_000 });
    expect(parseAutoCompaction('periodic', '90s')).toEqual({ mode: 'periodic', retention: 90_000 });
    expect(parseAutoCompaction('periodic', '500ms')).toEqual({ mode: 'periodic', retention: 500 });
    expect(parseAutoCompaction('periodic', '72')).toEqual({ mode: 'periodic', retention: 72 * 3_600_000 });
    expect(parseAutoCompaction('periodic', '0')).toEqual({ mode: 'periodic', retention: 0 });
  });

  it('refuses what it cannot read, naming the flag', () => {
    expect(() => parseAutoCompaction('hourly', '1')).toThrow(/--auto-compaction-mode must be revision or periodic/);
    expect(() => parseAutoCompaction('revision', '1h')).toThrow(/whole number of revisions/);
    expect(() => parseAutoCompaction('revision', '-5')).toThrow(/whole number of revisions/);
    expect(() => parseAutoCompaction('periodic', '1 hour')).toThrow(/duration such as 1h/);
    expect(() => parseAutoCompaction('periodic', '1h-')).toThrow(/duration such as 1h/);
    expect(() => parseAutoCompaction('periodic', undefined)).toThrow(/needs --auto-compaction-retention/);
  });
});

describe('AutoCompactor', () => {
  it('in revision mode keeps the last N revisions, and never moves the compact revision back', () => {
    const compactor = new AutoCompactor({ mode: 'revision', retention: 100 });
    expect(compactor.targetAtRevision(100, 0)).toBeUndefined();
    expect(compactor.targetAtRevision(150, 0)).toBe(50);
    expect(compactor.targetAtRevision(150, 50)).toBeUndefined();
    expect(compactor.sample(1_000_000, 150, 0)).toBeUndefined();
  });

  it('in periodic mode compacts to the revision current one period ago, never to a newer one', () => {
    const period = 10_000;
    const compactor = new AutoCompactor({ mode: 'periodic', retention: period });
    // One write per 100 ms; the store's revision at time t is 1 + t / 100.
    const revisionAt = (t: number) => 1 + Math.floor(t / 100);
    const targets: Array<{ t: number; target: number }> = [];
    let compactRevision = 0;
    for (let t = 0; t <= 60_000; t += 50) {
      const target = compactor.sample(t, revisionAt(t), compactRevision);
      expect(compactor.targetAtRevision(revisionAt(t), compactRevision)).toBeUndefined();
      if (target === undefined) continue;
      // Everything written in the last period is still there...
      expect(target).toBeLessThanOrEqual(revisionAt(t - period));
      // ...and no more than a tenth of a period beyond it is kept.
      expect(target).toBeGreaterThanOrEqual(revisionAt(t - period - period / 10 - 50));
      targets.push({ t, target });
      compactRevision = target;
    }
    expect(targets[0]!.t).toBeGreaterThanOrEqual(period);
    expect(targets[0]!.t).toBeLessThan(period + period / 10 + 100);
    // About one compaction per tenth of a period, not one per tick.
    expect(targets.length).toBeGreaterThan(40);
    expect(targets.length).toBeLessThan(60);
  });

  it('in periodic mode does nothing when the store is idle or the retention is 0', () => {
    const idle = new AutoCompactor({ mode: 'periodic', retention: 1_000 });
    for (let t = 0; t < 10_000; t += 50) expect(idle.sample(t, 7, 7)).toBeUndefined();
    const off = new AutoCompactor({ mode: 'periodic', retention: 0 });
    for (let t = 0; t < 10_000; t += 50) expect(off.sample(t, t, 0)).toBeUndefined();
    expect(new AutoCompactor({ mode: 'revision', retention: 0 }).targetAtRevision(1_000_000, 0)).toBeUndefined();
  });
});
