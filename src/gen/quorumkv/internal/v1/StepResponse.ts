// Original file: proto/quorumkv/internal/v1/raft.proto


export interface StepResponse {
}

export interface StepResponse__Output {
}
