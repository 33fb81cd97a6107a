import type { BenchResult } from './runner.js';
import { escapeXml } from '../markup.js';

// The comparison's arithmetic and its outputs: ratios of quorumkv to etcd per pair of runs (one
// of each, back to back), their medians, a text table, the markdown section of docs/BENCHMARKS.md
// and an SVG bar chart. Pure functions of the runs, so they are tested without running anything.

export interface CompareWorkload {
  /** Row name, e.g. `get-linearizable`. */
  name: string;
  /** What the row shows, for the document. */
  description: string;
  /** Arguments of `quorumkv bench` (workload first), without target, endpoints, duration or warmup. */
  args: string[];
}

export interface CompareRun {
  workload: string;
  round: number;
  target: 'quorumkv' | 'etcd';
  result?: BenchResult;
  /** Why the run produced no result. */
  failure?: string;
}

export interface RatioRow {
  workload: string;
  pairs: number;
  quorumkvThroughput: number;
  etcdThroughput: number;
  /** Median over the pairs of quorumkv/etcd throughput (above 1: quorumkv is faster). */
  throughputRatio: number;
  quorumkvP50Ms: number;
  etcdP50Ms: number;
  quorumkvP99Ms: number;
  etcdP99Ms: number;
  /** Median over the pairs of quorumkv/etcd p50 and p99 (below 1: quorumkv answers sooner). */
  p50Ratio: number;
  p99Ratio: number;
  errors: { quorumkv: number; etcd: number };
}

export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function errorTotal(result: BenchResult | undefined): number {
  return result ? Object.values(result.errors).reduce((a, b) => a + b, 0) : 0;
}

/** One row per workload: medians over the rounds where both targets produced a result. */
export function ratioRows(workloads: string[], runs: CompareRun[]): RatioRow[] {
  return workloads.map((workload) => {
    const pairs: Array<[BenchResult, BenchResult]> = [];
    const rounds = [...new Set(runs.filter((r) => r.workload === workload).map((r) => r.round))].sort((a, b) => a - b);
    for (const round of rounds) {
      const q = runs.find((r) => r.workload === workload && r.round === round && r.target === 'quorumkv')?.result;
      const e = runs.find((r) => r.workload === workload && r.round === round && r.target === 'etcd')?.result;
      if (q && e) pairs.push([q, e]);
    }
    const ratio = (a: number, b: number) => (b > 0 ? a / b : NaN);
    const mine = runs.filter((r) => r.workload === workload);
    return {
      workload,
      pairs: pairs.length,
      quorumkvThroughput: median(pairs.map(([q]) => q.throughput)),
      etcdThroughput: median(pairs.map(([, e]) => e.throughput)),
      throughputRatio: median(pairs.map(([q, e]) => ratio(q.throughput, e.throughput))),
      quorumkvP50Ms: median(pairs.map(([q]) => q.latencyMs.p50)),
      etcdP50Ms: median(pairs.map(([, e]) => e.latencyMs.p50)),
      quorumkvP99Ms: median(pairs.map(([q]) => q.latencyMs.p99)),
      etcdP99Ms: median(pairs.map(([, e]) => e.latencyMs.p99)),
      p50Ratio: median(pairs.map(([q, e]) => ratio(q.latencyMs.p50, e.latencyMs.p50))),
      p99Ratio: median(pairs.map(([q, e]) => ratio(q.latencyMs.p99, e.latencyMs.p99))),
      errors: {
        quorumkv: mine.filter((r) => r.target === 'quorumkv').reduce((n, r) => n + errorTotal(r.result), 0),
        etcd: mine.filter((r) => r.target === 'etcd').reduce((n, r) => n + errorTotal(r.result), 0),
      },
    };
  });
}

const num = (n: number, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : 'n/a');
const ratioText = (n: number) => (Number.isFinite(n) ? `${n.toFixed(2)}×` : 'n/a');
const ms = (n: number) => (Number.isFinite(n) ? (n >= 10 ? n.toFixed(1) : n.toFixed(2)) : 'n/a');

const TABLE_HEAD = ['workload', 'quorumkv ops/s', 'etcd ops/s', 'throughput q/e', 'quorumkv p50 ms', 'etcd p50 ms', 'p50 q/e', 'quorumkv p99 ms', 'etcd p99 ms', 'p99 q/e', 'errors q/e'];

function tableCells(row: RatioRow): string[] {
  return [
    row.workload,
    num(row.quorumkvThroughput),
    num(row.etcdThroughput),
    ratioText(row.throughputRatio),
    ms(row.quorumkvP50Ms),
    ms(row.etcdP50Ms),
    ratioText(row.p50Ratio),
    ms(row.quorumkvP99Ms),
    ms(row.etcdP99Ms),
    ratioText(row.p99Ratio),
    `${row.errors.quorumkv}/${row.errors.etcd}`,
  ];
}

/** The ratio table for a terminal, columns aligned. */
export function textTable(rows: RatioRow[]): string {
  const all = [TABLE_HEAD, ...rows.map(tableCells)];
  const widths = TABLE_HEAD.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  return all.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ')).join('\n');
}

function markdownTable(head: string[], rows: string[][]): string {
  const align = head.map((_, i) => (i === 0 ? '---' : '---:'));
  return [head, align, ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

export interface CompareReportInput {
  date: string;
  command: string;
  machine: Array<[string, string]>;
  settings: string;
  workloads: CompareWorkload[];
  rows: RatioRow[];
  runs: CompareRun[];
}

export const DOC_BEGIN = '<!-- bench:compare begin (written by npm run bench:compare; edits inside are replaced) -->';
export const DOC_END = '<!-- bench:compare end -->';

/** The generated section of docs/BENCHMARKS.md, between DOC_BEGIN and DOC_END. */
export function markdownSection(input: CompareReportInput): string {
  const raw = input.runs.map((run, i) => {
    const r = run.result;
    if (!r) return [String(i + 1), run.workload, String(run.round), run.target, 'failed', '', '', '', '', '', run.failure ?? ''];
    const errors = Object.entries(r.errors).map(([c, n]) => `${c} ${n}`).join(', ') || '0';
    return [
      String(i + 1),
      run.workload,
      String(run.round),
      run.target,
      num(r.throughput),
      ms(r.latencyMs.p50),
      ms(r.latencyMs.p99),
      ms(r.latencyMs.p999),
      ms(r.latencyMs.max),
      r.conflictRate === undefined ? '' : `${(r.conflictRate * 100).toFixed(1)}%`,
      errors,
    ];
  });
  return [
    DOC_BEGIN,
    '## quorumkv / etcd, side by side',
    '',
    `Measured ${input.date} with:`,
    '',
    '```sh',
    input.command,
    '```',
    '',
    markdownTable(['machine', ''], input.machine),
    '',
    input.settings,
    '',
    '### Ratios (median of the pairs)',
    '',
    'Each pair is one quorumkv run and one etcd run, back to back (A B A B …). Throughput above 1× and',
    'latency below 1× favour quorumkv. The ops/s and ms columns are medians of the runs themselves.',
    '',
    markdownTable(TABLE_HEAD, input.rows.map(tableCells)),
    '',
    '![quorumkv / etcd ratios](benchmarks.svg)',
    '',
    '### Workloads',
    '',
    markdownTable(['workload', 'what', 'bench arguments'], input.workloads.map((w) => [w.name, w.description, `\`${w.args.join(' ')}\``])),
    '',
    '### Every run',
    '',
    markdownTable(['run', 'workload', 'round', 'target', 'ops/s', 'p50 ms', 'p99 ms', 'p99.9 ms', 'max ms', 'conflicts', 'errors'], raw),
    DOC_END,
  ].join('\n');
}

/** Replaces the generated section of `existing` (or appends one), keeping everything else. */
export function mergeSection(existing: string | undefined, section: string, title = '# Benchmarks', markers: [string, string] = [DOC_BEGIN, DOC_END]): string {
  if (!existing || existing.trim() === '') return `${title}\n\n${section}\n`;
  const begin = existing.indexOf(markers[0]);
  const end = existing.indexOf(markers[1]);
  if (begin >= 0 && end > begin) return existing.slice(0, begin) + section + existing.slice(end + markers[1].length);
  return `${existing.trimEnd()}\n\n${section}\n`;
}

/**
 * A bar chart of the ratios: per workload, throughput q/e and p99 q/e, on a log scale around the
 * 1× line (so 2× and 0.5× are the same distance from it).
 */
export function svgChart(rows: RatioRow[], subtitle: string): string {
  const width = 760;
  const rowHeight = 44;
  const top = 70;
  const left = 170;
  const plotWidth = width - left - 40;
  const height = top + rows.length * rowHeight + 50;
  const finite = rows.flatMap((r) => [r.throughputRatio, r.p99Ratio]).filter((v) => Number.isFinite(v) && v > 0);
  const span = Math.max(2, ...finite.map((v) => Math.max(v, 1 / v)));
  const logMax = Math.log2(span) * 1.1;
  const x = (ratio: number) => left + plotWidth / 2 + (Math.log2(ratio) / logMax) * (plotWidth / 2);
  const ticks = [1 / 8, 1 / 4, 1 / 2, 1, 2, 4, 8].filter((t) => Math.abs(Math.log2(t)) <= logMax);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">quorumkv / etcd (median of pairs; log scale)</text>`,
    `<text x="${width / 2}" y="40" text-anchor="middle" fill="#555">${escapeXml(subtitle)}</text>`,
    `<rect x="${left}" y="48" width="10" height="10" fill="#2b7bb9"/><text x="${left + 14}" y="57">throughput (higher is better for quorumkv)</text>`,
    `<rect x="${left + 290}" y="48" width="10" height="10" fill="#e08a2c"/><text x="${left + 304}" y="57">p99 latency (lower is better for quorumkv)</text>`,
  ];
  for (const t of ticks) {
    const tx = x(t).toFixed(1);
    const label = t >= 1 ? `${t}×` : `1/${1 / t}×`;
    parts.push(`<line x1="${tx}" y1="${top - 4}" x2="${tx}" y2="${top + rows.length * rowHeight}" stroke="${t === 1 ? '#000' : '#ddd'}" stroke-width="${t === 1 ? 1.5 : 1}"/>`);
    parts.push(`<text x="${tx}" y="${top + rows.length * rowHeight + 16}" text-anchor="middle" fill="#555">${label}</text>`);
  }
  rows.forEach((row, i) => {
    const y = top + i * rowHeight;
    parts.push(`<text x="${left - 8}" y="${y + 24}" text-anchor="end">${escapeXml(row.workload)}</text>`);
    const bar = (ratio: number, offset: number, color: string) => {
      if (!Number.isFinite(ratio) || ratio <= 0) {
        parts.push(`<text x="${x(1) + 4}" y="${y + offset + 12}" fill="#999">n/a</text>`);
        return;
      }
      const x0 = Math.min(x(1), x(ratio));
      const w = Math.max(1, Math.abs(x(ratio) - x(1)));
      parts.push(`<rect x="${x0.toFixed(1)}" y="${y + offset}" width="${w.toFixed(1)}" height="16" fill="${color}"/>`);
      // Right of the bar when it grows right, right of the 1× line when it grows left: clear of the row names.
      const labelX = ratio >= 1 ? x0 + w + 4 : x(1) + 4;
      parts.push(`<text x="${labelX.toFixed(1)}" y="${y + offset + 12}">${ratio.toFixed(2)}×</text>`);
    };
    bar(row.throughputRatio, 4, '#2b7bb9');
    bar(row.p99Ratio, 22, '#e08a2c');
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
