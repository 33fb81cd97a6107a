// Original file: proto/quorumkv/v1/kv.proto

import type { Long } from '@grpc/proto-loader';

export interface LeaseStatus {
  'id'?: (number | string | Long);
}

export interface LeaseStatus__Output {
  'id': (number);
}
