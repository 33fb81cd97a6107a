// Original file: proto/quorumkv/v1/kv.proto

import type { ResponseHeader as _quorumkv_v1_ResponseHeader, ResponseHeader__Output as _quorumkv_v1_ResponseHeader__Output } from '../../quorumkv/v1/ResponseHeader.js';
import type { Long } from '@grpc/proto-loader';

export interface LeaseRevokeResponse {
  'header'?: (_quorumkv_v1_ResponseHeader | null);
  /**
   * How many keys the revocation deleted.
   */
  'deleted'?: (number | string | Long);
}

export interface LeaseRevokeResponse__Output {
  'header': (_quorumkv_v1_ResponseHeader__Output | null);
  /**
   * How many keys the revocation deleted.
   */
  'deleted': (number);
}
