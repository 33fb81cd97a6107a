// Original file: proto/quorumkv/v1/kv.proto


export interface PutRequest {
  'key'?: (Buffer | Uint8Array | string);
  'value'?: (Buffer | Uint8Array | string);
  /**
   * Return the previous key-value pair, if any.
   */
  'prevKv'?: (boolean);
}

export interface PutRequest__Output {
  'key': (Buffer);
  'value': (Buffer);
  /**
   * Return the previous key-value pair, if any.
   */
  'prevKv': (boolean);
}
