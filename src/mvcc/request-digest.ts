import { createHash } from 'node:crypto';
import type { TxnRequest, TxnRequest__Output } from '../gen/quorumkv/v1/TxnRequest.js';
import { codecFor } from '../proto/codec.js';

const txnCodec = codecFor<TxnRequest, TxnRequest__Output>('quorumkv.v1.TxnRequest');

/**
 * What a request id is recorded with besides its outcome: sha256 of the transaction's encoding
 * without the id. A retry sends the same transaction and matches; a different request that reuses
 * the id does not. Computed from the decoded log entry, so every member gets the same bytes.
 */
export function requestDigest(txn: TxnRequest__Output): Buffer {
  return createHash('sha256').update(txnCodec.encode({ ...txn, requestId: '' })).digest();
}

/** The refusal of a request id that was recorded for a different request; nothing is applied. */
export function reusedIdProblem(requestId: string): string {
  return `request id ${requestId} was already used for a different request`;
}
