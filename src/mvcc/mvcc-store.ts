import type { AbstractBatchOperation } from 'abstract-level';
import type { RangeRequest__Output } from '../gen/quorumkv/v1/RangeRequest.js';
import type { TxnRequest__Output } from '../gen/quorumkv/v1/TxnRequest.js';
import type { TxnResponse__Output } from '../gen/quorumkv/v1/TxnResponse.js';
import { ApplyView } from './apply-view.js';
import { assert } from './assert.js';
import { decodeChanges, encodeChanges, type Change } from './change-log.js';
import { CompactedRevisionError, FutureRevisionError } from './errors.js';
import { HistorySource } from './history-source.js';
import { decodeHistoryKey, encodeHistoryKey, encodeRevision } from './key-encoding.js';
import { scanEntries, scanKeys, type Keyspace, type Sublevel } from './keyspace.js';
import { decodeHistoryRecord, encodeHistoryRecord, encodeStoredKv } from './kv-encoding.js';
import { LatestSource } from './latest-source.js';
import { COMPACTION_BATCH_SIZE } from './limits.js';
import { decodeMeta, encodeMeta, META_KEY, type StoreMeta } from './meta.js';
import { executeRange, type RangeResult } from './range.js';
import { computeStateHash } from './state-hash.js';
import { checkTxn } from './txn-check.js';
import { executeTxn } from './txn.js';

/** One committed log entry, its payload decoded; `txns` is [] for an empty (no-op) entry. */
export interface AppliedEntry {
  index: number;
  term: number;
  txns: TxnRequest__Output[];
}

export interface TxnOutcome {
  /** `header` is left null for the caller to fill in. */
  response: TxnResponse__Output;
  /** The store revision after this transaction (unchanged if it wrote nothing). */
  revision: number;
  /**
   * Set when the transaction could not run at all (an unknown compare enum, an op with no request,
   * a range at a future or compacted revision): nothing of it was applied, `response.succeeded`
   * is false and `response.responses` is empty. Every member rejects it the same way.
   */
  rejected?: string;
}

type BatchOp = AbstractBatchOperation<Keyspace, Buffer, Buffer>;

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
 *   chg   u64be revision -> the revision's changes          what watches replay
 *   meta  "meta" -> u64be revision, applied index, applied term, compact revision
 */
export class MvccStore {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly db: Keyspace,
    private readonly current: Sublevel,
    private readonly history: Sublevel,
    private readonly changeLog: Sublevel,
    private readonly metaSpace: Sublevel,
    private meta: StoreMeta,
  ) {}

  static async open(db: Keyspace): Promise<MvccStore> {
    const space = (name: string): Sublevel => db.sublevel<Buffer, Buffer>(name, BUFFERS);
    const metaSpace = space('meta');
    const meta = decodeMeta(await metaSpace.get<Buffer, Buffer>(META_KEY, BUFFERS));
    return new MvccStore(db, space('cur'), space('hist'), space('chg'), metaSpace, meta);
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
   * together, in one LevelDB batch (sync: false — the raft log is the durable record, and
   * replaying it after a crash rebuilds the same state). Entries at or below the applied index
   * are skipped and get [] as their outcomes, which makes replay idempotent. Calls are serialised.
   */
  apply(entries: AppliedEntry[]): Promise<TxnOutcome[][]> {
    return this.exclusive(() => this.applyNow(entries));
  }

  /** Reads at `request.revision` (0 or less: latest) from one consistent snapshot. */
  async range(request: RangeRequest__Output): Promise<RangeResult> {
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
      return await executeRange(source, request);
    } finally {
      await snapshot.close();
    }
  }

  /** Equal on every member that applied the same log (history and compaction do not count). */
  async stateHash(): Promise<string> {
    const snapshot = this.db.snapshot();
    try {
      const meta = decodeMeta(await this.metaSpace.get<Buffer, Buffer>(META_KEY, { ...BUFFERS, snapshot }));
      return await computeStateHash(this.current, meta.revision, snapshot);
    } finally {
      await snapshot.close();
    }
  }

  /** The changes a writing revision made, in order ([] for a revision below the compact revision). */
  async changesAt(revision: number): Promise<Change[]> {
    const bytes = await this.changeLog.get<Buffer, Buffer>(encodeRevision(revision), BUFFERS);
    return bytes === undefined ? [] : decodeChanges(bytes);
  }

  /**
   * Discards history below `revision`: afterwards reads at older revisions fail with
   * CompactedRevisionError. Local to this member (it changes no live state, so stateHash is
   * unaffected). The new compact revision is recorded first, so a crash midway leaves only
   * unreachable records behind. Deletes in bounded batches.
   */
  compact(revision: number): Promise<void> {
    return this.exclusive(() => this.compactNow(revision));
  }

  private async applyNow(entries: AppliedEntry[]): Promise<TxnOutcome[][]> {
    const meta = { ...this.meta };
    const view = new ApplyView(this.current, this.history, meta.revision);
    const ops: BatchOp[] = [];
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
      for (const txn of entry.txns) results.push(await this.applyTxn(view, txn, meta, ops));
      meta.appliedIndex = entry.index;
      meta.appliedTerm = entry.term;
      outcomes.push(results);
    }
    assert(outcomes.length === entries.length, 'one outcome list per entry');
    if (meta.appliedIndex === this.meta.appliedIndex) return outcomes;
    for (const { key, kv } of view.overlay.finalWrites()) {
      if (kv === null) ops.push({ type: 'del', sublevel: this.current, key });
      else ops.push({ type: 'put', sublevel: this.current, key, value: encodeStoredKv(kv) });
    }
    ops.push({ type: 'put', sublevel: this.metaSpace, key: META_KEY, value: encodeMeta(meta) });
    // `sync` is a classic-level batch option that abstract-level's types do not declare.
    await this.db.batch(ops, { ...BUFFERS, sync: false } as typeof BUFFERS);
    assert(meta.revision >= this.meta.revision, 'store revision went backwards');
    this.meta = meta;
    return outcomes;
  }

  /** Runs one transaction; on a write, bumps `meta.revision` and queues its history and changes. */
  private async applyTxn(view: ApplyView, txn: TxnRequest__Output, meta: StoreMeta, ops: BatchOp[]) {
    const problem = checkTxn(txn, meta);
    if (problem !== null) {
      const response = { header: null, succeeded: false, responses: [] };
      return { response, revision: meta.revision, rejected: problem };
    }
    const writeRevision = meta.revision + 1;
    const { response, changes } = await executeTxn(view, txn, writeRevision);
    if (changes.length === 0) return { response, revision: meta.revision };
    meta.revision = writeRevision;
    for (const key of distinctKeys(changes)) {
      // One record per key and revision: the key's state at the end of the transaction.
      const kv = await view.get(key);
      const record = encodeHistoryRecord(kv);
      ops.push({ type: 'put', sublevel: this.history, key: encodeHistoryKey(key, writeRevision), value: record });
    }
    ops.push({ type: 'put', sublevel: this.changeLog, key: encodeRevision(writeRevision), value: encodeChanges(changes) });
    return { response, revision: meta.revision };
  }

  private async compactNow(revision: number): Promise<void> {
    assert(Number.isSafeInteger(revision), `compact revision ${revision} is not an integer`);
    if (revision > this.meta.revision) throw new FutureRevisionError(revision, this.meta.revision);
    if (revision <= this.meta.compactRevision) return;
    const meta = { ...this.meta, compactRevision: revision };
    await this.metaSpace.put(META_KEY, encodeMeta(meta), BUFFERS);
    this.meta = meta;
    await this.deleteInBatches(this.obsoleteHistory(revision));
    const changeKeys = scanKeys(this.changeLog, { gte: Buffer.alloc(0), lt: encodeRevision(revision) });
    await this.deleteInBatches(withSpace(this.changeLog, changeKeys));
  }

  /**
   * History records no read at or above `revision` can reach: for each key, every record at or
   * below it except the last one, and that one too if it is a deletion.
   */
  private async *obsoleteHistory(revision: number): AsyncGenerator<[Sublevel, Buffer]> {
    let previous: { key: Buffer; encoded: Buffer } | null = null;
    const everything = { gte: Buffer.alloc(0), lt: null };
    for await (const [encoded, record] of scanEntries(this.history, everything)) {
      const decoded = decodeHistoryKey(encoded);
      if (decoded.revision > revision) continue;
      if (previous !== null && previous.key.equals(decoded.key)) yield [this.history, previous.encoded];
      previous = { key: decoded.key, encoded };
      if (decodeHistoryRecord(decoded.key, record) === null) {
        yield [this.history, encoded];
        previous = null;
      }
    }
  }

  private async deleteInBatches(keys: AsyncIterable<[Sublevel, Buffer]>): Promise<void> {
    let ops: BatchOp[] = [];
    for await (const [sublevel, key] of keys) {
      ops.push({ type: 'del', sublevel, key });
      if (ops.length < COMPACTION_BATCH_SIZE) continue;
      await this.db.batch(ops, BUFFERS);
      ops = [];
    }
    if (ops.length > 0) await this.db.batch(ops, BUFFERS);
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

async function* withSpace(space: Sublevel, keys: AsyncIterable<Buffer>): AsyncGenerator<[Sublevel, Buffer]> {
  for await (const key of keys) yield [space, key];
}
