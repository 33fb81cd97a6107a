// Original file: proto/quorumkv/internal/v1/storage.proto


export interface NodeInfo {
  'id'?: (string);
  /**
   * writer or reader.
   */
  'mode'?: (string);
  'address'?: (string);
  'zone'?: (string);
  /**
   * The node is draining: send it nothing new.
   */
  'leaving'?: (boolean);
}

export interface NodeInfo__Output {
  'id': (string);
  /**
   * writer or reader.
   */
  'mode': (string);
  'address': (string);
  'zone': (string);
  /**
   * The node is draining: send it nothing new.
   */
  'leaving': (boolean);
}
