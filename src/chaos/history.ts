/**
 * The history of a run: every operation any workload sent, with when it was called, when it
 * returned and how (ok, fail: certainly not applied, unknown: may have been applied). Operations
 * still open when the history closes are recorded as unknown.
 */
import { CompactedRevisionError, ConflictError, FutureRevisionError, InvalidArgumentError, LeaseNotFoundError, ReadOnlyError, TooOldError } from '../errors.js';

export type Outcome = 'ok' | 'fail' | 'unknown';

export interface OpRecord {
  id: number;
  workload: string;
  /** The client (worker) that sent it. */
  worker: string;
  /** Where it was sent: gateway, reader (the reader endpoint) or a writer's id. */
  endpoint: string;
  f: string;
  key?: string;
  args?: Record<string, unknown>;
  /** Ms from the start of the run. */
  call: number;
  /** Ms from the start of the run; null while open and for unknown outcomes. */
  ret: number | null;
  outcome: Outcome | 'open';
  output?: unknown;
  error?: string;
}

export interface OpHandle {
  readonly record: OpRecord;
  ok(output?: unknown): void;
  /** Settles from an error: `fail` when the error proves nothing was applied, else `unknown`. */
  error(error: unknown, isWrite: boolean): void;
}

/** At most this many operations are kept; past it new operations are not started. */
export const MAX_HISTORY_OPS = 2_000_000;

export class History {
  readonly ops: OpRecord[] = [];
  private readonly open = new Set<OpRecord>();
  private closed = false;

  constructor(private readonly startedAt: number) {}

  now(): number {
    return performance.now() - this.startedAt;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  get isFull(): boolean {
    return this.ops.length >= MAX_HISTORY_OPS;
  }

  begin(fields: Omit<OpRecord, 'id' | 'call' | 'ret' | 'outcome'>): OpHandle {
    const record: OpRecord = { id: this.ops.length, ...fields, call: this.now(), ret: null, outcome: 'open' };
    this.ops.push(record);
    this.open.add(record);
    const settle = (outcome: Outcome, output: unknown, error: string | undefined) => {
      if (!this.open.delete(record)) return;
      record.outcome = outcome;
      record.ret = outcome === 'unknown' ? null : this.now();
      if (output !== undefined) record.output = output;
      if (error !== undefined) record.error = error;
    };
    return {
      record,
      ok: (output) => settle('ok', output, undefined),
      error: (error, isWrite) => {
        const outcome = !isWrite || provesNotApplied(error) ? 'fail' : 'unknown';
        // A failed read is recorded with its return time too; it says nothing of the state.
        settle(outcome, undefined, describeError(error));
      },
    };
  }

  /** Ends the history: open operations become unknown; later settlements are ignored. */
  close(): number {
    const open = this.open.size;
    for (const record of this.open) {
      record.outcome = 'unknown';
      record.error = 'still open when the history closed';
    }
    this.open.clear();
    this.closed = true;
    return open;
  }

  counts(): Record<Outcome | 'open', number> {
    const counts = { ok: 0, fail: 0, unknown: 0, open: 0 };
    for (const op of this.ops) counts[op.outcome]++;
    return counts;
  }
}

/** Errors raised before anything was applied: the operation certainly had no effect. */
export function provesNotApplied(error: unknown): boolean {
  return (
    error instanceof ConflictError ||
    error instanceof TooOldError ||
    error instanceof InvalidArgumentError ||
    error instanceof ReadOnlyError ||
    error instanceof FutureRevisionError ||
    error instanceof CompactedRevisionError ||
    // Decided in apply (a retry of a write that did apply gets its stored answer instead).
    error instanceof LeaseNotFoundError
  );
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 300);
  return String(error).slice(0, 300);
}
