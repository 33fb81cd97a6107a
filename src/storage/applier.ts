import { performance } from 'node:perf_hooks';
import { EntryType, type ConfState, type Entry } from '../consensus/types.js';
import type { LogBatch, LogBatch__Output } from '../gen/quorumkv/internal/v1/LogBatch.js';
import type { AppliedEntry, MvccStore, TxnOutcome } from '../mvcc/mvcc-store.js';
import { log } from '../observability/log.js';
import type { Metrics } from '../observability/metrics.js';
import { codecFor } from '../proto/codec.js';
import { AppliedWaiters } from './applied-waiters.js';
import { DEFAULT_MAX_PENDING_READS, DEFAULT_READ_TIMEOUT_MS } from './options.js';
import type { ProposalTracker } from './proposal-tracker.js';

// Applies committed entries to the MVCC state, in log order, and answers whoever waits on an
// apply: the proposal that wrote an entry, reads that need an index, listeners of every apply.
// It also owns what follows from the applied state alone: the configuration as of it, how long
// this member has lagged behind the commit index, and the background purge of compacted history.

export const logBatchCodec = codecFor<LogBatch, LogBatch__Output>('quorumkv.internal.v1.LogBatch');

/** What the applier needs of the member it belongs to. */
export interface ApplierHooks {
  /** Applies a committed membership change to the address book and transport. */
  applyConfChange(entry: Entry): Promise<void>;
  /** The outcomes of every transaction applied by one call, entry by entry. */
  applied(outcomes: TxnOutcome[][]): void;
  /** The state could not be written: going on could acknowledge lost data. */
  fatal(where: string, error: unknown): never;
}

export class Applier {
  private readonly waiters = new AppliedWaiters(DEFAULT_READ_TIMEOUT_MS, DEFAULT_MAX_PENDING_READS);
  private readonly listeners = new Set<() => void>();
  /** Since when this member has known of committed entries it has not applied (0: caught up). */
  private behindSince = 0;
  /** The purge of compacted history running in the background, if any. */
  private historyPurge: Promise<void> | undefined;
  /** Another compaction entry was applied while the purge ran: purge again when it ends. */
  private purgeAgain = false;
  private stopped = false;

  constructor(
    private current: MvccStore,
    /** The configuration as of the applied state (the core's may run ahead within a Ready). */
    private conf: ConfState,
    private readonly proposals: ProposalTracker<TxnOutcome[]>,
    private readonly metrics: Metrics,
    private readonly hooks: ApplierHooks,
  ) {}

  get state(): MvccStore {
    return this.current;
  }

  get appliedConf(): ConfState {
    return this.conf;
  }

  get appliedIndex(): number {
    return this.current.appliedIndex;
  }

  async apply(entries: Entry[]): Promise<void> {
    for (const entry of entries) if (entry.type === EntryType.ConfChange) await this.hooks.applyConfChange(entry);
    const batches = entries.map(decodeBatch);
    const applied: AppliedEntry[] = entries.map((entry, i) => {
      const batch = batches[i];
      const compaction = batch !== undefined && batch.compactRevision > 0 && batch.txns.length === 0;
      return { index: entry.index, term: entry.term, txns: batch?.txns ?? [], ...(compaction ? { compactRevision: batch.compactRevision } : {}) };
    });
    const started = performance.now();
    const outcomes = await this.current.apply(applied);
    this.hooks.applied(outcomes);
    this.metrics.backendCommitDuration.observe((performance.now() - started) / 1000);
    batches.forEach((batch, i) => {
      if (batch) this.proposals.resolve(batch.proposalId, outcomes[i]);
    });
    this.metrics.proposalsCommitted.inc(entries.length);
    this.announce();
    if (applied.some((entry) => entry.compactRevision !== undefined)) this.purgeHistoryInBackground();
  }

  /** The core took a committed membership change into its configuration. */
  confApplied(conf: ConfState): void {
    this.conf = conf;
    this.notifyListeners();
  }

  /** A snapshot from the leader became the applied state (retireState ran first). */
  replace(state: MvccStore): void {
    this.current = state;
  }

  /** The raft log now starts after the installed snapshot, whose configuration is `conf`. */
  installed(conf: ConfState): void {
    this.conf = conf;
    // Reads waiting for an index the snapshot covers are answered now, not at the next write.
    this.announce();
  }

  /** Resolves once this member has applied `index`, or fails after the read timeout. */
  waitApplied(index: number): Promise<void> {
    return this.waiters.wait(index, this.current.appliedIndex);
  }

  /** Resolves at the next apply, or after `timeoutMs`, whichever comes first. */
  appliedOrTimeout(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.listeners.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.listeners.add(done);
    });
  }

  /** Called after each advance: notes since when the applied state trails `committedIndex`. */
  trackLag(committedIndex: number): void {
    const behind = this.current.appliedIndex < committedIndex;
    if (!behind) this.behindSince = 0;
    else if (this.behindSince === 0) this.behindSince = Date.now();
  }

  /** How long this member has known of committed entries it has not applied yet (0: none). */
  lagMs(): number {
    return this.behindSince === 0 ? 0 : Date.now() - this.behindSince;
  }

  /**
   * Deletes what compaction entries made unreachable, beside the ready loop, in batches that take
   * turns with applies, so a large compaction never holds up the log.
   */
  purgeHistoryInBackground(): void {
    if (this.historyPurge) {
      this.purgeAgain = true;
      return;
    }
    this.purgeAgain = false;
    this.historyPurge = this.current
      .purgeCompacted()
      .catch((error: unknown) => this.hooks.fatal('history purge', error))
      .finally(() => {
        this.historyPurge = undefined;
        if (this.purgeAgain && !this.stopped) this.purgeHistoryInBackground();
      });
  }

  /** Retires the store (a running purge stops at its next batch) and waits for the purge. */
  async retireState(): Promise<void> {
    this.purgeAgain = false;
    this.current.retire();
    await this.historyPurge;
  }

  /** Fails every read waiting for an index with `error`. */
  failWaiters(error: Error): void {
    this.waiters.failAll(error);
  }

  /** Stops purging for good, once nothing applies any more. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.retireState();
  }

  private announce(): void {
    this.metrics.appliedIndex.set(this.current.appliedIndex);
    this.metrics.storeRevision.set(this.current.revision);
    this.waiters.release(this.current.appliedIndex);
    this.notifyListeners();
  }

  private notifyListeners(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

/**
 * A committed entry's batch, or undefined for the leader's empty entry. An entry that does not
 * decode is applied as empty on every member alike, so the members stay identical.
 */
function decodeBatch(entry: Entry): LogBatch__Output | undefined {
  if (entry.type !== EntryType.Normal || entry.data.length === 0) return undefined;
  try {
    return logBatchCodec.decode(entry.data);
  } catch (error) {
    log.error({ err: error, index: entry.index }, 'undecodable log batch applied as empty');
    return undefined;
  }
}
