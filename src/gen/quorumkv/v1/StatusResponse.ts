// Original file: proto/quorumkv/v1/kv.proto

import type { ResponseHeader as _quorumkv_v1_ResponseHeader, ResponseHeader__Output as _quorumkv_v1_ResponseHeader__Output } from '../../quorumkv/v1/ResponseHeader.js';
import type { MemberStatus as _quorumkv_v1_MemberStatus, MemberStatus__Output as _quorumkv_v1_MemberStatus__Output } from '../../quorumkv/v1/MemberStatus.js';

export interface StatusResponse {
  'header'?: (_quorumkv_v1_ResponseHeader | null);
  'members'?: (_quorumkv_v1_MemberStatus)[];
}

export interface StatusResponse__Output {
  'header': (_quorumkv_v1_ResponseHeader__Output | null);
  'members': (_quorumkv_v1_MemberStatus__Output)[];
}
