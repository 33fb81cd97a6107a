// Original file: proto/quorumkv/internal/v1/storage.proto

import type { Long } from '@grpc/proto-loader';

export interface TooOld {
  'readRevision'?: (number | string | Long);
  /**
   * The oldest read revision still checked.
   */
  'oldestRevision'?: (number | string | Long);
}

export interface TooOld__Output {
  'readRevision': (number);
  /**
   * The oldest read revision still checked.
   */
  'oldestRevision': (number);
}
