// Original file: proto/quorumkv/v1/kv.proto

import type { ResponseHeader as _quorumkv_v1_ResponseHeader, ResponseHeader__Output as _quorumkv_v1_ResponseHeader__Output } from '../../quorumkv/v1/ResponseHeader.js';
import type { Event as _quorumkv_v1_Event, Event__Output as _quorumkv_v1_Event__Output } from '../../quorumkv/v1/Event.js';
import type { Long } from '@grpc/proto-loader';

export interface WatchResponse {
  'header'?: (_quorumkv_v1_ResponseHeader | null);
  /**
   * The events of one or more revisions, in order; empty for a progress notification.
   */
  'events'?: (_quorumkv_v1_Event)[];
  /**
   * Every revision up to and including this one has been sent (or had nothing to send).
   */
  'revision'?: (number | string | Long);
}

export interface WatchResponse__Output {
  'header': (_quorumkv_v1_ResponseHeader__Output | null);
  /**
   * The events of one or more revisions, in order; empty for a progress notification.
   */
  'events': (_quorumkv_v1_Event__Output)[];
  /**
   * Every revision up to and including this one has been sent (or had nothing to send).
   */
  'revision': (number);
}
