// Original file: proto/quorumkv/v1/kv.proto

import type { Long } from '@grpc/proto-loader';

export interface RangeRequest {
  'key'?: (Buffer | Uint8Array | string);
  /**
   * Empty: only `key`. "\0": every key >= `key`. Otherwise the half-open range [key, range_end).
   */
  'rangeEnd'?: (Buffer | Uint8Array | string);
  /**
   * At most this many keys; 0 means the server's limit (see README).
   */
  'limit'?: (number | string | Long);
  /**
   * Read the store as of this revision; 0 means the latest.
   */
  'revision'?: (number | string | Long);
  /**
   * false: linearizable (confirmed with the storage leader); true: served from the local state.
   */
  'serializable'?: (boolean);
  'keysOnly'?: (boolean);
  'countOnly'?: (boolean);
}

export interface RangeRequest__Output {
  'key': (Buffer);
  /**
   * Empty: only `key`. "\0": every key >= `key`. Otherwise the half-open range [key, range_end).
   */
  'rangeEnd': (Buffer);
  /**
   * At most this many keys; 0 means the server's limit (see README).
   */
  'limit': (number);
  /**
   * Read the store as of this revision; 0 means the latest.
   */
  'revision': (number);
  /**
   * false: linearizable (confirmed with the storage leader); true: served from the local state.
   */
  'serializable': (boolean);
  'keysOnly': (boolean);
  'countOnly': (boolean);
}
