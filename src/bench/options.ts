import { MAX_KEY_BYTES, MAX_RANGE_KEYS, MAX_TXN_OPS, MAX_VALUE_BYTES } from '../api/limits.js';

// The benchmark's options: documented defaults, validated once, compiled into a BenchConfig that
// the load generator trusts. Every option has a bound, so one command line cannot ask for an
// unbounded loop, an unbounded number of requests in flight, or unbounded memory.

export const WORKLOADS = ['put', 'get', 'txn', 'mixed', 'range'] as const;
export type Workload = (typeof WORKLOADS)[number];
export const TARGETS = ['quorumkv', 'etcd'] as const;
export type TargetKind = (typeof TARGETS)[number];
export const CONSISTENCIES = ['linearizable', 'serializable'] as const;
export type Consistency = (typeof CONSISTENCIES)[number];

export const DEFAULT_WORKLOAD: Workload = 'put';
export const DEFAULT_CLIENTS = 16;
export const DEFAULT_CONNECTIONS_MAX = 4;
export const DEFAULT_KEYS = 10_000;
export const DEFAULT_KEY_SIZE_BYTES = 16;
export const DEFAULT_VALUE_SIZE_BYTES = 256;
export const DEFAULT_DURATION_MS = 10_000;
export const DEFAULT_WARMUP_MS = 2_000;
export const DEFAULT_READ_RATIO = 0.9;
export const DEFAULT_HOT_KEYS = 16;
export const DEFAULT_RANGE_KEYS = 100;
export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_QUORUMKV_ENDPOINT = '127.0.0.1:7000';
export const DEFAULT_ETCD_ENDPOINT = '127.0.0.1:2379';

export const MAX_CLIENTS = 4_096;
export const MAX_CONNECTIONS = 256;
/** Pre-population writes every key once: this bounds its time and the store's size. */
export const MAX_KEYS = 1_000_000;
export const MAX_OPS = 100_000_000;
export const MAX_DURATION_MS = 24 * 3600_000;
export const MAX_WARMUP_MS = 10 * 60_000;
export const MAX_RATE_PER_S = 1_000_000;
export const MAX_HOT_KEYS = 100_000;
export const MAX_TIMEOUT_MS = 600_000;
/** Largest value the benchmark writes; etcd's default request limit is 1.5 MiB, quorumkv's value limit 1 MiB. */
export const MAX_BENCH_VALUE_BYTES = MAX_VALUE_BYTES;
/** Keys are `b` followed by a zero-padded decimal index, so they sort in index order. */
export const KEY_PREFIX = 'b';

/** The options as a person gives them (strings from the command line). */
export interface BenchInput {
  workload?: string;
  target?: string;
  endpoint?: string;
  endpoints?: string;
  clients?: string;
  connections?: string;
  keys?: string;
  keySize?: string;
  valueSize?: string;
  duration?: string;
  ops?: string;
  rate?: string;
  warmup?: string;
  consistency?: string;
  readRatio?: string;
  hotKeys?: string;
  rangeKeys?: string;
  timeoutMs?: string;
}

/** The resolved options: every field set and checked. */
export interface BenchConfig {
  workload: Workload;
  target: TargetKind;
  endpoints: string[];
  clients: number;
  connections: number;
  /** The key space: get, mixed and range use keys [0, keys); txn uses [0, hotKeys). */
  keys: number;
  keySizeBytes: number;
  valueSizeBytes: number;
  /** Exactly one of durationMs and ops is set. */
  durationMs?: number;
  ops?: number;
  /** Open loop: operations started per second, on a fixed schedule. Absent: closed loop. */
  ratePerS?: number;
  warmupMs: number;
  consistency: Consistency;
  readRatio: number;
  hotKeys: number;
  rangeKeys: number;
  timeoutMs: number;
}

/** A bad option, with a message that says what to give instead. */
export class BenchOptionError extends Error {}

/** Parses `10s`, `500ms`, `1.5s`, `2m`, `1h` into milliseconds. A unit is required. */
export function parseDurationMs(flag: string, text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text.trim());
  if (!match) throw new BenchOptionError(`${flag} must be a duration with a unit, such as 500ms, 10s or 2m; got ${JSON.stringify(text)}`);
  const scale = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[match[2] as 'ms' | 's' | 'm' | 'h'];
  return Math.round(Number(match[1]) * scale);
}

function integer(flag: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new BenchOptionError(`${flag} must be an integer from ${min} to ${max}, got ${JSON.stringify(text)}`);
  }
  return n;
}

function oneOf<T extends string>(flag: string, text: string | undefined, allowed: readonly T[], fallback: T): T {
  if (text === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(text)) {
    throw new BenchOptionError(`${flag} must be one of ${allowed.join(', ')}; got ${JSON.stringify(text)}`);
  }
  return text as T;
}

function endpointList(input: BenchInput, target: TargetKind): string[] {
  if (input.endpoint !== undefined && input.endpoints !== undefined) {
    throw new BenchOptionError('give --endpoint or --endpoints, not both (they are the same option)');
  }
  const fromEnv = target === 'quorumkv' ? process.env.QUORUMKV_ENDPOINT : undefined;
  const text = input.endpoint ?? input.endpoints ?? fromEnv ?? (target === 'etcd' ? DEFAULT_ETCD_ENDPOINT : DEFAULT_QUORUMKV_ENDPOINT);
  const list = text.split(',').map((e) => e.trim().replace(/^https?:\/\//, '')).filter(Boolean);
  if (list.length === 0) throw new BenchOptionError('--endpoint needs at least one HOST:PORT');
  for (const endpoint of list) {
    const port = Number(endpoint.slice(endpoint.lastIndexOf(':') + 1));
    if (!endpoint.includes(':') || !Number.isInteger(port) || port < 1 || port > 65535) {
      throw new BenchOptionError(`--endpoint: expected HOST:PORT, got ${JSON.stringify(endpoint)}`);
    }
  }
  return list;
}

/** The smallest key size that fits the prefix and the widest index of `keys` keys. */
export function minKeySizeBytes(keys: number): number {
  return KEY_PREFIX.length + String(Math.max(0, keys - 1)).length;
}

/** Checks every option and fills in the defaults. Throws BenchOptionError on the first bad one. */
export function resolveBenchOptions(input: BenchInput): BenchConfig {
  const workload = oneOf('workload', input.workload, WORKLOADS, DEFAULT_WORKLOAD);
  const target = oneOf('--target', input.target, TARGETS, 'quorumkv');
  const endpoints = endpointList(input, target);
  const clients = integer('--clients', input.clients, DEFAULT_CLIENTS, 1, MAX_CLIENTS);
  const connections = integer('--connections', input.connections, Math.min(clients, DEFAULT_CONNECTIONS_MAX), 1, Math.min(clients, MAX_CONNECTIONS));
  const keys = integer('--keys', input.keys, DEFAULT_KEYS, 1, MAX_KEYS);
  const keySizeBytes = integer('--key-size', input.keySize, Math.max(DEFAULT_KEY_SIZE_BYTES, minKeySizeBytes(keys)), minKeySizeBytes(keys), MAX_KEY_BYTES);
  const valueSizeBytes = integer('--value-size', input.valueSize, DEFAULT_VALUE_SIZE_BYTES, 1, MAX_BENCH_VALUE_BYTES);
  if (input.duration !== undefined && input.ops !== undefined) throw new BenchOptionError('give --duration or --ops, not both');
  const ops = input.ops === undefined ? undefined : integer('--ops', input.ops, 0, 1, MAX_OPS);
  let durationMs: number | undefined;
  if (ops === undefined) {
    durationMs = input.duration === undefined ? DEFAULT_DURATION_MS : parseDurationMs('--duration', input.duration);
    if (durationMs <= 0 || durationMs > MAX_DURATION_MS) throw new BenchOptionError(`--duration must be more than 0 and at most 24h, got ${JSON.stringify(input.duration)}`);
  }
  const warmupMs = input.warmup === undefined ? DEFAULT_WARMUP_MS : parseDurationMs('--warmup', input.warmup);
  if (warmupMs > MAX_WARMUP_MS) throw new BenchOptionError(`--warmup must be at most 10m, got ${JSON.stringify(input.warmup)}`);
  let ratePerS: number | undefined;
  if (input.rate !== undefined) {
    ratePerS = Number(input.rate);
    if (!/^\d+(\.\d+)?$/.test(input.rate.trim()) || !(ratePerS > 0) || ratePerS > MAX_RATE_PER_S) {
      throw new BenchOptionError(`--rate must be a number of operations per second above 0 and at most ${MAX_RATE_PER_S}, got ${JSON.stringify(input.rate)}`);
    }
  }
  const readRatio = input.readRatio === undefined ? DEFAULT_READ_RATIO : Number(input.readRatio);
  if (!/^\d*\.?\d+$/.test(input.readRatio?.trim() ?? '0.9') || !(readRatio >= 0 && readRatio <= 1)) {
    throw new BenchOptionError(`--read-ratio must be a number from 0 to 1, got ${JSON.stringify(input.readRatio)}`);
  }
  const hotKeys = integer('--hot-keys', input.hotKeys, DEFAULT_HOT_KEYS, 1, MAX_HOT_KEYS);
  if (minKeySizeBytes(hotKeys) > keySizeBytes) throw new BenchOptionError(`--key-size ${keySizeBytes} is too small for ${hotKeys} hot keys: give at least ${minKeySizeBytes(hotKeys)}`);
  const rangeKeys = integer('--range-keys', input.rangeKeys, Math.min(DEFAULT_RANGE_KEYS, keys), 1, Math.min(keys, MAX_RANGE_KEYS));
  const timeoutMs = integer('--timeout-ms', input.timeoutMs, DEFAULT_TIMEOUT_MS, 1, MAX_TIMEOUT_MS);
  const consistency = oneOf('--consistency', input.consistency, CONSISTENCIES, 'linearizable');
  const config: BenchConfig = {
    workload,
    target,
    endpoints,
    clients,
    connections,
    keys,
    keySizeBytes,
    valueSizeBytes,
    durationMs,
    ops,
    ratePerS,
    warmupMs,
    consistency,
    readRatio,
    hotKeys,
    rangeKeys,
    timeoutMs,
  };
  assertConfig(config);
  return config;
}

function assertConfig(config: BenchConfig): void {
  if ((config.durationMs === undefined) === (config.ops === undefined)) throw new Error('bench: exactly one of durationMs and ops must be set');
  if (config.connections > config.clients) throw new Error('bench: more connections than clients');
}

/** How many puts one pre-population transaction carries: within the op limit and about 512 KiB. */
export function populateBatchSize(config: Pick<BenchConfig, 'keySizeBytes' | 'valueSizeBytes'>): number {
  const byBytes = Math.floor((512 * 1024) / (config.keySizeBytes + config.valueSizeBytes));
  return Math.max(1, Math.min(MAX_TXN_OPS / 2, byBytes));
}

/** The options as they appear in a result: plain numbers with units in their names. */
export function optionsJson(config: BenchConfig) {
  return {
    endpoints: config.endpoints,
    clients: config.clients,
    connections: config.connections,
    keys: config.keys,
    keySizeBytes: config.keySizeBytes,
    valueSizeBytes: config.valueSizeBytes,
    ...(config.durationMs !== undefined ? { durationS: config.durationMs / 1000 } : { ops: config.ops }),
    ...(config.ratePerS !== undefined ? { ratePerS: config.ratePerS } : {}),
    warmupS: config.warmupMs / 1000,
    ...(config.workload === 'get' || config.workload === 'mixed' ? { consistency: config.consistency } : {}),
    ...(config.workload === 'mixed' ? { readRatio: config.readRatio } : {}),
    ...(config.workload === 'txn' ? { hotKeys: config.hotKeys } : {}),
    ...(config.workload === 'range' ? { rangeKeys: config.rangeKeys } : {}),
    timeoutMs: config.timeoutMs,
  };
}
