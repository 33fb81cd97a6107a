// Original file: proto/quorumkv/internal/v1/log.proto

import type { TxnRequest as _quorumkv_v1_TxnRequest, TxnRequest__Output as _quorumkv_v1_TxnRequest__Output } from '../../../quorumkv/v1/TxnRequest.js';

export interface LogBatch {
  /**
   * Unique per proposal, so the proposing member can match the applied entry to its waiters.
   */
  'proposalId'?: (Buffer | Uint8Array | string);
  'txns'?: (_quorumkv_v1_TxnRequest)[];
}

export interface LogBatch__Output {
  /**
   * Unique per proposal, so the proposing member can match the applied entry to its waiters.
   */
  'proposalId': (Buffer);
  'txns': (_quorumkv_v1_TxnRequest__Output)[];
}
