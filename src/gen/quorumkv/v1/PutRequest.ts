// Original file: proto/quorumkv/v1/kv.proto


export interface PutRequest {
  'key'?: (Buffer | Uint8Array | string);
  'value'?: (Buffer | Uint8Array | string);
  /**
   * Return the previous key-value pair, if any.
   */
  'prevKv'?: (boolean);
  /**
   * Identifies this write across retries: it is applied at most once. Empty: a fresh id per call.
   */
  'requestId'?: (string);
}

export interface PutRequest__Output {
  'key': (Buffer);
  'value': (Buffer);
  /**
   * Return the previous key-value pair, if any.
   */
  'prevKv': (boolean);
  /**
   * Identifies this write across retries: it is applied at most once. Empty: a fresh id per call.
   */
  'requestId': (string);
}
