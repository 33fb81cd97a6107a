import type * as grpc from '@grpc/grpc-js';
import type { LeaseGrantRequest__Output } from '../gen/quorumkv/v1/LeaseGrantRequest.js';
import type { LeaseGrantResponse } from '../gen/quorumkv/v1/LeaseGrantResponse.js';
import type { LeaseKeepAliveRequest__Output } from '../gen/quorumkv/v1/LeaseKeepAliveRequest.js';
import type { LeaseKeepAliveResponse } from '../gen/quorumkv/v1/LeaseKeepAliveResponse.js';
import type { LeaseLeasesRequest__Output } from '../gen/quorumkv/v1/LeaseLeasesRequest.js';
import type { LeaseLeasesResponse } from '../gen/quorumkv/v1/LeaseLeasesResponse.js';
import type { LeaseRevokeRequest__Output } from '../gen/quorumkv/v1/LeaseRevokeRequest.js';
import type { LeaseRevokeResponse } from '../gen/quorumkv/v1/LeaseRevokeResponse.js';
import type { LeaseTimeToLiveRequest__Output } from '../gen/quorumkv/v1/LeaseTimeToLiveRequest.js';
import type { LeaseTimeToLiveResponse } from '../gen/quorumkv/v1/LeaseTimeToLiveResponse.js';
import { Lease } from '../proto/services.js';
import { deadlineOf } from '../rpc/deadline.js';
import type { RpcServer } from '../rpc/server.js';
import { toServiceError } from '../rpc/status.js';
import { serveKeepAlive } from './keep-alive-stream.js';
import { DEFAULT_REQUEST_TIMEOUT_MS } from './kv-service.js';
import type { LeaseBackend } from './lease-backend.js';
import { callerOf } from '../auth/caller.js';

/**
 * The public Lease API on a compute node. Grants and revocations commit through the node's write
 * path (a reader refuses them), which gives a request without an id one.
 */
export function addLeaseService(rpc: RpcServer, leases: LeaseBackend): void {
  rpc.addService(Lease.service, {
    grant: rpc.unary<LeaseGrantRequest__Output, LeaseGrantResponse>('Lease/Grant', (request, call) => leases.grant(request.ttl, request.id, request.requestId, callerOf(call))),
    revoke: rpc.unary<LeaseRevokeRequest__Output, LeaseRevokeResponse>('Lease/Revoke', (request, call) => leases.revoke(request.id, request.requestId, callerOf(call))),
    keepAlive: (call: grpc.ServerDuplexStream<LeaseKeepAliveRequest__Output, LeaseKeepAliveResponse>) => {
      rpc.metrics.grpcRequests.inc({ method: 'Lease/KeepAlive', code: 'OK' });
      serveKeepAlive(call, (request) => leases.renew(request.id, Date.now() + DEFAULT_REQUEST_TIMEOUT_MS), toServiceError);
    },
    timeToLive: rpc.unary<LeaseTimeToLiveRequest__Output, LeaseTimeToLiveResponse>('Lease/TimeToLive', (request, call) =>
      leases.timeToLive(request.id, request.keys, deadlineOf(call, DEFAULT_REQUEST_TIMEOUT_MS)),
    ),
    leases: rpc.unary<LeaseLeasesRequest__Output, LeaseLeasesResponse>('Lease/Leases', (_request, call) => leases.list(deadlineOf(call, DEFAULT_REQUEST_TIMEOUT_MS))),
  });
}
