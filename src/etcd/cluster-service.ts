import type { Member } from '../gen/etcd/etcdserverpb/Member.js';
import type { MemberAddRequest__Output } from '../gen/etcd/etcdserverpb/MemberAddRequest.js';
import type { MemberAddResponse } from '../gen/etcd/etcdserverpb/MemberAddResponse.js';
import type { MemberListResponse } from '../gen/etcd/etcdserverpb/MemberListResponse.js';
import type { MemberPromoteRequest__Output } from '../gen/etcd/etcdserverpb/MemberPromoteRequest.js';
import type { MemberPromoteResponse } from '../gen/etcd/etcdserverpb/MemberPromoteResponse.js';
import type { MemberRemoveRequest__Output } from '../gen/etcd/etcdserverpb/MemberRemoveRequest.js';
import type { MemberRemoveResponse } from '../gen/etcd/etcdserverpb/MemberRemoveResponse.js';
import type { MemberListResponse__Output } from '../gen/quorumkv/v1/MemberListResponse.js';
import { numericId } from '../ids.js';
import type { StorageRouter } from '../node/storage-router.js';
import { EtcdCluster } from '../proto/etcd-services.js';
import type { MembershipBackend } from '../rpc/membership-service.js';
import { callerOf } from '../auth/caller.js';
import type { RpcServer } from '../rpc/server.js';
import { etcdHeader, int64 } from './convert.js';
import { ETCD_ERRORS, unsupported } from './errors.js';
import { etcdUnary } from './service.js';

// etcdserverpb.Cluster: etcd's members are quorumkv's storage members (the raft group), with
// uint64 ids derived from their names as every header's member_id is. Client URLs are the
// compute nodes that serve the API (writers), since storage members serve no client calls.
// MemberAdd adds a learner (quorumkv adds members only as learners, then promotes them).

/** Where the compute nodes that serve clients are found. */
export type ClientUrls = () => Promise<string[]>;

export function addEtcdClusterService(rpc: RpcServer, membership: MembershipBackend, clientUrls: ClientUrls): void {
  const members = async (list: MemberListResponse__Output): Promise<Member[]> => {
    const urls = await clientUrls().catch(() => []);
    return list.members.map((m) => ({
      ID: numericId(m.id),
      name: m.id,
      peerURLs: [`http://${m.address}`],
      clientURLs: urls,
      isLearner: m.role === 'learner',
    }));
  };
  const byId = async (id: string): Promise<string> => {
    const wanted = int64(id, 'ID');
    const found = (await membership.list()).members.find((m) => numericId(m.id) === wanted);
    if (!found) throw ETCD_ERRORS.memberNotFound;
    return found.id;
  };
  rpc.addService(EtcdCluster.service, {
    memberList: etcdUnary<unknown, MemberListResponse>(rpc, 'Cluster/MemberList', async () => {
      const list = await membership.list();
      return { header: etcdHeader(list.header), members: await members(list) };
    }),
    memberAdd: etcdUnary<MemberAddRequest__Output, MemberAddResponse>(rpc, 'Cluster/MemberAdd', async (request, call) => {
      if (!request.isLearner) throw unsupported('MemberAdd without isLearner', 'storage members join as learners and are promoted once caught up (member add --learner, then member promote)');
      if (request.peerURLs.length !== 1) throw ETCD_ERRORS.memberBadURLs;
      const address = hostPort(request.peerURLs[0]);
      const id = `m${numericId(address).toString(16)}`;
      const list = await membership.change('add-learner', id, address, callerOf(call));
      const all = await members(list);
      return { header: etcdHeader(list.header), member: all.find((m) => m.name === id) ?? null, members: all };
    }),
    memberRemove: etcdUnary<MemberRemoveRequest__Output, MemberRemoveResponse>(rpc, 'Cluster/MemberRemove', async (request, call) => {
      const list = await membership.change('remove-node', await byId(request.ID), '', callerOf(call));
      return { header: etcdHeader(list.header), members: await members(list) };
    }),
    memberPromote: etcdUnary<MemberPromoteRequest__Output, MemberPromoteResponse>(rpc, 'Cluster/MemberPromote', async (request, call) => {
      const id = await byId(request.ID);
      const current = (await membership.list()).members.find((m) => m.id === id);
      if (current?.role !== 'learner') throw ETCD_ERRORS.memberNotLearner;
      const list = await membership.change('promote-learner', id, '', callerOf(call));
      return { header: etcdHeader(list.header), members: await members(list) };
    }),
    memberUpdate: etcdUnary<unknown, never>(rpc, 'Cluster/MemberUpdate', async () => {
      throw unsupported('MemberUpdate', 'a storage member keeps the address it was added with; remove it and add it again');
    }),
  });
}

/** The writer nodes registered with the storage tier, as etcd client URLs. */
export function writerUrls(storage: StorageRouter): ClientUrls {
  return async () => {
    const nodes = await storage.listNodes(2_000);
    return nodes.filter((n) => n.mode === 'writer' && !n.leaving).map((n) => `http://${n.address}`).sort();
  };
}

function hostPort(url: string): string {
  const match = /^(?:https?:\/\/)?([^/]+:\d+)\/?$/.exec(url);
  if (!match) throw ETCD_ERRORS.memberBadURLs;
  return match[1];
}
