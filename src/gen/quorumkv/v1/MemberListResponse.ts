// Original file: proto/quorumkv/v1/kv.proto

import type { ResponseHeader as _quorumkv_v1_ResponseHeader, ResponseHeader__Output as _quorumkv_v1_ResponseHeader__Output } from '../../quorumkv/v1/ResponseHeader.js';
import type { StorageMember as _quorumkv_v1_StorageMember, StorageMember__Output as _quorumkv_v1_StorageMember__Output } from '../../quorumkv/v1/StorageMember.js';

export interface MemberListResponse {
  'header'?: (_quorumkv_v1_ResponseHeader | null);
  'members'?: (_quorumkv_v1_StorageMember)[];
  'leader'?: (string);
}

export interface MemberListResponse__Output {
  'header': (_quorumkv_v1_ResponseHeader__Output | null);
  'members': (_quorumkv_v1_StorageMember__Output)[];
  'leader': (string);
}
