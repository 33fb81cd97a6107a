// Original file: proto/quorumkv/v1/kv.proto

import type { Long } from '@grpc/proto-loader';

export interface WatchRequest {
  'key'?: (Buffer | Uint8Array | string);
  /**
   * As in RangeRequest: empty for one key, "\0" for every key from `key` on.
   */
  'rangeEnd'?: (Buffer | Uint8Array | string);
  /**
   * The first revision to send; 0: changes after the current revision.
   */
  'startRevision'?: (number | string | Long);
  /**
   * Also send each event's previous key-value pair.
   */
  'prevKv'?: (boolean);
  /**
   * Send no events, only progress notifications (how far the log has been applied).
   */
  'progressOnly'?: (boolean);
}

export interface WatchRequest__Output {
  'key': (Buffer);
  /**
   * As in RangeRequest: empty for one key, "\0" for every key from `key` on.
   */
  'rangeEnd': (Buffer);
  /**
   * The first revision to send; 0: changes after the current revision.
   */
  'startRevision': (number);
  /**
   * Also send each event's previous key-value pair.
   */
  'prevKv': (boolean);
  /**
   * Send no events, only progress notifications (how far the log has been applied).
   */
  'progressOnly': (boolean);
}
