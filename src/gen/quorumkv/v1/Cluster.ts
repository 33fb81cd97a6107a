// Original file: proto/quorumkv/v1/kv.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { StatusRequest as _quorumkv_v1_StatusRequest, StatusRequest__Output as _quorumkv_v1_StatusRequest__Output } from '../../quorumkv/v1/StatusRequest.js';
import type { StatusResponse as _quorumkv_v1_StatusResponse, StatusResponse__Output as _quorumkv_v1_StatusResponse__Output } from '../../quorumkv/v1/StatusResponse.js';

/**
 * Cluster describes the processes that make up the cluster.
 */
export interface ClusterClient extends grpc.Client {
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
  Status: grpc.handleUnaryCall<_quorumkv_v1_StatusRequest__Output, _quorumkv_v1_StatusResponse>;
  
}

export interface ClusterDefinition extends grpc.ServiceDefinition {
  Status: MethodDefinition<_quorumkv_v1_StatusRequest, _quorumkv_v1_StatusResponse, _quorumkv_v1_StatusRequest__Output, _quorumkv_v1_StatusResponse__Output>
}
