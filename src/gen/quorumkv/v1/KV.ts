// Original file: proto/quorumkv/v1/kv.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { DeleteRangeRequest as _quorumkv_v1_DeleteRangeRequest, DeleteRangeRequest__Output as _quorumkv_v1_DeleteRangeRequest__Output } from '../../quorumkv/v1/DeleteRangeRequest.js';
import type { DeleteRangeResponse as _quorumkv_v1_DeleteRangeResponse, DeleteRangeResponse__Output as _quorumkv_v1_DeleteRangeResponse__Output } from '../../quorumkv/v1/DeleteRangeResponse.js';
import type { PutRequest as _quorumkv_v1_PutRequest, PutRequest__Output as _quorumkv_v1_PutRequest__Output } from '../../quorumkv/v1/PutRequest.js';
import type { PutResponse as _quorumkv_v1_PutResponse, PutResponse__Output as _quorumkv_v1_PutResponse__Output } from '../../quorumkv/v1/PutResponse.js';
import type { RangeRequest as _quorumkv_v1_RangeRequest, RangeRequest__Output as _quorumkv_v1_RangeRequest__Output } from '../../quorumkv/v1/RangeRequest.js';
import type { RangeResponse as _quorumkv_v1_RangeResponse, RangeResponse__Output as _quorumkv_v1_RangeResponse__Output } from '../../quorumkv/v1/RangeResponse.js';
import type { TxnRequest as _quorumkv_v1_TxnRequest, TxnRequest__Output as _quorumkv_v1_TxnRequest__Output } from '../../quorumkv/v1/TxnRequest.js';
import type { TxnResponse as _quorumkv_v1_TxnResponse, TxnResponse__Output as _quorumkv_v1_TxnResponse__Output } from '../../quorumkv/v1/TxnResponse.js';

/**
 * KV is served on the cluster endpoint (all calls) by writer nodes, and through the gateway.
 */
export interface KVClient extends grpc.Client {
  /**
   * DeleteRange deletes one key or the keys in [key, range_end).
   */
  DeleteRange(argument: _quorumkv_v1_DeleteRangeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_DeleteRangeResponse__Output>): grpc.ClientUnaryCall;
  DeleteRange(argument: _quorumkv_v1_DeleteRangeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_quorumkv_v1_DeleteRangeResponse__Output>): grpc.ClientUnaryCall;
  DeleteRange(argument: _quorumkv_v1_DeleteRangeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_DeleteRangeResponse__Output>): grpc.ClientUnaryCall;
  DeleteRange(argument: _quorumkv_v1_DeleteRangeRequest, callback: grpc.requestCallback<_quorumkv_v1_DeleteRangeResponse__Output>): grpc.ClientUnaryCall;
  /**
   * DeleteRange deletes one key or the keys in [key, range_end).
   */
  deleteRange(argument: _quorumkv_v1_DeleteRangeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_DeleteRangeResponse__Output>): grpc.ClientUnaryCall;
  deleteRange(argument: _quorumkv_v1_DeleteRangeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_quorumkv_v1_DeleteRangeResponse__Output>): grpc.ClientUnaryCall;
  deleteRange(argument: _quorumkv_v1_DeleteRangeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_DeleteRangeResponse__Output>): grpc.ClientUnaryCall;
  deleteRange(argument: _quorumkv_v1_DeleteRangeRequest, callback: grpc.requestCallback<_quorumkv_v1_DeleteRangeResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Put sets a key, creating it if needed. The store revision rises by one.
   */
  Put(argument: _quorumkv_v1_PutRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_PutResponse__Output>): grpc.ClientUnaryCall;
  Put(argument: _quorumkv_v1_PutRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_quorumkv_v1_PutResponse__Output>): grpc.ClientUnaryCall;
  Put(argument: _quorumkv_v1_PutRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_PutResponse__Output>): grpc.ClientUnaryCall;
  Put(argument: _quorumkv_v1_PutRequest, callback: grpc.requestCallback<_quorumkv_v1_PutResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Put sets a key, creating it if needed. The store revision rises by one.
   */
  put(argument: _quorumkv_v1_PutRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_PutResponse__Output>): grpc.ClientUnaryCall;
  put(argument: _quorumkv_v1_PutRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_quorumkv_v1_PutResponse__Output>): grpc.ClientUnaryCall;
  put(argument: _quorumkv_v1_PutRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_PutResponse__Output>): grpc.ClientUnaryCall;
  put(argument: _quorumkv_v1_PutRequest, callback: grpc.requestCallback<_quorumkv_v1_PutResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Range gets one key (range_end empty) or the keys in [key, range_end).
   */
  Range(argument: _quorumkv_v1_RangeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_RangeResponse__Output>): grpc.ClientUnaryCall;
  Range(argument: _quorumkv_v1_RangeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_quorumkv_v1_RangeResponse__Output>): grpc.ClientUnaryCall;
  Range(argument: _quorumkv_v1_RangeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_RangeResponse__Output>): grpc.ClientUnaryCall;
  Range(argument: _quorumkv_v1_RangeRequest, callback: grpc.requestCallback<_quorumkv_v1_RangeResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Range gets one key (range_end empty) or the keys in [key, range_end).
   */
  range(argument: _quorumkv_v1_RangeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_RangeResponse__Output>): grpc.ClientUnaryCall;
  range(argument: _quorumkv_v1_RangeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_quorumkv_v1_RangeResponse__Output>): grpc.ClientUnaryCall;
  range(argument: _quorumkv_v1_RangeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_RangeResponse__Output>): grpc.ClientUnaryCall;
  range(argument: _quorumkv_v1_RangeRequest, callback: grpc.requestCallback<_quorumkv_v1_RangeResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Txn evaluates the compares and applies the success ops if all hold, else the failure ops.
   */
  Txn(argument: _quorumkv_v1_TxnRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_TxnResponse__Output>): grpc.ClientUnaryCall;
  Txn(argument: _quorumkv_v1_TxnRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_quorumkv_v1_TxnResponse__Output>): grpc.ClientUnaryCall;
  Txn(argument: _quorumkv_v1_TxnRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_TxnResponse__Output>): grpc.ClientUnaryCall;
  Txn(argument: _quorumkv_v1_TxnRequest, callback: grpc.requestCallback<_quorumkv_v1_TxnResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Txn evaluates the compares and applies the success ops if all hold, else the failure ops.
   */
  txn(argument: _quorumkv_v1_TxnRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_TxnResponse__Output>): grpc.ClientUnaryCall;
  txn(argument: _quorumkv_v1_TxnRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_quorumkv_v1_TxnResponse__Output>): grpc.ClientUnaryCall;
  txn(argument: _quorumkv_v1_TxnRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_quorumkv_v1_TxnResponse__Output>): grpc.ClientUnaryCall;
  txn(argument: _quorumkv_v1_TxnRequest, callback: grpc.requestCallback<_quorumkv_v1_TxnResponse__Output>): grpc.ClientUnaryCall;
  
}

/**
 * KV is served on the cluster endpoint (all calls) by writer nodes, and through the gateway.
 */
export interface KVHandlers extends grpc.UntypedServiceImplementation {
  /**
   * DeleteRange deletes one key or the keys in [key, range_end).
   */
  DeleteRange: grpc.handleUnaryCall<_quorumkv_v1_DeleteRangeRequest__Output, _quorumkv_v1_DeleteRangeResponse>;
  
  /**
   * Put sets a key, creating it if needed. The store revision rises by one.
   */
  Put: grpc.handleUnaryCall<_quorumkv_v1_PutRequest__Output, _quorumkv_v1_PutResponse>;
  
  /**
   * Range gets one key (range_end empty) or the keys in [key, range_end).
   */
  Range: grpc.handleUnaryCall<_quorumkv_v1_RangeRequest__Output, _quorumkv_v1_RangeResponse>;
  
  /**
   * Txn evaluates the compares and applies the success ops if all hold, else the failure ops.
   */
  Txn: grpc.handleUnaryCall<_quorumkv_v1_TxnRequest__Output, _quorumkv_v1_TxnResponse>;
  
}

export interface KVDefinition extends grpc.ServiceDefinition {
  DeleteRange: MethodDefinition<_quorumkv_v1_DeleteRangeRequest, _quorumkv_v1_DeleteRangeResponse, _quorumkv_v1_DeleteRangeRequest__Output, _quorumkv_v1_DeleteRangeResponse__Output>
  Put: MethodDefinition<_quorumkv_v1_PutRequest, _quorumkv_v1_PutResponse, _quorumkv_v1_PutRequest__Output, _quorumkv_v1_PutResponse__Output>
  Range: MethodDefinition<_quorumkv_v1_RangeRequest, _quorumkv_v1_RangeResponse, _quorumkv_v1_RangeRequest__Output, _quorumkv_v1_RangeResponse__Output>
  Txn: MethodDefinition<_quorumkv_v1_TxnRequest, _quorumkv_v1_TxnResponse, _quorumkv_v1_TxnRequest__Output, _quorumkv_v1_TxnResponse__Output>
}
