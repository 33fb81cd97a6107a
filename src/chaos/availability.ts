/**
 * How available the cluster stayed through each fault, measured from the history: failed
 * requests and tail latency by kind of request inside the fault's window, against the same
 * figures outside every window, and how soon writes resumed after the fault and after its heal.
 * Goals (docs/CHAOS.md) are judged per fault; they are reported, not part of the verdict, which
 * is about correctness.
 */
import type { OpRecord } from './history.js';
import type { FaultEvent } from './nemesis.js';

/** After a fault is lifted, requests still feel it for a while (reconnects, catch-up). */
export const SETTLE_MS = 2_000;

export type RequestClass = 'write' | 'read' | 'replica-read' | 'transaction';
const CLASSES: RequestClass[] = ['write', 'read', 'replica-read', 'transaction'];
/** One request that writes: the lease calls and a transaction that reads old revisions and writes a marker too. */
const WRITES = new Set(['put', 'cas', 'add', 'txn-read-at', 'grant', 'keepalive', 'revoke']);
/**
 * Several requests (reads, then a commit retried on conflict): their latency grows with
 * contention, not only with availability, so they get their own figures.
 */
const TRANSACTIONS = new Set(['transfer']);
/** Refusals that prove the request was decided (a conflict, a bad argument): not unavailability. */
const DECIDED = /^(ConflictError|TooOldError|InvalidArgumentError|ReadOnlyError|FutureRevisionError|CompactedRevisionError)\b/;

export interface ClassFigures {
  ops: number;
  failed: number;
  p99Ms: number | null;
  maxMs: number | null;
}

export interface FaultAvailability {
  index: number;
  fault: string;
  target: string;
  /** From the fault's start to the return of the first successful write sent after it. */
  writesResumeMs: number | null;
  /** From the heal to the first write acknowledged after it, whenever it was sent: how soon traffic flows again. */
  writesResumeAfterHealMs: number | null;
  byClass: Record<RequestClass, ClassFigures>;
  goal: { text: string; met: boolean } | null;
}

export interface AvailabilityReport {
  baseline: Record<RequestClass, ClassFigures>;
  faults: FaultAvailability[];
}

export function classOf(op: OpRecord): RequestClass {
  if (WRITES.has(op.f)) return 'write';
  if (TRANSACTIONS.has(op.f)) return 'transaction';
  return op.endpoint === 'reader' ? 'replica-read' : 'read';
}

export function isUnavailable(op: OpRecord): boolean {
  return op.outcome === 'unknown' || (op.outcome === 'fail' && !DECIDED.test(op.error ?? ''));
}

/**
 * Figures over the requests sent through the gateway's two endpoints, which are what must stay
 * available; requests sent straight to one writer fail while that writer is down, by design.
 */
export function availability(events: readonly FaultEvent[], allOps: readonly OpRecord[]): AvailabilityReport {
  const ops = allOps.filter((op) => op.endpoint === 'gateway' || op.endpoint === 'reader');
  // A window ends where the next fault starts: what happens then is the next fault's doing.
  const windows = events.map((e, i) => [e.startMs, Math.min((e.endMs ?? e.startMs) + SETTLE_MS, events[i + 1]?.startMs ?? Infinity)] as const);
  const calm = ops.filter((op) => !windows.some(([from, to]) => op.call <= to && (op.ret ?? Infinity) >= from));
  const baseline = figuresByClass(calm);
  // A request is charged to the last fault it was in flight for: one sent just before a fault
  // started, or just before the next one, felt that fault.
  const charged = events.map((): OpRecord[] => []);
  for (const op of ops) {
    const ret = op.ret ?? op.call;
    for (let i = windows.length - 1; i >= 0; i--) {
      const [from, to] = windows[i];
      if (op.call <= to && ret >= from) {
        charged[i].push(op);
        break;
      }
    }
  }
  const faults = events.map((event, i) => {
    const byClass = figuresByClass(charged[i]);
    const healMs = event.endMs ?? event.startMs;
    const result: FaultAvailability = {
      index: event.index,
      fault: `${event.kind}:${event.variant}`,
      target: event.target,
      writesResumeMs: firstWriteAcknowledged(ops, event.startMs),
      writesResumeAfterHealMs: event.endMs === null ? null : firstWriteAcknowledged(ops, healMs, true),
      byClass,
      goal: null,
    };
    result.goal = judge(result, baseline);
    return result;
  });
  return { baseline, faults };
}

function figuresByClass(ops: readonly OpRecord[]): Record<RequestClass, ClassFigures> {
  const result = {} as Record<RequestClass, ClassFigures>;
  for (const c of CLASSES) {
    const mine = ops.filter((op) => classOf(op) === c);
    const latencies = mine.filter((op) => op.outcome === 'ok' && op.ret !== null).map((op) => op.ret! - op.call).sort((a, b) => a - b);
    result[c] = {
      ops: mine.length,
      failed: mine.filter(isUnavailable).length,
      p99Ms: latencies.length === 0 ? null : round(latencies[Math.min(latencies.length - 1, Math.ceil(0.99 * latencies.length) - 1)]),
      maxMs: latencies.length === 0 ? null : round(latencies[latencies.length - 1]),
    };
  }
  return result;
}

/** How long after `fromMs` the first write was acknowledged, among those sent after it or (`sentAnyTime`) among all. */
function firstWriteAcknowledged(ops: readonly OpRecord[], fromMs: number, sentAnyTime = false): number | null {
  let first: number | null = null;
  for (const op of ops) {
    if (op.outcome !== 'ok' || op.ret === null || !(WRITES.has(op.f) || TRANSACTIONS.has(op.f)) || op.ret < fromMs || (!sentAnyTime && op.call < fromMs)) continue;
    if (first === null || op.ret < first) first = op.ret;
  }
  return first === null ? null : round(first - fromMs);
}

/** The goal of issue-level availability for this kind of fault, and whether the run met it. */
function judge(f: FaultAvailability, baseline: Record<RequestClass, ClassFigures>): { text: string; met: boolean } | null {
  const within = (c: RequestClass, factor: number) => {
    const base = baseline[c].p99Ms;
    const here = f.byClass[c].p99Ms;
    return base === null || here === null || here <= factor * base;
  };
  const noFailures = (classes: RequestClass[]) => classes.every((c) => f.byClass[c].failed === 0);
  const leaderHit = /\(leader\)/.test(f.target);
  switch (f.fault) {
    case 'partition:isolate-storage':
      if (leaderHit) {
        return {
          text: 'writes resume ≤ 1500 ms after the fault and ≤ 200 ms after the heal; 0 failed replica reads',
          met: (f.writesResumeMs ?? Infinity) <= 1_500 && (f.writesResumeAfterHealMs ?? Infinity) <= 200 && noFailures(['replica-read']),
        };
      }
      return { text: 'no visible effect: p99 ≤ 2× the no-fault p99, 0 failed replica reads', met: CLASSES.every((c) => within(c, 2)) && noFailures(['replica-read']) };
    case 'partition:split':
    case 'partition:bridge':
      return { text: 'no visible effect: p99 ≤ 2× the no-fault p99', met: CLASSES.every((c) => within(c, 2)) };
    case 'kill:storage-leader':
      return { text: '0 failed replica reads, p99 ≤ 2× the no-fault p99', met: noFailures(['replica-read']) && within('replica-read', 2) };
    case 'partition:writer-storage':
    case 'partition:gateway-writer': {
      const base = baseline.write.p99Ms;
      const here = f.byClass.write.p99Ms;
      return { text: 'requests take ≤ 300 ms more, none fail', met: noFailures(CLASSES) && (base === null || here === null || here <= base + 300) };
    }
    case 'kill:writer':
      return { text: '0 failed requests', met: noFailures(CLASSES) };
    default:
      return null;
  }
}

function round(ms: number): number {
  return Math.round(ms);
}

/** One line per fault: what it cost and whether its goal was met; for the terminal and the HTML report. */
export function availabilityTable(report: AvailabilityReport): string {
  const ms = (v: number | null) => (v === null ? '-' : `${v}`);
  const b = report.baseline;
  const lines = [
    `no-fault p99 ms: write ${ms(b.write.p99Ms)}, read ${ms(b.read.p99Ms)}, replica-read ${ms(b['replica-read'].p99Ms)}, transaction ${ms(b.transaction.p99Ms)}`,
    'fault                      target                        writes-resume  after-heal  failed w/r/rr/tx  p99 w/r/rr/tx        goal',
  ];
  for (const f of report.faults) {
    const c = f.byClass;
    lines.push(
      [
        f.fault.padEnd(26),
        f.target.slice(0, 29).padEnd(29),
        ms(f.writesResumeMs).padStart(13),
        ms(f.writesResumeAfterHealMs).padStart(11),
        `${c.write.failed}/${c.read.failed}/${c['replica-read'].failed}/${c.transaction.failed}`.padStart(17),
        `${ms(c.write.p99Ms)}/${ms(c.read.p99Ms)}/${ms(c['replica-read'].p99Ms)}/${ms(c.transaction.p99Ms)}`.padStart(20),
        f.goal === null ? '  -' : `  ${f.goal.met ? 'met' : 'MISSED'}: ${f.goal.text}`,
      ].join(' '),
    );
  }
  return lines.join('\n');
}
