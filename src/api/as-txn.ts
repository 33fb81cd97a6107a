import type { DeleteRangeRequest__Output } from '../gen/quorumkv/v1/DeleteRangeRequest.js';
import type { PutRequest__Output } from '../gen/quorumkv/v1/PutRequest.js';
import type { RequestOp__Output } from '../gen/quorumkv/v1/RequestOp.js';
import type { TxnRequest__Output } from '../gen/quorumkv/v1/TxnRequest.js';

// Every write travels the log as a transaction (as in etcd): a Put or DeleteRange is a
// transaction with no compares and one op, so apply has one code path.

export function putAsTxn(request: PutRequest__Output): TxnRequest__Output {
  return singleOp({ request: 'requestPut', requestPut: request }, request.requestId);
}

export function deleteRangeAsTxn(request: DeleteRangeRequest__Output): TxnRequest__Output {
  return singleOp({ request: 'requestDeleteRange', requestDeleteRange: request }, request.requestId);
}

function singleOp(op: RequestOp__Output, requestId: string): TxnRequest__Output {
  return { compare: [], success: [op], failure: [], requestId, readRevision: 0, readSet: [] };
}
