// Original file: proto/quorumkv/v1/kv.proto

import type { Long } from '@grpc/proto-loader';

export interface LeaseKeepAliveRequest {
  'id'?: (number | string | Long);
}

export interface LeaseKeepAliveRequest__Output {
  'id': (number);
}
