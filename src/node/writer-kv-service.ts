import { deleteRangeAsTxn, putAsTxn } from '../api/as-txn.js';
import { validateDeleteRange, validatePut, validateRange, validateTxn } from '../api/validate.js';
import type { DeleteRangeRequest__Output } from '../gen/quorumkv/v1/DeleteRangeRequest.js';
import type { DeleteRangeResponse } from '../gen/quorumkv/v1/DeleteRangeResponse.js';
import type { PutRequest__Output } from '../gen/quorumkv/v1/PutRequest.js';
import type { PutResponse } from '../gen/quorumkv/v1/PutResponse.js';
import type { RangeRequest__Output } from '../gen/quorumkv/v1/RangeRequest.js';
import type { RangeResponse__Output } from '../gen/quorumkv/v1/RangeResponse.js';
import type { TxnRequest__Output } from '../gen/quorumkv/v1/TxnRequest.js';
import type { TxnResponse__Output } from '../gen/quorumkv/v1/TxnResponse.js';
import { KV } from '../proto/services.js';
import type { RpcServer } from '../rpc/server.js';
import type { GroupCommitter } from './group-commit.js';
import type { RequestIds } from './request-ids.js';
import type { StorageCall, StorageRouter } from './storage-router.js';

/** Longest a request waits on the storage tier when the caller set no deadline. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

function deadlineOf(call: { getDeadline(): number | Date }): number {
  const deadline = call.getDeadline();
  const ms = deadline instanceof Date ? deadline.getTime() : deadline;
  return Number.isFinite(ms) && ms > 0 ? Math.min(ms, Date.now() + DEFAULT_REQUEST_TIMEOUT_MS) : Date.now() + DEFAULT_REQUEST_TIMEOUT_MS;
}

/** The public KV API on a writer node: writes through group commit, reads from storage. */
export function addWriterKvService(rpc: RpcServer, storage: StorageRouter, writes: GroupCommitter, ids: RequestIds): void {
  const commit = (txn: TxnRequest__Output): Promise<TxnResponse__Output> =>
    writes.commit(txn.requestId ? txn : { ...txn, requestId: ids.next() });
  rpc.server.addService(KV.service, {
    range: rpc.unary<RangeRequest__Output, RangeResponse__Output>('KV/Range', (request, call) => {
      validateRange(request);
      const deadline = deadlineOf(call);
      const read: StorageCall<RangeResponse__Output> = (client, options, done) => client.read(request, options, done);
      return request.serializable ? storage.toAny(deadline, read) : storage.toLeader(deadline, read);
    }),
    put: rpc.unary<PutRequest__Output, PutResponse>('KV/Put', async (request) => {
      validatePut(request);
      const response = await commit(putAsTxn(request));
      return { header: response.header, prevKv: response.responses[0]?.responsePut?.prevKv ?? null };
    }),
    deleteRange: rpc.unary<DeleteRangeRequest__Output, DeleteRangeResponse>('KV/DeleteRange', async (request) => {
      validateDeleteRange(request);
      const response = await commit(deleteRangeAsTxn(request));
      const result = response.responses[0]?.responseDeleteRange;
      return { header: response.header, deleted: result?.deleted ?? 0, prevKvs: result?.prevKvs ?? [] };
    }),
    txn: rpc.unary<TxnRequest__Output, TxnResponse__Output>('KV/Txn', async (request) => {
      validateTxn(request);
      return commit(request);
    }),
  });
}
