// Original file: proto/quorumkv/v1/kv.proto

import type { Long } from '@grpc/proto-loader';

export interface LeaseRevokeRequest {
  'id'?: (number | string | Long);
  /**
   * As in PutRequest.
   */
  'requestId'?: (string);
}

export interface LeaseRevokeRequest__Output {
  'id': (number);
  /**
   * As in PutRequest.
   */
  'requestId': (string);
}
