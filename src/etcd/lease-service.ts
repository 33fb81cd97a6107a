import type * as grpc from '@grpc/grpc-js';
import type { LeaseGrantRequest__Output } from '../gen/etcd/etcdserverpb/LeaseGrantRequest.js';
import type { LeaseGrantResponse } from '../gen/etcd/etcdserverpb/LeaseGrantResponse.js';
import type { LeaseKeepAliveRequest__Output } from '../gen/etcd/etcdserverpb/LeaseKeepAliveRequest.js';
import type { LeaseKeepAliveResponse } from '../gen/etcd/etcdserverpb/LeaseKeepAliveResponse.js';
import type { LeaseLeasesRequest__Output } from '../gen/etcd/etcdserverpb/LeaseLeasesRequest.js';
import type { LeaseLeasesResponse } from '../gen/etcd/etcdserverpb/LeaseLeasesResponse.js';
import type { LeaseRevokeRequest__Output } from '../gen/etcd/etcdserverpb/LeaseRevokeRequest.js';
import type { LeaseRevokeResponse } from '../gen/etcd/etcdserverpb/LeaseRevokeResponse.js';
import type { LeaseTimeToLiveRequest__Output } from '../gen/etcd/etcdserverpb/LeaseTimeToLiveRequest.js';
import type { LeaseTimeToLiveResponse } from '../gen/etcd/etcdserverpb/LeaseTimeToLiveResponse.js';
import { MAX_LEASE_TTL_SECONDS } from '../mvcc/lease-table.js';
import { serveKeepAlive } from '../node/keep-alive-stream.js';
import { DEFAULT_REQUEST_TIMEOUT_MS } from '../node/kv-service.js';
import type { LeaseBackend } from '../node/lease-backend.js';
import { EtcdLease } from '../proto/etcd-services.js';
import { deadlineOf } from '../rpc/deadline.js';
import type { RpcServer } from '../rpc/server.js';
import { etcdHeader, int64 } from './convert.js';
import { ETCD_ERRORS, toEtcdStatus } from './errors.js';
import { readingRequestId, REQUEST_ID, type WithRequestId } from './request-id.js';
import { etcdUnary } from './service.js';
import { callerOf } from '../auth/caller.js';

// etcdserverpb.Lease over the node's lease backend: grants and revocations are log entries with
// the request id the first quorumkv process gave them; renewals (the KeepAlive stream), time to
// live and the list are answered by the storage leader, whose clock alone decides expiry.

export function addEtcdLeaseService(rpc: RpcServer, leases: LeaseBackend): void {
  const service = EtcdLease.service;
  const definition = { ...service, LeaseGrant: readingRequestId(service.LeaseGrant), LeaseRevoke: readingRequestId(service.LeaseRevoke) };
  const idOf = (request: WithRequestId<object>) => request[REQUEST_ID] ?? '';
  rpc.addService(definition, {
    leaseGrant: etcdUnary<WithRequestId<LeaseGrantRequest__Output>, LeaseGrantResponse>(rpc, 'Lease/LeaseGrant', async (request, call) => {
      const ttl = int64(request.TTL, 'TTL');
      if (ttl > MAX_LEASE_TTL_SECONDS) throw ETCD_ERRORS.leaseTTLTooLarge;
      const granted = await leases.grant(ttl, int64(request.ID, 'ID'), idOf(request), callerOf(call));
      return { header: etcdHeader(granted.header), ID: granted.id, TTL: granted.ttl, error: '' };
    }),
    leaseRevoke: etcdUnary<WithRequestId<LeaseRevokeRequest__Output>, LeaseRevokeResponse>(rpc, 'Lease/LeaseRevoke', async (request, call) => {
      const id = int64(request.ID, 'ID');
      if (id <= 0) throw ETCD_ERRORS.leaseNotFound;
      const revoked = await leases.revoke(id, idOf(request), callerOf(call));
      return { header: etcdHeader(revoked.header) };
    }),
    leaseKeepAlive: (call: grpc.ServerDuplexStream<LeaseKeepAliveRequest__Output, LeaseKeepAliveResponse>) => {
      rpc.metrics.grpcRequests.inc({ method: 'etcd.Lease/LeaseKeepAlive', code: 'OK' });
      serveKeepAlive(
        call,
        async (request) => {
          const id = int64(request.ID, 'ID');
          // etcd answers a renewal of a lease that is not there with TTL 0, not an error.
          if (id <= 0) return { header: etcdHeader(null), ID: id, TTL: 0 };
          const renewed = await leases.renew(id, Date.now() + DEFAULT_REQUEST_TIMEOUT_MS);
          return { header: etcdHeader(renewed.header), ID: renewed.id, TTL: renewed.ttl };
        },
        toEtcdStatus,
      );
    },
    leaseTimeToLive: etcdUnary<LeaseTimeToLiveRequest__Output, LeaseTimeToLiveResponse>(rpc, 'Lease/LeaseTimeToLive', async (request, call) => {
      const id = int64(request.ID, 'ID');
      if (id <= 0) return { header: etcdHeader(null), ID: id, TTL: -1, grantedTTL: 0, keys: [] };
      const answer = await leases.timeToLive(id, request.keys, deadlineOf(call, DEFAULT_REQUEST_TIMEOUT_MS));
      return { header: etcdHeader(answer.header), ID: answer.id, TTL: answer.ttl, grantedTTL: answer.grantedTtl, keys: answer.keys };
    }),
    leaseLeases: etcdUnary<LeaseLeasesRequest__Output, LeaseLeasesResponse>(rpc, 'Lease/LeaseLeases', async (_request, call) => {
      const answer = await leases.list(deadlineOf(call, DEFAULT_REQUEST_TIMEOUT_MS));
      return { header: etcdHeader(answer.header), leases: answer.leases.map((lease) => ({ ID: lease.id })) };
    }),
  });
}
