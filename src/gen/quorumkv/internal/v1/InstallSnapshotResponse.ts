// Original file: proto/quorumkv/internal/v1/raft.proto


export interface InstallSnapshotResponse {
  'installed'?: (boolean);
  'reason'?: (string);
}

export interface InstallSnapshotResponse__Output {
  'installed': (boolean);
  'reason': (string);
}
