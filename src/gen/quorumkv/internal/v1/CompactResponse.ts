// Original file: proto/quorumkv/internal/v1/storage.proto

import type { ResponseHeader as _quorumkv_v1_ResponseHeader, ResponseHeader__Output as _quorumkv_v1_ResponseHeader__Output } from '../../../quorumkv/v1/ResponseHeader.js';
import type { Long } from '@grpc/proto-loader';

export interface CompactResponse {
  'header'?: (_quorumkv_v1_ResponseHeader | null);
  /**
   * The store's compact revision once the entry was applied.
   */
  'compactRevision'?: (number | string | Long);
}

export interface CompactResponse__Output {
  'header': (_quorumkv_v1_ResponseHeader__Output | null);
  /**
   * The store's compact revision once the entry was applied.
   */
  'compactRevision': (number);
}
