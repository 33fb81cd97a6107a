import { createHash } from 'node:crypto';
import type { RangeRequest__Output } from '../gen/quorumkv/v1/RangeRequest.js';
import { failpoint } from '../failpoints.js';
import type { TxnRequest__Output } from '../gen/quorumkv/v1/TxnRequest.js';
import { ApplyView } from './apply-view.js';
import { assert } from './assert.js';
import { decodeChanges, encodeChanges, type Change } from './change-log.js';
import { DedupeTable } from './dedupe.js';
import { CompactedRevisionError, FutureRevisionError } from './errors.js';
import { HistorySource } from './history-source.js';
import { decodeRevision, encodeHistoryKey, encodeRevision, REVISION_BYTES } from './key-encoding.js';
import { scanKeys, type BatchOp, type Keyspace, type Sublevel } from './keyspace.js';
import { decodeStoredKv, encodeHistoryRecord, encodeStoredKv } from './kv-encoding.js';
import { LatestSource } from './latest-source.js';
import { COMPACTION_BATCH_SIZE, DEFAULT_MVCC_LIMITS, type MvccLimits } from './limits.js';
import { decodeMeta, encodeMeta, META_KEY, type StoreMeta } from './meta.js';
import { abortedResponse, type TxnOutcome } from './outcome.js';
import { executeRange, type RangeResult } from './range.js';
import { planReads } from './read-plan.js';
import { RecentChanges } from './recent-changes.js';
import { RecentWrites } from './read-set.js';
import { requestDigest, reusedIdProblem } from './request-digest.js';
import { leaseIndexOps, leaseKeys, readLease, readLeases, type LeaseRecord } from './lease-table.js';
import { hashState } from './state-hash.js';
import { checkTxn } from './txn-check.js';
import { executeTxn, type LeaseIdPicker } from './txn.js';

export type { TxnOutcome } from './outcome.js';

const EMPTY = Buffer.alloc(0);

/** One committed log entry, its payload decoded; `txns` is [] for an empty (no-op) entry. */
export interface AppliedEntry {
  index: number;
  term: number;
  txns: TxnRequest__Output[];
  /**
   * A compaction entry (no txns): history below this revision is discarded as of this entry. The
   * compact revision moves here, in the log, so every member decides later transactions alike.
   */
  compactRevision?: number;
}

/** A replica hash, as etcd's HashKV: equal logs give equal hashes at a common revision. */
export interface RevisionHash {
  /** sha256 hex of the live state as of `revision`, and the revision itself. */
  hash: string;
  /** The revision hashed (the current revision when 0 was asked for). */
  revision: number;
  currentRevision: number;
  compactRevision: number;
}

/** What the transactions of one apply call share: reads through its writes, and its batch. */
interface ApplyCall {
  view: ApplyView;
  dedupe: DedupeTable;
  recent: RecentWrites;
  meta: StoreMeta;
  ops: BatchOp[];
  /** The log index of the entry being applied, and the place of the transaction in it. */
  at: { index: number; txn: number };
  /** The changes of each revision the call writes, in order. */
  changes: [number, Change[]][];
}

const BUFFERS = { keyEncoding: 'buffer', valueEncoding: 'buffer' } as const;

/**
 * The deterministic MVCC state machine every storage member applies the shared log to, with
 * etcd v3 semantics (store revision, per-key create/mod revision and version, Txn compares).
 * All state lives in LevelDB; memory holds only the meta record and one apply call's writes.
 *
 * Layout inside the given database (each a sublevel):
 *   cur   raw key -> KeyValue without its key               latest state, for latest reads
 *   hist  escaped key ++ 0x00 0x01 ++ u64be revision ->     the key's state as of that revision
 *         0x01 ++ KeyValue | 0x00 (deleted)                 (reads at older revisions)
 *   chg   u64be revision -> the revision's changes          watches, read-set conflict checks
 *   sup   u64be revision ++ hist key -> (empty)            history records no read at or above
 *                                                          that revision reaches: compaction's work list
 *   ddid  request id -> u64be sequence ++ TxnOutcome        exactly-once transactions (the outcome
 *                                                          carries the digest of its request)
 *   ddseq u64be sequence -> request id                      which id expires next
 *   lease u64be lease id -> u64be granted TTL (seconds)       the leases (src/mvcc/lease-table.ts)
 *   lkey  u64be lease id ++ raw key -> (empty)              the keys attached to each lease
 *   meta  "meta" -> u64be revision, applied index, applied term, compact revision, dedupe sequence
 */
export class MvccStore {
  private queue: Promise<unknown> = Promise.resolve();
  /** Set when the store is being replaced or closed: a running compaction stops between batches. */
  private retired = false;
  /**
   * Where the next compaction batch starts reading `sup`: everything before it is deleted. Without
   * it, each batch would first step over the tombstones of all the batches before.
   */
  private supersededFrom: Buffer = EMPTY;
  /**
   * Set from the start of an apply's batch write until `meta` matches it: LevelDB may then hold
   * state that `meta` does not describe yet, so a read without a snapshot could not name its revision.
   */
  private stateAheadOfMeta = false;
  private readonly recentChanges = new RecentChanges();

  private constructor(
    private readonly db: Keyspace,
    private readonly current: Sublevel,
    private readonly history: Sublevel,
    private readonly changeLog: Sublevel,
    private readonly superseded: Sublevel,
    private readonly dedupeIds: Sublevel,
    private readonly dedupeSequences: Sublevel,
    private readonly metaSpace: Sublevel,
    private readonly leaseSpace: Sublevel,
    private readonly leaseIndex: Sublevel,
    private readonly limits: Readonly<MvccLimits>,
    private meta: StoreMeta,
    /** The oldest revision whose change-log record is kept, or null if the change log is empty. */
    private firstLogged: number | null,
  ) {}

  /**
   * Opens the store kept in `db`. `limits` default to DEFAULT_MVCC_LIMITS; they decide
   * transactions, so every member of a cluster must open with the same ones (tests shrink them).
   */
  static async open(db: Keyspace, limits: Partial<MvccLimits> = {}): Promise<MvccStore> {
    const resolved = resolveLimits(limits);
    const space = (name: string): Sublevel => db.sublevel<Buffer, Buffer>(name, BUFFERS);
    const metaSpace = space('meta');
    const changeLog = space('chg');
    const meta = decodeMeta(await metaSpace.get<Buffer, Buffer>(META_KEY, BUFFERS));
    const firstLogged = await firstRevisionIn(changeLog);
    return new MvccStore(
      db, space('cur'), space('hist'), changeLog, space('sup'), space('ddid'), space('ddseq'), metaSpace, space('lease'), space('lkey'), resolved, meta, firstLogged,
    );
  }

  get revision(): number {
    return this.meta.revision;
  }

  get appliedIndex(): number {
    return this.meta.appliedIndex;
  }

  get appliedTerm(): number {
    return this.meta.appliedTerm;
  }

  get compactRevision(): number {
    return this.meta.compactRevision;
  }

  /**
   * Applies committed entries in log order and writes the result, state and applied index
   * together, in one LevelDB batch, synced. Replaying the raft log after a crash rebuilds what a
   * crash lost, but only from the applied index on: with unsynced batches a power cut could keep a
   * later batch and lose an earlier one (LevelDB does not sync a write-ahead log file it rotates
   * away from), leaving holes below the applied index. Entries at or below the applied index are
   * skipped and get [] as their outcomes, which makes replay idempotent. Calls are serialised.
   */
  apply(entries: AppliedEntry[]): Promise<TxnOutcome[][]> {
    return this.exclusive(() => this.applyNow(entries));
  }

  /**
   * Reads at `request.revision` (0 or less: latest) from one consistent snapshot, and answers with
   * the store revision of that snapshot: the header revision of a read is then never older than
   * the data it returns (an apply's batch is visible before `this.meta` moves).
   */
  async range(request: RangeRequest__Output): Promise<RangeResult & { revision: number }> {
    if (request.rangeEnd.length === 0 && request.revision <= 0 && !this.stateAheadOfMeta) return this.readLatestKey(request);
    const snapshot = this.db.snapshot();
    try {
      const meta = decodeMeta(await this.metaSpace.get<Buffer, Buffer>(META_KEY, { ...BUFFERS, snapshot }));
      const revision = request.revision;
      if (revision > meta.revision) throw new FutureRevisionError(revision, meta.revision);
      if (revision > 0 && revision < meta.compactRevision) {
        throw new CompactedRevisionError(revision, meta.compactRevision);
      }
      const latest = revision <= 0 || revision === meta.revision;
      const source = latest
        ? new LatestSource(this.current, snapshot)
        : new HistorySource(this.history, revision, snapshot);
      return { ...(await executeRange(source, request)), revision: meta.revision };
    } finally {
      await snapshot.close();
    }
  }

  /**
   * One key at the latest revision, read synchronously (one LevelDB lookup, no snapshot, iterator
   * or thread-pool round trip): with no apply batch being written, LevelDB holds exactly the state
   * `meta` describes, and nothing can change it before this returns.
   */
  private readLatestKey(request: RangeRequest__Output): RangeResult & { revision: number } {
    const revision = this.meta.revision;
    const stored = this.current.getSync(request.key, BUFFERS);
    if (stored === undefined) return { kvs: [], more: false, count: 0, revision };
    if (request.countOnly) return { kvs: [], more: false, count: 1, revision };
    const kv = decodeStoredKv(request.key, stored);
    return { kvs: [request.keysOnly ? { ...kv, value: EMPTY } : kv], more: false, count: 1, revision };
  }

  /** Equal on every member that applied the same log (history and compaction do not count). */
  async stateHash(): Promise<string> {
    return (await this.hashAt(0)).hash;
  }

  /**
   * Hashes the live state as of `revision` (0 or less: the current revision) and the revision, from
   * one snapshot, as etcd's HashKV: members that applied the same log agree at every revision both
   * can still read, however far each has applied since. The current revision hashes `cur`; older
   * ones scan history, at a cost that compaction bounds.
   */
  async hashAt(revision: number): Promise<RevisionHash> {
    assert(Number.isSafeInteger(revision), `hash revision ${revision} is not an integer`);
    const snapshot = this.db.snapshot();
    try {
      const meta = decodeMeta(await this.metaSpace.get<Buffer, Buffer>(META_KEY, { ...BUFFERS, snapshot }));
      const at = revision <= 0 ? meta.revision : revision;
      if (at > meta.revision) throw new FutureRevisionError(at, meta.revision);
      if (at < meta.compactRevision) throw new CompactedRevisionError(at, meta.compactRevision);
      const source =
        at === meta.revision ? new LatestSource(this.current, snapshot) : new HistorySource(this.history, at, snapshot);
      const hash = await hashState(source, at);
      return { hash, revision: at, currentRevision: meta.revision, compactRevision: meta.compactRevision };
    } finally {
      await snapshot.close();
    }
  }

  /** The lease `id` as of the last apply, or null if there is none. */
  lease(id: number): Promise<LeaseRecord | null> {
    return readLease(this.leaseSpace, id);
  }

  /** Every lease as of the last apply, in id order. */
  leases(): Promise<LeaseRecord[]> {
    return readLeases(this.leaseSpace);
  }

  /** The keys attached to lease `id` as of the last apply, in key order, at most `limit` of them. */
  async leaseKeys(id: number, limit: number): Promise<Buffer[]> {
    const keys: Buffer[] = [];
    for await (const key of leaseKeys(this.leaseIndex, id)) {
      if (keys.length >= limit) break;
      keys.push(key);
    }
    return keys;
  }

  /**
   * The changes a writing revision made, in order ([] for a revision whose record compaction
   * dropped: below the compact revision and outside the conflict window).
   */
  async changesAt(revision: number): Promise<readonly Change[]> {
    // Below the compact revision, a record may be gone from LevelDB: answer as LevelDB does.
    const recent = revision > this.meta.compactRevision ? this.recentChanges.get(revision) : undefined;
    if (recent !== undefined) return recent;
    const bytes = await this.changeLog.get<Buffer, Buffer>(encodeRevision(revision), BUFFERS);
    return bytes === undefined ? [] : decodeChanges(bytes);
  }

  /**
   * Deletes what the compact revision (moved by compaction entries of the log) made unreachable.
   * Local to this member and invisible to every read and decision: it deletes only what no read
   * at or above the compact revision reaches, and change-log records of the last
   * `conflictWindowRevisions` revisions are kept whatever the compact revision is. A crash midway
   * leaves unreachable records behind, which the next purge deletes. The deletions go a bounded
   * batch per turn, taking turns with applies: a purge never holds up the log, and its work is the
   * writes it compacts (apply lists what each revision makes unreachable), not the history's size.
   */
  async purgeCompacted(): Promise<void> {
    while (!this.retired && (await this.exclusive(() => this.compactBatch()))) {
      // One batch per turn.
    }
  }

  /** Stops a running compaction at its next batch: the store is being replaced or closed. */
  retire(): void {
    this.retired = true;
  }

  private async applyNow(entries: AppliedEntry[]): Promise<TxnOutcome[][]> {
    const meta = { ...this.meta };
    const call: ApplyCall = {
      view: new ApplyView(this.current, this.history, meta.revision, this.leaseSpace, this.leaseIndex),
      dedupe: new DedupeTable(this.dedupeIds, this.dedupeSequences, this.limits.dedupeMaxIds),
      recent: new RecentWrites(
        this.changeLog, meta.revision, this.firstLogged ?? meta.revision + 1, this.limits.conflictWindowRevisions,
      ),
      meta,
      ops: [],
      at: { index: 0, txn: 0 },
      changes: [],
    };
    const { view, ops } = call;
    await this.prefetch(call, entries);
    const outcomes: TxnOutcome[][] = [];
    for (const [i, entry] of entries.entries()) {
      assert(i === 0 || entry.index > entries[i - 1].index, `entries out of log order at ${entry.index}`);
      if (entry.index <= meta.appliedIndex) {
        outcomes.push([]);
        continue;
      }
      assert(entry.index === meta.appliedIndex + 1, `entry ${entry.index} after applied ${meta.appliedIndex}`);
      assert(entry.term >= meta.appliedTerm, `entry term ${entry.term} below applied ${meta.appliedTerm}`);
      const results: TxnOutcome[] = [];
      if (entry.compactRevision !== undefined) {
        assert(entry.txns.length === 0, `compaction entry ${entry.index} carries transactions`);
        recordCompaction(meta, entry.compactRevision);
      }
      for (const [position, txn] of entry.txns.entries()) {
        call.at = { index: entry.index, txn: position };
        results.push(await this.decideTxn(call, txn));
      }
      meta.appliedIndex = entry.index;
      meta.appliedTerm = entry.term;
      outcomes.push(results);
    }
    assert(outcomes.length === entries.length, 'one outcome list per entry');
    if (meta.appliedIndex === this.meta.appliedIndex) return outcomes;
    for (const { key, kv, base } of view.overlay.finalWrites()) {
      if (kv === null) ops.push({ type: 'del', sublevel: this.current, key });
      else ops.push({ type: 'put', sublevel: this.current, key, value: encodeStoredKv(kv) });
      for (const op of leaseIndexOps(this.leaseIndex, key, base?.lease ?? 0, kv?.lease ?? 0)) ops.push(op);
    }
    for (const op of view.leases.batchOps()) ops.push(op);
    for (const op of call.dedupe.batchOps()) ops.push(op);
    ops.push({ type: 'put', sublevel: this.metaSpace, key: META_KEY, value: encodeMeta(meta) });
    // `sync` is a classic-level batch option that abstract-level's types do not declare.
    // Failpoints are awaited only when armed: unarmed, the apply's timing is exactly as without them.
    const beforeFlush = failpoint('apply-flush-before');
    if (beforeFlush) await beforeFlush;
    this.stateAheadOfMeta = true;
    try {
      await this.db.batch(ops, { ...BUFFERS, sync: true } as typeof BUFFERS);
      const afterFlush = failpoint('apply-flush-after');
      if (afterFlush) await afterFlush;
      assert(meta.revision >= this.meta.revision, 'store revision went backwards');
      assert(meta.dedupeSequence >= this.meta.dedupeSequence, 'dedupe sequence went backwards');
      // An empty change log gains its first record with this call's first writing revision.
      if (this.firstLogged === null && meta.revision > this.meta.revision) this.firstLogged = this.meta.revision + 1;
      this.meta = meta;
      for (const [revision, changes] of call.changes) this.recentChanges.add(revision, changes);
    } finally {
      this.stateAheadOfMeta = false;
    }
    return outcomes;
  }

  /**
   * Reads ahead what the call's transactions will look up one at a time — request ids and the ids
   * they may expire, put and add targets, single-key compares (one getMany per sublevel), and the
   * change log their read sets are checked against (one scan) — all at once. Only a cost: every
   * read still goes through the call's own writes first.
   */
  private async prefetch(call: ApplyCall, entries: AppliedEntry[]): Promise<void> {
    const txns = entries.filter((entry) => entry.index > call.meta.appliedIndex).flatMap((entry) => entry.txns);
    if (txns.length === 0) return;
    const plan = planReads(txns, call.meta.dedupeSequence, this.limits.dedupeMaxIds);
    await Promise.all([
      call.dedupe.prefetch(plan.requestIds, plan.expiringSequences),
      call.view.overlay.prefetch(plan.keys),
      plan.readSetsAfter === null ? undefined : call.recent.prefetch(plan.readSetsAfter),
    ]);
  }

  /**
   * Decides one transaction exactly once: a request id recorded before returns the outcome recorded
   * then and applies nothing; otherwise the transaction runs and its outcome, whatever it is, is
   * recorded under its id with the request's digest. A recorded id that arrives with a different
   * request is refused, and neither applied nor recorded: answering it with the first request's
   * outcome would acknowledge a write that never happened.
   */
  private async decideTxn(call: ApplyCall, txn: TxnRequest__Output): Promise<TxnOutcome> {
    if (txn.requestId === '') return this.runTxn(call, txn);
    const digest = requestDigest(txn);
    const recorded = await call.dedupe.lookup(txn.requestId);
    if (recorded !== null) {
      const same = recorded.digest.length === 0 || recorded.digest.equals(digest);
      if (same) return { ...recorded.outcome, deduplicated: true };
      return { response: abortedResponse(), revision: call.meta.revision, rejected: reusedIdProblem(txn.requestId) };
    }
    const outcome = await this.runTxn(call, txn);
    call.meta.dedupeSequence += 1;
    await call.dedupe.record(txn.requestId, outcome, digest, call.meta.dedupeSequence);
    return outcome;
  }

  /**
   * Runs one transaction: structural checks, then the read set (first committer wins), then the
   * compares and ops. On a write, bumps `meta.revision` and queues its history and changes.
   */
  private async runTxn(call: ApplyCall, txn: TxnRequest__Output): Promise<TxnOutcome> {
    const { view, meta, ops } = call;
    const aborted = (why: Omit<TxnOutcome, 'response' | 'revision'>): TxnOutcome => ({
      response: abortedResponse(),
      revision: meta.revision,
      ...why,
    });
    const problem = checkTxn(txn, meta);
    if (problem !== null) return aborted({ rejected: problem });
    const verdict = await call.recent.judge(txn, meta.revision);
    switch (verdict.kind) {
      case 'rejected':
        return aborted({ rejected: verdict.reason });
      case 'tooOld':
        return aborted({ tooOld: { readRevision: verdict.readRevision, oldestRevision: verdict.oldestRevision } });
      case 'conflict':
        return aborted({ conflict: { key: verdict.key, revision: verdict.revision } });
      case 'clear':
        break;
    }
    const writeRevision = meta.revision + 1;
    const execution = await executeTxn(view, txn, writeRevision, leaseIdPicker(call.at.index, call.at.txn));
    if (execution.rejected !== undefined) {
      const { rejected, leaseNotFound, leaseExists } = execution;
      return aborted({ rejected, ...(leaseNotFound ? { leaseNotFound } : {}), ...(leaseExists ? { leaseExists } : {}) });
    }
    const { response, changes, leases } = execution;
    const leaseEffects = leases.granted.length + leases.revoked.length > 0 ? { leaseEffects: leases } : {};
    if (changes.length === 0) return { response, revision: meta.revision, ...leaseEffects };
    meta.revision = writeRevision;
    call.recent.record(writeRevision, changes);
    call.changes.push([writeRevision, changes]);
    for (const key of distinctKeys(changes)) {
      // One record per key and revision: the key's state at the end of the transaction.
      const kv = await view.get(key);
      assert(kv === null || kv.modRevision === writeRevision, 'a written key carries its write revision');
      const historyKey = encodeHistoryKey(key, writeRevision);
      ops.push({ type: 'put', sublevel: this.history, key: historyKey, value: encodeHistoryRecord(kv) });
      // What no read at or above this revision reaches: the key's previous record, and this one if it is a deletion.
      const previous = await view.overlay.before(key, writeRevision);
      if (previous !== null) ops.push(this.supersede(writeRevision, encodeHistoryKey(key, previous.modRevision)));
      if (kv === null) ops.push(this.supersede(writeRevision, historyKey));
    }
    ops.push({ type: 'put', sublevel: this.changeLog, key: encodeRevision(writeRevision), value: encodeChanges(changes) });
    return { response, revision: meta.revision, ...leaseEffects };
  }

  /**
   * Deletes one batch of what the compact revision made unreachable: history records listed in
   * `sup` at or below it, then change-log records below both it and the conflict window. Answers
   * whether there was anything to delete.
   */
  private async compactBatch(): Promise<boolean> {
    const upTo = this.meta.compactRevision;
    const ops: BatchOp[] = [];
    let lastListed: Buffer | undefined;
    for await (const key of scanKeys(this.superseded, { gte: this.supersededFrom, lt: encodeRevision(upTo + 1) })) {
      ops.push({ type: 'del', sublevel: this.history, key: key.subarray(REVISION_BYTES) }, { type: 'del', sublevel: this.superseded, key });
      lastListed = key;
      if (ops.length >= COMPACTION_BATCH_SIZE) break;
    }
    const keepFrom = Math.min(upTo, this.meta.revision - this.limits.conflictWindowRevisions + 1);
    let changeLogTrimmed = false;
    if (ops.length < COMPACTION_BATCH_SIZE && keepFrom > 0) {
      for await (const key of scanKeys(this.changeLog, { gte: encodeRevision(this.firstLogged ?? 0), lt: encodeRevision(keepFrom) })) {
        ops.push({ type: 'del', sublevel: this.changeLog, key });
        changeLogTrimmed = true;
        if (ops.length >= COMPACTION_BATCH_SIZE) break;
      }
    }
    if (ops.length === 0) return false;
    const beforeBatch = failpoint('compaction-batch-before');
    if (beforeBatch) await beforeBatch;
    await this.db.batch(ops, BUFFERS);
    const afterBatch = failpoint('compaction-batch-after');
    if (afterBatch) await afterBatch;
    if (lastListed !== undefined) this.supersededFrom = lastListed;
    // In the same turn as the deletion: read-set checks must never count on a record that is gone.
    if (changeLogTrimmed) this.firstLogged = await firstRevisionIn(this.changeLog);
    return true;
  }

  /** Lists `historyKey` as unreachable from reads at or above `revision`. */
  private supersede(revision: number, historyKey: Buffer): BatchOp {
    return { type: 'put', sublevel: this.superseded, key: Buffer.concat([encodeRevision(revision), historyKey]), value: EMPTY };
  }

  private exclusive<T>(run: () => Promise<T>): Promise<T> {
    const result = this.queue.then(run);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

function distinctKeys(changes: Change[]): Buffer[] {
  const seen = new Set<string>();
  const keys: Buffer[] = [];
  for (const { kv } of changes) {
    const id = kv.key.toString('latin1');
    if (seen.has(id)) continue;
    seen.add(id);
    keys.push(kv.key);
  }
  return keys;
}

function resolveLimits(limits: Partial<MvccLimits>): Readonly<MvccLimits> {
  const resolved = { ...DEFAULT_MVCC_LIMITS, ...limits };
  for (const [name, value] of Object.entries(resolved)) {
    assert(Number.isSafeInteger(value) && value >= 1, `mvcc limit ${name} is ${value}, not a positive integer`);
  }
  return resolved;
}

/**
 * Moves the compact revision to `revision` as a compaction entry asks: never backwards, and never
 * beyond the store revision (such an entry is ignored, alike on every member).
 */
function recordCompaction(meta: StoreMeta, revision: number): void {
  assert(Number.isSafeInteger(revision) && revision > 0, `compact revision ${revision} is not a positive integer`);
  if (revision > meta.revision || revision <= meta.compactRevision) return;
  meta.compactRevision = revision;
}

/** The lowest revision with a change-log record, or null if there is none. */
async function firstRevisionIn(changeLog: Sublevel): Promise<number | null> {
  for await (const key of scanKeys(changeLog, { gte: Buffer.alloc(0), lt: null })) return decodeRevision(key);
  return null;
}

/**
 * The ids a lease granted without one gets: a hash of its place in the log (entry index,
 * transaction, op) and the attempt, so every member picks the same, and ids do not follow one
 * another (48 bits, never 0).
 */
function leaseIdPicker(index: number, txn: number): LeaseIdPicker {
  return (op, attempt) => {
    const digest = createHash('sha256').update(`lease/${index}/${txn}/${op}/${attempt}`).digest();
    return digest.readUIntBE(0, 6) || 1;
  };
}
