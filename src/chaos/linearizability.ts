/**
 * Linearizability checking in the manner of Porcupine: Wing & Gong's search for a linearization,
 * with Lowe's memoisation (a cache of (set of linearized operations, model state) pairs already
 * explored), run on each partition of the history on its own (P-compositionality: a history is
 * linearizable if and only if its restriction to every key is).
 *
 * An operation whose outcome is unknown (a write that timed out, or failed with UNAVAILABLE after
 * it may have been sent) has `return: Infinity`: it may take effect at any time after its call, or
 * never. Reads whose outcome is unknown tell nothing and are dropped.
 *
 * The search is bounded: past `timeoutMs` or `maxCacheEntries` it answers `ok: 'unknown'`.
 */

export interface Operation<I, O> {
  clientId: number | string;
  input: I;
  /** What the operation returned; ignored when `return` is Infinity (outcome unknown). */
  output: O | undefined;
  /** When the client sent the call (any monotonic clock, shared by all clients). */
  call: number;
  /** When the client got the answer; Infinity when the outcome is unknown. */
  return: number;
}

export type StepResult<S> = { ok: true; state: S } | { ok: false };

/** A sequential specification of one object (for example one register). */
export interface Model<S, I, O> {
  /** The state of the object of partition `key` before any operation. */
  init(key: string): S;
  /**
   * Applies `input` to `state`. With a known `output` it answers `ok: false` when the object could
   * not have returned that output in that state; with `output` undefined (outcome unknown) it must
   * answer `ok: true`. Must not mutate `state`.
   */
  step(state: S, input: I, output: O | undefined): StepResult<S>;
  /** A string equal for two states exactly when they are equal (used as the memoisation key). */
  stateKey(state: S): string;
  /** The partition (key) an operation belongs to; one partition when absent. */
  partition?(input: I): string;
  /** True for operations that change nothing: with an unknown outcome they are dropped. */
  isReadOnly?(input: I): boolean;
  describeOperation?(input: I, output: O | undefined): string;
  describeState?(state: S): string;
}

export interface CheckOptions {
  /** Budget of the whole check; past it the answer is `unknown`. */
  timeoutMs?: number;
  /** Bound on memoised (linearized set, state) pairs per partition; past it the answer is `unknown`. */
  maxCacheEntries?: number;
}

export const DEFAULT_CHECK_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_CACHE_ENTRIES = 2_000_000;

export type LinearizabilityResult<I, O> =
  | { ok: true; partitions: number; operations: number }
  | LinearizabilityFailure<I, O>
  | { ok: 'unknown'; reason: 'timeout' | 'memory'; key: string };

export interface LinearizabilityFailure<I, O> {
  ok: false;
  /** The partition that has no linearization. */
  key: string;
  /** The operations of that partition that were checked, sorted by call time. */
  operations: Operation<I, O>[];
  /** The longest prefix of a linearization the search found, in linearization order. */
  partialLinearization: Operation<I, O>[];
  reason: string;
}

const SINGLE_PARTITION = '';
/** How many search steps run between two looks at the clock. */
const CLOCK_CHECK_INTERVAL = 1024;

/** Checks `history` against `model`, one partition at a time. */
export function checkLinearizable<S, I, O>(
  history: readonly Operation<I, O>[],
  model: Model<S, I, O>,
  options: CheckOptions = {},
): LinearizabilityResult<I, O> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  const maxCacheEntries = options.maxCacheEntries ?? DEFAULT_MAX_CACHE_ENTRIES;
  if (!(timeoutMs > 0)) throw new RangeError(`checkLinearizable: timeoutMs must be positive, got ${timeoutMs}`);
  if (!(maxCacheEntries > 0)) throw new RangeError(`checkLinearizable: maxCacheEntries must be positive, got ${maxCacheEntries}`);
  const deadline = performance.now() + timeoutMs;

  const partitions = partitionHistory(history, model);
  let unknown: LinearizabilityResult<I, O> | undefined;
  let operations = 0;
  for (const [key, ops] of partitions) {
    operations += ops.length;
    const result = checkPartition(key, ops, model, deadline, maxCacheEntries);
    if (result.ok === false) return result;
    // Keep going after an unknown: another partition may still prove a violation.
    if (result.ok === 'unknown') unknown ??= result;
  }
  return unknown ?? { ok: true, partitions: partitions.size, operations };
}

/** Splits by `model.partition`, validates times, drops reads with unknown outcome, sorts by call. */
export function partitionHistory<S, I, O>(history: readonly Operation<I, O>[], model: Model<S, I, O>): Map<string, Operation<I, O>[]> {
  const partitions = new Map<string, Operation<I, O>[]>();
  for (const op of history) {
    if (!Number.isFinite(op.call)) throw new RangeError(`checkLinearizable: call time must be finite, got ${op.call} (client ${op.clientId})`);
    if (Number.isNaN(op.return) || op.return < op.call) {
      throw new RangeError(`checkLinearizable: return time ${op.return} is before call time ${op.call} (client ${op.clientId})`);
    }
    if (op.return === Infinity && model.isReadOnly?.(op.input)) continue;
    const key = model.partition?.(op.input) ?? SINGLE_PARTITION;
    let ops = partitions.get(key);
    if (ops === undefined) partitions.set(key, (ops = []));
    ops.push(op);
  }
  for (const ops of partitions.values()) ops.sort((a, b) => a.call - b.call);
  return partitions;
}

type PartitionResult<I, O> = { ok: true } | LinearizabilityFailure<I, O> | { ok: 'unknown'; reason: 'timeout' | 'memory'; key: string };

/**
 * The search over one partition. Events (calls and returns) sit in a doubly linked list sorted by
 * time; "lifting" an operation takes its call and return out of the list. The search walks the
 * list from the front: a call may be linearized next if the model accepts it; reaching a return
 * means the operation that returns there was not linearized in time, so the search backtracks.
 */
function checkPartition<S, I, O>(
  key: string,
  ops: Operation<I, O>[],
  model: Model<S, I, O>,
  deadline: number,
  maxCacheEntries: number,
): PartitionResult<I, O> {
  const n = ops.length;
  if (n === 0) return { ok: true };
  const events = sortedEvents(ops);
  const HEAD = 2 * n;
  const NIL = -1;
  const next = new Int32Array(2 * n + 1);
  const prev = new Int32Array(2 * n + 1);
  /** For a call event, the index of its return event; -1 for return events. */
  const returnOf = new Int32Array(2 * n).fill(-1);
  const opOf = new Int32Array(2 * n);
  const returnEventOfOp = new Int32Array(n);
  for (let i = 0; i < 2 * n; i++) {
    opOf[i] = events[i].op;
    if (!events[i].isCall) returnEventOfOp[events[i].op] = i;
  }
  for (let i = 0; i < 2 * n; i++) if (events[i].isCall) returnOf[i] = returnEventOfOp[events[i].op];
  prev[HEAD] = NIL;
  next[HEAD] = 0;
  for (let i = 0; i < 2 * n; i++) {
    prev[i] = i === 0 ? HEAD : i - 1;
    next[i] = i === 2 * n - 1 ? NIL : i + 1;
  }
  const unlink = (e: number) => {
    next[prev[e]] = next[e];
    if (next[e] !== NIL) prev[next[e]] = prev[e];
  };
  const relink = (e: number) => {
    next[prev[e]] = e;
    if (next[e] !== NIL) prev[next[e]] = e;
  };
  const lift = (call: number) => {
    unlink(call);
    unlink(returnOf[call]);
  };
  const unlift = (call: number) => {
    relink(returnOf[call]);
    relink(call);
  };

  const linearized = Buffer.alloc(Math.ceil(n / 8));
  const setBit = (i: number) => (linearized[i >> 3] |= 1 << (i & 7));
  const clearBit = (i: number) => (linearized[i >> 3] &= ~(1 << (i & 7)));
  const cache = new Set<string>();
  const stack: Array<{ call: number; state: S }> = [];
  let best: number[] = [];
  let state = model.init(key);
  let entry = next[HEAD];
  let steps = 0;

  while (next[HEAD] !== NIL) {
    if (++steps % CLOCK_CHECK_INTERVAL === 0 && performance.now() > deadline) return { ok: 'unknown', reason: 'timeout', key };
    if (returnOf[entry] !== -1) {
      const op = ops[opOf[entry]];
      const result = model.step(state, op.input, op.return === Infinity ? undefined : op.output);
      if (result.ok) {
        setBit(opOf[entry]);
        const cacheKey = linearized.toString('latin1') + '\u0000' + model.stateKey(result.state);
        if (!cache.has(cacheKey)) {
          if (cache.size >= maxCacheEntries) return { ok: 'unknown', reason: 'memory', key };
          cache.add(cacheKey);
          stack.push({ call: entry, state });
          state = result.state;
          lift(entry);
          entry = next[HEAD];
          continue;
        }
        clearBit(opOf[entry]);
      }
      entry = next[entry];
    } else {
      // The operation returning here is not linearized: undo the latest choice.
      if (stack.length > best.length) best = stack.map((s) => opOf[s.call]);
      const top = stack.pop();
      if (top === undefined) return failure(key, ops, model, best);
      state = top.state;
      clearBit(opOf[top.call]);
      unlift(top.call);
      entry = next[top.call];
    }
  }
  return { ok: true };
}

function sortedEvents<I, O>(ops: Operation<I, O>[]): Array<{ op: number; isCall: boolean; time: number }> {
  const events: Array<{ op: number; isCall: boolean; time: number }> = [];
  ops.forEach((op, i) => {
    events.push({ op: i, isCall: true, time: op.call });
    events.push({ op: i, isCall: false, time: op.return });
  });
  // At equal times calls come first: operations that touch are treated as concurrent.
  events.sort((a, b) => a.time - b.time || (a.isCall === b.isCall ? 0 : a.isCall ? -1 : 1) || a.op - b.op);
  return events;
}

function failure<S, I, O>(key: string, ops: Operation<I, O>[], model: Model<S, I, O>, best: number[]): LinearizabilityFailure<I, O> {
  const partialLinearization = best.map((i) => ops[i]);
  let state = model.init(key);
  for (const op of partialLinearization) {
    const result = model.step(state, op.input, op.return === Infinity ? undefined : op.output);
    if (!result.ok) throw new Error('checkLinearizable: the model is not deterministic (a replayed step failed)');
    state = result.state;
  }
  // The earliest-returning operation left out: it (or something concurrent with it) had to go next.
  const done = new Set(best);
  let blocker: Operation<I, O> | undefined;
  ops.forEach((op, i) => {
    if (!done.has(i) && (blocker === undefined || op.return < blocker.return)) blocker = op;
  });
  const describeState = model.describeState ?? ((s: S) => model.stateKey(s));
  let reason = `no order of the ${ops.length} operations on ${JSON.stringify(key)} explains every output; `;
  reason += `the longest consistent prefix linearizes ${best.length} of them and leaves the state ${describeState(state)}`;
  if (blocker !== undefined) {
    const possible = model.step(state, blocker.input, blocker.return === Infinity ? undefined : blocker.output).ok;
    reason += `; then ${describeOperation(model, blocker)} by client ${blocker.clientId} (called at ${blocker.call}, returned at ${blocker.return})`;
    reason += possible ? ' leads only to dead ends' : ' is impossible in that state';
  }
  return { ok: false, key, operations: ops, partialLinearization, reason };
}

export function describeOperation<S, I, O>(model: Model<S, I, O>, op: Operation<I, O>): string {
  const output = op.return === Infinity ? undefined : op.output;
  return model.describeOperation?.(op.input, output) ?? `${JSON.stringify(op.input)} -> ${output === undefined ? '?' : JSON.stringify(output)}`;
}

/** A counterexample in a form that survives JSON (Infinity becomes null) and a text rendering. */
export interface CounterexampleReport<I, O> {
  key: string;
  reason: string;
  operations: Array<{
    clientId: number | string;
    call: number;
    /** null when the outcome is unknown. */
    return: number | null;
    input: I;
    output: O | null;
    /** Position in the longest partial linearization, or null when it is not part of it. */
    linearizedAt: number | null;
    text: string;
  }>;
  text: string;
}

/** The failing partition's operations sorted by call time, for reports. */
export function describeCounterexample<S, I, O>(failure: LinearizabilityFailure<I, O>, model: Model<S, I, O>): CounterexampleReport<I, O> {
  const position = new Map(failure.partialLinearization.map((op, i) => [op, i]));
  const t0 = failure.operations[0]?.call ?? 0;
  const operations = failure.operations.map((op) => {
    const linearizedAt = position.get(op) ?? null;
    const returned = op.return === Infinity ? '?' : (op.return - t0).toFixed(1);
    const text =
      `client ${String(op.clientId).padEnd(4)} [${(op.call - t0).toFixed(1).padStart(9)}, ${returned.padStart(9)}] ` +
      `${describeOperation(model, op).padEnd(40)} ${linearizedAt === null ? 'not linearized' : `linearized #${linearizedAt + 1}`}`;
    return {
      clientId: op.clientId,
      call: op.call,
      return: op.return === Infinity ? null : op.return,
      input: op.input,
      output: op.return === Infinity ? null : (op.output ?? null),
      linearizedAt,
      text,
    };
  });
  const text = [`key ${JSON.stringify(failure.key)}: ${failure.reason}`, ...operations.map((o) => '  ' + o.text)].join('\n');
  return { key: failure.key, reason: failure.reason, operations, text };
}
