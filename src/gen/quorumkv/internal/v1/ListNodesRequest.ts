// Original file: proto/quorumkv/internal/v1/storage.proto


export interface ListNodesRequest {
}

export interface ListNodesRequest__Output {
}
