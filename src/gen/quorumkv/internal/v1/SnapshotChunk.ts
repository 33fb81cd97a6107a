// Original file: proto/quorumkv/internal/v1/raft.proto

import type { Message as _quorumkv_internal_v1_Message, Message__Output as _quorumkv_internal_v1_Message__Output } from '../../../quorumkv/internal/v1/Message.js';
import type { KeyValuePair as _quorumkv_internal_v1_KeyValuePair, KeyValuePair__Output as _quorumkv_internal_v1_KeyValuePair__Output } from '../../../quorumkv/internal/v1/KeyValuePair.js';

export interface SnapshotChunk {
  /**
   * First chunk only.
   */
  'cluster'?: (string);
  'message'?: (_quorumkv_internal_v1_Message | null);
  /**
   * Storage addresses of the configuration's members (id → HOST:PORT), first chunk only.
   */
  'addresses'?: ({[key: string]: string});
  'pairs'?: (_quorumkv_internal_v1_KeyValuePair)[];
  /**
   * Set on the last chunk: a stream that ends without it was cut short (its sender gave up).
   */
  'last'?: (boolean);
}

export interface SnapshotChunk__Output {
  /**
   * First chunk only.
   */
  'cluster': (string);
  'message': (_quorumkv_internal_v1_Message__Output | null);
  /**
   * Storage addresses of the configuration's members (id → HOST:PORT), first chunk only.
   */
  'addresses': ({[key: string]: string});
  'pairs': (_quorumkv_internal_v1_KeyValuePair__Output)[];
  /**
   * Set on the last chunk: a stream that ends without it was cut short (its sender gave up).
   */
  'last': (boolean);
}
