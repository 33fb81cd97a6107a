// Original file: proto/quorumkv/v1/kv.proto

import type { RangeResponse as _quorumkv_v1_RangeResponse, RangeResponse__Output as _quorumkv_v1_RangeResponse__Output } from '../../quorumkv/v1/RangeResponse.js';
import type { PutResponse as _quorumkv_v1_PutResponse, PutResponse__Output as _quorumkv_v1_PutResponse__Output } from '../../quorumkv/v1/PutResponse.js';
import type { DeleteRangeResponse as _quorumkv_v1_DeleteRangeResponse, DeleteRangeResponse__Output as _quorumkv_v1_DeleteRangeResponse__Output } from '../../quorumkv/v1/DeleteRangeResponse.js';
import type { AddResponse as _quorumkv_v1_AddResponse, AddResponse__Output as _quorumkv_v1_AddResponse__Output } from '../../quorumkv/v1/AddResponse.js';
import type { LeaseGrantResponse as _quorumkv_v1_LeaseGrantResponse, LeaseGrantResponse__Output as _quorumkv_v1_LeaseGrantResponse__Output } from '../../quorumkv/v1/LeaseGrantResponse.js';
import type { LeaseRevokeResponse as _quorumkv_v1_LeaseRevokeResponse, LeaseRevokeResponse__Output as _quorumkv_v1_LeaseRevokeResponse__Output } from '../../quorumkv/v1/LeaseRevokeResponse.js';

export interface ResponseOp {
  'responseRange'?: (_quorumkv_v1_RangeResponse | null);
  'responsePut'?: (_quorumkv_v1_PutResponse | null);
  'responseDeleteRange'?: (_quorumkv_v1_DeleteRangeResponse | null);
  'responseAdd'?: (_quorumkv_v1_AddResponse | null);
  'responseLeaseGrant'?: (_quorumkv_v1_LeaseGrantResponse | null);
  'responseLeaseRevoke'?: (_quorumkv_v1_LeaseRevokeResponse | null);
  'response'?: "responseRange"|"responsePut"|"responseDeleteRange"|"responseAdd"|"responseLeaseGrant"|"responseLeaseRevoke";
}

export interface ResponseOp__Output {
  'responseRange'?: (_quorumkv_v1_RangeResponse__Output | null);
  'responsePut'?: (_quorumkv_v1_PutResponse__Output | null);
  'responseDeleteRange'?: (_quorumkv_v1_DeleteRangeResponse__Output | null);
  'responseAdd'?: (_quorumkv_v1_AddResponse__Output | null);
  'responseLeaseGrant'?: (_quorumkv_v1_LeaseGrantResponse__Output | null);
  'responseLeaseRevoke'?: (_quorumkv_v1_LeaseRevokeResponse__Output | null);
  'response'?: "responseRange"|"responsePut"|"responseDeleteRange"|"responseAdd"|"responseLeaseGrant"|"responseLeaseRevoke";
}
