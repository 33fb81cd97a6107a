// Original file: proto/quorumkv/v1/kv.proto

import type { Long } from '@grpc/proto-loader';

export interface LeaseTimeToLiveRequest {
  'id'?: (number | string | Long);
  /**
   * Also list the keys attached to the lease.
   */
  'keys'?: (boolean);
}

export interface LeaseTimeToLiveRequest__Output {
  'id': (number);
  /**
   * Also list the keys attached to the lease.
   */
  'keys': (boolean);
}
