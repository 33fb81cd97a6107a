// Original file: proto/quorumkv/v1/kv.proto

import type { ResponseHeader as _quorumkv_v1_ResponseHeader, ResponseHeader__Output as _quorumkv_v1_ResponseHeader__Output } from '../../quorumkv/v1/ResponseHeader.js';
import type { LeaseStatus as _quorumkv_v1_LeaseStatus, LeaseStatus__Output as _quorumkv_v1_LeaseStatus__Output } from '../../quorumkv/v1/LeaseStatus.js';

export interface LeaseLeasesResponse {
  'header'?: (_quorumkv_v1_ResponseHeader | null);
  'leases'?: (_quorumkv_v1_LeaseStatus)[];
}

export interface LeaseLeasesResponse__Output {
  'header': (_quorumkv_v1_ResponseHeader__Output | null);
  'leases': (_quorumkv_v1_LeaseStatus__Output)[];
}
