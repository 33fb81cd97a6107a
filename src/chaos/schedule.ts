/**
 * The fault schedule of a run, derived from its seed alone: which fault, when, for how long. Who
 * a fault hits ("the storage leader") is decided when it starts, since that depends on the run.
 * Faults do not overlap: each is healed (and killed processes are ready again) before the next.
 */
import { SeededRandom } from './random.js';

export type FaultKind = 'kill' | 'pause' | 'partition' | 'latency' | 'crash';

export const FAULT_VARIANTS: Record<FaultKind, readonly string[]> = {
  kill: ['storage-leader', 'storage-follower', 'writer', 'reader', 'gateway'],
  pause: ['storage-leader', 'storage-follower', 'writer', 'reader', 'gateway'],
  partition: ['isolate-storage', 'split', 'bridge', 'ring', 'writer-storage', 'gateway-writer'],
  latency: ['all', 'storage'],
  // A storage member crashes at a failpoint of its write path (src/failpoints.ts) while it runs.
  crash: ['storage-leader', 'storage-follower'],
};

export interface FaultSpec {
  kind: FaultKind;
  variant: string;
}

export interface ScheduledFault extends FaultSpec {
  index: number;
  /** Planned start, in ms from the start of the workload. */
  atMs: number;
  /** How long it stays in force before it is healed. */
  holdMs: number;
  /** For choices made when it starts (which writer, which split): its own random seed. */
  seed: number;
}

export interface ScheduleOptions {
  /** No fault before this (the workload warms up). */
  quietStartMs?: number;
  /** No fault starts later than `durationMs - quietEndMs`. */
  quietEndMs?: number;
  holdMsMin?: number;
  holdMsMax?: number;
  gapMsMin?: number;
  gapMsMax?: number;
  maxFaults?: number;
}

export const DEFAULT_SCHEDULE: Required<ScheduleOptions> = {
  quietStartMs: 2_000,
  quietEndMs: 2_000,
  holdMsMin: 2_000,
  holdMsMax: 5_000,
  gapMsMin: 1_000,
  gapMsMax: 3_000,
  maxFaults: 10_000,
};

export function buildSchedule(seed: number, durationMs: number, faults: readonly FaultSpec[], options: ScheduleOptions = {}): ScheduledFault[] {
  const o = { ...DEFAULT_SCHEDULE, ...options };
  if (o.holdMsMin > o.holdMsMax || o.gapMsMin > o.gapMsMax) throw new RangeError('schedule: a minimum is above its maximum');
  const random = new SeededRandom(seed);
  const schedule: ScheduledFault[] = [];
  if (faults.length === 0) return schedule;
  let at = o.quietStartMs;
  while (schedule.length < o.maxFaults) {
    const holdMs = random.int(o.holdMsMin, o.holdMsMax);
    if (at + holdMs > durationMs - o.quietEndMs) break;
    const spec = random.pick(faults);
    schedule.push({ index: schedule.length, kind: spec.kind, variant: spec.variant, atMs: at, holdMs, seed: random.int(0, 2 ** 31 - 1) });
    at += holdMs + random.int(o.gapMsMin, o.gapMsMax);
  }
  return schedule;
}

export function faultName(fault: FaultSpec): string {
  return `${fault.kind}:${fault.variant}`;
}
