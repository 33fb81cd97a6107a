// Original file: proto/quorumkv/v1/kv.proto


/**
 * One key (range_end empty) or the keys in [key, range_end), as in RangeRequest.
 */
export interface KeyRange {
  'key'?: (Buffer | Uint8Array | string);
  'rangeEnd'?: (Buffer | Uint8Array | string);
}

/**
 * One key (range_end empty) or the keys in [key, range_end), as in RangeRequest.
 */
export interface KeyRange__Output {
  'key': (Buffer);
  'rangeEnd': (Buffer);
}
