import { resolveRange, type KeyRange } from '../mvcc/key-range.js';
import type { TxnRequest__Output } from '../gen/quorumkv/v1/TxnRequest.js';

// Key-range permissions, as etcd's roles grant them: READ, WRITE or READWRITE over one key or
// [key, range_end) ("\0" as range_end: every key from key on). A request is allowed when every
// range it reads is covered by the union of the caller's read grants, and every range it writes
// by the union of its write grants.

export type PermissionType = 'READ' | 'WRITE' | 'READWRITE';

export interface Permission {
  type: PermissionType;
  key: Buffer;
  rangeEnd: Buffer;
}

/** The ranges a request touches, as (key, range_end) pairs. */
export interface Access {
  reads: Array<{ key: Buffer; rangeEnd: Buffer }>;
  writes: Array<{ key: Buffer; rangeEnd: Buffer }>;
}

const ONE_KEY = Buffer.alloc(0);

/**
 * What a transaction reads and writes: compares and read sets read, ranges read, puts write,
 * deletes write, adds read and write, and a put or delete that returns the previous value reads
 * it too.
 */
export function accessOfTxn(txn: TxnRequest__Output): Access {
  const access: Access = { reads: [], writes: [] };
  for (const compare of txn.compare) access.reads.push({ key: compare.key, rangeEnd: compare.rangeEnd });
  for (const range of txn.readSet) access.reads.push(range);
  for (const op of [...txn.success, ...txn.failure]) {
    if (op.requestRange) access.reads.push(op.requestRange);
    if (op.requestPut) {
      access.writes.push({ key: op.requestPut.key, rangeEnd: ONE_KEY });
      if (op.requestPut.prevKv) access.reads.push({ key: op.requestPut.key, rangeEnd: ONE_KEY });
    }
    if (op.requestDeleteRange) {
      access.writes.push(op.requestDeleteRange);
      if (op.requestDeleteRange.prevKv) access.reads.push(op.requestDeleteRange);
    }
    if (op.requestAdd) {
      access.reads.push({ key: op.requestAdd.key, rangeEnd: ONE_KEY });
      access.writes.push({ key: op.requestAdd.key, rangeEnd: ONE_KEY });
    }
  }
  return access;
}

/** Whether the grants of `kind` in `permissions` cover all of (key, rangeEnd). */
export function covers(permissions: readonly Permission[], kind: 'read' | 'write', key: Buffer, rangeEnd: Buffer): boolean {
  const wanted = resolveRange(key, rangeEnd);
  if (wanted === null) return true; // selects nothing
  const granted = permissions
    .filter((p) => p.type === 'READWRITE' || p.type === (kind === 'read' ? 'READ' : 'WRITE'))
    .map((p) => resolveRange(p.key, p.rangeEnd))
    .filter((r): r is KeyRange => r !== null)
    .sort((a, b) => Buffer.compare(a.start, b.start));
  // Walk the grants in order, extending how far from wanted.start is covered without a gap.
  let coveredTo: Buffer = wanted.start;
  for (const range of granted) {
    if (Buffer.compare(range.start, coveredTo) > 0) break;
    if (range.end === null) return true;
    if (Buffer.compare(range.end, coveredTo) > 0) coveredTo = range.end;
    if (wanted.end !== null && Buffer.compare(coveredTo, wanted.end) >= 0) return true;
  }
  return false;
}
