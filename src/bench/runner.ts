import { performance } from 'node:perf_hooks';
import { LatencyHistogram, type LatencySummaryMs } from './histogram.js';
import { seededFloats } from '../consensus/random.js';
import { benchKey, benchValue, keysToPopulate } from './keyspace.js';
import { optionsJson, populateBatchSize, type BenchConfig } from './options.js';
import { errorCode, type BenchTarget } from './target.js';

// The load generator. `clients` workers each keep at most one operation in flight, so the
// number of requests in flight never exceeds `clients`.
//
// Closed loop (no --rate): a worker sends its next operation as soon as the previous one ends;
// latency is measured from the send.
// Open loop (--rate R): operation k is due at start + k/R, whatever happened before. A worker
// takes the next due operation, waits until its due time if it is early, and sends it; latency is
// measured from the due (intended) time, not from the send. When the target falls behind, the
// time an operation waited for a free worker counts in its latency, so a slow period is not
// hidden by sending less during it (coordinated omission). Operations due inside a timed run but
// never sent before it ended are recorded at the time they had waited by the end (a lower bound)
// and counted in `unsent`.
//
// The warmup runs the same load and records nothing; the measurement starts when it ends.

/** Hard bound on operations started in one run, warmup included. */
export const MAX_STARTED_OPS = 200_000_000;
/** Distinct error codes kept; any more are counted under OTHER. */
const MAX_ERROR_CODES = 32;
const PROGRESS_INTERVAL_MS = 1_000;
/** Pre-population transactions in flight at once. */
const POPULATE_IN_FLIGHT_MAX = 16;

export interface BenchResult {
  target: string;
  workload: string;
  options: ReturnType<typeof optionsJson>;
  /** Successful operations per second of the measured period. */
  throughput: number;
  latencyMs: LatencySummaryMs;
  /** Successful operations measured. */
  ops: number;
  /** Failed operations by gRPC status name (or MISSING_KEY, SHORT_SCAN, CONFLICT_RETRIES_EXHAUSTED). */
  errors: Record<string, number>;
  /** txn only: the fraction of commit attempts that lost to a conflict and ran again. */
  conflictRate?: number;
  /** Open loop only: operations due during the run that no worker was free to send before it ended. */
  unsent?: number;
  /** The measured period: from the end of the warmup to the last measured operation's end. */
  durationS: number;
}

export interface ProgressSnapshot {
  phase: 'populate' | 'warmup' | 'measure';
  elapsedS: number;
  /** 0 to 1, of the measured period (or of the keys, while populating). */
  fraction: number;
  opsPerS: number;
  p99Ms: number;
  errors: number;
}

export interface RunHooks {
  onProgress?: (snapshot: ProgressSnapshot) => void;
  progressIntervalMs?: number;
  /** Stops the run early; what was measured so far is reported. */
  signal?: AbortSignal;
  /** Seed of the key choices (default: random). */
  seed?: number;
  /** Milliseconds on a monotonic clock (default: performance.now); tests pass a fake one. */
  clockMs?: () => number;
}

/** Why an operation that returned normally still counts as failed. */
class BenchCheckError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** txn: the attempts an increment made before it gave up. */
    readonly attempts?: number,
  ) {
    super(message);
  }
}

type Operation = (client: number, random: () => number) => Promise<number>;

/** Writes the keys the workload reads, before the measurement. Bounded in flight and in count. */
export async function populate(config: BenchConfig, target: BenchTarget, hooks: RunHooks = {}): Promise<void> {
  const count = keysToPopulate(config);
  if (count === 0) return;
  const value = config.workload === 'txn' ? Buffer.from('0') : benchValue(config.valueSizeBytes);
  const batch = populateBatchSize(config);
  const started = performance.now();
  let next = 0;
  let done = 0;
  const inFlight = Math.min(POPULATE_IN_FLIGHT_MAX, config.clients);
  const timer = setInterval(() => hooks.onProgress?.({ phase: 'populate', elapsedS: (performance.now() - started) / 1000, fraction: done / count, opsPerS: 0, p99Ms: 0, errors: 0 }), hooks.progressIntervalMs ?? PROGRESS_INTERVAL_MS);
  timer.unref();
  try {
    await Promise.all(
      Array.from({ length: inFlight }, async (_, worker) => {
        while (next < count && !hooks.signal?.aborted) {
          const first = next;
          next = Math.min(count, next + batch);
          const pairs: Array<[Buffer, Buffer]> = [];
          for (let i = first; i < next; i++) pairs.push([benchKey(i, config.keySizeBytes), value]);
          try {
            await target.putMany(worker % config.connections, pairs);
          } catch (error) {
            throw new Error(`pre-populating ${count} keys failed at key ${first} (${errorCode(error)}): ${(error as Error).message}`, { cause: error });
          }
          done += pairs.length;
        }
      }),
    );
  } finally {
    clearInterval(timer);
  }
  if (!hooks.signal?.aborted && done !== count) throw new Error(`pre-population wrote ${done} keys, expected ${count}`);
  // A follower still applying the last keys would answer a serializable read of them "not found".
  await target.replicated?.();
}

function operationFor(config: BenchConfig, target: BenchTarget): Operation {
  const value = benchValue(config.valueSizeBytes);
  const serializable = config.consistency === 'serializable';
  const conn = (client: number) => client % config.connections;
  const key = (random: () => number, space: number) => benchKey(Math.floor(random() * space), config.keySizeBytes);
  const get = async (client: number, random: () => number) => {
    const k = key(random, config.keys);
    if (!(await target.get(conn(client), k, serializable))) throw new BenchCheckError('MISSING_KEY', `key ${k.toString('latin1')} was not found`);
    return 1;
  };
  const put = async (client: number, random: () => number) => (await target.put(conn(client), key(random, config.keys), value), 1);
  switch (config.workload) {
    case 'put':
      return put;
    case 'get':
      return get;
    case 'mixed':
      return (client, random) => (random() < config.readRatio ? get(client, random) : put(client, random));
    case 'range':
      return async (client, random) => {
        const first = Math.floor(random() * (config.keys - config.rangeKeys + 1));
        const n = await target.scan(conn(client), benchKey(first, config.keySizeBytes), config.rangeKeys);
        if (n < config.rangeKeys) throw new BenchCheckError('SHORT_SCAN', `a scan from key ${first} returned ${n} keys, expected ${config.rangeKeys}`);
        return 1;
      };
    case 'txn':
      return async (client, random) => {
        const k = key(random, config.hotKeys);
        const outcome = await target.increment(conn(client), k);
        if (!outcome.committed) {
          throw new BenchCheckError('CONFLICT_RETRIES_EXHAUSTED', `the increment of ${k.toString('latin1')} lost ${outcome.attempts} times in a row`, outcome.attempts);
        }
        return outcome.attempts;
      };
  }
}

/** Runs one benchmark against `target` (which the caller opened and closes). */
export async function runBench(config: BenchConfig, target: BenchTarget, hooks: RunHooks = {}): Promise<BenchResult> {
  await populate(config, target, hooks);
  const now = hooks.clockMs ?? (() => performance.now());
  const histogram = new LatencyHistogram();
  const errors = new Map<string, number>();
  const attempts = { total: 0, committed: 0 };
  const operation = operationFor(config, target);
  const intervalMs = config.ratePerS === undefined ? 0 : 1000 / config.ratePerS;
  const start = now();
  const measureStart = start + config.warmupMs;
  const measureEnd = config.durationMs === undefined ? Infinity : measureStart + config.durationMs;
  const seed = hooks.seed ?? Math.floor(Math.random() * 2 ** 31);
  let stopped = false;
  let startedOps = 0;
  let measuredIssued = 0;
  let measuredDone = 0;
  let completions = 0;
  let errorCount = 0;
  let tick = 0;
  let lastCompletion = measureStart;
  let unsent = 0;

  const countError = (error: unknown) => {
    errorCount++;
    let code = error instanceof BenchCheckError ? error.code : errorCode(error);
    if (!errors.has(code) && errors.size >= MAX_ERROR_CODES) code = 'OTHER';
    errors.set(code, (errors.get(code) ?? 0) + 1);
  };

  // Decides whether the operation due at `intended` runs, and whether it is measured.
  const admit = (intended: number): 'warmup' | 'measure' | 'stop' => {
    if (stopped || hooks.signal?.aborted || startedOps >= MAX_STARTED_OPS) return 'stop';
    if (intended < measureStart) return 'warmup';
    if (config.ops !== undefined) return measuredIssued < config.ops ? 'measure' : 'stop';
    return intended < measureEnd && now() < measureEnd ? 'measure' : 'stop';
  };

  const worker = async (client: number) => {
    const random = seededFloats(seed + client * 7919);
    for (;;) {
      let intended = now();
      if (intervalMs > 0) {
        intended = start + tick * intervalMs;
        tick++;
        const wait = intended - now();
        if (wait > 0) await sleep(wait, hooks.signal);
      }
      const phase = admit(intended);
      if (phase === 'stop') {
        if (intervalMs > 0 && intended < measureEnd && intended >= measureStart && config.ops === undefined && !hooks.signal?.aborted) {
          // Due during the run but never sent: drain the backlog of due ticks into the histogram.
          recordUnsent(intended);
        }
        stopped = true;
        return;
      }
      startedOps++;
      if (phase === 'measure') measuredIssued++;
      try {
        const tries = await operation(client, random);
        if (phase === 'measure') {
          histogram.recordMs(now() - intended);
          measuredDone++;
          if (config.workload === 'txn') {
            attempts.total += tries;
            attempts.committed++;
          }
        }
      } catch (error) {
        if (phase === 'measure') {
          if (error instanceof BenchCheckError && error.attempts !== undefined) attempts.total += error.attempts;
          countError(error);
        }
      }
      completions++;
      if (phase === 'measure') lastCompletion = now();
    }
  };

  // Every tick due before the end that no worker took is a request the target kept waiting.
  const recordUnsent = (firstIntended: number) => {
    const end = Math.min(now(), measureEnd);
    for (let t = firstIntended; t < measureEnd && unsent < MAX_STARTED_OPS; t = start + tick * intervalMs, tick++) {
      histogram.recordMs(Math.max(0, end - t));
      unsent++;
    }
  };

  let lastCompletions = 0;
  let lastProgress = start;
  const progress = setInterval(() => {
    const at = now();
    const measuring = at >= measureStart;
    const fraction = !measuring ? 0 : config.ops !== undefined ? measuredDone / config.ops : Math.min(1, (at - measureStart) / (measureEnd - measureStart));
    hooks.onProgress?.({
      phase: measuring ? 'measure' : 'warmup',
      elapsedS: (at - start) / 1000,
      fraction,
      opsPerS: ((completions - lastCompletions) * 1000) / (at - lastProgress),
      p99Ms: histogram.percentileMs(99),
      errors: errorCount,
    });
    lastCompletions = completions;
    lastProgress = at;
  }, hooks.progressIntervalMs ?? PROGRESS_INTERVAL_MS);
  progress.unref();
  try {
    await Promise.all(Array.from({ length: config.clients }, (_, client) => worker(client)));
  } finally {
    clearInterval(progress);
  }

  const durationMs = Math.max(0.001, lastCompletion - measureStart);
  const result: BenchResult = {
    target: config.target,
    workload: config.workload,
    options: optionsJson(config),
    throughput: round((measuredDone * 1000) / durationMs, 1),
    latencyMs: histogram.summaryMs(),
    ops: measuredDone,
    errors: Object.fromEntries([...errors].sort(([a], [b]) => a.localeCompare(b))),
    ...(config.workload === 'txn' ? { conflictRate: attempts.total === 0 ? 0 : round((attempts.total - attempts.committed) / attempts.total, 4) } : {}),
    ...(config.ratePerS !== undefined ? { unsent } : {}),
    durationS: round(durationMs / 1000, 3),
  };
  if (measuredDone + errorCount > measuredIssued) throw new Error('bench: more operations ended than were measured');
  return result;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
