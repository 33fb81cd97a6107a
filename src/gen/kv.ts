import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { AddRequest as _quorumkv_v1_AddRequest, AddRequest__Output as _quorumkv_v1_AddRequest__Output } from './quorumkv/v1/AddRequest.js';
import type { AddResponse as _quorumkv_v1_AddResponse, AddResponse__Output as _quorumkv_v1_AddResponse__Output } from './quorumkv/v1/AddResponse.js';
import type { ClusterClient as _quorumkv_v1_ClusterClient, ClusterDefinition as _quorumkv_v1_ClusterDefinition } from './quorumkv/v1/Cluster.js';
import type { Compare as _quorumkv_v1_Compare, Compare__Output as _quorumkv_v1_Compare__Output } from './quorumkv/v1/Compare.js';
import type { DeleteRangeRequest as _quorumkv_v1_DeleteRangeRequest, DeleteRangeRequest__Output as _quorumkv_v1_DeleteRangeRequest__Output } from './quorumkv/v1/DeleteRangeRequest.js';
import type { DeleteRangeResponse as _quorumkv_v1_DeleteRangeResponse, DeleteRangeResponse__Output as _quorumkv_v1_DeleteRangeResponse__Output } from './quorumkv/v1/DeleteRangeResponse.js';
import type { Event as _quorumkv_v1_Event, Event__Output as _quorumkv_v1_Event__Output } from './quorumkv/v1/Event.js';
import type { KVClient as _quorumkv_v1_KVClient, KVDefinition as _quorumkv_v1_KVDefinition } from './quorumkv/v1/KV.js';
import type { KeyRange as _quorumkv_v1_KeyRange, KeyRange__Output as _quorumkv_v1_KeyRange__Output } from './quorumkv/v1/KeyRange.js';
import type { KeyValue as _quorumkv_v1_KeyValue, KeyValue__Output as _quorumkv_v1_KeyValue__Output } from './quorumkv/v1/KeyValue.js';
import type { LeaseClient as _quorumkv_v1_LeaseClient, LeaseDefinition as _quorumkv_v1_LeaseDefinition } from './quorumkv/v1/Lease.js';
import type { LeaseGrantRequest as _quorumkv_v1_LeaseGrantRequest, LeaseGrantRequest__Output as _quorumkv_v1_LeaseGrantRequest__Output } from './quorumkv/v1/LeaseGrantRequest.js';
import type { LeaseGrantResponse as _quorumkv_v1_LeaseGrantResponse, LeaseGrantResponse__Output as _quorumkv_v1_LeaseGrantResponse__Output } from './quorumkv/v1/LeaseGrantResponse.js';
import type { LeaseKeepAliveRequest as _quorumkv_v1_LeaseKeepAliveRequest, LeaseKeepAliveRequest__Output as _quorumkv_v1_LeaseKeepAliveRequest__Output } from './quorumkv/v1/LeaseKeepAliveRequest.js';
import type { LeaseKeepAliveResponse as _quorumkv_v1_LeaseKeepAliveResponse, LeaseKeepAliveResponse__Output as _quorumkv_v1_LeaseKeepAliveResponse__Output } from './quorumkv/v1/LeaseKeepAliveResponse.js';
import type { LeaseLeasesRequest as _quorumkv_v1_LeaseLeasesRequest, LeaseLeasesRequest__Output as _quorumkv_v1_LeaseLeasesRequest__Output } from './quorumkv/v1/LeaseLeasesRequest.js';
import type { LeaseLeasesResponse as _quorumkv_v1_LeaseLeasesResponse, LeaseLeasesResponse__Output as _quorumkv_v1_LeaseLeasesResponse__Output } from './quorumkv/v1/LeaseLeasesResponse.js';
import type { LeaseRevokeRequest as _quorumkv_v1_LeaseRevokeRequest, LeaseRevokeRequest__Output as _quorumkv_v1_LeaseRevokeRequest__Output } from './quorumkv/v1/LeaseRevokeRequest.js';
import type { LeaseRevokeResponse as _quorumkv_v1_LeaseRevokeResponse, LeaseRevokeResponse__Output as _quorumkv_v1_LeaseRevokeResponse__Output } from './quorumkv/v1/LeaseRevokeResponse.js';
import type { LeaseStatus as _quorumkv_v1_LeaseStatus, LeaseStatus__Output as _quorumkv_v1_LeaseStatus__Output } from './quorumkv/v1/LeaseStatus.js';
import type { LeaseTimeToLiveRequest as _quorumkv_v1_LeaseTimeToLiveRequest, LeaseTimeToLiveRequest__Output as _quorumkv_v1_LeaseTimeToLiveRequest__Output } from './quorumkv/v1/LeaseTimeToLiveRequest.js';
import type { LeaseTimeToLiveResponse as _quorumkv_v1_LeaseTimeToLiveResponse, LeaseTimeToLiveResponse__Output as _quorumkv_v1_LeaseTimeToLiveResponse__Output } from './quorumkv/v1/LeaseTimeToLiveResponse.js';
import type { MemberAddRequest as _quorumkv_v1_MemberAddRequest, MemberAddRequest__Output as _quorumkv_v1_MemberAddRequest__Output } from './quorumkv/v1/MemberAddRequest.js';
import type { MemberListRequest as _quorumkv_v1_MemberListRequest, MemberListRequest__Output as _quorumkv_v1_MemberListRequest__Output } from './quorumkv/v1/MemberListRequest.js';
import type { MemberListResponse as _quorumkv_v1_MemberListResponse, MemberListResponse__Output as _quorumkv_v1_MemberListResponse__Output } from './quorumkv/v1/MemberListResponse.js';
import type { MemberPromoteRequest as _quorumkv_v1_MemberPromoteRequest, MemberPromoteRequest__Output as _quorumkv_v1_MemberPromoteRequest__Output } from './quorumkv/v1/MemberPromoteRequest.js';
import type { MemberRemoveRequest as _quorumkv_v1_MemberRemoveRequest, MemberRemoveRequest__Output as _quorumkv_v1_MemberRemoveRequest__Output } from './quorumkv/v1/MemberRemoveRequest.js';
import type { MemberStatus as _quorumkv_v1_MemberStatus, MemberStatus__Output as _quorumkv_v1_MemberStatus__Output } from './quorumkv/v1/MemberStatus.js';
import type { PutRequest as _quorumkv_v1_PutRequest, PutRequest__Output as _quorumkv_v1_PutRequest__Output } from './quorumkv/v1/PutRequest.js';
import type { PutResponse as _quorumkv_v1_PutResponse, PutResponse__Output as _quorumkv_v1_PutResponse__Output } from './quorumkv/v1/PutResponse.js';
import type { RangeRequest as _quorumkv_v1_RangeRequest, RangeRequest__Output as _quorumkv_v1_RangeRequest__Output } from './quorumkv/v1/RangeRequest.js';
import type { RangeResponse as _quorumkv_v1_RangeResponse, RangeResponse__Output as _quorumkv_v1_RangeResponse__Output } from './quorumkv/v1/RangeResponse.js';
import type { RequestOp as _quorumkv_v1_RequestOp, RequestOp__Output as _quorumkv_v1_RequestOp__Output } from './quorumkv/v1/RequestOp.js';
import type { ResponseHeader as _quorumkv_v1_ResponseHeader, ResponseHeader__Output as _quorumkv_v1_ResponseHeader__Output } from './quorumkv/v1/ResponseHeader.js';
import type { ResponseOp as _quorumkv_v1_ResponseOp, ResponseOp__Output as _quorumkv_v1_ResponseOp__Output } from './quorumkv/v1/ResponseOp.js';
import type { StatusRequest as _quorumkv_v1_StatusRequest, StatusRequest__Output as _quorumkv_v1_StatusRequest__Output } from './quorumkv/v1/StatusRequest.js';
import type { StatusResponse as _quorumkv_v1_StatusResponse, StatusResponse__Output as _quorumkv_v1_StatusResponse__Output } from './quorumkv/v1/StatusResponse.js';
import type { StorageMember as _quorumkv_v1_StorageMember, StorageMember__Output as _quorumkv_v1_StorageMember__Output } from './quorumkv/v1/StorageMember.js';
import type { TxnRequest as _quorumkv_v1_TxnRequest, TxnRequest__Output as _quorumkv_v1_TxnRequest__Output } from './quorumkv/v1/TxnRequest.js';
import type { TxnResponse as _quorumkv_v1_TxnResponse, TxnResponse__Output as _quorumkv_v1_TxnResponse__Output } from './quorumkv/v1/TxnResponse.js';
import type { WatchClient as _quorumkv_v1_WatchClient, WatchDefinition as _quorumkv_v1_WatchDefinition } from './quorumkv/v1/Watch.js';
import type { WatchRequest as _quorumkv_v1_WatchRequest, WatchRequest__Output as _quorumkv_v1_WatchRequest__Output } from './quorumkv/v1/WatchRequest.js';
import type { WatchResponse as _quorumkv_v1_WatchResponse, WatchResponse__Output as _quorumkv_v1_WatchResponse__Output } from './quorumkv/v1/WatchResponse.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  quorumkv: {
    v1: {
      AddRequest: MessageTypeDefinition<_quorumkv_v1_AddRequest, _quorumkv_v1_AddRequest__Output>
      AddResponse: MessageTypeDefinition<_quorumkv_v1_AddResponse, _quorumkv_v1_AddResponse__Output>
      /**
       * Cluster describes the processes that make up the cluster.
       */
      Cluster: SubtypeConstructor<typeof grpc.Client, _quorumkv_v1_ClusterClient> & { service: _quorumkv_v1_ClusterDefinition }
      Compare: MessageTypeDefinition<_quorumkv_v1_Compare, _quorumkv_v1_Compare__Output>
      DeleteRangeRequest: MessageTypeDefinition<_quorumkv_v1_DeleteRangeRequest, _quorumkv_v1_DeleteRangeRequest__Output>
      DeleteRangeResponse: MessageTypeDefinition<_quorumkv_v1_DeleteRangeResponse, _quorumkv_v1_DeleteRangeResponse__Output>
      Event: MessageTypeDefinition<_quorumkv_v1_Event, _quorumkv_v1_Event__Output>
      /**
       * KV is served on the cluster endpoint (all calls) by writer nodes, and through the gateway.
       */
      KV: SubtypeConstructor<typeof grpc.Client, _quorumkv_v1_KVClient> & { service: _quorumkv_v1_KVDefinition }
      KeyRange: MessageTypeDefinition<_quorumkv_v1_KeyRange, _quorumkv_v1_KeyRange__Output>
      KeyValue: MessageTypeDefinition<_quorumkv_v1_KeyValue, _quorumkv_v1_KeyValue__Output>
      /**
       * Lease keeps keys alive for a time-to-live: a key put with a lease is deleted when the lease is
       * revoked or expires. Grants, revocations and the keys attached are log entries, decided in log
       * order; expiry is decided by the storage leader's clock and renewals (KeepAlive) stay off the log.
       */
      Lease: SubtypeConstructor<typeof grpc.Client, _quorumkv_v1_LeaseClient> & { service: _quorumkv_v1_LeaseDefinition }
      LeaseGrantRequest: MessageTypeDefinition<_quorumkv_v1_LeaseGrantRequest, _quorumkv_v1_LeaseGrantRequest__Output>
      LeaseGrantResponse: MessageTypeDefinition<_quorumkv_v1_LeaseGrantResponse, _quorumkv_v1_LeaseGrantResponse__Output>
      LeaseKeepAliveRequest: MessageTypeDefinition<_quorumkv_v1_LeaseKeepAliveRequest, _quorumkv_v1_LeaseKeepAliveRequest__Output>
      LeaseKeepAliveResponse: MessageTypeDefinition<_quorumkv_v1_LeaseKeepAliveResponse, _quorumkv_v1_LeaseKeepAliveResponse__Output>
      LeaseLeasesRequest: MessageTypeDefinition<_quorumkv_v1_LeaseLeasesRequest, _quorumkv_v1_LeaseLeasesRequest__Output>
      LeaseLeasesResponse: MessageTypeDefinition<_quorumkv_v1_LeaseLeasesResponse, _quorumkv_v1_LeaseLeasesResponse__Output>
      LeaseRevokeRequest: MessageTypeDefinition<_quorumkv_v1_LeaseRevokeRequest, _quorumkv_v1_LeaseRevokeRequest__Output>
      LeaseRevokeResponse: MessageTypeDefinition<_quorumkv_v1_LeaseRevokeResponse, _quorumkv_v1_LeaseRevokeResponse__Output>
      LeaseStatus: MessageTypeDefinition<_quorumkv_v1_LeaseStatus, _quorumkv_v1_LeaseStatus__Output>
      LeaseTimeToLiveRequest: MessageTypeDefinition<_quorumkv_v1_LeaseTimeToLiveRequest, _quorumkv_v1_LeaseTimeToLiveRequest__Output>
      LeaseTimeToLiveResponse: MessageTypeDefinition<_quorumkv_v1_LeaseTimeToLiveResponse, _quorumkv_v1_LeaseTimeToLiveResponse__Output>
      MemberAddRequest: MessageTypeDefinition<_quorumkv_v1_MemberAddRequest, _quorumkv_v1_MemberAddRequest__Output>
      MemberListRequest: MessageTypeDefinition<_quorumkv_v1_MemberListRequest, _quorumkv_v1_MemberListRequest__Output>
      MemberListResponse: MessageTypeDefinition<_quorumkv_v1_MemberListResponse, _quorumkv_v1_MemberListResponse__Output>
      MemberPromoteRequest: MessageTypeDefinition<_quorumkv_v1_MemberPromoteRequest, _quorumkv_v1_MemberPromoteRequest__Output>
      MemberRemoveRequest: MessageTypeDefinition<_quorumkv_v1_MemberRemoveRequest, _quorumkv_v1_MemberRemoveRequest__Output>
      MemberStatus: MessageTypeDefinition<_quorumkv_v1_MemberStatus, _quorumkv_v1_MemberStatus__Output>
      PutRequest: MessageTypeDefinition<_quorumkv_v1_PutRequest, _quorumkv_v1_PutRequest__Output>
      PutResponse: MessageTypeDefinition<_quorumkv_v1_PutResponse, _quorumkv_v1_PutResponse__Output>
      RangeRequest: MessageTypeDefinition<_quorumkv_v1_RangeRequest, _quorumkv_v1_RangeRequest__Output>
      RangeResponse: MessageTypeDefinition<_quorumkv_v1_RangeResponse, _quorumkv_v1_RangeResponse__Output>
      RequestOp: MessageTypeDefinition<_quorumkv_v1_RequestOp, _quorumkv_v1_RequestOp__Output>
      ResponseHeader: MessageTypeDefinition<_quorumkv_v1_ResponseHeader, _quorumkv_v1_ResponseHeader__Output>
      ResponseOp: MessageTypeDefinition<_quorumkv_v1_ResponseOp, _quorumkv_v1_ResponseOp__Output>
      StatusRequest: MessageTypeDefinition<_quorumkv_v1_StatusRequest, _quorumkv_v1_StatusRequest__Output>
      StatusResponse: MessageTypeDefinition<_quorumkv_v1_StatusResponse, _quorumkv_v1_StatusResponse__Output>
      StorageMember: MessageTypeDefinition<_quorumkv_v1_StorageMember, _quorumkv_v1_StorageMember__Output>
      TxnRequest: MessageTypeDefinition<_quorumkv_v1_TxnRequest, _quorumkv_v1_TxnRequest__Output>
      TxnResponse: MessageTypeDefinition<_quorumkv_v1_TxnResponse, _quorumkv_v1_TxnResponse__Output>
      /**
       * Watch streams changes. Served by writer and reader nodes, and through both gateway endpoints.
       */
      Watch: SubtypeConstructor<typeof grpc.Client, _quorumkv_v1_WatchClient> & { service: _quorumkv_v1_WatchDefinition }
      WatchRequest: MessageTypeDefinition<_quorumkv_v1_WatchRequest, _quorumkv_v1_WatchRequest__Output>
      WatchResponse: MessageTypeDefinition<_quorumkv_v1_WatchResponse, _quorumkv_v1_WatchResponse__Output>
    }
  }
}

