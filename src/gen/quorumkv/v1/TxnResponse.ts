// Original file: proto/quorumkv/v1/kv.proto

import type { ResponseHeader as _quorumkv_v1_ResponseHeader, ResponseHeader__Output as _quorumkv_v1_ResponseHeader__Output } from '../../quorumkv/v1/ResponseHeader.js';
import type { ResponseOp as _quorumkv_v1_ResponseOp, ResponseOp__Output as _quorumkv_v1_ResponseOp__Output } from '../../quorumkv/v1/ResponseOp.js';

export interface TxnResponse {
  'header'?: (_quorumkv_v1_ResponseHeader | null);
  'succeeded'?: (boolean);
  'responses'?: (_quorumkv_v1_ResponseOp)[];
}

export interface TxnResponse__Output {
  'header': (_quorumkv_v1_ResponseHeader__Output | null);
  'succeeded': (boolean);
  'responses': (_quorumkv_v1_ResponseOp__Output)[];
}
