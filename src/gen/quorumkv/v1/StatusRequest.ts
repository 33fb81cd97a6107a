// Original file: proto/quorumkv/v1/kv.proto


export interface StatusRequest {
}

export interface StatusRequest__Output {
}
