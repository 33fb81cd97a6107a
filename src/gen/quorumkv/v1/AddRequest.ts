// Original file: proto/quorumkv/v1/kv.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Adds `delta` to the integer stored at `key` (decimal text; a missing key counts as 0).
 * Adds commute, so they never conflict with each other.
 */
export interface AddRequest {
  'key'?: (Buffer | Uint8Array | string);
  'delta'?: (number | string | Long);
}

/**
 * Adds `delta` to the integer stored at `key` (decimal text; a missing key counts as 0).
 * Adds commute, so they never conflict with each other.
 */
export interface AddRequest__Output {
  'key': (Buffer);
  'delta': (number);
}
