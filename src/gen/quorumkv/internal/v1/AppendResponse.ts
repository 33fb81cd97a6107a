// Original file: proto/quorumkv/internal/v1/storage.proto

import type { TxnResponse as _quorumkv_v1_TxnResponse, TxnResponse__Output as _quorumkv_v1_TxnResponse__Output } from '../../../quorumkv/v1/TxnResponse.js';

export interface AppendResponse {
  'results'?: (_quorumkv_v1_TxnResponse)[];
}

export interface AppendResponse__Output {
  'results': (_quorumkv_v1_TxnResponse__Output)[];
}
