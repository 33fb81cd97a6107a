import { describe, expect, it } from 'vitest';
import { memoryChart, type MemorySample } from '../../src/bench/scale-chart.js';

const MiB = 1024 * 1024;

describe('memoryChart', () => {
  const samples: MemorySample[] = [
    { keys: 0, private: 100 * MiB, mapped: 0, heap: 20 * MiB, external: 10 * MiB, disk: 0 },
    { keys: 1_000_000, private: 150 * MiB, mapped: 40 * MiB, heap: 25 * MiB, external: 60 * MiB, disk: 50 * MiB },
  ];

  it('draws one line per measure, against keys loaded, on an axis that holds the largest value', () => {
    const svg = memoryChart(samples, 'member s1 <1M keys>');
    expect(svg.match(/<polyline /g)).toHaveLength(5);
    expect(svg).toContain('member s1 &lt;1M keys&gt;');
    expect(svg).toContain('>1M</text>');
    expect(svg).toContain('>200 MiB</text>');
    // The private line rises from left to right: its last point is higher (smaller y) than its first.
    const privateLine = svg.match(/stroke="#c0392b" stroke-width="2" points="([^"]+)"/)![1].split(' ').map((p) => p.split(',').map(Number));
    expect(privateLine[1][0]).toBeGreaterThan(privateLine[0][0]);
    expect(privateLine[1][1]).toBeLessThan(privateLine[0][1]);
  });

  it('draws an empty chart for no samples', () => {
    expect(memoryChart([], 'none')).toContain('</svg>');
  });
});
