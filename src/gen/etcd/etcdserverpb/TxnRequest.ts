// Original file: proto/etcd/etcdserverpb/rpc.proto

import type { Compare as _etcdserverpb_Compare, Compare__Output as _etcdserverpb_Compare__Output } from '../etcdserverpb/Compare.js';
import type { RequestOp as _etcdserverpb_RequestOp, RequestOp__Output as _etcdserverpb_RequestOp__Output } from '../etcdserverpb/RequestOp.js';

/**
 * If all compares hold, the success requests are processed in order, else the failure requests;
 * the response carries their responses in order.
 */
export interface TxnRequest {
  /**
   * compare is a list of predicates representing a conjunction of terms.
   */
  'compare'?: (_etcdserverpb_Compare)[];
  /**
   * success is a list of requests which will be applied when compare evaluates to true.
   */
  'success'?: (_etcdserverpb_RequestOp)[];
  /**
   * failure is a list of requests which will be applied when compare evaluates to false.
   */
  'failure'?: (_etcdserverpb_RequestOp)[];
}

/**
 * If all compares hold, the success requests are processed in order, else the failure requests;
 * the response carries their responses in order.
 */
export interface TxnRequest__Output {
  /**
   * compare is a list of predicates representing a conjunction of terms.
   */
  'compare': (_etcdserverpb_Compare__Output)[];
  /**
   * success is a list of requests which will be applied when compare evaluates to true.
   */
  'success': (_etcdserverpb_RequestOp__Output)[];
  /**
   * failure is a list of requests which will be applied when compare evaluates to false.
   */
  'failure': (_etcdserverpb_RequestOp__Output)[];
}
