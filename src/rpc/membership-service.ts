import type { MemberAddRequest__Output } from '../gen/quorumkv/v1/MemberAddRequest.js';
import type { MemberListRequest__Output } from '../gen/quorumkv/v1/MemberListRequest.js';
import type { MemberListResponse, MemberListResponse__Output } from '../gen/quorumkv/v1/MemberListResponse.js';
import type { MemberPromoteRequest__Output } from '../gen/quorumkv/v1/MemberPromoteRequest.js';
import type { MemberRemoveRequest__Output } from '../gen/quorumkv/v1/MemberRemoveRequest.js';
import { callerOf, type Caller } from '../auth/caller.js';
import type { RpcServer } from './server.js';

/** Where membership calls go: a node asks the storage leader; a gateway asks a node. */
export interface MembershipBackend {
  list(): Promise<MemberListResponse__Output>;
  /** `caller` must be allowed to manage the cluster (checked where the change is made). */
  change(type: 'add-learner' | 'promote-learner' | 'remove-node', id: string, address: string, caller: Caller): Promise<MemberListResponse__Output>;
}

/** `backend` with every change allowed only to callers that `admit` lets manage the cluster. */
export function adminOnly(backend: MembershipBackend, admit: (caller: Caller) => Promise<void>): MembershipBackend {
  return {
    list: () => backend.list(),
    change: async (type, id, address, caller) => {
      await admit(caller);
      return backend.change(type, id, address, caller);
    },
  };
}

/** The membership calls of the Cluster service; Status is registered with them (cluster-service.ts). */
export function membershipHandlers(rpc: RpcServer, backend: MembershipBackend) {
  return {
    memberList: rpc.unary<MemberListRequest__Output, MemberListResponse>('Cluster/MemberList', () => backend.list()),
    memberAdd: rpc.unary<MemberAddRequest__Output, MemberListResponse>('Cluster/MemberAdd', (r, call) => backend.change('add-learner', r.id, r.address, callerOf(call))),
    memberPromote: rpc.unary<MemberPromoteRequest__Output, MemberListResponse>('Cluster/MemberPromote', (r, call) => backend.change('promote-learner', r.id, '', callerOf(call))),
    memberRemove: rpc.unary<MemberRemoveRequest__Output, MemberListResponse>('Cluster/MemberRemove', (r, call) => backend.change('remove-node', r.id, '', callerOf(call))),
  };
}
