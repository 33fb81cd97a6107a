// Original file: proto/quorumkv/v1/kv.proto


export interface DeleteRangeRequest {
  'key'?: (Buffer | Uint8Array | string);
  'rangeEnd'?: (Buffer | Uint8Array | string);
  'prevKv'?: (boolean);
  /**
   * As in PutRequest.
   */
  'requestId'?: (string);
}

export interface DeleteRangeRequest__Output {
  'key': (Buffer);
  'rangeEnd': (Buffer);
  'prevKv': (boolean);
  /**
   * As in PutRequest.
   */
  'requestId': (string);
}
