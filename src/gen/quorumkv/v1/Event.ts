// Original file: proto/quorumkv/v1/kv.proto

import type { KeyValue as _quorumkv_v1_KeyValue, KeyValue__Output as _quorumkv_v1_KeyValue__Output } from '../../quorumkv/v1/KeyValue.js';

// Original file: proto/quorumkv/v1/kv.proto

export const _quorumkv_v1_Event_EventType = {
  PUT: 'PUT',
  DELETE: 'DELETE',
} as const;

export type _quorumkv_v1_Event_EventType =
  | 'PUT'
  | 0
  | 'DELETE'
  | 1

export type _quorumkv_v1_Event_EventType__Output = typeof _quorumkv_v1_Event_EventType[keyof typeof _quorumkv_v1_Event_EventType]

export interface Event {
  'type'?: (_quorumkv_v1_Event_EventType);
  /**
   * For a DELETE: the key, with mod_revision set to the deleting revision.
   */
  'kv'?: (_quorumkv_v1_KeyValue | null);
  'prevKv'?: (_quorumkv_v1_KeyValue | null);
}

export interface Event__Output {
  'type': (_quorumkv_v1_Event_EventType__Output);
  /**
   * For a DELETE: the key, with mod_revision set to the deleting revision.
   */
  'kv': (_quorumkv_v1_KeyValue__Output | null);
  'prevKv': (_quorumkv_v1_KeyValue__Output | null);
}
