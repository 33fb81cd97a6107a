import type { MemberAddRequest__Output } from '../gen/quorumkv/v1/MemberAddRequest.js';
import type { MemberListRequest__Output } from '../gen/quorumkv/v1/MemberListRequest.js';
import type { MemberListResponse, MemberListResponse__Output } from '../gen/quorumkv/v1/MemberListResponse.js';
import type { MemberPromoteRequest__Output } from '../gen/quorumkv/v1/MemberPromoteRequest.js';
import type { MemberRemoveRequest__Output } from '../gen/quorumkv/v1/MemberRemoveRequest.js';
import type { RpcServer } from './server.js';

/** Where membership calls go: a node asks the storage leader; a gateway asks a node. */
export interface MembershipBackend {
  list(): Promise<MemberListResponse__Output>;
  change(type: 'add-learner' | 'promote-learner' | 'remove-node', id: string, address: string): Promise<MemberListResponse__Output>;
}

/** The membership calls of the Cluster service; Status is registered with them (cluster-service.ts). */
export function membershipHandlers(rpc: RpcServer, backend: MembershipBackend) {
  return {
    memberList: rpc.unary<MemberListRequest__Output, MemberListResponse>('Cluster/MemberList', () => backend.list()),
    memberAdd: rpc.unary<MemberAddRequest__Output, MemberListResponse>('Cluster/MemberAdd', (r) => backend.change('add-learner', r.id, r.address)),
    memberPromote: rpc.unary<MemberPromoteRequest__Output, MemberListResponse>('Cluster/MemberPromote', (r) => backend.change('promote-learner', r.id, '')),
    memberRemove: rpc.unary<MemberRemoveRequest__Output, MemberListResponse>('Cluster/MemberRemove', (r) => backend.change('remove-node', r.id, '')),
  };
}
