// Original file: proto/quorumkv/internal/v1/raft.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { InstallSnapshotResponse as _quorumkv_internal_v1_InstallSnapshotResponse, InstallSnapshotResponse__Output as _quorumkv_internal_v1_InstallSnapshotResponse__Output } from '../../../quorumkv/internal/v1/InstallSnapshotResponse.js';
import type { MessageBatch as _quorumkv_internal_v1_MessageBatch, MessageBatch__Output as _quorumkv_internal_v1_MessageBatch__Output } from '../../../quorumkv/internal/v1/MessageBatch.js';
import type { SnapshotChunk as _quorumkv_internal_v1_SnapshotChunk, SnapshotChunk__Output as _quorumkv_internal_v1_SnapshotChunk__Output } from '../../../quorumkv/internal/v1/SnapshotChunk.js';
import type { StepResponse as _quorumkv_internal_v1_StepResponse, StepResponse__Output as _quorumkv_internal_v1_StepResponse__Output } from '../../../quorumkv/internal/v1/StepResponse.js';

export interface RaftClient extends grpc.Client {
  /**
   * InstallSnapshot streams a leader's applied state to a follower that is behind the leader's
   * compacted log: the first chunk carries the snapshot message, the rest the state's key-value
   * pairs in order. The reply says whether the follower installed it.
   */
  InstallSnapshot(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_internal_v1_InstallSnapshotResponse__Output>): grpc.ClientWritableStream<_quorumkv_internal_v1_SnapshotChunk>;
  InstallSnapshot(metadata: grpc.Metadata, callback: grpc.requestCallback<_quorumkv_internal_v1_InstallSnapshotResponse__Output>): grpc.ClientWritableStream<_quorumkv_internal_v1_SnapshotChunk>;
  InstallSnapshot(options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_internal_v1_InstallSnapshotResponse__Output>): grpc.ClientWritableStream<_quorumkv_internal_v1_SnapshotChunk>;
  InstallSnapshot(callback: grpc.requestCallback<_quorumkv_internal_v1_InstallSnapshotResponse__Output>): grpc.ClientWritableStream<_quorumkv_internal_v1_SnapshotChunk>;
  /**
   * InstallSnapshot streams a leader's applied state to a follower that is behind the leader's
   * compacted log: the first chunk carries the snapshot message, the rest the state's key-value
   * pairs in order. The reply says whether the follower installed it.
   */
  installSnapshot(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_internal_v1_InstallSnapshotResponse__Output>): grpc.ClientWritableStream<_quorumkv_internal_v1_SnapshotChunk>;
  installSnapshot(metadata: grpc.Metadata, callback: grpc.requestCallback<_quorumkv_internal_v1_InstallSnapshotResponse__Output>): grpc.ClientWritableStream<_quorumkv_internal_v1_SnapshotChunk>;
  installSnapshot(options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_internal_v1_InstallSnapshotResponse__Output>): grpc.ClientWritableStream<_quorumkv_internal_v1_SnapshotChunk>;
  installSnapshot(callback: grpc.requestCallback<_quorumkv_internal_v1_InstallSnapshotResponse__Output>): grpc.ClientWritableStream<_quorumkv_internal_v1_SnapshotChunk>;
  
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
   * InstallSnapshot streams a leader's applied state to a follower that is behind the leader's
   * compacted log: the first chunk carries the snapshot message, the rest the state's key-value
   * pairs in order. The reply says whether the follower installed it.
   */
  InstallSnapshot: grpc.handleClientStreamingCall<_quorumkv_internal_v1_SnapshotChunk__Output, _quorumkv_internal_v1_InstallSnapshotResponse>;
  
  /**
   * StepStream delivers batches of consensus messages from one member to another, in order, over
   * one long-lived stream. Delivery is best-effort; the reply comes only when the stream ends.
   */
  StepStream: grpc.handleClientStreamingCall<_quorumkv_internal_v1_MessageBatch__Output, _quorumkv_internal_v1_StepResponse>;
  
}

export interface RaftDefinition extends grpc.ServiceDefinition {
  InstallSnapshot: MethodDefinition<_quorumkv_internal_v1_SnapshotChunk, _quorumkv_internal_v1_InstallSnapshotResponse, _quorumkv_internal_v1_SnapshotChunk__Output, _quorumkv_internal_v1_InstallSnapshotResponse__Output>
  StepStream: MethodDefinition<_quorumkv_internal_v1_MessageBatch, _quorumkv_internal_v1_StepResponse, _quorumkv_internal_v1_MessageBatch__Output, _quorumkv_internal_v1_StepResponse__Output>
}
