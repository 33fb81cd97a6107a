// Original file: proto/quorumkv/v1/kv.proto


export interface MemberPromoteRequest {
  'id'?: (string);
}

export interface MemberPromoteRequest__Output {
  'id': (string);
}
