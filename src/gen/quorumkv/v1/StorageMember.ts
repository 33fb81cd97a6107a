// Original file: proto/quorumkv/v1/kv.proto

import type { Long } from '@grpc/proto-loader';

export interface StorageMember {
  'id'?: (string);
  'address'?: (string);
  /**
   * voter or learner.
   */
  'role'?: (string);
  /**
   * As the leader sees it: the highest log index known to be on this member.
   */
  'matchIndex'?: (number | string | Long);
}

export interface StorageMember__Output {
  'id': (string);
  'address': (string);
  /**
   * voter or learner.
   */
  'role': (string);
  /**
   * As the leader sees it: the highest log index known to be on this member.
   */
  'matchIndex': (number);
}
