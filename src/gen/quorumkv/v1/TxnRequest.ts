// Original file: proto/quorumkv/v1/kv.proto

import type { Compare as _quorumkv_v1_Compare, Compare__Output as _quorumkv_v1_Compare__Output } from '../../quorumkv/v1/Compare.js';
import type { RequestOp as _quorumkv_v1_RequestOp, RequestOp__Output as _quorumkv_v1_RequestOp__Output } from '../../quorumkv/v1/RequestOp.js';

export interface TxnRequest {
  'compare'?: (_quorumkv_v1_Compare)[];
  'success'?: (_quorumkv_v1_RequestOp)[];
  'failure'?: (_quorumkv_v1_RequestOp)[];
}

export interface TxnRequest__Output {
  'compare': (_quorumkv_v1_Compare__Output)[];
  'success': (_quorumkv_v1_RequestOp__Output)[];
  'failure': (_quorumkv_v1_RequestOp__Output)[];
}
