// Original file: proto/quorumkv/internal/v1/storage.proto

import type { TxnResponse as _quorumkv_v1_TxnResponse, TxnResponse__Output as _quorumkv_v1_TxnResponse__Output } from '../../../quorumkv/v1/TxnResponse.js';
import type { Conflict as _quorumkv_internal_v1_Conflict, Conflict__Output as _quorumkv_internal_v1_Conflict__Output } from '../../../quorumkv/internal/v1/Conflict.js';
import type { TooOld as _quorumkv_internal_v1_TooOld, TooOld__Output as _quorumkv_internal_v1_TooOld__Output } from '../../../quorumkv/internal/v1/TooOld.js';
import type { Long } from '@grpc/proto-loader';

/**
 * One transaction's outcome. A transaction that could not run at all (for example a range at a
 * revision that is compacted or not reached yet) is rejected whole: nothing of it was applied.
 */
export interface TxnOutcome {
  'response'?: (_quorumkv_v1_TxnResponse | null);
  /**
   * Set when the transaction could not run at all; nothing of it was applied.
   */
  'rejected'?: (string);
  /**
   * Set when a key in the read set was written after the read revision (first committer wins).
   */
  'conflict'?: (_quorumkv_internal_v1_Conflict | null);
  /**
   * Set when the read revision is older than the window of writes kept for conflict checks.
   */
  'tooOld'?: (_quorumkv_internal_v1_TooOld | null);
  /**
   * The request id was seen before: this is the outcome recorded then; nothing was applied now.
   */
  'deduplicated'?: (boolean);
  /**
   * The store revision after this transaction.
   */
  'revision'?: (number | string | Long);
  /**
   * Only in the record kept for a request id: a digest of the request this outcome answers, so a
   * repeat of the id with a different request is refused instead of answered with this outcome.
   */
  'requestDigest'?: (Buffer | Uint8Array | string);
  /**
   * Set when the transaction named a lease that does not exist (put with a lease, or a revoke);
   * nothing of it was applied.
   */
  'leaseNotFound'?: (number | string | Long);
  /**
   * Set when a grant asked for a lease id that is taken; nothing of it was applied.
   */
  'leaseExists'?: (number | string | Long);
}

/**
 * One transaction's outcome. A transaction that could not run at all (for example a range at a
 * revision that is compacted or not reached yet) is rejected whole: nothing of it was applied.
 */
export interface TxnOutcome__Output {
  'response': (_quorumkv_v1_TxnResponse__Output | null);
  /**
   * Set when the transaction could not run at all; nothing of it was applied.
   */
  'rejected': (string);
  /**
   * Set when a key in the read set was written after the read revision (first committer wins).
   */
  'conflict': (_quorumkv_internal_v1_Conflict__Output | null);
  /**
   * Set when the read revision is older than the window of writes kept for conflict checks.
   */
  'tooOld': (_quorumkv_internal_v1_TooOld__Output | null);
  /**
   * The request id was seen before: this is the outcome recorded then; nothing was applied now.
   */
  'deduplicated': (boolean);
  /**
   * The store revision after this transaction.
   */
  'revision': (number);
  /**
   * Only in the record kept for a request id: a digest of the request this outcome answers, so a
   * repeat of the id with a different request is refused instead of answered with this outcome.
   */
  'requestDigest': (Buffer);
  /**
   * Set when the transaction named a lease that does not exist (put with a lease, or a revoke);
   * nothing of it was applied.
   */
  'leaseNotFound': (number);
  /**
   * Set when a grant asked for a lease id that is taken; nothing of it was applied.
   */
  'leaseExists': (number);
}
