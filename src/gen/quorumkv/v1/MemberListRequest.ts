// Original file: proto/quorumkv/v1/kv.proto


export interface MemberListRequest {
}

export interface MemberListRequest__Output {
}
