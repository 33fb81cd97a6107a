// Original file: proto/quorumkv/internal/v1/storage.proto

import type { Long } from '@grpc/proto-loader';

export interface RegisterNodeResponse {
  /**
   * Renew before this many milliseconds pass.
   */
  'ttlMs'?: (number | string | Long);
}

export interface RegisterNodeResponse__Output {
  /**
   * Renew before this many milliseconds pass.
   */
  'ttlMs': (number);
}
