// Original file: proto/quorumkv/v1/kv.proto

import type { ResponseHeader as _quorumkv_v1_ResponseHeader, ResponseHeader__Output as _quorumkv_v1_ResponseHeader__Output } from '../../quorumkv/v1/ResponseHeader.js';
import type { KeyValue as _quorumkv_v1_KeyValue, KeyValue__Output as _quorumkv_v1_KeyValue__Output } from '../../quorumkv/v1/KeyValue.js';
import type { Long } from '@grpc/proto-loader';

export interface RangeResponse {
  'header'?: (_quorumkv_v1_ResponseHeader | null);
  'kvs'?: (_quorumkv_v1_KeyValue)[];
  /**
   * More keys matched than were returned (because of `limit`).
   */
  'more'?: (boolean);
  /**
   * Number of keys matched.
   */
  'count'?: (number | string | Long);
}

export interface RangeResponse__Output {
  'header': (_quorumkv_v1_ResponseHeader__Output | null);
  'kvs': (_quorumkv_v1_KeyValue__Output)[];
  /**
   * More keys matched than were returned (because of `limit`).
   */
  'more': (boolean);
  /**
   * Number of keys matched.
   */
  'count': (number);
}
