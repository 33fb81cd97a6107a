/**
 * Options of a chaos run: documented defaults, checked once, compiled into a `ChaosConfig` that
 * the runner trusts.
 */
import { resolve } from 'node:path';
import type { TestDefect } from '../storage/test-defects.js';
import { FAULT_VARIANTS, type FaultKind, type FaultSpec } from './schedule.js';

export const WORKLOADS = ['register', 'bank', 'set', 'counter', 'lease', 'history'] as const;
export type WorkloadName = (typeof WORKLOADS)[number];

export const DEFAULT_DURATION_MS = 60_000;
export const DEFAULT_OP_TIMEOUT_MS = 3_000;
export const DEFAULT_FAULTS = 'kill,pause,partition,latency,crash';
export const DEFAULT_TOPOLOGY = 'storage=3,writers=2,readers=1';
const MAX_DURATION_MS = 24 * 3600_000;
const DEFECTS: readonly TestDefect[] = ['ack-before-commit', 'weak-dedupe'];
/**
 * `stress`: storage members snapshot every 200 entries and keep a tail of 50, so faults hit
 * snapshot transfers and installs all the time (the default: correctness). `default`: the
 * settings a deployment runs with, where a briefly cut-off member catches up from the log (what
 * availability figures should be measured with).
 */
export const STORAGE_SETTINGS = ['stress', 'default'] as const;
export type StorageSettings = (typeof STORAGE_SETTINGS)[number];

export interface ChaosShape {
  storage: number;
  writers: number;
  readers: number;
}

export interface ChaosOptions {
  seed?: number;
  duration?: string;
  faults?: string;
  workload?: string;
  topology?: string;
  out?: string;
  defect?: string;
  opTimeout?: string;
  storageSettings?: string;
}

export interface ChaosConfig {
  seed: number;
  durationMs: number;
  faults: FaultSpec[];
  workloads: WorkloadName[];
  shape: ChaosShape;
  outDir: string;
  defect: TestDefect | undefined;
  opTimeoutMs: number;
  storageSettings: StorageSettings;
}

/** "60s", "2m", "500ms", "1h", or a bare number of seconds. */
export function parseDurationMs(text: string, what = 'duration'): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) throw new RangeError(`${what}: expected a number with ms, s, m or h (e.g. 60s, 2m), got ${JSON.stringify(text)}`);
  const scale = { ms: 1, s: 1000, m: 60_000, h: 3600_000 }[(match[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  return Math.round(Number(match[1]) * scale);
}

export function parseShape(text: string): ChaosShape {
  const shape: ChaosShape = { storage: 3, writers: 2, readers: 1 };
  for (const part of text.split(',').filter((p) => p.trim() !== '')) {
    const [name, value] = part.split('=').map((s) => s.trim());
    if (!(name in shape) || value === undefined || !/^\d+$/.test(value)) {
      throw new RangeError(`topology: expected storage=N,writers=N,readers=N, got ${JSON.stringify(part)}`);
    }
    shape[name as keyof ChaosShape] = Number(value);
  }
  if (shape.storage < 1 || shape.storage > 9) throw new RangeError(`topology: storage must be 1 to 9, got ${shape.storage}`);
  if (shape.writers < 1 || shape.writers > 8) throw new RangeError(`topology: writers must be 1 to 8, got ${shape.writers}`);
  if (shape.readers > 15) throw new RangeError(`topology: readers must be 0 to 15, got ${shape.readers}`);
  return shape;
}

/** `kill,pause:writer,partition:ring`: a kind alone stands for all its variants that fit the topology. */
export function parseFaults(text: string, shape: ChaosShape): FaultSpec[] {
  const specs: FaultSpec[] = [];
  for (const item of text.split(',').map((s) => s.trim()).filter((s) => s !== '' && s !== 'none')) {
    const [kind, variant] = item.split(':') as [FaultKind, string | undefined];
    const variants = FAULT_VARIANTS[kind];
    if (!variants) throw new RangeError(`faults: unknown kind ${JSON.stringify(kind)} (kinds: ${Object.keys(FAULT_VARIANTS).join(', ')})`);
    if (variant !== undefined && !variants.includes(variant)) {
      throw new RangeError(`faults: ${kind} has no variant ${JSON.stringify(variant)} (variants: ${variants.join(', ')})`);
    }
    for (const v of variant === undefined ? variants : [variant]) {
      const spec = { kind, variant: v };
      if (variant === undefined && !fits(spec, shape)) continue;
      if (!fits(spec, shape)) throw new RangeError(`faults: ${kind}:${v} needs more processes than topology ${JSON.stringify(shape)} has`);
      if (!specs.some((s) => s.kind === kind && s.variant === v)) specs.push(spec);
    }
  }
  return specs;
}

function fits({ variant }: FaultSpec, shape: ChaosShape): boolean {
  if (variant === 'reader') return shape.readers > 0;
  if (variant === 'storage-follower' || variant === 'isolate-storage') return shape.storage >= 2;
  if (variant === 'split' || variant === 'bridge' || variant === 'ring') return shape.storage >= 3;
  return true;
}

export function compileChaosOptions(options: ChaosOptions): ChaosConfig {
  const seed = options.seed ?? Math.floor(Math.random() * 1_000_000);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`seed: expected a non-negative integer, got ${seed}`);
  const durationMs = parseDurationMs(options.duration ?? `${DEFAULT_DURATION_MS}ms`);
  if (durationMs < 5_000 || durationMs > MAX_DURATION_MS) throw new RangeError(`duration: must be between 5s and 24h, got ${options.duration}`);
  const shape = parseShape(options.topology ?? DEFAULT_TOPOLOGY);
  const workloads = (options.workload ?? WORKLOADS.join(',')).split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const w of workloads) if (!WORKLOADS.includes(w as WorkloadName)) throw new RangeError(`workload: unknown ${JSON.stringify(w)} (known: ${WORKLOADS.join(', ')})`);
  if (workloads.length === 0) throw new RangeError('workload: name at least one');
  if (options.defect !== undefined && !DEFECTS.includes(options.defect as TestDefect)) {
    throw new RangeError(`defect: expected one of ${DEFECTS.join(', ')}, got ${JSON.stringify(options.defect)}`);
  }
  const opTimeoutMs = parseDurationMs(options.opTimeout ?? `${DEFAULT_OP_TIMEOUT_MS}ms`, 'op-timeout');
  if (opTimeoutMs < 200 || opTimeoutMs > 60_000) throw new RangeError(`op-timeout: must be between 200ms and 60s, got ${options.opTimeout}`);
  const storageSettings = (options.storageSettings ?? 'stress') as StorageSettings;
  if (!STORAGE_SETTINGS.includes(storageSettings)) throw new RangeError(`storage-settings: expected ${STORAGE_SETTINGS.join(' or ')}, got ${JSON.stringify(options.storageSettings)}`);
  return {
    seed,
    durationMs,
    faults: parseFaults(options.faults ?? DEFAULT_FAULTS, shape),
    workloads: [...new Set(workloads)] as WorkloadName[],
    shape,
    outDir: resolve(options.out ?? `chaos-out/${seed}`),
    defect: options.defect as TestDefect | undefined,
    opTimeoutMs,
    storageSettings,
  };
}
