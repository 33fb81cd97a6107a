import type { CompactionRequest__Output } from '../gen/etcd/etcdserverpb/CompactionRequest.js';
import type { CompactionResponse } from '../gen/etcd/etcdserverpb/CompactionResponse.js';
import type { DeleteRangeRequest__Output } from '../gen/etcd/etcdserverpb/DeleteRangeRequest.js';
import type { DeleteRangeResponse } from '../gen/etcd/etcdserverpb/DeleteRangeResponse.js';
import type { PutRequest__Output } from '../gen/etcd/etcdserverpb/PutRequest.js';
import type { PutResponse } from '../gen/etcd/etcdserverpb/PutResponse.js';
import type { RangeRequest__Output } from '../gen/etcd/etcdserverpb/RangeRequest.js';
import type { RangeResponse } from '../gen/etcd/etcdserverpb/RangeResponse.js';
import type { TxnRequest__Output } from '../gen/etcd/etcdserverpb/TxnRequest.js';
import type { TxnResponse } from '../gen/etcd/etcdserverpb/TxnResponse.js';
import type { TxnRequest__Output as InternalTxn } from '../gen/quorumkv/v1/TxnRequest.js';
import { validateRange, validateTxn } from '../api/validate.js';
import { callerOf, type Caller } from '../auth/caller.js';
import { resolveRange } from '../mvcc/key-range.js';
import type { KvBackend } from '../node/kv-service.js';
import { DEFAULT_REQUEST_TIMEOUT_MS } from '../node/kv-service.js';
import { EtcdKV } from '../proto/etcd-services.js';
import { deadlineOf } from '../rpc/deadline.js';
import type { RpcServer } from '../rpc/server.js';
import { etcdHeader, etcdKv, int64 } from './convert.js';
import { ETCD_ERRORS, unsupported } from './errors.js';
import { readRange, parseRange } from './range.js';
import { readingRequestId, REQUEST_ID, type WithRequestId } from './request-id.js';
import { etcdUnary } from './service.js';
import { checkKeySizes, translateTxn, txnResponse } from './txn.js';

// etcdserverpb.KV on a compute node, over the same reads and group commit as quorumkv.v1.KV.

/** Attempts of a Put with ignore_value: each reads the key, then writes if it did not change. */
const MAX_IGNORE_VALUE_ATTEMPTS = 16;

export interface EtcdKvOptions {
  /** Compacts the store up to a revision (replicated); absent where compaction is not served. */
  compact?(revision: number, physical: boolean): Promise<CompactionResponse>;
}

export function addEtcdKvService(rpc: RpcServer, backend: KvBackend, options: EtcdKvOptions = {}): void {
  const service = EtcdKV.service;
  const definition = {
    ...service,
    Put: readingRequestId(service.Put),
    DeleteRange: readingRequestId(service.DeleteRange),
    Txn: readingRequestId(service.Txn),
  };
  const idOf = (request: WithRequestId<object>) => request[REQUEST_ID] ?? '';
  rpc.addService(definition, {
    range: etcdUnary<RangeRequest__Output, RangeResponse>(rpc, 'KV/Range', async (request, call) => {
      const range = parseRange(request);
      const deadline = deadlineOf(call, DEFAULT_REQUEST_TIMEOUT_MS);
      const caller = callerOf(call);
      if (resolveRange(range.key, range.rangeEnd) === null) {
        // etcd answers a range whose end sorts before its key with nothing.
        const { header } = await backend.range({ ...single(range.key), countOnly: true, serializable: range.serializable }, deadline, caller);
        return { header: etcdHeader(header), kvs: [], more: false, count: 0 };
      }
      return readRange((internal) => {
        validateRange(internal);
        return backend.range(internal, deadline, caller);
      }, range);
    }),
    put: etcdUnary<WithRequestId<PutRequest__Output>, PutResponse>(rpc, 'KV/Put', async (request, call) => {
      checkKeySizes(request.key, request.value);
      const lease = int64(request.lease, 'lease');
      if (request.ignoreValue && request.value.length > 0) throw ETCD_ERRORS.valueProvided;
      if (request.ignoreLease && lease !== 0) throw ETCD_ERRORS.leaseProvided;
      const put = { key: request.key, value: request.value, prevKv: request.prevKv, requestId: '', lease, ignoreLease: request.ignoreLease };
      if (request.ignoreValue) return putKeepingValue(backend, put, idOf(request), callerOf(call));
      const response = await backend.commit(singleOp({ request: 'requestPut', requestPut: put }, idOf(request)), callerOf(call));
      const prevKv = response.responses[0]?.responsePut?.prevKv;
      return { header: etcdHeader(response.header), prevKv: prevKv ? etcdKv(prevKv) : null };
    }),
    deleteRange: etcdUnary<WithRequestId<DeleteRangeRequest__Output>, DeleteRangeResponse>(rpc, 'KV/DeleteRange', async (request, call) => {
      if (request.key.length === 0) throw ETCD_ERRORS.emptyKey;
      const del = { key: request.key, rangeEnd: request.rangeEnd, prevKv: request.prevKv, requestId: '' };
      if (resolveRange(del.key, del.rangeEnd) === null) {
        const { header } = await backend.range({ ...single(del.key), countOnly: true }, Date.now() + DEFAULT_REQUEST_TIMEOUT_MS, callerOf(call));
        return { header: etcdHeader(header), deleted: 0, prevKvs: [] };
      }
      const response = await backend.commit(singleOp({ request: 'requestDeleteRange', requestDeleteRange: del }, idOf(request)), callerOf(call));
      const result = response.responses[0]?.responseDeleteRange;
      return { header: etcdHeader(response.header), deleted: result?.deleted ?? 0, prevKvs: (result?.prevKvs ?? []).map((kv) => etcdKv(kv)) };
    }),
    txn: etcdUnary<WithRequestId<TxnRequest__Output>, TxnResponse>(rpc, 'KV/Txn', async (request, call) => {
      const translated = translateTxn(request, idOf(request));
      validateTxn(translated.txn);
      return txnResponse(translated, await backend.commit(translated.txn, callerOf(call)));
    }),
    compact: etcdUnary<CompactionRequest__Output, CompactionResponse>(rpc, 'KV/Compact', async (request, call) => {
      if (!options.compact) throw unsupported('Compact', 'this node does not serve compaction');
      await backend.admitAdmin(callerOf(call));
      return options.compact(int64(request.revision, 'revision'), request.physical);
    }),
  });
}

type PutOp = NonNullable<InternalTxn['success'][number]['requestPut']>;

function single(key: Buffer) {
  return { key, rangeEnd: Buffer.alloc(0), limit: 0, revision: 0, serializable: false, keysOnly: false, countOnly: false, minRevision: 0, maxStalenessMs: 0 };
}

function singleOp(op: InternalTxn['success'][number], requestId: string): InternalTxn {
  return { compare: [], success: [op], failure: [], requestId, readRevision: 0, readSet: [] };
}

/**
 * A Put with ignore_value: the key keeps its value. Read it, then write it back if its mod revision
 * did not change meanwhile (again if it did). Each attempt has its own id, derived from the
 * request's, so a retried request repeats the attempts' recorded outcomes.
 */
async function putKeepingValue(backend: KvBackend, put: PutOp, requestId: string, caller: Caller): Promise<PutResponse> {
  for (let attempt = 0; attempt < MAX_IGNORE_VALUE_ATTEMPTS; attempt++) {
    const current = await backend.range(single(put.key), Date.now() + DEFAULT_REQUEST_TIMEOUT_MS, caller);
    const kv = current.kvs[0];
    if (!kv) throw ETCD_ERRORS.keyNotFound;
    const txn: InternalTxn = {
      compare: [{ key: put.key, rangeEnd: Buffer.alloc(0), target: 'MOD', result: 'EQUAL', targetUnion: 'modRevision', modRevision: kv.modRevision }],
      success: [{ request: 'requestPut', requestPut: { ...put, value: kv.value } }],
      failure: [],
      requestId: requestId ? `${requestId}/${attempt}` : '',
      readRevision: 0,
      readSet: [],
    };
    const response = await backend.commit(txn, caller);
    if (response.succeeded) {
      const prevKv = response.responses[0]?.responsePut?.prevKv;
      return { header: etcdHeader(response.header), prevKv: prevKv ? etcdKv(prevKv) : null };
    }
  }
  throw ETCD_ERRORS.timeout;
}
