// Original file: proto/quorumkv/v1/kv.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { WatchRequest as _quorumkv_v1_WatchRequest, WatchRequest__Output as _quorumkv_v1_WatchRequest__Output } from '../../quorumkv/v1/WatchRequest.js';
import type { WatchResponse as _quorumkv_v1_WatchResponse, WatchResponse__Output as _quorumkv_v1_WatchResponse__Output } from '../../quorumkv/v1/WatchResponse.js';

/**
 * Watch streams changes. Served by writer and reader nodes, and through both gateway endpoints.
 */
export interface WatchClient extends grpc.Client {
  /**
   * Watch sends every change to a key or range from start_revision on, in revision order. To
   * resume after a broken stream, watch again from the last revision received plus one.
   */
  Watch(argument: _quorumkv_v1_WatchRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_quorumkv_v1_WatchResponse__Output>;
  Watch(argument: _quorumkv_v1_WatchRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_quorumkv_v1_WatchResponse__Output>;
  /**
   * Watch sends every change to a key or range from start_revision on, in revision order. To
   * resume after a broken stream, watch again from the last revision received plus one.
   */
  watch(argument: _quorumkv_v1_WatchRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_quorumkv_v1_WatchResponse__Output>;
  watch(argument: _quorumkv_v1_WatchRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_quorumkv_v1_WatchResponse__Output>;
  
}

/**
 * Watch streams changes. Served by writer and reader nodes, and through both gateway endpoints.
 */
export interface WatchHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Watch sends every change to a key or range from start_revision on, in revision order. To
   * resume after a broken stream, watch again from the last revision received plus one.
   */
  Watch: grpc.handleServerStreamingCall<_quorumkv_v1_WatchRequest__Output, _quorumkv_v1_WatchResponse>;
  
}

export interface WatchDefinition extends grpc.ServiceDefinition {
  Watch: MethodDefinition<_quorumkv_v1_WatchRequest, _quorumkv_v1_WatchResponse, _quorumkv_v1_WatchRequest__Output, _quorumkv_v1_WatchResponse__Output>
}
