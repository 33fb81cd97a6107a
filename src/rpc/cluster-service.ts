import type { MemberStatus__Output } from '../gen/quorumkv/v1/MemberStatus.js';
import type { StatusRequest__Output } from '../gen/quorumkv/v1/StatusRequest.js';
import type { StatusResponse } from '../gen/quorumkv/v1/StatusResponse.js';
import { Cluster } from '../proto/services.js';
import { membershipHandlers, type MembershipBackend } from './membership-service.js';
import type { RpcServer } from './server.js';
import { quorumkvVersion } from '../version.js';

/** A member report with every field present: what is not given is zero, false or empty. */
export function memberStatus(fields: Partial<MemberStatus__Output> & Pick<MemberStatus__Output, 'role' | 'id' | 'address'>): MemberStatus__Output {
  return {
    pid: 0,
    zone: '',
    leader: false,
    term: 0,
    commitIndex: 0,
    appliedIndex: 0,
    healthy: false,
    error: '',
    hash: '',
    hashRevision: 0,
    revision: 0,
    lagRevisions: 0,
    lagMs: 0,
    firstIndex: 0,
    snapshotIndex: 0,
    metricsAddress: '',
    version: '',
    dbSizeBytes: 0,
    learner: false,
    ...fields,
  };
}

export interface SelfDescription {
  role: string;
  id: string;
  address: string;
  zone: string;
}

/**
 * Cluster.Status: this process, then what it can see of the others (storage members for a node;
 * nodes and, through them, storage members for a gateway). Each member is listed once.
 */
export function addClusterService(
  rpc: RpcServer,
  self: SelfDescription,
  others: (withHashes: boolean) => Promise<MemberStatus__Output[]>,
  membership: MembershipBackend,
  progress: () => Partial<MemberStatus__Output> = () => ({}),
): void {
  rpc.addService(Cluster.service, {
    ...membershipHandlers(rpc, membership),
    status: rpc.unary<StatusRequest__Output, StatusResponse>('Cluster/Status', async (request) => {
      const me = memberStatus({ ...self, pid: process.pid, healthy: true, version: quorumkvVersion(), ...progress() });
      return { header: null, members: dedupe([me, ...(await others(request.withHashes))]) };
    }),
  });
}

function dedupe(members: MemberStatus__Output[]): MemberStatus__Output[] {
  const byKey = new Map<string, MemberStatus__Output>();
  for (const member of members) {
    const key = `${member.role}/${member.id}`;
    const seen = byKey.get(key);
    // A healthy report from a process beats an "unreachable" one from a peer that cannot see it.
    if (!seen || (!seen.healthy && member.healthy)) byKey.set(key, member);
  }
  return [...byKey.values()];
}
