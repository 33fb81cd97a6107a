import type { ProgressSnapshot, BenchResult } from './runner.js';

// What a person sees: one progress line (rewritten in place on a terminal), then one summary line.

const BAR_WIDTH = 20;

export function progressLine(label: string, p: ProgressSnapshot): string {
  const filled = Math.round(Math.min(1, Math.max(0, p.fraction)) * BAR_WIDTH);
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}]`;
  if (p.phase === 'populate') return `${label} populating ${bar} ${Math.round(p.fraction * 100)}%  ${p.elapsedS.toFixed(1)}s`;
  const phase = p.phase === 'warmup' ? 'warmup ' : '';
  return `${label} ${phase}${bar} ${p.elapsedS.toFixed(1)}s  ${formatRate(p.opsPerS)} ops/s  p99 ${formatMs(p.p99Ms)}  errors ${p.errors}`;
}

export function summaryLine(result: BenchResult): string {
  const l = result.latencyMs;
  const errorTotal = Object.values(result.errors).reduce((a, b) => a + b, 0);
  const errors = errorTotal === 0 ? 'errors 0' : `errors ${errorTotal} (${Object.entries(result.errors).map(([c, n]) => `${c} ${n}`).join(', ')})`;
  const conflicts = result.conflictRate === undefined ? '' : `  conflicts ${(result.conflictRate * 100).toFixed(1)}%`;
  const unsent = result.unsent ? `  unsent ${result.unsent} (the target fell behind --rate)` : '';
  return (
    `${result.target} ${result.workload}: ${formatRate(result.throughput)} ops/s over ${result.durationS.toFixed(1)}s (${result.ops} ops)  ` +
    `latency p50 ${formatMs(l.p50)} p90 ${formatMs(l.p90)} p99 ${formatMs(l.p99)} p99.9 ${formatMs(l.p999)} max ${formatMs(l.max)}  ${errors}${conflicts}${unsent}`
  );
}

export function formatMs(ms: number): string {
  return ms >= 100 ? `${ms.toFixed(0)}ms` : ms >= 10 ? `${ms.toFixed(1)}ms` : `${ms.toFixed(2)}ms`;
}

export function formatRate(perS: number): string {
  return Math.round(perS).toLocaleString('en-US');
}

/** Writes progress to `stream`: in place on a terminal, else one line per update. */
export function progressPrinter(stream: NodeJS.WriteStream, label: string): { update: (p: ProgressSnapshot) => void; done: () => void } {
  let wrote = false;
  return {
    update: (p) => {
      const line = progressLine(label, p);
      if (stream.isTTY) stream.write(`\r${line}\x1b[K`);
      else stream.write(`${line}\n`);
      wrote = true;
    },
    done: () => {
      if (wrote && stream.isTTY) stream.write('\n');
    },
  };
}
