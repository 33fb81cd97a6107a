// Original file: proto/quorumkv/internal/v1/raft.proto

import type { Message as _quorumkv_internal_v1_Message, Message__Output as _quorumkv_internal_v1_Message__Output } from '../../../quorumkv/internal/v1/Message.js';

export interface MessageBatch {
  /**
   * The cluster these messages belong to; a member refuses batches from another cluster.
   */
  'cluster'?: (string);
  'messages'?: (_quorumkv_internal_v1_Message)[];
  /**
   * The sender's incarnation, created with its data directory: a member that comes back with a
   * new one under an old id lost its disk, and is not counted until it is added again.
   */
  'incarnation'?: (string);
  /**
   * Sent by a leader with its appends and heartbeats: the incarnation it knows of each member,
   * itself included (member id -> incarnation). Followers send each other nothing, so this is how
   * a follower learns the incarnations of the other followers (incarnations.ts).
   */
  'knownIncarnations'?: ({[key: string]: string});
}

export interface MessageBatch__Output {
  /**
   * The cluster these messages belong to; a member refuses batches from another cluster.
   */
  'cluster': (string);
  'messages': (_quorumkv_internal_v1_Message__Output)[];
  /**
   * The sender's incarnation, created with its data directory: a member that comes back with a
   * new one under an old id lost its disk, and is not counted until it is added again.
   */
  'incarnation': (string);
  /**
   * Sent by a leader with its appends and heartbeats: the incarnation it knows of each member,
   * itself included (member id -> incarnation). Followers send each other nothing, so this is how
   * a follower learns the incarnations of the other followers (incarnations.ts).
   */
  'knownIncarnations': ({[key: string]: string});
}
