import { describe, expect, it } from 'vitest';
import type { CapacityOptions, CapacityRow } from '../../src/bench/capacity.js';
import { optionsAt, parseSweep, sweepChart, sweepTable } from '../../src/bench/capacity-sweep.js';

const row = (fields: Partial<CapacityRow>): CapacityRow => ({
  target: 'quorumkv', workload: 'put', via: 'direct', round: 1, opsPerSecond: 100, meanLatencyMs: 1, errors: 0,
  cpuByRole: {}, grossByRole: {}, idleByRole: {}, serverCpuUs: 0, grossCpuUs: 0, loadGeneratorCpuUs: 10, ...fields,
});

const BASE: CapacityOptions = { requests: 1000, connections: 8, streams: 8, valueBytes: 256, rounds: 1, workloads: ['put'] };

describe('capacity sweeps', () => {
  it('reads an axis and its values, and refuses anything else with the reason', () => {
    expect(parseSweep('streams=1,16,64,256')).toEqual({ axis: 'streams', values: [1, 16, 64, 256] });
    expect(parseSweep('value-size=256,4096,65536')).toEqual({ axis: 'value-size', values: [256, 4096, 65536] });
    expect(() => parseSweep('keys=10')).toThrow(/AXIS one of streams, value-size/);
    expect(() => parseSweep('streams=0,5')).toThrow(/integers up to 1000/);
    expect(() => parseSweep('streams=1,x')).toThrow(/integers/);
    expect(() => parseSweep('streams=1,2,3,4,5,6,7,8,9')).toThrow(/1 to 8/);
  });

  it('sets the swept option and leaves the rest', () => {
    expect(optionsAt(BASE, parseSweep('streams=64'), 64)).toEqual({ ...BASE, streams: 64 });
    expect(optionsAt(BASE, parseSweep('value-size=4096'), 4096)).toEqual({ ...BASE, valueBytes: 4096 });
  });

  it('charts quorumkv by role beside etcd, and tabulates the ratio at each point', () => {
    const sweep = parseSweep('streams=1,64');
    const points = [
      { value: 1, rows: [row({ cpuByRole: { writers: 300, 'storage leader': 700 }, serverCpuUs: 1000 }), row({ target: 'etcd', cpuByRole: { 'etcd leader': 250 }, serverCpuUs: 250 })] },
      { value: 64, rows: [row({ cpuByRole: { writers: 100, 'storage leader': 300 }, serverCpuUs: 400 }), row({ target: 'etcd', cpuByRole: { 'etcd leader': 200 }, serverCpuUs: 200 })] },
    ];
    const svg = sweepChart(sweep, points, 'title & more');
    expect(svg).toMatch(/^<svg /);
    expect(svg).toContain('title &amp; more');
    expect(svg).toContain('<title>storage leader: 700 µs/op</title>');
    expect(svg).toContain('stroke-dasharray'); // etcd's line
    expect(svg).toContain('streams per connection');
    const table = sweepTable(sweep, points);
    expect(table).toContain('| 1 | put | direct | 1000 | 250 | 4.00× | 100 | 100 |');
    expect(table).toContain('| 64 | put | direct | 400 | 200 | 2.00× |');
  });
});
