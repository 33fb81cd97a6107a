// Original file: proto/etcd/etcdserverpb/rpc.proto

export const AlarmType = {
  /**
   * default, used to query if any alarm is active
   */
  NONE: 'NONE',
  /**
   * space quota is exhausted
   */
  NOSPACE: 'NOSPACE',
  /**
   * kv store corruption detected
   */
  CORRUPT: 'CORRUPT',
} as const;

export type AlarmType =
  /**
   * default, used to query if any alarm is active
   */
  | 'NONE'
  | 0
  /**
   * space quota is exhausted
   */
  | 'NOSPACE'
  | 1
  /**
   * kv store corruption detected
   */
  | 'CORRUPT'
  | 2

export type AlarmType__Output = typeof AlarmType[keyof typeof AlarmType]
