// Original file: proto/quorumkv/v1/kv.proto

import type { Compare as _quorumkv_v1_Compare, Compare__Output as _quorumkv_v1_Compare__Output } from '../../quorumkv/v1/Compare.js';
import type { RequestOp as _quorumkv_v1_RequestOp, RequestOp__Output as _quorumkv_v1_RequestOp__Output } from '../../quorumkv/v1/RequestOp.js';
import type { KeyRange as _quorumkv_v1_KeyRange, KeyRange__Output as _quorumkv_v1_KeyRange__Output } from '../../quorumkv/v1/KeyRange.js';
import type { Long } from '@grpc/proto-loader';

export interface TxnRequest {
  'compare'?: (_quorumkv_v1_Compare)[];
  'success'?: (_quorumkv_v1_RequestOp)[];
  'failure'?: (_quorumkv_v1_RequestOp)[];
  /**
   * As in PutRequest.
   */
  'requestId'?: (string);
  /**
   * The revision the read set was read at. With a read set, the transaction is aborted (ABORTED,
   * naming the key and the revision that won) if anything in it was written after this revision.
   */
  'readRevision'?: (number | string | Long);
  /**
   * Keys and ranges the transaction read at read_revision; a key inserted into a range counts.
   */
  'readSet'?: (_quorumkv_v1_KeyRange)[];
}

export interface TxnRequest__Output {
  'compare': (_quorumkv_v1_Compare__Output)[];
  'success': (_quorumkv_v1_RequestOp__Output)[];
  'failure': (_quorumkv_v1_RequestOp__Output)[];
  /**
   * As in PutRequest.
   */
  'requestId': (string);
  /**
   * The revision the read set was read at. With a read set, the transaction is aborted (ABORTED,
   * naming the key and the revision that won) if anything in it was written after this revision.
   */
  'readRevision': (number);
  /**
   * Keys and ranges the transaction read at read_revision; a key inserted into a range counts.
   */
  'readSet': (_quorumkv_v1_KeyRange__Output)[];
}
