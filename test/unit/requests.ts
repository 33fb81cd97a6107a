import type { Compare__Output } from '../../src/gen/quorumkv/v1/Compare.js';
import type { DeleteRangeRequest__Output } from '../../src/gen/quorumkv/v1/DeleteRangeRequest.js';
import type { PutRequest__Output } from '../../src/gen/quorumkv/v1/PutRequest.js';
import type { RangeRequest__Output } from '../../src/gen/quorumkv/v1/RangeRequest.js';
import type { RequestOp__Output } from '../../src/gen/quorumkv/v1/RequestOp.js';
import type { TxnRequest__Output } from '../../src/gen/quorumkv/v1/TxnRequest.js';
import type { TxnResponse__Output } from '../../src/gen/quorumkv/v1/TxnResponse.js';

// Requests in the decoded (`__Output`) shape: every field present, bytes as Buffer.

export const b = (text: string): Buffer => Buffer.from(text, 'utf8');
export const EMPTY = Buffer.alloc(0);

export function rangeRequest(fields: Partial<RangeRequest__Output> = {}): RangeRequest__Output {
  return { key: b('k'), rangeEnd: EMPTY, limit: 0, revision: 0, serializable: false, keysOnly: false, countOnly: false, minRevision: 0, maxStalenessMs: 0, ...fields };
}

export function putRequest(fields: Partial<PutRequest__Output> = {}): PutRequest__Output {
  return { key: b('k'), value: b('v'), prevKv: false, requestId: '', lease: 0, ignoreLease: false, ...fields };
}

export function deleteRangeRequest(fields: Partial<DeleteRangeRequest__Output> = {}): DeleteRangeRequest__Output {
  return { key: b('k'), rangeEnd: EMPTY, prevKv: false, requestId: '', ...fields };
}

export function putOp(key: string | Buffer, value: string | Buffer = 'v'): RequestOp__Output {
  const k = typeof key === 'string' ? b(key) : key;
  const v = typeof value === 'string' ? b(value) : value;
  return { request: 'requestPut', requestPut: putRequest({ key: k, value: v }), requestRange: null, requestDeleteRange: null };
}

export function rangeOp(fields: Partial<RangeRequest__Output> = {}): RequestOp__Output {
  return { request: 'requestRange', requestRange: rangeRequest(fields), requestPut: null, requestDeleteRange: null };
}

export function deleteOp(fields: Partial<DeleteRangeRequest__Output> = {}): RequestOp__Output {
  return { request: 'requestDeleteRange', requestDeleteRange: deleteRangeRequest(fields), requestRange: null, requestPut: null };
}

/** A compare of the version of `key` (target VERSION, field `version`). */
export function versionCompare(fields: Partial<Compare__Output> = {}): Compare__Output {
  return { result: 'EQUAL', target: 'VERSION', key: b('k'), rangeEnd: EMPTY, version: 0, targetUnion: 'version', ...fields };
}

export function txnRequest(fields: Partial<TxnRequest__Output> = {}): TxnRequest__Output {
  return { compare: [], success: [], failure: [], requestId: '', readRevision: 0, readSet: [], ...fields };
}

export function txnResponse(revision: number): TxnResponse__Output {
  return { header: { clusterId: 1, memberId: 1, revision, raftTerm: 1 }, succeeded: true, responses: [] };
}
