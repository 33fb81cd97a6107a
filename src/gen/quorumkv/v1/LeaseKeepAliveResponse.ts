// Original file: proto/quorumkv/v1/kv.proto

import type { ResponseHeader as _quorumkv_v1_ResponseHeader, ResponseHeader__Output as _quorumkv_v1_ResponseHeader__Output } from '../../quorumkv/v1/ResponseHeader.js';
import type { Long } from '@grpc/proto-loader';

export interface LeaseKeepAliveResponse {
  'header'?: (_quorumkv_v1_ResponseHeader | null);
  'id'?: (number | string | Long);
  /**
   * The TTL the lease was renewed to, in seconds; 0 when the lease is not found.
   */
  'ttl'?: (number | string | Long);
}

export interface LeaseKeepAliveResponse__Output {
  'header': (_quorumkv_v1_ResponseHeader__Output | null);
  'id': (number);
  /**
   * The TTL the lease was renewed to, in seconds; 0 when the lease is not found.
   */
  'ttl': (number);
}
