// Original file: proto/quorumkv/v1/kv.proto

import type { RangeRequest as _quorumkv_v1_RangeRequest, RangeRequest__Output as _quorumkv_v1_RangeRequest__Output } from '../../quorumkv/v1/RangeRequest.js';
import type { PutRequest as _quorumkv_v1_PutRequest, PutRequest__Output as _quorumkv_v1_PutRequest__Output } from '../../quorumkv/v1/PutRequest.js';
import type { DeleteRangeRequest as _quorumkv_v1_DeleteRangeRequest, DeleteRangeRequest__Output as _quorumkv_v1_DeleteRangeRequest__Output } from '../../quorumkv/v1/DeleteRangeRequest.js';
import type { AddRequest as _quorumkv_v1_AddRequest, AddRequest__Output as _quorumkv_v1_AddRequest__Output } from '../../quorumkv/v1/AddRequest.js';
import type { LeaseGrantRequest as _quorumkv_v1_LeaseGrantRequest, LeaseGrantRequest__Output as _quorumkv_v1_LeaseGrantRequest__Output } from '../../quorumkv/v1/LeaseGrantRequest.js';
import type { LeaseRevokeRequest as _quorumkv_v1_LeaseRevokeRequest, LeaseRevokeRequest__Output as _quorumkv_v1_LeaseRevokeRequest__Output } from '../../quorumkv/v1/LeaseRevokeRequest.js';

export interface RequestOp {
  'requestRange'?: (_quorumkv_v1_RangeRequest | null);
  'requestPut'?: (_quorumkv_v1_PutRequest | null);
  'requestDeleteRange'?: (_quorumkv_v1_DeleteRangeRequest | null);
  'requestAdd'?: (_quorumkv_v1_AddRequest | null);
  /**
   * Lease grants and revocations are ops too, so they are decided in log order and exactly once.
   */
  'requestLeaseGrant'?: (_quorumkv_v1_LeaseGrantRequest | null);
  'requestLeaseRevoke'?: (_quorumkv_v1_LeaseRevokeRequest | null);
  'request'?: "requestRange"|"requestPut"|"requestDeleteRange"|"requestAdd"|"requestLeaseGrant"|"requestLeaseRevoke";
}

export interface RequestOp__Output {
  'requestRange'?: (_quorumkv_v1_RangeRequest__Output | null);
  'requestPut'?: (_quorumkv_v1_PutRequest__Output | null);
  'requestDeleteRange'?: (_quorumkv_v1_DeleteRangeRequest__Output | null);
  'requestAdd'?: (_quorumkv_v1_AddRequest__Output | null);
  /**
   * Lease grants and revocations are ops too, so they are decided in log order and exactly once.
   */
  'requestLeaseGrant'?: (_quorumkv_v1_LeaseGrantRequest__Output | null);
  'requestLeaseRevoke'?: (_quorumkv_v1_LeaseRevokeRequest__Output | null);
  'request'?: "requestRange"|"requestPut"|"requestDeleteRange"|"requestAdd"|"requestLeaseGrant"|"requestLeaseRevoke";
}
