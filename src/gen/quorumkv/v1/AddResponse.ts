// Original file: proto/quorumkv/v1/kv.proto

import type { ResponseHeader as _quorumkv_v1_ResponseHeader, ResponseHeader__Output as _quorumkv_v1_ResponseHeader__Output } from '../../quorumkv/v1/ResponseHeader.js';
import type { Long } from '@grpc/proto-loader';

export interface AddResponse {
  'header'?: (_quorumkv_v1_ResponseHeader | null);
  /**
   * The value after the add.
   */
  'value'?: (number | string | Long);
}

export interface AddResponse__Output {
  'header': (_quorumkv_v1_ResponseHeader__Output | null);
  /**
   * The value after the add.
   */
  'value': (number);
}
