// Original file: proto/quorumkv/internal/v1/storage.proto

import type { Long } from '@grpc/proto-loader';

export interface HashKVResponse {
  'hash'?: (string);
  /**
   * The revision hashed, and the member's current and compacted revisions.
   */
  'revision'?: (number | string | Long);
  'currentRevision'?: (number | string | Long);
  'compactRevision'?: (number | string | Long);
}

export interface HashKVResponse__Output {
  'hash': (string);
  /**
   * The revision hashed, and the member's current and compacted revisions.
   */
  'revision': (number);
  'currentRevision': (number);
  'compactRevision': (number);
}
