import { MAX_KEY_BYTES, MAX_VALUE_BYTES } from '../api/limits.js';
import type { Compare__Output as EtcdCompare } from '../gen/etcd/etcdserverpb/Compare.js';
import type { RequestOp__Output as EtcdRequestOp } from '../gen/etcd/etcdserverpb/RequestOp.js';
import type { ResponseOp as EtcdResponseOp } from '../gen/etcd/etcdserverpb/ResponseOp.js';
import type { TxnRequest__Output as EtcdTxnRequest } from '../gen/etcd/etcdserverpb/TxnRequest.js';
import type { TxnResponse as EtcdTxnResponse } from '../gen/etcd/etcdserverpb/TxnResponse.js';
import type { Compare__Output } from '../gen/quorumkv/v1/Compare.js';
import type { RequestOp__Output } from '../gen/quorumkv/v1/RequestOp.js';
import type { TxnRequest__Output } from '../gen/quorumkv/v1/TxnRequest.js';
import type { TxnResponse__Output } from '../gen/quorumkv/v1/TxnResponse.js';
import { resolveRange, rangeContains } from '../mvcc/key-range.js';
import { etcdHeader, etcdKv, int64 } from './convert.js';
import { ETCD_ERRORS, unsupported } from './errors.js';
import { finishRange, internalRange, parseRange, type EtcdRange } from './range.js';

// etcd's Txn in terms of quorumkv's: the same compares and ops, with etcd's checks (128
// compares, 128 success and 128 failure ops; no key put twice, or put and deleted, in a branch;
// no empty key) and etcd's range options applied to the ranges' answers.

/** etcd's default --max-txn-ops: the most compares, and the most ops in each branch. */
export const MAX_ETCD_TXN_OPS = 128;

/** An etcd txn turned into quorumkv's, with what is needed to shape the answer as etcd's. */
export interface TranslatedTxn {
  txn: TxnRequest__Output;
  /** The etcd range options of each op of each branch (undefined for writes). */
  success: Array<EtcdRange | undefined>;
  failure: Array<EtcdRange | undefined>;
}

export function translateTxn(request: EtcdTxnRequest, requestId: string): TranslatedTxn {
  if (request.compare.length > MAX_ETCD_TXN_OPS || request.success.length > MAX_ETCD_TXN_OPS || request.failure.length > MAX_ETCD_TXN_OPS) {
    throw ETCD_ERRORS.tooManyOps;
  }
  const success = request.success.map(translateOp);
  const failure = request.failure.map(translateOp);
  checkDuplicates(success.map((s) => s.op));
  checkDuplicates(failure.map((f) => f.op));
  return {
    txn: {
      compare: request.compare.map(translateCompare),
      success: success.map((s) => s.op),
      failure: failure.map((f) => f.op),
      requestId,
      readRevision: 0,
      readSet: [],
    },
    success: success.map((s) => s.range),
    failure: failure.map((f) => f.range),
  };
}

/** etcd's answer from quorumkv's. */
export function txnResponse(translated: TranslatedTxn, response: TxnResponse__Output): EtcdTxnResponse {
  const header = etcdHeader(response.header);
  const ranges = response.succeeded ? translated.success : translated.failure;
  const responses: EtcdResponseOp[] = response.responses.map((op, i) => {
    switch (op.response) {
      case 'responseRange':
        return { responseRange: finishRange(ranges[i]!, op.responseRange!, response.header) };
      case 'responsePut': {
        const prevKv = op.responsePut!.prevKv;
        return { responsePut: { header, prevKv: prevKv ? etcdKv(prevKv) : null } };
      }
      case 'responseDeleteRange': {
        const result = op.responseDeleteRange!;
        return { responseDeleteRange: { header, deleted: result.deleted, prevKvs: result.prevKvs.map((kv) => etcdKv(kv)) } };
      }
      default:
        throw new Error(`a translated etcd txn got a ${op.response} response`);
    }
  });
  return { header, succeeded: response.succeeded, responses };
}

export function checkKeySizes(key: Buffer, value?: Buffer): void {
  if (key.length === 0) throw ETCD_ERRORS.emptyKey;
  if (key.length > MAX_KEY_BYTES || (value !== undefined && value.length > MAX_VALUE_BYTES)) throw ETCD_ERRORS.requestTooLarge;
}

function translateCompare(compare: EtcdCompare): Compare__Output {
  const base = { result: compare.result, target: compare.target, key: compare.key, rangeEnd: compare.rangeEnd };
  switch (compare.targetUnion) {
    case 'version':
      return { ...base, targetUnion: 'version', version: int64(compare.version, 'compare version') };
    case 'createRevision':
      return { ...base, targetUnion: 'createRevision', createRevision: int64(compare.createRevision, 'compare create_revision') };
    case 'modRevision':
      return { ...base, targetUnion: 'modRevision', modRevision: int64(compare.modRevision, 'compare mod_revision') };
    case 'value':
      return { ...base, targetUnion: 'value', value: compare.value };
    case 'lease':
      return { ...base, targetUnion: 'lease', lease: int64(compare.lease, 'compare lease') };
    default:
      // etcd compares a missing target as its zero value.
      return zeroTarget(base);
  }
}

function zeroTarget(base: Omit<Compare__Output, 'targetUnion'>): Compare__Output {
  switch (base.target) {
    case 'VERSION':
      return { ...base, targetUnion: 'version', version: 0 };
    case 'CREATE':
      return { ...base, targetUnion: 'createRevision', createRevision: 0 };
    case 'MOD':
      return { ...base, targetUnion: 'modRevision', modRevision: 0 };
    case 'LEASE':
      return { ...base, targetUnion: 'lease', lease: 0 };
    default:
      return { ...base, targetUnion: 'value', value: Buffer.alloc(0) };
  }
}

function translateOp(op: EtcdRequestOp): { op: RequestOp__Output; range?: EtcdRange } {
  switch (op.request) {
    case 'requestRange': {
      const range = parseRange(op.requestRange!);
      return { op: { request: 'requestRange', requestRange: internalRange(range) }, range };
    }
    case 'requestPut': {
      const put = op.requestPut!;
      checkKeySizes(put.key, put.value);
      const lease = int64(put.lease, 'lease');
      if (put.ignoreValue) throw unsupported('put ignore_value inside a txn', 'use it on a Put of its own');
      if (put.ignoreLease && lease !== 0) throw ETCD_ERRORS.leaseProvided;
      return { op: { request: 'requestPut', requestPut: { key: put.key, value: put.value, prevKv: put.prevKv, requestId: '', lease, ignoreLease: put.ignoreLease } } };
    }
    case 'requestDeleteRange': {
      const del = op.requestDeleteRange!;
      if (del.key.length === 0) throw ETCD_ERRORS.emptyKey;
      return { op: { request: 'requestDeleteRange', requestDeleteRange: { key: del.key, rangeEnd: del.rangeEnd, prevKv: del.prevKv, requestId: '' } } };
    }
    case 'requestTxn':
      throw unsupported('request_txn', 'nested transactions are not served; flatten the transaction');
    default:
      throw unsupported('a request op with no request', 'set request_range, request_put or request_delete_range');
  }
}

/** etcd's rule: in one branch no key is put twice, and no put falls in a range the branch deletes. */
function checkDuplicates(ops: RequestOp__Output[]): void {
  const puts = new Set<string>();
  for (const op of ops) {
    if (op.request !== 'requestPut') continue;
    const key = op.requestPut!.key.toString('latin1');
    if (puts.has(key)) throw ETCD_ERRORS.duplicateKey;
    puts.add(key);
  }
  for (const op of ops) {
    if (op.request !== 'requestDeleteRange') continue;
    const range = resolveRange(op.requestDeleteRange!.key, op.requestDeleteRange!.rangeEnd);
    if (range === null) continue;
    for (const key of puts) if (rangeContains(range, Buffer.from(key, 'latin1'))) throw ETCD_ERRORS.duplicateKey;
  }
}
