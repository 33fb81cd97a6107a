// Original file: proto/quorumkv/v1/kv.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { MemberAddRequest as _quorumkv_v1_MemberAddRequest, MemberAddRequest__Output as _quorumkv_v1_MemberAddRequest__Output } from '../../quorumkv/v1/MemberAddRequest.js';
import type { MemberListRequest as _quorumkv_v1_MemberListRequest, MemberListRequest__Output as _quorumkv_v1_MemberListRequest__Output } from '../../quorumkv/v1/MemberListRequest.js';
import type { MemberListResponse as _quorumkv_v1_MemberListResponse, MemberListResponse__Output as _quorumkv_v1_MemberListResponse__Output } from '../../quorumkv/v1/MemberListResponse.js';
import type { MemberPromoteRequest as _quorumkv_v1_MemberPromoteRequest, MemberPromoteRequest__Output as _quorumkv_v1_MemberPromoteRequest__Output } from '../../quorumkv/v1/MemberPromoteRequest.js';
import type { MemberRemoveRequest as _quorumkv_v1_MemberRemoveRequest, MemberRemoveRequest__Output as _quorumkv_v1_MemberRemoveRequest__Output } from '../../quorumkv/v1/MemberRemoveRequest.js';
import type { StatusRequest as _quorumkv_v1_StatusRequest, StatusRequest__Output as _quorumkv_v1_StatusRequest__Output } from '../../quorumkv/v1/StatusRequest.js';
import type { StatusResponse as _quorumkv_v1_StatusResponse, StatusResponse__Output as _quorumkv_v1_StatusResponse__Output } from '../../quorumkv/v1/StatusResponse.js';

/**
 * Cluster describes the processes that make up the cluster.
 */
export interface ClusterClient extends grpc.Client {
  /**
   * Adds a storage member as a learner: it receives the log (or a snapshot) but does not vote.
   */
  MemberAdd(argument: _quorumkv_v1_MemberAddRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_MemberListResponse__Output>): grpc.ClientUnaryCall;
  MemberAdd(argument: _quorumkv_v1_MemberAddRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_quorumkv_v1_MemberListResponse__Output>): grpc.ClientUnaryCall;
  MemberAdd(argument: _quorumkv_v1_MemberAddRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_MemberListResponse__Output>): grpc.ClientUnaryCall;
  MemberAdd(argument: _quorumkv_v1_MemberAddRequest, callback: grpc.requestCallback<_quorumkv_v1_MemberListResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Adds a storage member as a learner: it receives the log (or a snapshot) but does not vote.
   */
  memberAdd(argument: _quorumkv_v1_MemberAddRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_MemberListResponse__Output>): grpc.ClientUnaryCall;
  memberAdd(argument: _quorumkv_v1_MemberAddRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_quorumkv_v1_MemberListResponse__Output>): grpc.ClientUnaryCall;
  memberAdd(argument: _quorumkv_v1_MemberAddRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_MemberListResponse__Output>): grpc.ClientUnaryCall;
  memberAdd(argument: _quorumkv_v1_MemberAddRequest, callback: grpc.requestCallback<_quorumkv_v1_MemberListResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * The storage tier's members: voters and learners, with their progress.
   */
  MemberList(argument: _quorumkv_v1_MemberListRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_MemberListResponse__Output>): grpc.ClientUnaryCall;
  MemberList(argument: _quorumkv_v1_MemberListRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_quorumkv_v1_MemberListResponse__Output>): grpc.ClientUnaryCall;
  MemberList(argument: _quorumkv_v1_MemberListRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_MemberListResponse__Output>): grpc.ClientUnaryCall;
  MemberList(argument: _quorumkv_v1_MemberListRequest, callback: grpc.requestCallback<_quorumkv_v1_MemberListResponse__Output>): grpc.ClientUnaryCall;
  /**
   * The storage tier's members: voters and learners, with their progress.
   */
  memberList(argument: _quorumkv_v1_MemberListRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_MemberListResponse__Output>): grpc.ClientUnaryCall;
  memberList(argument: _quorumkv_v1_MemberListRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_quorumkv_v1_MemberListResponse__Output>): grpc.ClientUnaryCall;
  memberList(argument: _quorumkv_v1_MemberListRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_MemberListResponse__Output>): grpc.ClientUnaryCall;
  memberList(argument: _quorumkv_v1_MemberListRequest, callback: grpc.requestCallback<_quorumkv_v1_MemberListResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Makes a caught-up learner a voter.
   */
  MemberPromote(argument: _quorumkv_v1_MemberPromoteRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_MemberListResponse__Output>): grpc.ClientUnaryCall;
  MemberPromote(argument: _quorumkv_v1_MemberPromoteRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_quorumkv_v1_MemberListResponse__Output>): grpc.ClientUnaryCall;
  MemberPromote(argument: _quorumkv_v1_MemberPromoteRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_MemberListResponse__Output>): grpc.ClientUnaryCall;
  MemberPromote(argument: _quorumkv_v1_MemberPromoteRequest, callback: grpc.requestCallback<_quorumkv_v1_MemberListResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Makes a caught-up learner a voter.
   */
  memberPromote(argument: _quorumkv_v1_MemberPromoteRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_MemberListResponse__Output>): grpc.ClientUnaryCall;
  memberPromote(argument: _quorumkv_v1_MemberPromoteRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_quorumkv_v1_MemberListResponse__Output>): grpc.ClientUnaryCall;
  memberPromote(argument: _quorumkv_v1_MemberPromoteRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_MemberListResponse__Output>): grpc.ClientUnaryCall;
  memberPromote(argument: _quorumkv_v1_MemberPromoteRequest, callback: grpc.requestCallback<_quorumkv_v1_MemberListResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Removes a storage member (voter or learner).
   */
  MemberRemove(argument: _quorumkv_v1_MemberRemoveRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_MemberListResponse__Output>): grpc.ClientUnaryCall;
  MemberRemove(argument: _quorumkv_v1_MemberRemoveRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_quorumkv_v1_MemberListResponse__Output>): grpc.ClientUnaryCall;
  MemberRemove(argument: _quorumkv_v1_MemberRemoveRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_MemberListResponse__Output>): grpc.ClientUnaryCall;
  MemberRemove(argument: _quorumkv_v1_MemberRemoveRequest, callback: grpc.requestCallback<_quorumkv_v1_MemberListResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Removes a storage member (voter or learner).
   */
  memberRemove(argument: _quorumkv_v1_MemberRemoveRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_MemberListResponse__Output>): grpc.ClientUnaryCall;
  memberRemove(argument: _quorumkv_v1_MemberRemoveRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_quorumkv_v1_MemberListResponse__Output>): grpc.ClientUnaryCall;
  memberRemove(argument: _quorumkv_v1_MemberRemoveRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_MemberListResponse__Output>): grpc.ClientUnaryCall;
  memberRemove(argument: _quorumkv_v1_MemberRemoveRequest, callback: grpc.requestCallback<_quorumkv_v1_MemberListResponse__Output>): grpc.ClientUnaryCall;
  
  Status(argument: _quorumkv_v1_StatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_StatusResponse__Output>): grpc.ClientUnaryCall;
  Status(argument: _quorumkv_v1_StatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_quorumkv_v1_StatusResponse__Output>): grpc.ClientUnaryCall;
  Status(argument: _quorumkv_v1_StatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_StatusResponse__Output>): grpc.ClientUnaryCall;
  Status(argument: _quorumkv_v1_StatusRequest, callback: grpc.requestCallback<_quorumkv_v1_StatusResponse__Output>): grpc.ClientUnaryCall;
  status(argument: _quorumkv_v1_StatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_StatusResponse__Output>): grpc.ClientUnaryCall;
  status(argument: _quorumkv_v1_StatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_quorumkv_v1_StatusResponse__Output>): grpc.ClientUnaryCall;
  status(argument: _quorumkv_v1_StatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_StatusResponse__Output>): grpc.ClientUnaryCall;
  status(argument: _quorumkv_v1_StatusRequest, callback: grpc.requestCallback<_quorumkv_v1_StatusResponse__Output>): grpc.ClientUnaryCall;
  
}

/**
 * Cluster describes the processes that make up the cluster.
 */
export interface ClusterHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Adds a storage member as a learner: it receives the log (or a snapshot) but does not vote.
   */
  MemberAdd: grpc.handleUnaryCall<_quorumkv_v1_MemberAddRequest__Output, _quorumkv_v1_MemberListResponse>;
  
  /**
   * The storage tier's members: voters and learners, with their progress.
   */
  MemberList: grpc.handleUnaryCall<_quorumkv_v1_MemberListRequest__Output, _quorumkv_v1_MemberListResponse>;
  
  /**
   * Makes a caught-up learner a voter.
   */
  MemberPromote: grpc.handleUnaryCall<_quorumkv_v1_MemberPromoteRequest__Output, _quorumkv_v1_MemberListResponse>;
  
  /**
   * Removes a storage member (voter or learner).
   */
  MemberRemove: grpc.handleUnaryCall<_quorumkv_v1_MemberRemoveRequest__Output, _quorumkv_v1_MemberListResponse>;
  
  Status: grpc.handleUnaryCall<_quorumkv_v1_StatusRequest__Output, _quorumkv_v1_StatusResponse>;
  
}

export interface ClusterDefinition extends grpc.ServiceDefinition {
  MemberAdd: MethodDefinition<_quorumkv_v1_MemberAddRequest, _quorumkv_v1_MemberListResponse, _quorumkv_v1_MemberAddRequest__Output, _quorumkv_v1_MemberListResponse__Output>
  MemberList: MethodDefinition<_quorumkv_v1_MemberListRequest, _quorumkv_v1_MemberListResponse, _quorumkv_v1_MemberListRequest__Output, _quorumkv_v1_MemberListResponse__Output>
  MemberPromote: MethodDefinition<_quorumkv_v1_MemberPromoteRequest, _quorumkv_v1_MemberListResponse, _quorumkv_v1_MemberPromoteRequest__Output, _quorumkv_v1_MemberListResponse__Output>
  MemberRemove: MethodDefinition<_quorumkv_v1_MemberRemoveRequest, _quorumkv_v1_MemberListResponse, _quorumkv_v1_MemberRemoveRequest__Output, _quorumkv_v1_MemberListResponse__Output>
  Status: MethodDefinition<_quorumkv_v1_StatusRequest, _quorumkv_v1_StatusResponse, _quorumkv_v1_StatusRequest__Output, _quorumkv_v1_StatusResponse__Output>
}
