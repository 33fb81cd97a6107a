// Original file: proto/quorumkv/v1/kv.proto

import type { Long } from '@grpc/proto-loader';

export interface KeyValue {
  'key'?: (Buffer | Uint8Array | string);
  /**
   * Revision of the last creation of this key.
   */
  'createRevision'?: (number | string | Long);
  /**
   * Revision of the last modification of this key.
   */
  'modRevision'?: (number | string | Long);
  /**
   * Number of modifications since creation; a delete resets it to zero.
   */
  'version'?: (number | string | Long);
  'value'?: (Buffer | Uint8Array | string);
  /**
   * The lease the key is attached to (0: none); revoking or expiring the lease deletes the key.
   */
  'lease'?: (number | string | Long);
}

export interface KeyValue__Output {
  'key': (Buffer);
  /**
   * Revision of the last creation of this key.
   */
  'createRevision': (number);
  /**
   * Revision of the last modification of this key.
   */
  'modRevision': (number);
  /**
   * Number of modifications since creation; a delete resets it to zero.
   */
  'version': (number);
  'value': (Buffer);
  /**
   * The lease the key is attached to (0: none); revoking or expiring the lease deletes the key.
   */
  'lease': (number);
}
