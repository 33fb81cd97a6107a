import { InvalidArgumentError } from '../errors.js';
import type { Compare__Output } from '../gen/quorumkv/v1/Compare.js';
import type { RangeRequest__Output } from '../gen/quorumkv/v1/RangeRequest.js';
import type { RequestOp__Output } from '../gen/quorumkv/v1/RequestOp.js';
import type { TxnRequest__Output } from '../gen/quorumkv/v1/TxnRequest.js';

// Keys from RESERVED_PREFIX on hold the cluster's own records (users, roles, whether
// authentication is on). They are ordinary keys in the replicated state, so they are decided in
// log order, kept in snapshots and backups, and restored with them. Clients never reach them: a
// single key there is refused, and a range reaching there is cut off below it, so "every key"
// means every client key. Since 0xff sorts last, the reserved keys are exactly those >= the prefix.

export const RESERVED_PREFIX = Buffer.from([0xff, 0xff, 0xff]);

export function isReserved(key: Buffer): boolean {
  return Buffer.compare(key, RESERVED_PREFIX) >= 0;
}

function refuse(where: string): never {
  throw new InvalidArgumentError(`${where}: keys from \\xff\\xff\\xff on are reserved for the cluster's own records`);
}

/** `rangeEnd` cut off below the reserved keys (a single key, empty `rangeEnd`, stays as it is). */
export function clientRangeEnd(rangeEnd: Buffer): Buffer {
  if (rangeEnd.length === 0) return rangeEnd;
  const toEnd = rangeEnd.length === 1 && rangeEnd[0] === 0;
  return toEnd || Buffer.compare(rangeEnd, RESERVED_PREFIX) > 0 ? RESERVED_PREFIX : rangeEnd;
}

/** Refuses a key in the reserved space; returns the range end cut off below it. */
function keepOut(key: Buffer, rangeEnd: Buffer, where: string): Buffer {
  if (isReserved(key)) refuse(where);
  return clientRangeEnd(rangeEnd);
}

/** A client's range, limited to client keys (the request is changed in place). */
export function hideReservedInRange<R extends { key: Buffer; rangeEnd: Buffer }>(request: R, where = 'range'): R {
  request.rangeEnd = keepOut(request.key, request.rangeEnd, where);
  return request;
}

/** A client's transaction, limited to client keys: every compare, op and read set (changed in place). */
export function hideReservedInTxn(txn: TxnRequest__Output): TxnRequest__Output {
  for (const compare of txn.compare) hideReservedInCompare(compare);
  for (const op of [...txn.success, ...txn.failure]) hideReservedInOp(op);
  for (const range of txn.readSet) hideReservedInRange(range, 'read set');
  return txn;
}

function hideReservedInCompare(compare: Compare__Output): void {
  compare.rangeEnd = keepOut(compare.key, compare.rangeEnd, 'compare');
}

function hideReservedInOp(op: RequestOp__Output): void {
  if (op.requestRange) hideReservedInRange(op.requestRange as RangeRequest__Output, 'range');
  if (op.requestDeleteRange) hideReservedInRange(op.requestDeleteRange, 'delete');
  if (op.requestPut && isReserved(op.requestPut.key)) refuse('put');
  if (op.requestAdd && isReserved(op.requestAdd.key)) refuse('add');
}
