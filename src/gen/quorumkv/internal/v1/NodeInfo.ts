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
  /**
   * Where the node serves /metrics (HOST:PORT; a wildcard host means the host of `address`).
   */
  'metricsAddress'?: (string);
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
  /**
   * Where the node serves /metrics (HOST:PORT; a wildcard host means the host of `address`).
   */
  'metricsAddress': (string);
}
