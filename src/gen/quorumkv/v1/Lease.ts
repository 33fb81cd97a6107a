// Original file: proto/quorumkv/v1/kv.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { LeaseGrantRequest as _quorumkv_v1_LeaseGrantRequest, LeaseGrantRequest__Output as _quorumkv_v1_LeaseGrantRequest__Output } from '../../quorumkv/v1/LeaseGrantRequest.js';
import type { LeaseGrantResponse as _quorumkv_v1_LeaseGrantResponse, LeaseGrantResponse__Output as _quorumkv_v1_LeaseGrantResponse__Output } from '../../quorumkv/v1/LeaseGrantResponse.js';
import type { LeaseKeepAliveRequest as _quorumkv_v1_LeaseKeepAliveRequest, LeaseKeepAliveRequest__Output as _quorumkv_v1_LeaseKeepAliveRequest__Output } from '../../quorumkv/v1/LeaseKeepAliveRequest.js';
import type { LeaseKeepAliveResponse as _quorumkv_v1_LeaseKeepAliveResponse, LeaseKeepAliveResponse__Output as _quorumkv_v1_LeaseKeepAliveResponse__Output } from '../../quorumkv/v1/LeaseKeepAliveResponse.js';
import type { LeaseLeasesRequest as _quorumkv_v1_LeaseLeasesRequest, LeaseLeasesRequest__Output as _quorumkv_v1_LeaseLeasesRequest__Output } from '../../quorumkv/v1/LeaseLeasesRequest.js';
import type { LeaseLeasesResponse as _quorumkv_v1_LeaseLeasesResponse, LeaseLeasesResponse__Output as _quorumkv_v1_LeaseLeasesResponse__Output } from '../../quorumkv/v1/LeaseLeasesResponse.js';
import type { LeaseRevokeRequest as _quorumkv_v1_LeaseRevokeRequest, LeaseRevokeRequest__Output as _quorumkv_v1_LeaseRevokeRequest__Output } from '../../quorumkv/v1/LeaseRevokeRequest.js';
import type { LeaseRevokeResponse as _quorumkv_v1_LeaseRevokeResponse, LeaseRevokeResponse__Output as _quorumkv_v1_LeaseRevokeResponse__Output } from '../../quorumkv/v1/LeaseRevokeResponse.js';
import type { LeaseTimeToLiveRequest as _quorumkv_v1_LeaseTimeToLiveRequest, LeaseTimeToLiveRequest__Output as _quorumkv_v1_LeaseTimeToLiveRequest__Output } from '../../quorumkv/v1/LeaseTimeToLiveRequest.js';
import type { LeaseTimeToLiveResponse as _quorumkv_v1_LeaseTimeToLiveResponse, LeaseTimeToLiveResponse__Output as _quorumkv_v1_LeaseTimeToLiveResponse__Output } from '../../quorumkv/v1/LeaseTimeToLiveResponse.js';

/**
 * Lease keeps keys alive for a time-to-live: a key put with a lease is deleted when the lease is
 * revoked or expires. Grants, revocations and the keys attached are log entries, decided in log
 * order; expiry is decided by the storage leader's clock and renewals (KeepAlive) stay off the log.
 */
export interface LeaseClient extends grpc.Client {
  /**
   * Grant creates a lease (the server picks the id when `id` is 0).
   */
  Grant(argument: _quorumkv_v1_LeaseGrantRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_LeaseGrantResponse__Output>): grpc.ClientUnaryCall;
  Grant(argument: _quorumkv_v1_LeaseGrantRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_quorumkv_v1_LeaseGrantResponse__Output>): grpc.ClientUnaryCall;
  Grant(argument: _quorumkv_v1_LeaseGrantRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_LeaseGrantResponse__Output>): grpc.ClientUnaryCall;
  Grant(argument: _quorumkv_v1_LeaseGrantRequest, callback: grpc.requestCallback<_quorumkv_v1_LeaseGrantResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Grant creates a lease (the server picks the id when `id` is 0).
   */
  grant(argument: _quorumkv_v1_LeaseGrantRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_LeaseGrantResponse__Output>): grpc.ClientUnaryCall;
  grant(argument: _quorumkv_v1_LeaseGrantRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_quorumkv_v1_LeaseGrantResponse__Output>): grpc.ClientUnaryCall;
  grant(argument: _quorumkv_v1_LeaseGrantRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_LeaseGrantResponse__Output>): grpc.ClientUnaryCall;
  grant(argument: _quorumkv_v1_LeaseGrantRequest, callback: grpc.requestCallback<_quorumkv_v1_LeaseGrantResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * KeepAlive renews a lease to its full TTL for each request sent, and answers each one.
   */
  KeepAlive(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_quorumkv_v1_LeaseKeepAliveRequest, _quorumkv_v1_LeaseKeepAliveResponse__Output>;
  KeepAlive(options?: grpc.CallOptions): grpc.ClientDuplexStream<_quorumkv_v1_LeaseKeepAliveRequest, _quorumkv_v1_LeaseKeepAliveResponse__Output>;
  /**
   * KeepAlive renews a lease to its full TTL for each request sent, and answers each one.
   */
  keepAlive(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_quorumkv_v1_LeaseKeepAliveRequest, _quorumkv_v1_LeaseKeepAliveResponse__Output>;
  keepAlive(options?: grpc.CallOptions): grpc.ClientDuplexStream<_quorumkv_v1_LeaseKeepAliveRequest, _quorumkv_v1_LeaseKeepAliveResponse__Output>;
  
  /**
   * Leases lists every lease.
   */
  Leases(argument: _quorumkv_v1_LeaseLeasesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_LeaseLeasesResponse__Output>): grpc.ClientUnaryCall;
  Leases(argument: _quorumkv_v1_LeaseLeasesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_quorumkv_v1_LeaseLeasesResponse__Output>): grpc.ClientUnaryCall;
  Leases(argument: _quorumkv_v1_LeaseLeasesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_LeaseLeasesResponse__Output>): grpc.ClientUnaryCall;
  Leases(argument: _quorumkv_v1_LeaseLeasesRequest, callback: grpc.requestCallback<_quorumkv_v1_LeaseLeasesResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Leases lists every lease.
   */
  leases(argument: _quorumkv_v1_LeaseLeasesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_LeaseLeasesResponse__Output>): grpc.ClientUnaryCall;
  leases(argument: _quorumkv_v1_LeaseLeasesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_quorumkv_v1_LeaseLeasesResponse__Output>): grpc.ClientUnaryCall;
  leases(argument: _quorumkv_v1_LeaseLeasesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_LeaseLeasesResponse__Output>): grpc.ClientUnaryCall;
  leases(argument: _quorumkv_v1_LeaseLeasesRequest, callback: grpc.requestCallback<_quorumkv_v1_LeaseLeasesResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Revoke deletes the lease and every key attached to it, at one revision.
   */
  Revoke(argument: _quorumkv_v1_LeaseRevokeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_LeaseRevokeResponse__Output>): grpc.ClientUnaryCall;
  Revoke(argument: _quorumkv_v1_LeaseRevokeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_quorumkv_v1_LeaseRevokeResponse__Output>): grpc.ClientUnaryCall;
  Revoke(argument: _quorumkv_v1_LeaseRevokeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_LeaseRevokeResponse__Output>): grpc.ClientUnaryCall;
  Revoke(argument: _quorumkv_v1_LeaseRevokeRequest, callback: grpc.requestCallback<_quorumkv_v1_LeaseRevokeResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Revoke deletes the lease and every key attached to it, at one revision.
   */
  revoke(argument: _quorumkv_v1_LeaseRevokeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_LeaseRevokeResponse__Output>): grpc.ClientUnaryCall;
  revoke(argument: _quorumkv_v1_LeaseRevokeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_quorumkv_v1_LeaseRevokeResponse__Output>): grpc.ClientUnaryCall;
  revoke(argument: _quorumkv_v1_LeaseRevokeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_LeaseRevokeResponse__Output>): grpc.ClientUnaryCall;
  revoke(argument: _quorumkv_v1_LeaseRevokeRequest, callback: grpc.requestCallback<_quorumkv_v1_LeaseRevokeResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * TimeToLive reports a lease's remaining and granted TTL, and optionally its keys.
   */
  TimeToLive(argument: _quorumkv_v1_LeaseTimeToLiveRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_LeaseTimeToLiveResponse__Output>): grpc.ClientUnaryCall;
  TimeToLive(argument: _quorumkv_v1_LeaseTimeToLiveRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_quorumkv_v1_LeaseTimeToLiveResponse__Output>): grpc.ClientUnaryCall;
  TimeToLive(argument: _quorumkv_v1_LeaseTimeToLiveRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_LeaseTimeToLiveResponse__Output>): grpc.ClientUnaryCall;
  TimeToLive(argument: _quorumkv_v1_LeaseTimeToLiveRequest, callback: grpc.requestCallback<_quorumkv_v1_LeaseTimeToLiveResponse__Output>): grpc.ClientUnaryCall;
  /**
   * TimeToLive reports a lease's remaining and granted TTL, and optionally its keys.
   */
  timeToLive(argument: _quorumkv_v1_LeaseTimeToLiveRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_LeaseTimeToLiveResponse__Output>): grpc.ClientUnaryCall;
  timeToLive(argument: _quorumkv_v1_LeaseTimeToLiveRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_quorumkv_v1_LeaseTimeToLiveResponse__Output>): grpc.ClientUnaryCall;
  timeToLive(argument: _quorumkv_v1_LeaseTimeToLiveRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_LeaseTimeToLiveResponse__Output>): grpc.ClientUnaryCall;
  timeToLive(argument: _quorumkv_v1_LeaseTimeToLiveRequest, callback: grpc.requestCallback<_quorumkv_v1_LeaseTimeToLiveResponse__Output>): grpc.ClientUnaryCall;
  
}

/**
 * Lease keeps keys alive for a time-to-live: a key put with a lease is deleted when the lease is
 * revoked or expires. Grants, revocations and the keys attached are log entries, decided in log
 * order; expiry is decided by the storage leader's clock and renewals (KeepAlive) stay off the log.
 */
export interface LeaseHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Grant creates a lease (the server picks the id when `id` is 0).
   */
  Grant: grpc.handleUnaryCall<_quorumkv_v1_LeaseGrantRequest__Output, _quorumkv_v1_LeaseGrantResponse>;
  
  /**
   * KeepAlive renews a lease to its full TTL for each request sent, and answers each one.
   */
  KeepAlive: grpc.handleBidiStreamingCall<_quorumkv_v1_LeaseKeepAliveRequest__Output, _quorumkv_v1_LeaseKeepAliveResponse>;
  
  /**
   * Leases lists every lease.
   */
  Leases: grpc.handleUnaryCall<_quorumkv_v1_LeaseLeasesRequest__Output, _quorumkv_v1_LeaseLeasesResponse>;
  
  /**
   * Revoke deletes the lease and every key attached to it, at one revision.
   */
  Revoke: grpc.handleUnaryCall<_quorumkv_v1_LeaseRevokeRequest__Output, _quorumkv_v1_LeaseRevokeResponse>;
  
  /**
   * TimeToLive reports a lease's remaining and granted TTL, and optionally its keys.
   */
  TimeToLive: grpc.handleUnaryCall<_quorumkv_v1_LeaseTimeToLiveRequest__Output, _quorumkv_v1_LeaseTimeToLiveResponse>;
  
}

export interface LeaseDefinition extends grpc.ServiceDefinition {
  Grant: MethodDefinition<_quorumkv_v1_LeaseGrantRequest, _quorumkv_v1_LeaseGrantResponse, _quorumkv_v1_LeaseGrantRequest__Output, _quorumkv_v1_LeaseGrantResponse__Output>
  KeepAlive: MethodDefinition<_quorumkv_v1_LeaseKeepAliveRequest, _quorumkv_v1_LeaseKeepAliveResponse, _quorumkv_v1_LeaseKeepAliveRequest__Output, _quorumkv_v1_LeaseKeepAliveResponse__Output>
  Leases: MethodDefinition<_quorumkv_v1_LeaseLeasesRequest, _quorumkv_v1_LeaseLeasesResponse, _quorumkv_v1_LeaseLeasesRequest__Output, _quorumkv_v1_LeaseLeasesResponse__Output>
  Revoke: MethodDefinition<_quorumkv_v1_LeaseRevokeRequest, _quorumkv_v1_LeaseRevokeResponse, _quorumkv_v1_LeaseRevokeRequest__Output, _quorumkv_v1_LeaseRevokeResponse__Output>
  TimeToLive: MethodDefinition<_quorumkv_v1_LeaseTimeToLiveRequest, _quorumkv_v1_LeaseTimeToLiveResponse, _quorumkv_v1_LeaseTimeToLiveRequest__Output, _quorumkv_v1_LeaseTimeToLiveResponse__Output>
}
