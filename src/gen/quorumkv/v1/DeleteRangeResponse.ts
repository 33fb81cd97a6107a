// Original file: proto/quorumkv/v1/kv.proto

import type { ResponseHeader as _quorumkv_v1_ResponseHeader, ResponseHeader__Output as _quorumkv_v1_ResponseHeader__Output } from '../../quorumkv/v1/ResponseHeader.js';
import type { KeyValue as _quorumkv_v1_KeyValue, KeyValue__Output as _quorumkv_v1_KeyValue__Output } from '../../quorumkv/v1/KeyValue.js';
import type { Long } from '@grpc/proto-loader';

export interface DeleteRangeResponse {
  'header'?: (_quorumkv_v1_ResponseHeader | null);
  'deleted'?: (number | string | Long);
  'prevKvs'?: (_quorumkv_v1_KeyValue)[];
}

export interface DeleteRangeResponse__Output {
  'header': (_quorumkv_v1_ResponseHeader__Output | null);
  'deleted': (number);
  'prevKvs': (_quorumkv_v1_KeyValue__Output)[];
}
