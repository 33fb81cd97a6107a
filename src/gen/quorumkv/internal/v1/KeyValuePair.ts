// Original file: proto/quorumkv/internal/v1/raft.proto


export interface KeyValuePair {
  'key'?: (Buffer | Uint8Array | string);
  'value'?: (Buffer | Uint8Array | string);
  /**
   * The value goes on in the next pair, which has the same key: a record too large for one chunk
   * travels in parts, each in its own chunk.
   */
  'more'?: (boolean);
}

export interface KeyValuePair__Output {
  'key': (Buffer);
  'value': (Buffer);
  /**
   * The value goes on in the next pair, which has the same key: a record too large for one chunk
   * travels in parts, each in its own chunk.
   */
  'more': (boolean);
}
