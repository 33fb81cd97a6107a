// Original file: proto/quorumkv/v1/kv.proto

import type { ResponseHeader as _quorumkv_v1_ResponseHeader, ResponseHeader__Output as _quorumkv_v1_ResponseHeader__Output } from '../../quorumkv/v1/ResponseHeader.js';
import type { Long } from '@grpc/proto-loader';

export interface LeaseGrantResponse {
  'header'?: (_quorumkv_v1_ResponseHeader | null);
  'id'?: (number | string | Long);
  /**
   * The TTL granted, in seconds.
   */
  'ttl'?: (number | string | Long);
}

export interface LeaseGrantResponse__Output {
  'header': (_quorumkv_v1_ResponseHeader__Output | null);
  'id': (number);
  /**
   * The TTL granted, in seconds.
   */
  'ttl': (number);
}
