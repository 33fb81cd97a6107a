// Original file: proto/quorumkv/internal/v1/storage.proto

import type { TxnRequest as _quorumkv_v1_TxnRequest, TxnRequest__Output as _quorumkv_v1_TxnRequest__Output } from '../../../quorumkv/v1/TxnRequest.js';

export interface AppendRequest {
  'txns'?: (_quorumkv_v1_TxnRequest)[];
}

export interface AppendRequest__Output {
  'txns': (_quorumkv_v1_TxnRequest__Output)[];
}
