// Original file: proto/quorumkv/internal/v1/log.proto

import type { TxnRequest as _quorumkv_v1_TxnRequest, TxnRequest__Output as _quorumkv_v1_TxnRequest__Output } from '../../../quorumkv/v1/TxnRequest.js';
import type { Long } from '@grpc/proto-loader';

export interface LogBatch {
  /**
   * Unique per proposal, so the proposing member can match the applied entry to its waiters.
   */
  'proposalId'?: (Buffer | Uint8Array | string);
  'txns'?: (_quorumkv_v1_TxnRequest)[];
  /**
   * Set (> 0) on a compaction entry, which carries no txns: every member discards the history
   * below this revision as of this log index, so every member decides each later transaction
   * against the same compact revision (etcd's Compact). A revision beyond the store's is ignored.
   */
  'compactRevision'?: (number | string | Long);
}

export interface LogBatch__Output {
  /**
   * Unique per proposal, so the proposing member can match the applied entry to its waiters.
   */
  'proposalId': (Buffer);
  'txns': (_quorumkv_v1_TxnRequest__Output)[];
  /**
   * Set (> 0) on a compaction entry, which carries no txns: every member discards the history
   * below this revision as of this log index, so every member decides each later transaction
   * against the same compact revision (etcd's Compact). A revision beyond the store's is ignored.
   */
  'compactRevision': (number);
}
