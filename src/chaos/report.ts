/**
 * What a run leaves in its output directory: history.jsonl (every operation), report.json (the
 * verdicts, counts, faults and failover gaps) and report.html (a self-contained SVG timeline:
 * every operation's latency over time, colored by outcome, with fault windows shaded).
 */
import { createWriteStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OpRecord, Outcome } from './history.js';
import type { FaultEvent } from './nemesis.js';
import { escapeXml } from '../markup.js';
import { availabilityTable, type AvailabilityReport } from './availability.js';

/** A fault's effect on the workload: when operations succeeded again. */
export interface FaultGap extends FaultEvent {
  /** From the fault's start to the first success of an operation sent after it (null: none). */
  firstSuccessMs: number | null;
  /** The longest stretch without any success, from the fault's start until 5 s after it ended. */
  longestGapMs: number;
}

export interface GapStats {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

const GAP_TAIL_MS = 5_000;

/** `untilMs`: when the workload stopped (no gap is counted past it). */
export function faultGaps(events: readonly FaultEvent[], ops: readonly OpRecord[], untilMs: number): FaultGap[] {
  const successes = ops.filter((o) => o.outcome === 'ok' && o.ret !== null).map((o) => ({ call: o.call, ret: o.ret! }));
  const returns = successes.map((s) => s.ret).sort((a, b) => a - b);
  return events.map((event) => {
    let first: number | null = null;
    for (const s of successes) if (s.call >= event.startMs && (first === null || s.ret < first)) first = s.ret;
    const end = Math.max(event.startMs, Math.min((event.endMs ?? event.startMs) + GAP_TAIL_MS, untilMs));
    let previous = event.startMs;
    let longest = 0;
    let closed = false;
    for (const t of returns) {
      if (t < event.startMs) continue;
      longest = Math.max(longest, Math.min(t, end) - previous);
      previous = t;
      if (t >= end) {
        closed = true;
        break;
      }
    }
    if (!closed) longest = Math.max(longest, end - previous);
    return { ...event, firstSuccessMs: first === null ? null : round(first - event.startMs), longestGapMs: round(longest) };
  });
}

export function gapStats(gaps: readonly FaultGap[], field: 'firstSuccessMs' | 'longestGapMs'): Record<string, GapStats> {
  const byKind = new Map<string, number[]>();
  for (const gap of gaps) {
    const value = gap[field];
    if (value === null) continue;
    const kind = `${gap.kind}:${gap.variant}`;
    if (!byKind.has(kind)) byKind.set(kind, []);
    byKind.get(kind)!.push(value);
  }
  const stats: Record<string, GapStats> = {};
  for (const [kind, values] of [...byKind].sort()) {
    values.sort((a, b) => a - b);
    const at = (q: number) => values[Math.min(values.length - 1, Math.ceil(q * values.length) - 1)];
    stats[kind] = { count: values.length, p50: at(0.5), p99: at(0.99), max: values[values.length - 1] };
  }
  return stats;
}

export function countsBy(ops: readonly OpRecord[], field: 'workload' | 'endpoint'): Record<string, Record<Outcome, number>> {
  const counts: Record<string, Record<Outcome, number>> = {};
  for (const op of ops) {
    const group = (counts[op[field]] ??= { ok: 0, fail: 0, unknown: 0 });
    if (op.outcome !== 'open') group[op.outcome]++;
  }
  return counts;
}

export async function writeHistory(outDir: string, ops: readonly OpRecord[]): Promise<void> {
  const stream = createWriteStream(join(outDir, 'history.jsonl'));
  for (const op of ops) {
    if (!stream.write(JSON.stringify(op) + '\n')) await new Promise<void>((resolve) => stream.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) => stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

export function writeReportFiles(outDir: string, report: Record<string, unknown>, ops: readonly OpRecord[], gaps: readonly FaultGap[], durationMs: number): void {
  writeFileSync(join(outDir, 'report.json'), JSON.stringify(report, null, 2) + '\n');
  writeFileSync(join(outDir, 'report.html'), renderHtml(report, ops, gaps, durationMs));
}

const WIDTH = 1200;
const HEIGHT = 420;
const MARGIN = { left: 60, right: 20, top: 20, bottom: 40 };
const MIN_LATENCY_MS = 0.5;
const MAX_LATENCY_MS = 20_000;
const MAX_POINTS = 40_000;
const COLORS: Record<Outcome, string> = { ok: '#2b8a3e', fail: '#e67700', unknown: '#c92a2a' };
const FAULT_COLORS: Record<string, string> = { kill: '#ff6b6b', pause: '#fab005', partition: '#4dabf7', latency: '#b197fc' };

function renderHtml(report: Record<string, unknown>, ops: readonly OpRecord[], gaps: readonly FaultGap[], durationMs: number): string {
  const endMs = Math.max(durationMs, ...gaps.map((g) => g.endMs ?? g.startMs), ...ops.map((o) => o.ret ?? o.call)) * 1.01 + 1;
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (ms: number) => MARGIN.left + (Math.max(0, ms) / endMs) * plotW;
  const logMin = Math.log10(MIN_LATENCY_MS);
  const logMax = Math.log10(MAX_LATENCY_MS);
  const y = (latencyMs: number) => MARGIN.top + plotH - ((Math.log10(Math.min(MAX_LATENCY_MS, Math.max(MIN_LATENCY_MS, latencyMs))) - logMin) / (logMax - logMin)) * plotH;
  const parts: string[] = [];
  for (const gap of gaps) {
    const x0 = x(gap.startMs);
    const x1 = x(gap.endMs ?? gap.startMs + 100);
    const color = FAULT_COLORS[gap.kind] ?? '#adb5bd';
    parts.push(`<rect x="${x0.toFixed(1)}" y="${MARGIN.top}" width="${Math.max(1, x1 - x0).toFixed(1)}" height="${plotH}" fill="${color}" fill-opacity="0.18"><title>${escapeXml(`#${gap.index} ${gap.kind}:${gap.variant} ${gap.target} [${(gap.startMs / 1000).toFixed(1)}s, ${((gap.endMs ?? gap.startMs) / 1000).toFixed(1)}s] first success after ${gap.firstSuccessMs ?? '-'} ms, longest gap ${gap.longestGapMs} ms${gap.error ? ` error: ${gap.error}` : ''}`)}</title></rect>`);
    parts.push(`<text x="${(x0 + 2).toFixed(1)}" y="${MARGIN.top + 10 + (gap.index % 3) * 11}" font-size="9" fill="#495057">${escapeXml(`${gap.kind}:${gap.variant} ${gap.target}`.slice(0, 40))}</text>`);
  }
  for (let decade = Math.ceil(logMin); decade <= logMax; decade++) {
    const value = 10 ** decade;
    parts.push(`<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y(value).toFixed(1)}" y2="${y(value).toFixed(1)}" stroke="#dee2e6"/>`);
    parts.push(`<text x="${MARGIN.left - 6}" y="${(y(value) + 3).toFixed(1)}" font-size="10" text-anchor="end">${value >= 1000 ? `${value / 1000} s` : `${value} ms`}</text>`);
  }
  const stepS = Math.max(1, Math.ceil(endMs / 1000 / 12));
  for (let s = 0; s * 1000 <= endMs; s += stepS) {
    parts.push(`<text x="${x(s * 1000).toFixed(1)}" y="${HEIGHT - MARGIN.bottom + 14}" font-size="10" text-anchor="middle">${s}s</text>`);
  }
  const keepEvery = Math.max(1, Math.ceil(ops.length / MAX_POINTS));
  ops.forEach((op, i) => {
    if (op.outcome === 'ok' && i % keepEvery !== 0) return;
    const outcome: Outcome = op.outcome === 'open' ? 'unknown' : op.outcome;
    const latency = op.ret === null ? MAX_LATENCY_MS : op.ret - op.call;
    const cx = x(op.call).toFixed(1);
    const cy = y(latency).toFixed(1);
    const title = `<title>${escapeXml(`${op.workload} ${op.f} ${op.key ?? ''} via ${op.endpoint}: ${outcome}${op.ret === null ? '' : ` in ${latency.toFixed(1)} ms`}${op.error ? ` (${op.error})` : ''}`)}</title>`;
    if (outcome === 'ok') parts.push(`<circle cx="${cx}" cy="${cy}" r="1.3" fill="${COLORS.ok}" fill-opacity="0.5">${title}</circle>`);
    else parts.push(`<path d="M${Number(cx) - 3},${Number(cy) - 3}l6,6m0,-6l-6,6" stroke="${COLORS[outcome]}" stroke-width="1.2">${title}</path>`);
  });
  parts.push(`<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#868e96"/>`);
  parts.push(`<text x="${WIDTH / 2}" y="${HEIGHT - 6}" font-size="11" text-anchor="middle">time since start (call time); unknown outcomes are drawn at the top</text>`);
  parts.push(`<text x="14" y="${MARGIN.top + plotH / 2}" font-size="11" text-anchor="middle" transform="rotate(-90 14 ${MARGIN.top + plotH / 2})">latency (log)</text>`);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" font-family="sans-serif">${parts.join('')}</svg>`;
  const verdict = String(report.verdict);
  const checks = (report.checks ?? {}) as Record<string, { ok: unknown; summary: string }>;
  const rows = Object.entries(checks)
    .map(([name, c]) => `<tr><td>${escapeXml(name)}</td><td class="${c.ok === true ? 'pass' : 'fail'}">${c.ok === true ? 'pass' : c.ok === false ? 'FAIL' : 'unknown'}</td><td>${escapeXml(c.summary)}</td></tr>`)
    .join('');
  const legend = [
    ...Object.entries(COLORS).map(([k, c]) => `<span style="color:${c}">&#9679; ${k}</span>`),
    ...Object.entries(FAULT_COLORS).map(([k, c]) => `<span style="background:${c};opacity:.5">&nbsp;${k}&nbsp;</span>`),
  ].join(' &nbsp; ');
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>quorumkv chaos seed ${escapeXml(String(report.seed))}: ${escapeXml(verdict)}</title>
<style>body{font-family:sans-serif;margin:20px}td,th{padding:2px 8px;text-align:left;vertical-align:top}.pass{color:#2b8a3e;font-weight:bold}.fail{color:#c92a2a;font-weight:bold}pre{background:#f8f9fa;padding:8px;overflow:auto;max-height:400px}</style>
</head><body>
<h1>quorumkv chaos run, seed ${escapeXml(String(report.seed))}: <span class="${verdict === 'pass' ? 'pass' : 'fail'}">${escapeXml(verdict.toUpperCase())}</span></h1>
<p>${escapeXml(String(report.command ?? ''))}</p>
<table><tr><th>check</th><th>verdict</th><th>summary</th></tr>${rows}</table>
<h2>Operations over time</h2>
<p>${legend}. Hover a point or a shaded window for details.</p>
${svg}
<h2>Report</h2>
<pre>${escapeXml(report.availability ? availabilityTable(report.availability as AvailabilityReport) : '')}</pre>
<pre>${escapeXml(JSON.stringify({ ops: report.ops, failoverGaps: report.failoverGaps, faults: report.faults }, null, 2))}</pre>
</body></html>
`;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
