import { describe, expect, it } from 'vitest';
import { DOC_BEGIN, DOC_END, markdownSection, median, mergeSection, ratioRows, svgChart, textTable, type CompareRun } from '../../src/bench/compare-report.js';
import type { BenchResult } from '../../src/bench/runner.js';

function result(throughput: number, p99: number): BenchResult {
  return { target: 'x', workload: 'put', options: {} as never, throughput, latencyMs: { p50: p99 / 2, p90: p99, p99, p999: p99, max: p99, mean: p99 / 2 }, ops: 1, errors: {}, durationS: 1 };
}

const runs: CompareRun[] = [
  { workload: 'put', round: 1, target: 'quorumkv', result: result(2000, 10) },
  { workload: 'put', round: 1, target: 'etcd', result: result(1000, 20) },
  { workload: 'put', round: 2, target: 'quorumkv', result: result(3000, 10) },
  { workload: 'put', round: 2, target: 'etcd', result: result(1000, 10) },
  { workload: 'put', round: 3, target: 'quorumkv', result: result(500, 40) },
  { workload: 'put', round: 3, target: 'etcd', result: result(1000, 10) },
  { workload: 'get', round: 1, target: 'quorumkv', failure: 'exit 1' },
  { workload: 'get', round: 1, target: 'etcd', result: result(1000, 10) },
];

describe('the comparison report', () => {
  it('takes the median of per-pair ratios', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    const [put, get] = ratioRows(['put', 'get'], runs);
    expect(put.pairs).toBe(3);
    expect(put.throughputRatio).toBe(2); // pairs: 2, 3, 0.5
    expect(put.p99Ratio).toBe(1); // pairs: 0.5, 1, 4
    expect(put.quorumkvThroughput).toBe(2000);
    expect(get.pairs).toBe(0);
    expect(Number.isNaN(get.throughputRatio)).toBe(true);
  });

  it('renders the table, the markdown section and the chart', () => {
    const rows = ratioRows(['put', 'get'], runs);
    expect(textTable(rows)).toMatch(/put\s+2,000\s+1,000\s+2\.00×/);
    const section = markdownSection({ date: '2025-01-01T00:00:00Z', command: 'npm run bench:compare', machine: [['CPUs (nproc)', '2']], settings: 's', workloads: [], rows, runs });
    expect(section.startsWith(DOC_BEGIN)).toBe(true);
    expect(section.endsWith(DOC_END)).toBe(true);
    expect(section).toContain('| put | 2,000 | 1,000 | 2.00× |');
    expect(section).toContain('| 7 | get | 1 | quorumkv | failed |');
    const svg = svgChart(rows, 'subtitle <&>');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('subtitle &lt;&amp;&gt;');
    expect(svg).toContain('2.00×');
  });

  it('replaces only its own section of an existing document', () => {
    const first = mergeSection(undefined, `${DOC_BEGIN}\nold\n${DOC_END}`);
    const edited = `${first}\n## Scale figures\n\nwritten by hand\n`;
    const merged = mergeSection(edited, `${DOC_BEGIN}\nnew\n${DOC_END}`);
    expect(merged).toContain('new');
    expect(merged).not.toContain('old');
    expect(merged).toContain('written by hand');
    expect(mergeSection('# Benchmarks\n\nintro\n', 'S')).toBe('# Benchmarks\n\nintro\n\nS\n');
  });
});
