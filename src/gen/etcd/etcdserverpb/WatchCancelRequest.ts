// Original file: proto/etcd/etcdserverpb/rpc.proto

import type { Long } from '@grpc/proto-loader';

export interface WatchCancelRequest {
  /**
   * watch_id is the watcher id to cancel so that no more events are transmitted.
   */
  'watchId'?: (number | string | Long);
}

export interface WatchCancelRequest__Output {
  /**
   * watch_id is the watcher id to cancel so that no more events are transmitted.
   */
  'watchId': (string);
}
