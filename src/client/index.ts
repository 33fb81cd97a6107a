export { connect, prefixEnd, QuorumkvClient, DEFAULT_ENDPOINT } from './client.js';
export type { Bytes, Consistency, ConnectOptions, KeyValue, RangeOptions, WatchOptions } from './client.js';
export { Watcher, type WatchBatch } from './watcher.js';
export { Transaction, DEFAULT_MAX_ATTEMPTS, type RunTransactionOptions } from './transaction.js';
export {
  QuorumkvError,
  ReadOnlyError,
  ConflictError,
  TooOldError,
  InvalidArgumentError,
  OverloadedError,
  UnavailableError,
  NotLeaderError,
  FutureRevisionError,
  CompactedRevisionError,
  DeadlineError,
} from '../errors.js';
