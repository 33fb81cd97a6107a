// Original file: proto/quorumkv/internal/v1/storage.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AppendRequest as _quorumkv_internal_v1_AppendRequest, AppendRequest__Output as _quorumkv_internal_v1_AppendRequest__Output } from '../../../quorumkv/internal/v1/AppendRequest.js';
import type { AppendResponse as _quorumkv_internal_v1_AppendResponse, AppendResponse__Output as _quorumkv_internal_v1_AppendResponse__Output } from '../../../quorumkv/internal/v1/AppendResponse.js';
import type { CompactRequest as _quorumkv_internal_v1_CompactRequest, CompactRequest__Output as _quorumkv_internal_v1_CompactRequest__Output } from '../../../quorumkv/internal/v1/CompactRequest.js';
import type { CompactResponse as _quorumkv_internal_v1_CompactResponse, CompactResponse__Output as _quorumkv_internal_v1_CompactResponse__Output } from '../../../quorumkv/internal/v1/CompactResponse.js';
import type { HashKVRequest as _quorumkv_internal_v1_HashKVRequest, HashKVRequest__Output as _quorumkv_internal_v1_HashKVRequest__Output } from '../../../quorumkv/internal/v1/HashKVRequest.js';
import type { HashKVResponse as _quorumkv_internal_v1_HashKVResponse, HashKVResponse__Output as _quorumkv_internal_v1_HashKVResponse__Output } from '../../../quorumkv/internal/v1/HashKVResponse.js';
import type { LeaseKeepAliveRequest as _quorumkv_v1_LeaseKeepAliveRequest, LeaseKeepAliveRequest__Output as _quorumkv_v1_LeaseKeepAliveRequest__Output } from '../../../quorumkv/v1/LeaseKeepAliveRequest.js';
import type { LeaseKeepAliveResponse as _quorumkv_v1_LeaseKeepAliveResponse, LeaseKeepAliveResponse__Output as _quorumkv_v1_LeaseKeepAliveResponse__Output } from '../../../quorumkv/v1/LeaseKeepAliveResponse.js';
import type { LeaseLeasesRequest as _quorumkv_v1_LeaseLeasesRequest, LeaseLeasesRequest__Output as _quorumkv_v1_LeaseLeasesRequest__Output } from '../../../quorumkv/v1/LeaseLeasesRequest.js';
import type { LeaseLeasesResponse as _quorumkv_v1_LeaseLeasesResponse, LeaseLeasesResponse__Output as _quorumkv_v1_LeaseLeasesResponse__Output } from '../../../quorumkv/v1/LeaseLeasesResponse.js';
import type { LeaseTimeToLiveRequest as _quorumkv_v1_LeaseTimeToLiveRequest, LeaseTimeToLiveRequest__Output as _quorumkv_v1_LeaseTimeToLiveRequest__Output } from '../../../quorumkv/v1/LeaseTimeToLiveRequest.js';
import type { LeaseTimeToLiveResponse as _quorumkv_v1_LeaseTimeToLiveResponse, LeaseTimeToLiveResponse__Output as _quorumkv_v1_LeaseTimeToLiveResponse__Output } from '../../../quorumkv/v1/LeaseTimeToLiveResponse.js';
import type { ListNodesRequest as _quorumkv_internal_v1_ListNodesRequest, ListNodesRequest__Output as _quorumkv_internal_v1_ListNodesRequest__Output } from '../../../quorumkv/internal/v1/ListNodesRequest.js';
import type { MemberListRequest as _quorumkv_v1_MemberListRequest, MemberListRequest__Output as _quorumkv_v1_MemberListRequest__Output } from '../../../quorumkv/v1/MemberListRequest.js';
import type { MemberListResponse as _quorumkv_v1_MemberListResponse, MemberListResponse__Output as _quorumkv_v1_MemberListResponse__Output } from '../../../quorumkv/v1/MemberListResponse.js';
import type { MemberStatus as _quorumkv_v1_MemberStatus, MemberStatus__Output as _quorumkv_v1_MemberStatus__Output } from '../../../quorumkv/v1/MemberStatus.js';
import type { MembershipChange as _quorumkv_internal_v1_MembershipChange, MembershipChange__Output as _quorumkv_internal_v1_MembershipChange__Output } from '../../../quorumkv/internal/v1/MembershipChange.js';
import type { NodeInfo as _quorumkv_internal_v1_NodeInfo, NodeInfo__Output as _quorumkv_internal_v1_NodeInfo__Output } from '../../../quorumkv/internal/v1/NodeInfo.js';
import type { NodeList as _quorumkv_internal_v1_NodeList, NodeList__Output as _quorumkv_internal_v1_NodeList__Output } from '../../../quorumkv/internal/v1/NodeList.js';
import type { RangeRequest as _quorumkv_v1_RangeRequest, RangeRequest__Output as _quorumkv_v1_RangeRequest__Output } from '../../../quorumkv/v1/RangeRequest.js';
import type { RangeResponse as _quorumkv_v1_RangeResponse, RangeResponse__Output as _quorumkv_v1_RangeResponse__Output } from '../../../quorumkv/v1/RangeResponse.js';
import type { RegisterNodeResponse as _quorumkv_internal_v1_RegisterNodeResponse, RegisterNodeResponse__Output as _quorumkv_internal_v1_RegisterNodeResponse__Output } from '../../../quorumkv/internal/v1/RegisterNodeResponse.js';
import type { StatusRequest as _quorumkv_v1_StatusRequest, StatusRequest__Output as _quorumkv_v1_StatusRequest__Output } from '../../../quorumkv/v1/StatusRequest.js';
import type { WatchRequest as _quorumkv_v1_WatchRequest, WatchRequest__Output as _quorumkv_v1_WatchRequest__Output } from '../../../quorumkv/v1/WatchRequest.js';
import type { WatchResponse as _quorumkv_v1_WatchResponse, WatchResponse__Output as _quorumkv_v1_WatchResponse__Output } from '../../../quorumkv/v1/WatchResponse.js';

export interface StorageClient extends grpc.Client {
  /**
   * Append commits a batch of transactions as one log entry, waits until this member has applied
   * it, and returns each transaction's own outcome, in order.
   */
  Append(argument: _quorumkv_internal_v1_AppendRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_internal_v1_AppendResponse__Output>): grpc.ClientUnaryCall;
  Append(argument: _quorumkv_internal_v1_AppendRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_quorumkv_internal_v1_AppendResponse__Output>): grpc.ClientUnaryCall;
  Append(argument: _quorumkv_internal_v1_AppendRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_internal_v1_AppendResponse__Output>): grpc.ClientUnaryCall;
  Append(argument: _quorumkv_internal_v1_AppendRequest, callback: grpc.requestCallback<_quorumkv_internal_v1_AppendResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Append commits a batch of transactions as one log entry, waits until this member has applied
   * it, and returns each transaction's own outcome, in order.
   */
  append(argument: _quorumkv_internal_v1_AppendRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_internal_v1_AppendResponse__Output>): grpc.ClientUnaryCall;
  append(argument: _quorumkv_internal_v1_AppendRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_quorumkv_internal_v1_AppendResponse__Output>): grpc.ClientUnaryCall;
  append(argument: _quorumkv_internal_v1_AppendRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_internal_v1_AppendResponse__Output>): grpc.ClientUnaryCall;
  append(argument: _quorumkv_internal_v1_AppendRequest, callback: grpc.requestCallback<_quorumkv_internal_v1_AppendResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * ChangeMembers proposes one membership change and answers once it is applied (leader only).
   */
  ChangeMembers(argument: _quorumkv_internal_v1_MembershipChange, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_MemberListResponse__Output>): grpc.ClientUnaryCall;
  ChangeMembers(argument: _quorumkv_internal_v1_MembershipChange, metadata: grpc.Metadata, callback: grpc.requestCallback<_quorumkv_v1_MemberListResponse__Output>): grpc.ClientUnaryCall;
  ChangeMembers(argument: _quorumkv_internal_v1_MembershipChange, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_MemberListResponse__Output>): grpc.ClientUnaryCall;
  ChangeMembers(argument: _quorumkv_internal_v1_MembershipChange, callback: grpc.requestCallback<_quorumkv_v1_MemberListResponse__Output>): grpc.ClientUnaryCall;
  /**
   * ChangeMembers proposes one membership change and answers once it is applied (leader only).
   */
  changeMembers(argument: _quorumkv_internal_v1_MembershipChange, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_MemberListResponse__Output>): grpc.ClientUnaryCall;
  changeMembers(argument: _quorumkv_internal_v1_MembershipChange, metadata: grpc.Metadata, callback: grpc.requestCallback<_quorumkv_v1_MemberListResponse__Output>): grpc.ClientUnaryCall;
  changeMembers(argument: _quorumkv_internal_v1_MembershipChange, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_MemberListResponse__Output>): grpc.ClientUnaryCall;
  changeMembers(argument: _quorumkv_internal_v1_MembershipChange, callback: grpc.requestCallback<_quorumkv_v1_MemberListResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Compact commits a compaction entry (history below the revision is discarded on every member
   * at that log index) and answers once this member has applied it.
   */
  Compact(argument: _quorumkv_internal_v1_CompactRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_internal_v1_CompactResponse__Output>): grpc.ClientUnaryCall;
  Compact(argument: _quorumkv_internal_v1_CompactRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_quorumkv_internal_v1_CompactResponse__Output>): grpc.ClientUnaryCall;
  Compact(argument: _quorumkv_internal_v1_CompactRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_internal_v1_CompactResponse__Output>): grpc.ClientUnaryCall;
  Compact(argument: _quorumkv_internal_v1_CompactRequest, callback: grpc.requestCallback<_quorumkv_internal_v1_CompactResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Compact commits a compaction entry (history below the revision is discarded on every member
   * at that log index) and answers once this member has applied it.
   */
  compact(argument: _quorumkv_internal_v1_CompactRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_internal_v1_CompactResponse__Output>): grpc.ClientUnaryCall;
  compact(argument: _quorumkv_internal_v1_CompactRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_quorumkv_internal_v1_CompactResponse__Output>): grpc.ClientUnaryCall;
  compact(argument: _quorumkv_internal_v1_CompactRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_internal_v1_CompactResponse__Output>): grpc.ClientUnaryCall;
  compact(argument: _quorumkv_internal_v1_CompactRequest, callback: grpc.requestCallback<_quorumkv_internal_v1_CompactResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Describe reports this member's role and progress.
   */
  Describe(argument: _quorumkv_v1_StatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_MemberStatus__Output>): grpc.ClientUnaryCall;
  Describe(argument: _quorumkv_v1_StatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_quorumkv_v1_MemberStatus__Output>): grpc.ClientUnaryCall;
  Describe(argument: _quorumkv_v1_StatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_MemberStatus__Output>): grpc.ClientUnaryCall;
  Describe(argument: _quorumkv_v1_StatusRequest, callback: grpc.requestCallback<_quorumkv_v1_MemberStatus__Output>): grpc.ClientUnaryCall;
  /**
   * Describe reports this member's role and progress.
   */
  describe(argument: _quorumkv_v1_StatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_MemberStatus__Output>): grpc.ClientUnaryCall;
  describe(argument: _quorumkv_v1_StatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_quorumkv_v1_MemberStatus__Output>): grpc.ClientUnaryCall;
  describe(argument: _quorumkv_v1_StatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_MemberStatus__Output>): grpc.ClientUnaryCall;
  describe(argument: _quorumkv_v1_StatusRequest, callback: grpc.requestCallback<_quorumkv_v1_MemberStatus__Output>): grpc.ClientUnaryCall;
  
  /**
   * Follow streams the changes applied here from a revision on, filtered to a key range, with
   * progress notifications; this is what watches and reader nodes are built on.
   */
  Follow(argument: _quorumkv_v1_WatchRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_quorumkv_v1_WatchResponse__Output>;
  Follow(argument: _quorumkv_v1_WatchRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_quorumkv_v1_WatchResponse__Output>;
  /**
   * Follow streams the changes applied here from a revision on, filtered to a key range, with
   * progress notifications; this is what watches and reader nodes are built on.
   */
  follow(argument: _quorumkv_v1_WatchRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_quorumkv_v1_WatchResponse__Output>;
  follow(argument: _quorumkv_v1_WatchRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_quorumkv_v1_WatchResponse__Output>;
  
  /**
   * HashKV hashes this member's applied state as of a revision, to compare replicas (etcd's HashKV).
   */
  HashKV(argument: _quorumkv_internal_v1_HashKVRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_internal_v1_HashKVResponse__Output>): grpc.ClientUnaryCall;
  HashKV(argument: _quorumkv_internal_v1_HashKVRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_quorumkv_internal_v1_HashKVResponse__Output>): grpc.ClientUnaryCall;
  HashKV(argument: _quorumkv_internal_v1_HashKVRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_internal_v1_HashKVResponse__Output>): grpc.ClientUnaryCall;
  HashKV(argument: _quorumkv_internal_v1_HashKVRequest, callback: grpc.requestCallback<_quorumkv_internal_v1_HashKVResponse__Output>): grpc.ClientUnaryCall;
  /**
   * HashKV hashes this member's applied state as of a revision, to compare replicas (etcd's HashKV).
   */
  hashKv(argument: _quorumkv_internal_v1_HashKVRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_internal_v1_HashKVResponse__Output>): grpc.ClientUnaryCall;
  hashKv(argument: _quorumkv_internal_v1_HashKVRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_quorumkv_internal_v1_HashKVResponse__Output>): grpc.ClientUnaryCall;
  hashKv(argument: _quorumkv_internal_v1_HashKVRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_internal_v1_HashKVResponse__Output>): grpc.ClientUnaryCall;
  hashKv(argument: _quorumkv_internal_v1_HashKVRequest, callback: grpc.requestCallback<_quorumkv_internal_v1_HashKVResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * LeaseList lists the leases of the leader's applied state.
   */
  LeaseList(argument: _quorumkv_v1_LeaseLeasesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_LeaseLeasesResponse__Output>): grpc.ClientUnaryCall;
  LeaseList(argument: _quorumkv_v1_LeaseLeasesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_quorumkv_v1_LeaseLeasesResponse__Output>): grpc.ClientUnaryCall;
  LeaseList(argument: _quorumkv_v1_LeaseLeasesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_LeaseLeasesResponse__Output>): grpc.ClientUnaryCall;
  LeaseList(argument: _quorumkv_v1_LeaseLeasesRequest, callback: grpc.requestCallback<_quorumkv_v1_LeaseLeasesResponse__Output>): grpc.ClientUnaryCall;
  /**
   * LeaseList lists the leases of the leader's applied state.
   */
  leaseList(argument: _quorumkv_v1_LeaseLeasesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_LeaseLeasesResponse__Output>): grpc.ClientUnaryCall;
  leaseList(argument: _quorumkv_v1_LeaseLeasesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_quorumkv_v1_LeaseLeasesResponse__Output>): grpc.ClientUnaryCall;
  leaseList(argument: _quorumkv_v1_LeaseLeasesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_LeaseLeasesResponse__Output>): grpc.ClientUnaryCall;
  leaseList(argument: _quorumkv_v1_LeaseLeasesRequest, callback: grpc.requestCallback<_quorumkv_v1_LeaseLeasesResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * LeaseRenew restarts a lease's TTL on the leader's clock (off the log); ttl 0: not found.
   */
  LeaseRenew(argument: _quorumkv_v1_LeaseKeepAliveRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_LeaseKeepAliveResponse__Output>): grpc.ClientUnaryCall;
  LeaseRenew(argument: _quorumkv_v1_LeaseKeepAliveRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_quorumkv_v1_LeaseKeepAliveResponse__Output>): grpc.ClientUnaryCall;
  LeaseRenew(argument: _quorumkv_v1_LeaseKeepAliveRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_LeaseKeepAliveResponse__Output>): grpc.ClientUnaryCall;
  LeaseRenew(argument: _quorumkv_v1_LeaseKeepAliveRequest, callback: grpc.requestCallback<_quorumkv_v1_LeaseKeepAliveResponse__Output>): grpc.ClientUnaryCall;
  /**
   * LeaseRenew restarts a lease's TTL on the leader's clock (off the log); ttl 0: not found.
   */
  leaseRenew(argument: _quorumkv_v1_LeaseKeepAliveRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_LeaseKeepAliveResponse__Output>): grpc.ClientUnaryCall;
  leaseRenew(argument: _quorumkv_v1_LeaseKeepAliveRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_quorumkv_v1_LeaseKeepAliveResponse__Output>): grpc.ClientUnaryCall;
  leaseRenew(argument: _quorumkv_v1_LeaseKeepAliveRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_LeaseKeepAliveResponse__Output>): grpc.ClientUnaryCall;
  leaseRenew(argument: _quorumkv_v1_LeaseKeepAliveRequest, callback: grpc.requestCallback<_quorumkv_v1_LeaseKeepAliveResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * LeaseTimeToLive answers from the leader, whose clock alone decides expiry.
   */
  LeaseTimeToLive(argument: _quorumkv_v1_LeaseTimeToLiveRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_LeaseTimeToLiveResponse__Output>): grpc.ClientUnaryCall;
  LeaseTimeToLive(argument: _quorumkv_v1_LeaseTimeToLiveRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_quorumkv_v1_LeaseTimeToLiveResponse__Output>): grpc.ClientUnaryCall;
  LeaseTimeToLive(argument: _quorumkv_v1_LeaseTimeToLiveRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_LeaseTimeToLiveResponse__Output>): grpc.ClientUnaryCall;
  LeaseTimeToLive(argument: _quorumkv_v1_LeaseTimeToLiveRequest, callback: grpc.requestCallback<_quorumkv_v1_LeaseTimeToLiveResponse__Output>): grpc.ClientUnaryCall;
  /**
   * LeaseTimeToLive answers from the leader, whose clock alone decides expiry.
   */
  leaseTimeToLive(argument: _quorumkv_v1_LeaseTimeToLiveRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_LeaseTimeToLiveResponse__Output>): grpc.ClientUnaryCall;
  leaseTimeToLive(argument: _quorumkv_v1_LeaseTimeToLiveRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_quorumkv_v1_LeaseTimeToLiveResponse__Output>): grpc.ClientUnaryCall;
  leaseTimeToLive(argument: _quorumkv_v1_LeaseTimeToLiveRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_LeaseTimeToLiveResponse__Output>): grpc.ClientUnaryCall;
  leaseTimeToLive(argument: _quorumkv_v1_LeaseTimeToLiveRequest, callback: grpc.requestCallback<_quorumkv_v1_LeaseTimeToLiveResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * ListNodes returns the compute nodes registered here and not expired.
   */
  ListNodes(argument: _quorumkv_internal_v1_ListNodesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_internal_v1_NodeList__Output>): grpc.ClientUnaryCall;
  ListNodes(argument: _quorumkv_internal_v1_ListNodesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_quorumkv_internal_v1_NodeList__Output>): grpc.ClientUnaryCall;
  ListNodes(argument: _quorumkv_internal_v1_ListNodesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_internal_v1_NodeList__Output>): grpc.ClientUnaryCall;
  ListNodes(argument: _quorumkv_internal_v1_ListNodesRequest, callback: grpc.requestCallback<_quorumkv_internal_v1_NodeList__Output>): grpc.ClientUnaryCall;
  /**
   * ListNodes returns the compute nodes registered here and not expired.
   */
  listNodes(argument: _quorumkv_internal_v1_ListNodesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_internal_v1_NodeList__Output>): grpc.ClientUnaryCall;
  listNodes(argument: _quorumkv_internal_v1_ListNodesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_quorumkv_internal_v1_NodeList__Output>): grpc.ClientUnaryCall;
  listNodes(argument: _quorumkv_internal_v1_ListNodesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_internal_v1_NodeList__Output>): grpc.ClientUnaryCall;
  listNodes(argument: _quorumkv_internal_v1_ListNodesRequest, callback: grpc.requestCallback<_quorumkv_internal_v1_NodeList__Output>): grpc.ClientUnaryCall;
  
  /**
   * Members lists the storage tier's configuration (answered by the leader, with progress).
   */
  Members(argument: _quorumkv_v1_MemberListRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_MemberListResponse__Output>): grpc.ClientUnaryCall;
  Members(argument: _quorumkv_v1_MemberListRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_quorumkv_v1_MemberListResponse__Output>): grpc.ClientUnaryCall;
  Members(argument: _quorumkv_v1_MemberListRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_MemberListResponse__Output>): grpc.ClientUnaryCall;
  Members(argument: _quorumkv_v1_MemberListRequest, callback: grpc.requestCallback<_quorumkv_v1_MemberListResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Members lists the storage tier's configuration (answered by the leader, with progress).
   */
  members(argument: _quorumkv_v1_MemberListRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_MemberListResponse__Output>): grpc.ClientUnaryCall;
  members(argument: _quorumkv_v1_MemberListRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_quorumkv_v1_MemberListResponse__Output>): grpc.ClientUnaryCall;
  members(argument: _quorumkv_v1_MemberListRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_MemberListResponse__Output>): grpc.ClientUnaryCall;
  members(argument: _quorumkv_v1_MemberListRequest, callback: grpc.requestCallback<_quorumkv_v1_MemberListResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Read answers a range from this member's applied state; linearizable unless `serializable`.
   */
  Read(argument: _quorumkv_v1_RangeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_RangeResponse__Output>): grpc.ClientUnaryCall;
  Read(argument: _quorumkv_v1_RangeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_quorumkv_v1_RangeResponse__Output>): grpc.ClientUnaryCall;
  Read(argument: _quorumkv_v1_RangeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_RangeResponse__Output>): grpc.ClientUnaryCall;
  Read(argument: _quorumkv_v1_RangeRequest, callback: grpc.requestCallback<_quorumkv_v1_RangeResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Read answers a range from this member's applied state; linearizable unless `serializable`.
   */
  read(argument: _quorumkv_v1_RangeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_RangeResponse__Output>): grpc.ClientUnaryCall;
  read(argument: _quorumkv_v1_RangeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_quorumkv_v1_RangeResponse__Output>): grpc.ClientUnaryCall;
  read(argument: _quorumkv_v1_RangeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_RangeResponse__Output>): grpc.ClientUnaryCall;
  read(argument: _quorumkv_v1_RangeRequest, callback: grpc.requestCallback<_quorumkv_v1_RangeResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * RegisterNode records that a compute node is alive (discovery); entries expire unless renewed.
   */
  RegisterNode(argument: _quorumkv_internal_v1_NodeInfo, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_internal_v1_RegisterNodeResponse__Output>): grpc.ClientUnaryCall;
  RegisterNode(argument: _quorumkv_internal_v1_NodeInfo, metadata: grpc.Metadata, callback: grpc.requestCallback<_quorumkv_internal_v1_RegisterNodeResponse__Output>): grpc.ClientUnaryCall;
  RegisterNode(argument: _quorumkv_internal_v1_NodeInfo, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_internal_v1_RegisterNodeResponse__Output>): grpc.ClientUnaryCall;
  RegisterNode(argument: _quorumkv_internal_v1_NodeInfo, callback: grpc.requestCallback<_quorumkv_internal_v1_RegisterNodeResponse__Output>): grpc.ClientUnaryCall;
  /**
   * RegisterNode records that a compute node is alive (discovery); entries expire unless renewed.
   */
  registerNode(argument: _quorumkv_internal_v1_NodeInfo, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_internal_v1_RegisterNodeResponse__Output>): grpc.ClientUnaryCall;
  registerNode(argument: _quorumkv_internal_v1_NodeInfo, metadata: grpc.Metadata, callback: grpc.requestCallback<_quorumkv_internal_v1_RegisterNodeResponse__Output>): grpc.ClientUnaryCall;
  registerNode(argument: _quorumkv_internal_v1_NodeInfo, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_internal_v1_RegisterNodeResponse__Output>): grpc.ClientUnaryCall;
  registerNode(argument: _quorumkv_internal_v1_NodeInfo, callback: grpc.requestCallback<_quorumkv_internal_v1_RegisterNodeResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface StorageHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Append commits a batch of transactions as one log entry, waits until this member has applied
   * it, and returns each transaction's own outcome, in order.
   */
  Append: grpc.handleUnaryCall<_quorumkv_internal_v1_AppendRequest__Output, _quorumkv_internal_v1_AppendResponse>;
  
  /**
   * ChangeMembers proposes one membership change and answers once it is applied (leader only).
   */
  ChangeMembers: grpc.handleUnaryCall<_quorumkv_internal_v1_MembershipChange__Output, _quorumkv_v1_MemberListResponse>;
  
  /**
   * Compact commits a compaction entry (history below the revision is discarded on every member
   * at that log index) and answers once this member has applied it.
   */
  Compact: grpc.handleUnaryCall<_quorumkv_internal_v1_CompactRequest__Output, _quorumkv_internal_v1_CompactResponse>;
  
  /**
   * Describe reports this member's role and progress.
   */
  Describe: grpc.handleUnaryCall<_quorumkv_v1_StatusRequest__Output, _quorumkv_v1_MemberStatus>;
  
  /**
   * Follow streams the changes applied here from a revision on, filtered to a key range, with
   * progress notifications; this is what watches and reader nodes are built on.
   */
  Follow: grpc.handleServerStreamingCall<_quorumkv_v1_WatchRequest__Output, _quorumkv_v1_WatchResponse>;
  
  /**
   * HashKV hashes this member's applied state as of a revision, to compare replicas (etcd's HashKV).
   */
  HashKV: grpc.handleUnaryCall<_quorumkv_internal_v1_HashKVRequest__Output, _quorumkv_internal_v1_HashKVResponse>;
  
  /**
   * LeaseList lists the leases of the leader's applied state.
   */
  LeaseList: grpc.handleUnaryCall<_quorumkv_v1_LeaseLeasesRequest__Output, _quorumkv_v1_LeaseLeasesResponse>;
  
  /**
   * LeaseRenew restarts a lease's TTL on the leader's clock (off the log); ttl 0: not found.
   */
  LeaseRenew: grpc.handleUnaryCall<_quorumkv_v1_LeaseKeepAliveRequest__Output, _quorumkv_v1_LeaseKeepAliveResponse>;
  
  /**
   * LeaseTimeToLive answers from the leader, whose clock alone decides expiry.
   */
  LeaseTimeToLive: grpc.handleUnaryCall<_quorumkv_v1_LeaseTimeToLiveRequest__Output, _quorumkv_v1_LeaseTimeToLiveResponse>;
  
  /**
   * ListNodes returns the compute nodes registered here and not expired.
   */
  ListNodes: grpc.handleUnaryCall<_quorumkv_internal_v1_ListNodesRequest__Output, _quorumkv_internal_v1_NodeList>;
  
  /**
   * Members lists the storage tier's configuration (answered by the leader, with progress).
   */
  Members: grpc.handleUnaryCall<_quorumkv_v1_MemberListRequest__Output, _quorumkv_v1_MemberListResponse>;
  
  /**
   * Read answers a range from this member's applied state; linearizable unless `serializable`.
   */
  Read: grpc.handleUnaryCall<_quorumkv_v1_RangeRequest__Output, _quorumkv_v1_RangeResponse>;
  
  /**
   * RegisterNode records that a compute node is alive (discovery); entries expire unless renewed.
   */
  RegisterNode: grpc.handleUnaryCall<_quorumkv_internal_v1_NodeInfo__Output, _quorumkv_internal_v1_RegisterNodeResponse>;
  
}

export interface StorageDefinition extends grpc.ServiceDefinition {
  Append: MethodDefinition<_quorumkv_internal_v1_AppendRequest, _quorumkv_internal_v1_AppendResponse, _quorumkv_internal_v1_AppendRequest__Output, _quorumkv_internal_v1_AppendResponse__Output>
  ChangeMembers: MethodDefinition<_quorumkv_internal_v1_MembershipChange, _quorumkv_v1_MemberListResponse, _quorumkv_internal_v1_MembershipChange__Output, _quorumkv_v1_MemberListResponse__Output>
  Compact: MethodDefinition<_quorumkv_internal_v1_CompactRequest, _quorumkv_internal_v1_CompactResponse, _quorumkv_internal_v1_CompactRequest__Output, _quorumkv_internal_v1_CompactResponse__Output>
  Describe: MethodDefinition<_quorumkv_v1_StatusRequest, _quorumkv_v1_MemberStatus, _quorumkv_v1_StatusRequest__Output, _quorumkv_v1_MemberStatus__Output>
  Follow: MethodDefinition<_quorumkv_v1_WatchRequest, _quorumkv_v1_WatchResponse, _quorumkv_v1_WatchRequest__Output, _quorumkv_v1_WatchResponse__Output>
  HashKV: MethodDefinition<_quorumkv_internal_v1_HashKVRequest, _quorumkv_internal_v1_HashKVResponse, _quorumkv_internal_v1_HashKVRequest__Output, _quorumkv_internal_v1_HashKVResponse__Output>
  LeaseList: MethodDefinition<_quorumkv_v1_LeaseLeasesRequest, _quorumkv_v1_LeaseLeasesResponse, _quorumkv_v1_LeaseLeasesRequest__Output, _quorumkv_v1_LeaseLeasesResponse__Output>
  LeaseRenew: MethodDefinition<_quorumkv_v1_LeaseKeepAliveRequest, _quorumkv_v1_LeaseKeepAliveResponse, _quorumkv_v1_LeaseKeepAliveRequest__Output, _quorumkv_v1_LeaseKeepAliveResponse__Output>
  LeaseTimeToLive: MethodDefinition<_quorumkv_v1_LeaseTimeToLiveRequest, _quorumkv_v1_LeaseTimeToLiveResponse, _quorumkv_v1_LeaseTimeToLiveRequest__Output, _quorumkv_v1_LeaseTimeToLiveResponse__Output>
  ListNodes: MethodDefinition<_quorumkv_internal_v1_ListNodesRequest, _quorumkv_internal_v1_NodeList, _quorumkv_internal_v1_ListNodesRequest__Output, _quorumkv_internal_v1_NodeList__Output>
  Members: MethodDefinition<_quorumkv_v1_MemberListRequest, _quorumkv_v1_MemberListResponse, _quorumkv_v1_MemberListRequest__Output, _quorumkv_v1_MemberListResponse__Output>
  Read: MethodDefinition<_quorumkv_v1_RangeRequest, _quorumkv_v1_RangeResponse, _quorumkv_v1_RangeRequest__Output, _quorumkv_v1_RangeResponse__Output>
  RegisterNode: MethodDefinition<_quorumkv_internal_v1_NodeInfo, _quorumkv_internal_v1_RegisterNodeResponse, _quorumkv_internal_v1_NodeInfo__Output, _quorumkv_internal_v1_RegisterNodeResponse__Output>
}
