// Original file: proto/quorumkv/v1/kv.proto

import type { Long } from '@grpc/proto-loader';

export interface RangeRequest {
  'key'?: (Buffer | Uint8Array | string);
  /**
   * Empty: only `key`. "\0": every key >= `key`. Otherwise the half-open range [key, range_end).
   */
  'rangeEnd'?: (Buffer | Uint8Array | string);
  /**
   * At most this many keys; 0 means the server's limit (see README).
   */
  'limit'?: (number | string | Long);
  /**
   * Read the store as of this revision; 0 means the latest.
   */
  'revision'?: (number | string | Long);
  /**
   * false: linearizable (confirmed with the storage leader); true: served from the local state.
   */
  'serializable'?: (boolean);
  'keysOnly'?: (boolean);
  'countOnly'?: (boolean);
  /**
   * Read-your-writes: with serializable, wait (bounded) until the answering replica has applied
   * at least this revision (a write's header.revision); a replica that cannot is skipped.
   */
  'minRevision'?: (number | string | Long);
  /**
   * Bounded staleness: with serializable, only a replica no more than this many milliseconds
   * behind the log may answer. 0: no bound.
   */
  'maxStalenessMs'?: (number | string | Long);
}

export interface RangeRequest__Output {
  'key': (Buffer);
  /**
   * Empty: only `key`. "\0": every key >= `key`. Otherwise the half-open range [key, range_end).
   */
  'rangeEnd': (Buffer);
  /**
   * At most this many keys; 0 means the server's limit (see README).
   */
  'limit': (number);
  /**
   * Read the store as of this revision; 0 means the latest.
   */
  'revision': (number);
  /**
   * false: linearizable (confirmed with the storage leader); true: served from the local state.
   */
  'serializable': (boolean);
  'keysOnly': (boolean);
  'countOnly': (boolean);
  /**
   * Read-your-writes: with serializable, wait (bounded) until the answering replica has applied
   * at least this revision (a write's header.revision); a replica that cannot is skipped.
   */
  'minRevision': (number);
  /**
   * Bounded staleness: with serializable, only a replica no more than this many milliseconds
   * behind the log may answer. 0: no bound.
   */
  'maxStalenessMs': (number);
}
