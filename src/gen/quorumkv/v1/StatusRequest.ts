// Original file: proto/quorumkv/v1/kv.proto


export interface StatusRequest {
  /**
   * Also hash every storage member's applied state at one common revision (costly on a large
   * store: it reads the whole state).
   */
  'withHashes'?: (boolean);
}

export interface StatusRequest__Output {
  /**
   * Also hash every storage member's applied state at one common revision (costly on a large
   * store: it reads the whole state).
   */
  'withHashes': (boolean);
}
