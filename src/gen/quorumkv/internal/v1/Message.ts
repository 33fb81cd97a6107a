// Original file: proto/quorumkv/internal/v1/raft.proto

import type { Entry as _quorumkv_internal_v1_Entry, Entry__Output as _quorumkv_internal_v1_Entry__Output } from '../../../quorumkv/internal/v1/Entry.js';
import type { Long } from '@grpc/proto-loader';

export interface Message {
  'type'?: (number);
  'from'?: (string);
  'to'?: (string);
  'term'?: (number | string | Long);
  'logTerm'?: (number | string | Long);
  'index'?: (number | string | Long);
  'entries'?: (_quorumkv_internal_v1_Entry)[];
  'commit'?: (number | string | Long);
  'reject'?: (boolean);
  'rejectHint'?: (number | string | Long);
  'context'?: (Buffer | Uint8Array | string);
}

export interface Message__Output {
  'type': (number);
  'from': (string);
  'to': (string);
  'term': (number);
  'logTerm': (number);
  'index': (number);
  'entries': (_quorumkv_internal_v1_Entry__Output)[];
  'commit': (number);
  'reject': (boolean);
  'rejectHint': (number);
  'context': (Buffer);
}
