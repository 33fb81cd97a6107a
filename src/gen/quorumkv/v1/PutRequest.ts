// Original file: proto/quorumkv/v1/kv.proto

import type { Long } from '@grpc/proto-loader';

export interface PutRequest {
  'key'?: (Buffer | Uint8Array | string);
  'value'?: (Buffer | Uint8Array | string);
  /**
   * Attach the key to this lease (0: none, which detaches it from any lease it had).
   */
  'lease'?: (number | string | Long);
  /**
   * Return the previous key-value pair, if any.
   */
  'prevKv'?: (boolean);
  /**
   * Keep the key's current lease (then `lease` must be 0).
   */
  'ignoreLease'?: (boolean);
  /**
   * Identifies this write across retries: it is applied at most once. Empty: a fresh id per call.
   */
  'requestId'?: (string);
}

export interface PutRequest__Output {
  'key': (Buffer);
  'value': (Buffer);
  /**
   * Attach the key to this lease (0: none, which detaches it from any lease it had).
   */
  'lease': (number);
  /**
   * Return the previous key-value pair, if any.
   */
  'prevKv': (boolean);
  /**
   * Keep the key's current lease (then `lease` must be 0).
   */
  'ignoreLease': (boolean);
  /**
   * Identifies this write across retries: it is applied at most once. Empty: a fresh id per call.
   */
  'requestId': (string);
}
