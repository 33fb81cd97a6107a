import type { ChannelOptions } from '@grpc/grpc-js';
import { MAX_REQUEST_BYTES } from '../api/limits.js';

/** Channel options for every client this project creates: fail fast, reconnect fast. */
export const CLIENT_OPTIONS: ChannelOptions = {
  'grpc.max_send_message_length': MAX_REQUEST_BYTES,
  'grpc.max_receive_message_length': 64 * 1024 * 1024,
  'grpc.initial_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 1_000,
  'grpc.keepalive_time_ms': 10_000,
  'grpc.keepalive_timeout_ms': 5_000,
};
