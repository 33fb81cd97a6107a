// Original file: proto/quorumkv/internal/v1/raft.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { MessageBatch as _quorumkv_internal_v1_MessageBatch, MessageBatch__Output as _quorumkv_internal_v1_MessageBatch__Output } from '../../../quorumkv/internal/v1/MessageBatch.js';
import type { StepResponse as _quorumkv_internal_v1_StepResponse, StepResponse__Output as _quorumkv_internal_v1_StepResponse__Output } from '../../../quorumkv/internal/v1/StepResponse.js';

export interface RaftClient extends grpc.Client {
  /**
   * Step delivers a batch of consensus messages from one member to another. Delivery is
   * best-effort; the reply only says the batch was accepted.
   */
  Step(argument: _quorumkv_internal_v1_MessageBatch, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_internal_v1_StepResponse__Output>): grpc.ClientUnaryCall;
  Step(argument: _quorumkv_internal_v1_MessageBatch, metadata: grpc.Metadata, callback: grpc.requestCallback<_quorumkv_internal_v1_StepResponse__Output>): grpc.ClientUnaryCall;
  Step(argument: _quorumkv_internal_v1_MessageBatch, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_internal_v1_StepResponse__Output>): grpc.ClientUnaryCall;
  Step(argument: _quorumkv_internal_v1_MessageBatch, callback: grpc.requestCallback<_quorumkv_internal_v1_StepResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Step delivers a batch of consensus messages from one member to another. Delivery is
   * best-effort; the reply only says the batch was accepted.
   */
  step(argument: _quorumkv_internal_v1_MessageBatch, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_internal_v1_StepResponse__Output>): grpc.ClientUnaryCall;
  step(argument: _quorumkv_internal_v1_MessageBatch, metadata: grpc.Metadata, callback: grpc.requestCallback<_quorumkv_internal_v1_StepResponse__Output>): grpc.ClientUnaryCall;
  step(argument: _quorumkv_internal_v1_MessageBatch, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_internal_v1_StepResponse__Output>): grpc.ClientUnaryCall;
  step(argument: _quorumkv_internal_v1_MessageBatch, callback: grpc.requestCallback<_quorumkv_internal_v1_StepResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface RaftHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Step delivers a batch of consensus messages from one member to another. Delivery is
   * best-effort; the reply only says the batch was accepted.
   */
  Step: grpc.handleUnaryCall<_quorumkv_internal_v1_MessageBatch__Output, _quorumkv_internal_v1_StepResponse>;
  
}

export interface RaftDefinition extends grpc.ServiceDefinition {
  Step: MethodDefinition<_quorumkv_internal_v1_MessageBatch, _quorumkv_internal_v1_StepResponse, _quorumkv_internal_v1_MessageBatch__Output, _quorumkv_internal_v1_StepResponse__Output>
}
