import type { TxnRequest__Output } from '../gen/quorumkv/v1/TxnRequest.js';
import { assert } from './assert.js';
import { decodeChanges, type Change } from './change-log.js';
import { decodeRevision, encodeRevision } from './key-encoding.js';
import { rangeContains, resolveRange, type KeyRange } from './key-range.js';
import { scanEntries, type Sublevel } from './keyspace.js';
import { PREFETCH_MAX_REVISIONS } from './limits.js';

/** How a transaction's read set was judged (first committer wins). */
export type ReadSetVerdict =
  | { kind: 'clear' }
  | { kind: 'rejected'; reason: string }
  | { kind: 'tooOld'; readRevision: number; oldestRevision: number }
  | { kind: 'conflict'; key: Buffer; revision: number };

/**
 * The writes of recent revisions, as one apply call sees them: the change log in LevelDB up to the
 * call's base revision, then the call's own writes (held in memory until the call's batch is
 * written). Only revisions in (read revision, current] are ever scanned.
 */
export class RecentWrites {
  /** The keys each writing revision of this call wrote, in revision order. */
  private readonly callWrites: { revision: number; keys: Buffer[] }[] = [];
  /** The keys each logged revision of [loadedFrom, baseRevision] wrote, read ahead by `prefetch`. */
  private loaded: Buffer[][] = [];
  private loadedFrom: number;

  /**
   * @param firstLogged the oldest revision whose change-log record is kept (revisions of this call
   *   included); reads at or above firstLogged - 1 can be checked.
   */
  constructor(
    private readonly changeLog: Sublevel,
    private readonly baseRevision: number,
    private readonly firstLogged: number,
    private readonly windowRevisions: number,
  ) {
    assert(firstLogged >= 1 && firstLogged <= baseRevision + 1, `first logged revision ${firstLogged} out of range`);
    this.loadedFrom = baseRevision + 1;
  }

  /**
   * Reads ahead, in one scan, the change log after read revision `after` (at most
   * PREFETCH_MAX_REVISIONS records, the newest), so that judging read sets at or after it reads
   * nothing more from LevelDB. Only a cost: the same records are read either way.
   */
  async prefetch(after: number): Promise<void> {
    assert(this.loaded.length === 0 && this.callWrites.length === 0, 'change log read ahead twice or too late');
    const from = Math.max(
      after + 1,
      this.oldestCheckable(this.baseRevision) + 1,
      this.baseRevision + 1 - PREFETCH_MAX_REVISIONS,
    );
    if (from > this.baseRevision) return;
    const loaded: Buffer[][] = [];
    for await (const [revision, keys] of this.loggedKeys(from)) {
      assert(revision === from + loaded.length, `change log has no record of revision ${from + loaded.length}`);
      loaded.push(keys);
    }
    assert(from + loaded.length === this.baseRevision + 1, `change log ends before revision ${this.baseRevision}`);
    this.loaded = loaded;
    this.loadedFrom = from;
  }

  record(revision: number, changes: readonly Change[]): void {
    const last = this.callWrites.at(-1)?.revision ?? this.baseRevision;
    assert(revision === last + 1, `recent writes skip from ${last} to ${revision}`);
    this.callWrites.push({ revision, keys: changes.map((change) => change.kv.key) });
  }

  /** The oldest read revision whose conflicts can still be checked at store revision `current`. */
  oldestCheckable(current: number): number {
    return Math.max(0, current - this.windowRevisions, this.firstLogged - 1);
  }

  /** Decides the read set of `txn` against the store at revision `current`. */
  async judge(txn: TxnRequest__Output, current: number): Promise<ReadSetVerdict> {
    if (txn.readSet.length === 0) return { kind: 'clear' };
    const readRevision = txn.readRevision;
    if (readRevision > current) {
      return {
        kind: 'rejected',
        reason: `read set at revision ${readRevision} is in the future (store at ${current})`,
      };
    }
    const oldestRevision = this.oldestCheckable(current);
    if (readRevision < oldestRevision) return { kind: 'tooOld', readRevision, oldestRevision };
    const ranges = txn.readSet
      .map((range) => resolveRange(range.key, range.rangeEnd))
      .filter((range): range is KeyRange => range !== null);
    const hit = await this.firstWriteAfter(ranges, readRevision, current);
    return hit === null ? { kind: 'clear' } : { kind: 'conflict', ...hit };
  }

  /** The first write (lowest revision, then lowest key) to a key in `ranges` in (after, current]. */
  private async firstWriteAfter(
    ranges: KeyRange[],
    after: number,
    current: number,
  ): Promise<{ key: Buffer; revision: number } | null> {
    if (ranges.length === 0) return null;
    if (after + 1 < this.loadedFrom) {
      let expected = after + 1;
      for await (const [revision, keys] of this.loggedKeys(after + 1, this.loadedFrom)) {
        assert(revision === expected, `change log has no record of revision ${expected}`);
        expected += 1;
        const key = firstKeyIn(ranges, keys);
        if (key !== null) return { key, revision };
      }
      assert(expected === this.loadedFrom, `change log ends before revision ${this.loadedFrom - 1}`);
    }
    for (let revision = Math.max(after + 1, this.loadedFrom); revision <= this.baseRevision; revision++) {
      const key = firstKeyIn(ranges, this.loaded[revision - this.loadedFrom]);
      if (key !== null) return { key, revision };
    }
    for (const { revision, keys } of this.callWrites) {
      if (revision <= after || revision > current) continue;
      const key = firstKeyIn(ranges, keys);
      if (key !== null) return { key, revision };
    }
    return null;
  }

  /** The keys each logged revision in [from, before) wrote, in revision order. */
  private async *loggedKeys(from: number, before = this.baseRevision + 1): AsyncGenerator<[number, Buffer[]]> {
    const bounds = { gte: encodeRevision(from), lt: encodeRevision(before) };
    for await (const [encoded, record] of scanEntries(this.changeLog, bounds)) {
      yield [decodeRevision(encoded), decodeChanges(record).map((change) => change.kv.key)];
    }
  }
}

function firstKeyIn(ranges: KeyRange[], keys: Buffer[]): Buffer | null {
  let first: Buffer | null = null;
  for (const key of keys) {
    if (first !== null && Buffer.compare(key, first) >= 0) continue;
    if (ranges.some((range) => rangeContains(range, key))) first = key;
  }
  return first;
}
