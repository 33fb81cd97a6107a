import { deleteRangeAsTxn, putAsTxn } from '../api/as-txn.js';
import { validateDeleteRange, validatePut, validateRange, validateTxn } from '../api/validate.js';
import { ReadOnlyError } from '../errors.js';
import type { Authorizer } from '../auth/authorizer.js';
import { callerOf, type Caller } from '../auth/caller.js';
import { hideReservedInRange, hideReservedInTxn } from '../auth/reserved-keys.js';
import type { DeleteRangeRequest__Output } from '../gen/quorumkv/v1/DeleteRangeRequest.js';
import type { DeleteRangeResponse } from '../gen/quorumkv/v1/DeleteRangeResponse.js';
import type { PutRequest__Output } from '../gen/quorumkv/v1/PutRequest.js';
import type { PutResponse } from '../gen/quorumkv/v1/PutResponse.js';
import type { RangeRequest__Output } from '../gen/quorumkv/v1/RangeRequest.js';
import type { RangeResponse__Output } from '../gen/quorumkv/v1/RangeResponse.js';
import type { TxnRequest__Output } from '../gen/quorumkv/v1/TxnRequest.js';
import type { TxnResponse__Output } from '../gen/quorumkv/v1/TxnResponse.js';
import { KV, Storage } from '../proto/services.js';
import type { RpcServer } from '../rpc/server.js';
import { deadlineOf } from '../rpc/deadline.js';
import type { CachedReads } from './cached-reads.js';
import type { GroupCommitter } from './group-commit.js';
import type { RequestIds } from './request-ids.js';
import { encodedCall, type StorageRouter } from './storage-router.js';

/** Longest a request waits on the storage tier when the caller set no deadline. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/** How a node writes: through group commit (writers), or not at all (readers). */
export type WritePath = { writes: GroupCommitter; ids: RequestIds } | { readOnly: true };

/**
 * How a compute node reads and writes: what the native and the etcd KV services share. A client's
 * requests reach client keys only (reserved-keys.ts) and are checked against its permissions; the
 * cluster's own (SYSTEM) are not.
 */
export interface KvBackend {
  /** A range, linearizable unless `serializable` (then from any replica, home first, hedged). */
  range(request: RangeRequest__Output, deadline: number, caller: Caller): Promise<RangeResponse__Output>;
  /** The same range, answered as the storage member encoded it: a node that adds nothing relays it. */
  rangeEncoded(request: RangeRequest__Output, deadline: number, caller: Caller): Promise<Buffer>;
  /** Commits a transaction through group commit, giving it a request id if it has none. */
  commit(txn: TxnRequest__Output, caller: Caller): Promise<TxnResponse__Output>;
  /** Checks that the caller may watch (read) the range; answers its end cut off below the reserved keys. */
  admitWatch(key: Buffer, rangeEnd: Buffer, caller: Caller): Promise<Buffer>;
  /** Checks that the caller may write each of `keys`. */
  admitWrites(keys: readonly Buffer[], caller: Caller): Promise<void>;
  /** Checks that the caller may manage the cluster (users, roles, members, compaction, snapshots). */
  admitAdmin(caller: Caller): Promise<void>;
}

/** `cached`: one-key reads are answered from it when it can. */
export function kvBackend(storage: StorageRouter, path: WritePath, authorizer: Authorizer, cached?: CachedReads): KvBackend {
  const rangeEncoded = async (request: RangeRequest__Output, deadline: number, caller: Caller): Promise<Buffer> => {
    if (caller.kind === 'client') {
      hideReservedInRange(request);
      await authorizer.checkRange(caller, request.key, request.rangeEnd, deadline);
    }
    const fromStorage = () => {
      const read = encodedCall(Storage.service.Read, Storage.service.Read.requestSerialize(request));
      return request.serializable ? storage.toReplica(deadline, read) : storage.toLeader(deadline, read);
    };
    if (cached === undefined) return fromStorage();
    const answer = request.serializable ? cached.answer(request) : await cached.answerLinearizable(request);
    if (answer !== undefined) return answer;
    const encoded = await fromStorage();
    cached.learn(request, encoded);
    return encoded;
  };
  return {
    rangeEncoded,
    range: async (request, deadline, caller) => Storage.service.Read.responseDeserialize(await rangeEncoded(request, deadline, caller)) as RangeResponse__Output,
    commit: async (txn, caller) => {
      if ('readOnly' in path) {
        throw new ReadOnlyError('this is a reader node: it serves reads only; send writes to the cluster endpoint (the gateway, :7000 by default) or a writer node');
      }
      if (caller.kind === 'client') {
        hideReservedInTxn(txn);
        await authorizer.checkTxn(caller, txn, Date.now() + DEFAULT_REQUEST_TIMEOUT_MS);
      }
      return path.writes.commit(txn.requestId ? txn : { ...txn, requestId: path.ids.next() });
    },
    admitWatch: async (key, rangeEnd, caller) => {
      if (caller.kind === 'system') return rangeEnd;
      const request = hideReservedInRange({ key, rangeEnd }, 'watch');
      await authorizer.checkRange(caller, request.key, request.rangeEnd, Date.now() + DEFAULT_REQUEST_TIMEOUT_MS);
      return request.rangeEnd;
    },
    admitWrites: (keys, caller) => authorizer.checkWrites(caller, keys, Date.now() + DEFAULT_REQUEST_TIMEOUT_MS),
    admitAdmin: (caller) => authorizer.checkAdmin(caller, Date.now() + DEFAULT_REQUEST_TIMEOUT_MS),
  };
}

/**
 * The public KV API on a compute node. Linearizable reads are confirmed by the storage leader;
 * serializable ones (read-your-writes, bounded staleness) are served by this node's home storage
 * member when it can, else by any member. Writers commit through group commit; readers refuse
 * writes with FAILED_PRECONDITION.
 */
export function addKvService(rpc: RpcServer, backend: KvBackend): void {
  rpc.addService(KV.service, {
    range: rpc.unary<RangeRequest__Output, Buffer>('KV/Range', (request, call) => {
      validateRange(request);
      return backend.rangeEncoded(request, deadlineOf(call, DEFAULT_REQUEST_TIMEOUT_MS), callerOf(call));
    }),
    put: rpc.unary<PutRequest__Output, PutResponse>('KV/Put', async (request, call) => {
      validatePut(request);
      const response = await backend.commit(putAsTxn(request), callerOf(call));
      return { header: response.header, prevKv: response.responses[0]?.responsePut?.prevKv ?? null };
    }),
    deleteRange: rpc.unary<DeleteRangeRequest__Output, DeleteRangeResponse>('KV/DeleteRange', async (request, call) => {
      validateDeleteRange(request);
      const response = await backend.commit(deleteRangeAsTxn(request), callerOf(call));
      const result = response.responses[0]?.responseDeleteRange;
      return { header: response.header, deleted: result?.deleted ?? 0, prevKvs: result?.prevKvs ?? [] };
    }),
    txn: rpc.unary<TxnRequest__Output, TxnResponse__Output>('KV/Txn', async (request, call) => {
      validateTxn(request);
      return backend.commit(request, callerOf(call));
    }),
  });
}
