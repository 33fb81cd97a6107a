// Original file: proto/quorumkv/internal/v1/storage.proto

import type { Long } from '@grpc/proto-loader';

export interface HashKVRequest {
  /**
   * 0: the current revision.
   */
  'revision'?: (number | string | Long);
}

export interface HashKVRequest__Output {
  /**
   * 0: the current revision.
   */
  'revision': (number);
}
