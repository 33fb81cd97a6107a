// Original file: proto/quorumkv/v1/kv.proto


export interface LeaseLeasesRequest {
}

export interface LeaseLeasesRequest__Output {
}
