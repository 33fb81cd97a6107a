// Original file: proto/quorumkv/v1/kv.proto

import type { Long } from '@grpc/proto-loader';

export interface ResponseHeader {
  /**
   * Identifies the cluster (a hash of its name).
   */
  'clusterId'?: (number | string | Long);
  /**
   * Identifies the storage member whose state answered (a hash of its id).
   */
  'memberId'?: (number | string | Long);
  /**
   * The store revision when the request was answered.
   */
  'revision'?: (number | string | Long);
  /**
   * The raft term of the answering storage member.
   */
  'raftTerm'?: (number | string | Long);
}

export interface ResponseHeader__Output {
  /**
   * Identifies the cluster (a hash of its name).
   */
  'clusterId': (number);
  /**
   * Identifies the storage member whose state answered (a hash of its id).
   */
  'memberId': (number);
  /**
   * The store revision when the request was answered.
   */
  'revision': (number);
  /**
   * The raft term of the answering storage member.
   */
  'raftTerm': (number);
}
