// Original file: proto/quorumkv/v1/kv.proto

import type { Long } from '@grpc/proto-loader';

// Original file: proto/quorumkv/v1/kv.proto

export const _quorumkv_v1_Compare_CompareResult = {
  EQUAL: 'EQUAL',
  GREATER: 'GREATER',
  LESS: 'LESS',
  NOT_EQUAL: 'NOT_EQUAL',
} as const;

export type _quorumkv_v1_Compare_CompareResult =
  | 'EQUAL'
  | 0
  | 'GREATER'
  | 1
  | 'LESS'
  | 2
  | 'NOT_EQUAL'
  | 3

export type _quorumkv_v1_Compare_CompareResult__Output = typeof _quorumkv_v1_Compare_CompareResult[keyof typeof _quorumkv_v1_Compare_CompareResult]

// Original file: proto/quorumkv/v1/kv.proto

export const _quorumkv_v1_Compare_CompareTarget = {
  VERSION: 'VERSION',
  CREATE: 'CREATE',
  MOD: 'MOD',
  VALUE: 'VALUE',
  LEASE: 'LEASE',
} as const;

export type _quorumkv_v1_Compare_CompareTarget =
  | 'VERSION'
  | 0
  | 'CREATE'
  | 1
  | 'MOD'
  | 2
  | 'VALUE'
  | 3
  | 'LEASE'
  | 4

export type _quorumkv_v1_Compare_CompareTarget__Output = typeof _quorumkv_v1_Compare_CompareTarget[keyof typeof _quorumkv_v1_Compare_CompareTarget]

export interface Compare {
  'result'?: (_quorumkv_v1_Compare_CompareResult);
  'target'?: (_quorumkv_v1_Compare_CompareTarget);
  'key'?: (Buffer | Uint8Array | string);
  'version'?: (number | string | Long);
  'createRevision'?: (number | string | Long);
  'modRevision'?: (number | string | Long);
  'value'?: (Buffer | Uint8Array | string);
  'lease'?: (number | string | Long);
  /**
   * Compare every key in [key, range_end) instead of one key.
   */
  'rangeEnd'?: (Buffer | Uint8Array | string);
  'targetUnion'?: "version"|"createRevision"|"modRevision"|"value"|"lease";
}

export interface Compare__Output {
  'result': (_quorumkv_v1_Compare_CompareResult__Output);
  'target': (_quorumkv_v1_Compare_CompareTarget__Output);
  'key': (Buffer);
  'version'?: (number);
  'createRevision'?: (number);
  'modRevision'?: (number);
  'value'?: (Buffer);
  'lease'?: (number);
  /**
   * Compare every key in [key, range_end) instead of one key.
   */
  'rangeEnd': (Buffer);
  'targetUnion'?: "version"|"createRevision"|"modRevision"|"value"|"lease";
}
