import { describe, expect, it } from 'vitest';
import { LATENCY_US_MAX, LatencyHistogram } from '../../src/bench/histogram.js';
import { formatMs, progressLine, summaryLine } from '../../src/bench/report.js';

describe('latency histogram', () => {
  it('reports percentiles, max and mean in milliseconds within 0.1%', () => {
    const h = new LatencyHistogram();
    for (let ms = 1; ms <= 1000; ms++) h.recordMs(ms);
    const s = h.summaryMs();
    expect(h.count).toBe(1000);
    expect(s.p50).toBeCloseTo(500, -0.3);
    expect(s.p90).toBeCloseTo(900, -0.3);
    expect(s.p99).toBeCloseTo(990, -0.3);
    expect(s.p999).toBeCloseTo(999, -0.3);
    expect(Math.abs(s.max - 1000) / 1000).toBeLessThan(0.001);
    expect(Math.abs(s.mean - 500.5) / 500.5).toBeLessThan(0.001);
  });

  it('keeps microsecond resolution for sub-millisecond latencies', () => {
    const h = new LatencyHistogram();
    for (let i = 0; i < 99; i++) h.recordMs(0.25);
    h.recordMs(0.75);
    expect(h.summaryMs().p50).toBe(0.25);
    expect(h.summaryMs().max).toBe(0.75);
  });

  it('tail percentiles see a few slow requests among many fast ones', () => {
    const h = new LatencyHistogram();
    for (let i = 0; i < 9_980; i++) h.recordMs(1);
    for (let i = 0; i < 20; i++) h.recordMs(250);
    const s = h.summaryMs();
    expect(s.p99).toBe(1);
    expect(s.p999).toBeGreaterThanOrEqual(249);
    expect(s.max).toBeGreaterThanOrEqual(249);
  });

  it('is all zeros when nothing was recorded, and refuses negative latencies', () => {
    const h = new LatencyHistogram();
    expect(h.summaryMs()).toEqual({ p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0 });
    expect(() => h.recordMs(-1)).toThrow(/non-negative/);
    expect(() => h.recordMs(NaN)).toThrow(/non-negative/);
  });

  it('records a latency above the trackable maximum at the maximum and counts it', () => {
    const h = new LatencyHistogram();
    h.recordMs(LATENCY_US_MAX / 1000 + 5_000);
    expect(h.clampedCount).toBe(1);
    expect(h.summaryMs().max).toBeGreaterThan(LATENCY_US_MAX / 1000 - 1_000);
  });
});

describe('progress and summary lines', () => {
  it('shows elapsed time, rate, p99 and errors', () => {
    const line = progressLine('quorumkv put', { phase: 'measure', elapsedS: 3.04, fraction: 0.5, opsPerS: 12345.6, p99Ms: 4.2, errors: 3 });
    expect(line).toBe('quorumkv put [##########..........] 3.0s  12,346 ops/s  p99 4.20ms  errors 3');
  });

  it('summarises a result on one line, errors by code', () => {
    const line = summaryLine({
      target: 'etcd',
      workload: 'txn',
      options: {} as never,
      throughput: 1000,
      latencyMs: { p50: 1, p90: 2, p99: 3, p999: 4, max: 150, mean: 1.5 },
      ops: 10_000,
      errors: { UNAVAILABLE: 2 },
      conflictRate: 0.125,
      durationS: 10,
    });
    expect(line).not.toContain('\n');
    expect(line).toContain('1,000 ops/s');
    expect(line).toContain('errors 2 (UNAVAILABLE 2)');
    expect(line).toContain('conflicts 12.5%');
    expect(formatMs(150)).toBe('150ms');
  });
});
