import { describe, expect, it } from 'vitest';
import { compileChaosOptions, parseDurationMs, parseFaults, parseShape } from '../../src/chaos/options.js';
import { chaosTopology } from '../../src/chaos/run-chaos.js';
import { buildSchedule } from '../../src/chaos/schedule.js';
import { faultGaps, gapStats } from '../../src/chaos/report.js';
import type { OpRecord } from '../../src/chaos/history.js';

const shape = { storage: 3, writers: 2, readers: 1 };

describe('chaos options', () => {
  it('parses durations, topologies and fault lists', () => {
    expect(parseDurationMs('2m')).toBe(120_000);
    expect(parseDurationMs('1.5s')).toBe(1_500);
    expect(parseDurationMs('30')).toBe(30_000);
    expect(() => parseDurationMs('soon')).toThrow(/duration/);
    expect(parseShape('storage=5,readers=0')).toEqual({ storage: 5, writers: 2, readers: 0 });
    expect(() => parseShape('disks=3')).toThrow(/topology/);
    expect(parseFaults('kill:storage-leader,partition:ring', shape)).toEqual([
      { kind: 'kill', variant: 'storage-leader' },
      { kind: 'partition', variant: 'ring' },
    ]);
    expect(parseFaults('pause', { storage: 3, writers: 1, readers: 0 }).map((f) => f.variant)).not.toContain('reader');
    expect(() => parseFaults('flood', shape)).toThrow(/unknown kind/);
    expect(() => parseFaults('partition:ring', { storage: 1, writers: 1, readers: 0 })).toThrow(/needs more/);
    expect(() => compileChaosOptions({ defect: 'slow-disk' })).toThrow(/defect/);
    expect(compileChaosOptions({ seed: 9 }).outDir).toMatch(/chaos-out\/9$/);
  });

  it('runs storage with snapshot-heavy settings unless told to run it as deployed', async () => {
    expect(compileChaosOptions({}).storageSettings).toBe('stress');
    expect(compileChaosOptions({ storageSettings: 'default' }).storageSettings).toBe('default');
    expect(() => compileChaosOptions({ storageSettings: 'fast' })).toThrow(/storage-settings: expected stress or default/);
    const shape = { storage: 3, writers: 1, readers: 0 };
    const flags = async (settings?: 'stress' | 'default') => (await chaosTopology(shape, settings)).storage[0].flags ?? [];
    expect(await flags()).toContain('--log-tail-entries=50');
    expect(await flags('default')).not.toContain('--log-tail-entries=50');
  });

  it('derives the same schedule from the same seed, faults apart and inside the run', () => {
    const faults = parseFaults('kill,pause,partition,latency', shape);
    const a = buildSchedule(42, 120_000, faults);
    expect(buildSchedule(42, 120_000, faults)).toEqual(a);
    expect(buildSchedule(43, 120_000, faults)).not.toEqual(a);
    expect(a.length).toBeGreaterThan(10);
    for (let i = 1; i < a.length; i++) expect(a[i].atMs).toBeGreaterThanOrEqual(a[i - 1].atMs + a[i - 1].holdMs + 1_000);
    expect(a[a.length - 1].atMs + a[a.length - 1].holdMs).toBeLessThanOrEqual(118_000);
    expect(buildSchedule(42, 120_000, [])).toEqual([]);
  });
});

describe('failover gaps', () => {
  const op = (call: number, ret: number | null, outcome: OpRecord['outcome'] = 'ok'): OpRecord => ({ id: 0, workload: 'w', worker: 'a', endpoint: 'gateway', f: 'put', call, ret, outcome });

  it('measures from the fault to the first success and the longest stretch without one', () => {
    const ops = [op(0, 10), op(900, 1_000), op(1_001, null, 'unknown'), op(1_100, 3_500), op(3_600, 3_700), op(3_800, 3_900)];
    const [gap] = faultGaps([{ index: 0, kind: 'kill', variant: 'writer', target: 'w1', plannedMs: 1_000, startMs: 1_050, endMs: 2_000 }], ops, 10_000);
    expect(gap.firstSuccessMs).toBe(2_450);
    expect(gap.longestGapMs).toBe(3_100);
    const stats = gapStats([gap], 'firstSuccessMs');
    expect(stats['kill:writer']).toEqual({ count: 1, p50: 2_450, p99: 2_450, max: 2_450 });
  });
});
