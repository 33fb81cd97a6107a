// Original file: proto/quorumkv/v1/kv.proto

import type { Long } from '@grpc/proto-loader';

export interface LeaseGrantRequest {
  /**
   * Time-to-live in seconds; below the minimum (see README) it is raised to it.
   */
  'ttl'?: (number | string | Long);
  /**
   * 0: the server picks one.
   */
  'id'?: (number | string | Long);
  /**
   * As in PutRequest.
   */
  'requestId'?: (string);
}

export interface LeaseGrantRequest__Output {
  /**
   * Time-to-live in seconds; below the minimum (see README) it is raised to it.
   */
  'ttl': (number);
  /**
   * 0: the server picks one.
   */
  'id': (number);
  /**
   * As in PutRequest.
   */
  'requestId': (string);
}
