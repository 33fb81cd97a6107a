// Original file: proto/quorumkv/v1/kv.proto

import type { ResponseHeader as _quorumkv_v1_ResponseHeader, ResponseHeader__Output as _quorumkv_v1_ResponseHeader__Output } from '../../quorumkv/v1/ResponseHeader.js';
import type { Long } from '@grpc/proto-loader';

export interface LeaseTimeToLiveResponse {
  'header'?: (_quorumkv_v1_ResponseHeader | null);
  'id'?: (number | string | Long);
  /**
   * Seconds left before the lease expires, by the storage leader's clock; -1: no such lease.
   */
  'ttl'?: (number | string | Long);
  'grantedTtl'?: (number | string | Long);
  'keys'?: (Buffer | Uint8Array | string)[];
}

export interface LeaseTimeToLiveResponse__Output {
  'header': (_quorumkv_v1_ResponseHeader__Output | null);
  'id': (number);
  /**
   * Seconds left before the lease expires, by the storage leader's clock; -1: no such lease.
   */
  'ttl': (number);
  'grantedTtl': (number);
  'keys': (Buffer)[];
}
