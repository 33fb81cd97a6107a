import type { KeyValue__Output } from '../gen/quorumkv/v1/KeyValue.js';
import type { KeyRange } from './key-range.js';

/**
 * A read-only view of the live key-values at one revision, streamed in key order. The range,
 * compare and delete logic is written once against this and works on the latest state, on
 * history, and on the writes of an apply call that are not yet in LevelDB.
 */
export interface KvSource {
  scan(range: KeyRange): AsyncGenerator<KeyValue__Output>;
  /** The keys `scan` would yield; implementations avoid reading values where they can. */
  scanKeys(range: KeyRange): AsyncGenerator<Buffer>;
}
