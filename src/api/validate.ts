import { InvalidArgumentError } from '../errors.js';
import { MAX_ADD_MAGNITUDE, MAX_KEY_BYTES, MAX_READ_SET_RANGES, MAX_REQUEST_ID_BYTES, MAX_TXN_OPS, MAX_VALUE_BYTES } from './limits.js';
import type { AddRequest__Output } from '../gen/quorumkv/v1/AddRequest.js';
import type { Compare__Output } from '../gen/quorumkv/v1/Compare.js';
import type { DeleteRangeRequest__Output } from '../gen/quorumkv/v1/DeleteRangeRequest.js';
import type { LeaseGrantRequest__Output } from '../gen/quorumkv/v1/LeaseGrantRequest.js';
import { checkLeaseId, MAX_LEASE_TTL_SECONDS } from '../mvcc/lease-table.js';
import type { PutRequest__Output } from '../gen/quorumkv/v1/PutRequest.js';
import type { RangeRequest__Output } from '../gen/quorumkv/v1/RangeRequest.js';
import type { RequestOp__Output } from '../gen/quorumkv/v1/RequestOp.js';
import type { TxnRequest__Output } from '../gen/quorumkv/v1/TxnRequest.js';

// Validation of client requests, before anything is proposed: bad input is refused with a
// message a person can act on, and changes nothing.

const COMPARE_RESULTS = new Set(['EQUAL', 'GREATER', 'LESS', 'NOT_EQUAL']);
const COMPARE_TARGET_FIELDS: Record<string, Compare__Output['targetUnion']> = {
  VERSION: 'version',
  CREATE: 'createRevision',
  MOD: 'modRevision',
  VALUE: 'value',
  LEASE: 'lease',
};

function fail(message: string): never {
  throw new InvalidArgumentError(message);
}

function checkKey(key: Buffer, where: string): void {
  if (key.length === 0) fail(`${where}: key is empty; keys must be 1 to ${MAX_KEY_BYTES} bytes`);
  if (key.length > MAX_KEY_BYTES) fail(`${where}: key is ${key.length} bytes; the limit is ${MAX_KEY_BYTES} bytes`);
}

function checkRangeEnd(key: Buffer, rangeEnd: Buffer, where: string): void {
  if (rangeEnd.length > MAX_KEY_BYTES) fail(`${where}: range_end is ${rangeEnd.length} bytes; the limit is ${MAX_KEY_BYTES} bytes`);
  const toEnd = rangeEnd.length === 1 && rangeEnd[0] === 0;
  if (rangeEnd.length > 0 && !toEnd && Buffer.compare(rangeEnd, key) <= 0) {
    fail(`${where}: range_end must sort after key (or be "\\0" for "every key from key on")`);
  }
}

function checkRevision(revision: number, field: string, where: string): void {
  if (!Number.isSafeInteger(revision) || revision < 0) fail(`${where}: ${field} must be a non-negative integer, got ${revision}`);
}

export function validateRange(request: RangeRequest__Output, where = 'range'): void {
  checkKey(request.key, where);
  checkRangeEnd(request.key, request.rangeEnd, where);
  checkRevision(request.revision, 'revision', where);
  checkRevision(request.limit, 'limit', where);
}

function checkRequestId(requestId: string, where: string): void {
  if (Buffer.byteLength(requestId, 'utf8') > MAX_REQUEST_ID_BYTES) {
    fail(`${where}: request_id is over ${MAX_REQUEST_ID_BYTES} bytes`);
  }
}

export function validatePut(request: PutRequest__Output, where = 'put'): void {
  checkKey(request.key, where);
  checkRequestId(request.requestId, where);
  if (request.value.length > MAX_VALUE_BYTES) {
    fail(`${where}: value is ${request.value.length} bytes; the limit is ${MAX_VALUE_BYTES} bytes`);
  }
  if (request.lease !== 0) checkLease(request.lease, `${where}: lease`);
  if (request.ignoreLease && request.lease !== 0) fail(`${where}: ignore_lease keeps the key's lease, so it takes no lease`);
}

function checkLease(id: number, what: string): void {
  if (!checkLeaseId(id)) fail(`${what} ${id} is not a lease id (a positive integer below 2^53)`);
}

export function validateLeaseGrant(request: LeaseGrantRequest__Output, where = 'lease grant'): void {
  if (request.id !== 0) checkLease(request.id, `${where}: id`);
  if (!Number.isSafeInteger(request.ttl) || request.ttl > MAX_LEASE_TTL_SECONDS) fail(`${where}: ttl must be at most ${MAX_LEASE_TTL_SECONDS} s, got ${request.ttl}`);
}

export function validateDeleteRange(request: DeleteRangeRequest__Output, where = 'delete'): void {
  checkKey(request.key, where);
  checkRangeEnd(request.key, request.rangeEnd, where);
  checkRequestId(request.requestId, where);
}

export function validateAdd(request: AddRequest__Output, where = 'add'): void {
  checkKey(request.key, where);
  if (!Number.isSafeInteger(request.delta) || Math.abs(request.delta) > MAX_ADD_MAGNITUDE) {
    fail(`${where}: delta must be an integer between -${MAX_ADD_MAGNITUDE} and ${MAX_ADD_MAGNITUDE}, got ${request.delta}`);
  }
}

function validateCompare(compare: Compare__Output, where: string): void {
  if (!COMPARE_RESULTS.has(compare.result as string)) fail(`${where}: unknown compare result ${compare.result}`);
  const field = COMPARE_TARGET_FIELDS[compare.target as string];
  if (!field) fail(`${where}: unknown compare target ${compare.target}`);
  checkKey(compare.key, where);
  checkRangeEnd(compare.key, compare.rangeEnd, where);
  if (compare.targetUnion !== field) {
    fail(`${where}: target ${compare.target} needs the ${field} field set, got ${compare.targetUnion ?? 'none'}`);
  }
  if (field === 'value') {
    if ((compare.value?.length ?? 0) > MAX_VALUE_BYTES) fail(`${where}: compare value is over ${MAX_VALUE_BYTES} bytes`);
  } else {
    checkRevision(Number(compare[field]), field, where);
  }
}

function validateOp(op: RequestOp__Output, where: string): void {
  switch (op.request) {
    case 'requestRange':
      return validateRange(op.requestRange!, where);
    case 'requestPut':
      return validatePut(op.requestPut!, where);
    case 'requestDeleteRange':
      return validateDeleteRange(op.requestDeleteRange!, where);
    case 'requestAdd':
      return validateAdd(op.requestAdd!, where);
    case 'requestLeaseGrant':
      return validateLeaseGrant(op.requestLeaseGrant!, where);
    case 'requestLeaseRevoke':
      return checkLease(op.requestLeaseRevoke!.id, `${where}: lease revoke id`);
    default:
      fail(`${where}: an op must set one of request_range, request_put, request_delete_range, request_add, request_lease_grant, request_lease_revoke`);
  }
}

/** Two puts of one key in one branch make the result depend on op order; etcd refuses them too. */
function checkDuplicatePuts(ops: RequestOp__Output[], branch: string): void {
  const seen = new Set<string>();
  for (const op of ops) {
    if (op.request !== 'requestPut') continue;
    const key = op.requestPut!.key.toString('hex');
    if (seen.has(key)) fail(`txn ${branch}: key ${JSON.stringify(op.requestPut!.key.toString())} is put twice`);
    seen.add(key);
  }
}

export function validateTxn(request: TxnRequest__Output): void {
  // As etcd's --max-txn-ops: each list on its own.
  for (const [list, items] of [['compares', request.compare], ['success ops', request.success], ['failure ops', request.failure]] as const) {
    if (items.length > MAX_TXN_OPS) fail(`txn has ${items.length} ${list}; the limit is ${MAX_TXN_OPS} compares, and ${MAX_TXN_OPS} ops in each branch`);
  }
  request.compare.forEach((c, i) => validateCompare(c, `txn compare[${i}]`));
  request.success.forEach((op, i) => validateOp(op, `txn success[${i}]`));
  request.failure.forEach((op, i) => validateOp(op, `txn failure[${i}]`));
  checkDuplicatePuts(request.success, 'success');
  checkDuplicatePuts(request.failure, 'failure');
  checkRequestId(request.requestId, 'txn');
  checkRevision(request.readRevision, 'read_revision', 'txn');
  if (request.readSet.length > MAX_READ_SET_RANGES) {
    fail(`txn read_set has ${request.readSet.length} keys and ranges; the limit is ${MAX_READ_SET_RANGES}`);
  }
  request.readSet.forEach((range, i) => {
    checkKey(range.key, `txn read_set[${i}]`);
    checkRangeEnd(range.key, range.rangeEnd, `txn read_set[${i}]`);
  });
}
