// Original file: proto/quorumkv/internal/v1/storage.proto

import type { TxnOutcome as _quorumkv_internal_v1_TxnOutcome, TxnOutcome__Output as _quorumkv_internal_v1_TxnOutcome__Output } from '../../../quorumkv/internal/v1/TxnOutcome.js';

export interface AppendResponse {
  'results'?: (_quorumkv_internal_v1_TxnOutcome)[];
}

export interface AppendResponse__Output {
  'results': (_quorumkv_internal_v1_TxnOutcome__Output)[];
}
