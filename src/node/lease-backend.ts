import { InvalidArgumentError } from '../errors.js';
import type { LeaseKeepAliveResponse__Output } from '../gen/quorumkv/v1/LeaseKeepAliveResponse.js';
import type { LeaseLeasesResponse__Output } from '../gen/quorumkv/v1/LeaseLeasesResponse.js';
import type { LeaseTimeToLiveResponse__Output } from '../gen/quorumkv/v1/LeaseTimeToLiveResponse.js';
import type { ResponseHeader__Output } from '../gen/quorumkv/v1/ResponseHeader.js';
import type { RequestOp__Output } from '../gen/quorumkv/v1/RequestOp.js';
import type { TxnResponse__Output } from '../gen/quorumkv/v1/TxnResponse.js';
import { validateLeaseGrant } from '../api/validate.js';
import { checkLeaseId } from '../mvcc/lease-table.js';
import { SYSTEM, type Caller } from '../auth/caller.js';
import { DEFAULT_REQUEST_TIMEOUT_MS, type KvBackend } from './kv-service.js';
import type { StorageRouter } from './storage-router.js';

// How a compute node serves leases, for the native and the etcd Lease services alike. Grants and
// revocations are transactions through group commit (a log entry each, with a request id, so a
// retry is applied once). Renewals, time to live and the list go to the storage leader, whose
// clock alone decides expiry; renewals never touch the log.

export interface LeaseBackend {
  /** `id` 0: the storage tier picks one. */
  grant(ttl: number, id: number, requestId: string, caller: Caller): Promise<{ header: ResponseHeader__Output | null; id: number; ttl: number }>;
  /** Deletes the lease's keys: the caller must be allowed to write each of them. */
  revoke(id: number, requestId: string, caller: Caller): Promise<{ header: ResponseHeader__Output | null; deleted: number }>;
  /** ttl 0 in the answer: no such lease (or it expired). */
  renew(id: number, deadline: number): Promise<LeaseKeepAliveResponse__Output>;
  /** ttl -1 in the answer: no such lease. */
  timeToLive(id: number, keys: boolean, deadline: number): Promise<LeaseTimeToLiveResponse__Output>;
  list(deadline: number): Promise<LeaseLeasesResponse__Output>;
}

export function leaseBackend(storage: StorageRouter, kv: KvBackend): LeaseBackend {
  const commitOne = async (op: RequestOp__Output, requestId: string, caller: Caller): Promise<TxnResponse__Output> =>
    kv.commit({ compare: [], success: [op], failure: [], requestId, readRevision: 0, readSet: [] }, caller);
  return {
    async grant(ttl, id, requestId, caller) {
      const grant = { ttl, id, requestId: '' };
      validateLeaseGrant(grant);
      const response = await commitOne({ request: 'requestLeaseGrant', requestLeaseGrant: grant }, requestId, caller);
      const granted = response.responses[0]?.responseLeaseGrant;
      if (!granted) throw new Error('a lease grant was answered without its lease');
      return { header: response.header, id: granted.id, ttl: granted.ttl };
    },
    async revoke(id, requestId, caller) {
      if (!checkLeaseId(id)) throw new InvalidArgumentError(`lease id ${id} is not a positive integer below 2^53`);
      if (caller.kind === 'client') {
        const attached = await storage.toLeader<LeaseTimeToLiveResponse__Output>(Date.now() + DEFAULT_REQUEST_TIMEOUT_MS, (m, o, done) => m.client.leaseTimeToLive({ id, keys: true }, o, done));
        await kv.admitWrites(attached.keys, caller);
      }
      // Checked above: the revocation itself commits as the cluster.
      const response = await commitOne({ request: 'requestLeaseRevoke', requestLeaseRevoke: { id, requestId: '' } }, requestId, SYSTEM);
      return { header: response.header, deleted: response.responses[0]?.responseLeaseRevoke?.deleted ?? 0 };
    },
    renew: (id, deadline) => storage.toLeader<LeaseKeepAliveResponse__Output>(deadline, (m, o, done) => m.client.leaseRenew({ id }, o, done)),
    timeToLive: (id, keys, deadline) =>
      storage.toLeader<LeaseTimeToLiveResponse__Output>(deadline, (m, o, done) => m.client.leaseTimeToLive({ id, keys }, o, done)),
    list: (deadline) => storage.toLeader<LeaseLeasesResponse__Output>(deadline, (m, o, done) => m.client.leaseList({}, o, done)),
  };
}
