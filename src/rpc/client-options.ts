import type { ChannelOptions } from '@grpc/grpc-js';
import { MAX_REQUEST_BYTES } from '../api/limits.js';

/**
 * How often a connection with nothing to say proves it is alive, and how long a PING may go
 * unanswered before the connection is declared dead. A partition blackholes packets without
 * closing anything; without PINGs, TCP retransmission backoff decides when a call learns of it
 * (10 s and more). One second each finds a dead link within the election timeout.
 */
export const KEEPALIVE_INTERVAL_MS = 1_000;
export const KEEPALIVE_TIMEOUT_MS = 1_000;

/**
 * Server side of the same: a server PINGs each connection that has been quiet for
 * KEEPALIVE_INTERVAL_MS and drops it after KEEPALIVE_TIMEOUT_MS without an answer, so a stream to a
 * blackholed client (a follow stream, a watch) ends within seconds instead of holding buffers;
 * and it takes clients' PINGs at that rate, calls or none, without answering GOAWAY.
 */
export const SERVER_KEEPALIVE_OPTIONS: ChannelOptions = {
  'grpc.keepalive_time_ms': KEEPALIVE_INTERVAL_MS,
  'grpc.keepalive_timeout_ms': KEEPALIVE_TIMEOUT_MS,
  'grpc.keepalive_permit_without_calls': 1,
  'grpc.http2.min_ping_interval_without_data_ms': KEEPALIVE_INTERVAL_MS,
};

/** The TLS server name every quorumkv client sends. */
export const TLS_SERVER_NAME = 'quorumkv';

/** Channel options for every client this project creates: fail fast, reconnect fast. */
export const CLIENT_OPTIONS: ChannelOptions = {
  'grpc.max_send_message_length': MAX_REQUEST_BYTES,
  'grpc.max_receive_message_length': 64 * 1024 * 1024,
  'grpc.initial_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 1_000,
  'grpc.keepalive_time_ms': KEEPALIVE_INTERVAL_MS,
  'grpc.keepalive_timeout_ms': KEEPALIVE_TIMEOUT_MS,
  // Idle connections too: the next call must not be the one that finds the link dead.
  'grpc.keepalive_permit_without_calls': 1,
  // With TLS, servers are checked by the role in their certificate, not by name (tls.ts); a fixed
  // name also keeps an IP address out of the TLS server name, which RFC 6066 does not allow.
  'grpc.ssl_target_name_override': TLS_SERVER_NAME,
};
