// Original file: proto/quorumkv/v1/kv.proto

import type { RangeResponse as _quorumkv_v1_RangeResponse, RangeResponse__Output as _quorumkv_v1_RangeResponse__Output } from '../../quorumkv/v1/RangeResponse.js';
import type { PutResponse as _quorumkv_v1_PutResponse, PutResponse__Output as _quorumkv_v1_PutResponse__Output } from '../../quorumkv/v1/PutResponse.js';
import type { DeleteRangeResponse as _quorumkv_v1_DeleteRangeResponse, DeleteRangeResponse__Output as _quorumkv_v1_DeleteRangeResponse__Output } from '../../quorumkv/v1/DeleteRangeResponse.js';
import type { AddResponse as _quorumkv_v1_AddResponse, AddResponse__Output as _quorumkv_v1_AddResponse__Output } from '../../quorumkv/v1/AddResponse.js';

export interface ResponseOp {
  'responseRange'?: (_quorumkv_v1_RangeResponse | null);
  'responsePut'?: (_quorumkv_v1_PutResponse | null);
  'responseDeleteRange'?: (_quorumkv_v1_DeleteRangeResponse | null);
  'responseAdd'?: (_quorumkv_v1_AddResponse | null);
  'response'?: "responseRange"|"responsePut"|"responseDeleteRange"|"responseAdd";
}

export interface ResponseOp__Output {
  'responseRange'?: (_quorumkv_v1_RangeResponse__Output | null);
  'responsePut'?: (_quorumkv_v1_PutResponse__Output | null);
  'responseDeleteRange'?: (_quorumkv_v1_DeleteRangeResponse__Output | null);
  'responseAdd'?: (_quorumkv_v1_AddResponse__Output | null);
  'response'?: "responseRange"|"responsePut"|"responseDeleteRange"|"responseAdd";
}
