// Original file: proto/quorumkv/internal/v1/raft.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { MessageBatch as _quorumkv_internal_v1_MessageBatch, MessageBatch__Output as _quorumkv_internal_v1_MessageBatch__Output } from '../../../quorumkv/internal/v1/MessageBatch.js';
import type { StepResponse as _quorumkv_internal_v1_StepResponse, StepResponse__Output as _quorumkv_internal_v1_StepResponse__Output } from '../../../quorumkv/internal/v1/StepResponse.js';

export interface RaftClient extends grpc.Client {
  /**
   * StepStream delivers batches of consensus messages from one member to another, in order, over
   * one long-lived stream. Delivery is best-effort; the reply comes only when the stream ends.
   */
  StepStream(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_internal_v1_StepResponse__Output>): grpc.ClientWritableStream<_quorumkv_internal_v1_MessageBatch>;
  StepStream(metadata: grpc.Metadata, callback: grpc.requestCallback<_quorumkv_internal_v1_StepResponse__Output>): grpc.ClientWritableStream<_quorumkv_internal_v1_MessageBatch>;
  StepStream(options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_internal_v1_StepResponse__Output>): grpc.ClientWritableStream<_quorumkv_internal_v1_MessageBatch>;
  StepStream(callback: grpc.requestCallback<_quorumkv_internal_v1_StepResponse__Output>): grpc.ClientWritableStream<_quorumkv_internal_v1_MessageBatch>;
  /**
   * StepStream delivers batches of consensus messages from one member to another, in order, over
   * one long-lived stream. Delivery is best-effort; the reply comes only when the stream ends.
   */
  stepStream(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_internal_v1_StepResponse__Output>): grpc.ClientWritableStream<_quorumkv_internal_v1_MessageBatch>;
  stepStream(metadata: grpc.Metadata, callback: grpc.requestCallback<_quorumkv_internal_v1_StepResponse__Output>): grpc.ClientWritableStream<_quorumkv_internal_v1_MessageBatch>;
  stepStream(options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_internal_v1_StepResponse__Output>): grpc.ClientWritableStream<_quorumkv_internal_v1_MessageBatch>;
  stepStream(callback: grpc.requestCallback<_quorumkv_internal_v1_StepResponse__Output>): grpc.ClientWritableStream<_quorumkv_internal_v1_MessageBatch>;
  
}

export interface RaftHandlers extends grpc.UntypedServiceImplementation {
  /**
   * StepStream delivers batches of consensus messages from one member to another, in order, over
   * one long-lived stream. Delivery is best-effort; the reply comes only when the stream ends.
   */
  StepStream: grpc.handleClientStreamingCall<_quorumkv_internal_v1_MessageBatch__Output, _quorumkv_internal_v1_StepResponse>;
  
}

export interface RaftDefinition extends grpc.ServiceDefinition {
  StepStream: MethodDefinition<_quorumkv_internal_v1_MessageBatch, _quorumkv_internal_v1_StepResponse, _quorumkv_internal_v1_MessageBatch__Output, _quorumkv_internal_v1_StepResponse__Output>
}
