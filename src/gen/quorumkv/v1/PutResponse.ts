// Original file: proto/quorumkv/v1/kv.proto

import type { ResponseHeader as _quorumkv_v1_ResponseHeader, ResponseHeader__Output as _quorumkv_v1_ResponseHeader__Output } from '../../quorumkv/v1/ResponseHeader.js';
import type { KeyValue as _quorumkv_v1_KeyValue, KeyValue__Output as _quorumkv_v1_KeyValue__Output } from '../../quorumkv/v1/KeyValue.js';

export interface PutResponse {
  'header'?: (_quorumkv_v1_ResponseHeader | null);
  'prevKv'?: (_quorumkv_v1_KeyValue | null);
}

export interface PutResponse__Output {
  'header': (_quorumkv_v1_ResponseHeader__Output | null);
  'prevKv': (_quorumkv_v1_KeyValue__Output | null);
}
