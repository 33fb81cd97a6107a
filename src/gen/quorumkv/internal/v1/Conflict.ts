// Original file: proto/quorumkv/internal/v1/storage.proto

import type { Long } from '@grpc/proto-loader';

export interface Conflict {
  'key'?: (Buffer | Uint8Array | string);
  /**
   * The revision whose write won.
   */
  'revision'?: (number | string | Long);
}

export interface Conflict__Output {
  'key': (Buffer);
  /**
   * The revision whose write won.
   */
  'revision': (number);
}
