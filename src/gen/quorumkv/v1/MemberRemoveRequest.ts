// Original file: proto/quorumkv/v1/kv.proto


export interface MemberRemoveRequest {
  'id'?: (string);
}

export interface MemberRemoveRequest__Output {
  'id': (string);
}
