// Original file: proto/quorumkv/internal/v1/raft.proto


export interface KeyValuePair {
  'key'?: (Buffer | Uint8Array | string);
  'value'?: (Buffer | Uint8Array | string);
}

export interface KeyValuePair__Output {
  'key': (Buffer);
  'value': (Buffer);
}
