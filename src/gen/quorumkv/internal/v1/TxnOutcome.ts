// Original file: proto/quorumkv/internal/v1/storage.proto

import type { TxnResponse as _quorumkv_v1_TxnResponse, TxnResponse__Output as _quorumkv_v1_TxnResponse__Output } from '../../../quorumkv/v1/TxnResponse.js';

/**
 * One transaction's outcome. A transaction that could not run at all (for example a range at a
 * revision that is compacted or not reached yet) is rejected whole: nothing of it was applied.
 */
export interface TxnOutcome {
  'response'?: (_quorumkv_v1_TxnResponse | null);
  'rejected'?: (string);
}

/**
 * One transaction's outcome. A transaction that could not run at all (for example a range at a
 * revision that is compacted or not reached yet) is rejected whole: nothing of it was applied.
 */
export interface TxnOutcome__Output {
  'response': (_quorumkv_v1_TxnResponse__Output | null);
  'rejected': (string);
}
