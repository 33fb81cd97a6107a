export { connect, prefixEnd, QuorumkvClient, DEFAULT_ENDPOINT } from './client.js';
export type { Bytes, ConnectOptions, KeyValue, RangeOptions } from './client.js';
export {
  QuorumkvError,
  InvalidArgumentError,
  OverloadedError,
  UnavailableError,
  NotLeaderError,
  FutureRevisionError,
  CompactedRevisionError,
  DeadlineError,
} from '../errors.js';
