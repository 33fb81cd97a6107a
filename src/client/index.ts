export { connect, prefixEnd, QuorumkvClient, DEFAULT_ENDPOINT } from './client.js';
export type { Bytes, ConnectOptions, KeyValue, RangeOptions } from './client.js';
export { Transaction, DEFAULT_MAX_ATTEMPTS, type RunTransactionOptions } from './transaction.js';
export {
  QuorumkvError,
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
