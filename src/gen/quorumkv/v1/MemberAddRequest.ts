// Original file: proto/quorumkv/v1/kv.proto


export interface MemberAddRequest {
  'id'?: (string);
  /**
   * HOST:PORT where the other storage members reach the new one.
   */
  'address'?: (string);
}

export interface MemberAddRequest__Output {
  'id': (string);
  /**
   * HOST:PORT where the other storage members reach the new one.
   */
  'address': (string);
}
