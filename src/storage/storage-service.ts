import * as grpc from '@grpc/grpc-js';
import { InvalidArgumentError, OverloadedError } from '../errors.js';
import { toServiceError } from '../rpc/status.js';
import type { InstallSnapshotResponse } from '../gen/quorumkv/internal/v1/InstallSnapshotResponse.js';
import type { SnapshotChunk__Output } from '../gen/quorumkv/internal/v1/SnapshotChunk.js';
import type { MembershipChange__Output } from '../gen/quorumkv/internal/v1/MembershipChange.js';
import type { MemberListRequest__Output } from '../gen/quorumkv/v1/MemberListRequest.js';
import type { MemberListResponse } from '../gen/quorumkv/v1/MemberListResponse.js';
import type { ListNodesRequest__Output } from '../gen/quorumkv/internal/v1/ListNodesRequest.js';
import type { NodeInfo__Output } from '../gen/quorumkv/internal/v1/NodeInfo.js';
import type { NodeList } from '../gen/quorumkv/internal/v1/NodeList.js';
import type { RegisterNodeResponse } from '../gen/quorumkv/internal/v1/RegisterNodeResponse.js';
import type { WatchRequest__Output } from '../gen/quorumkv/v1/WatchRequest.js';
import type { WatchResponse } from '../gen/quorumkv/v1/WatchResponse.js';
import { serveFollow } from './follow-stream.js';
import { NODE_TTL_MS } from './node-registry.js';
import type { CompactRequest__Output } from '../gen/quorumkv/internal/v1/CompactRequest.js';
import type { CompactResponse } from '../gen/quorumkv/internal/v1/CompactResponse.js';
import type { LeaseKeepAliveRequest__Output } from '../gen/quorumkv/v1/LeaseKeepAliveRequest.js';
import type { LeaseKeepAliveResponse } from '../gen/quorumkv/v1/LeaseKeepAliveResponse.js';
import type { LeaseLeasesRequest__Output } from '../gen/quorumkv/v1/LeaseLeasesRequest.js';
import type { LeaseLeasesResponse } from '../gen/quorumkv/v1/LeaseLeasesResponse.js';
import type { LeaseTimeToLiveRequest__Output } from '../gen/quorumkv/v1/LeaseTimeToLiveRequest.js';
import type { LeaseTimeToLiveResponse } from '../gen/quorumkv/v1/LeaseTimeToLiveResponse.js';
import type { AppendRequest__Output } from '../gen/quorumkv/internal/v1/AppendRequest.js';
import type { AppendResponse } from '../gen/quorumkv/internal/v1/AppendResponse.js';
import type { HashKVRequest__Output } from '../gen/quorumkv/internal/v1/HashKVRequest.js';
import type { HashKVResponse } from '../gen/quorumkv/internal/v1/HashKVResponse.js';
import type { MessageBatch__Output } from '../gen/quorumkv/internal/v1/MessageBatch.js';
import type { StepResponse } from '../gen/quorumkv/internal/v1/StepResponse.js';
import type { MemberStatus } from '../gen/quorumkv/v1/MemberStatus.js';
import type { RangeRequest__Output } from '../gen/quorumkv/v1/RangeRequest.js';
import type { RangeResponse } from '../gen/quorumkv/v1/RangeResponse.js';
import type { StatusRequest__Output } from '../gen/quorumkv/v1/StatusRequest.js';
import { Raft, Storage } from '../proto/services.js';
import type { RpcServer } from '../rpc/server.js';
import { MessageType } from '../consensus/types.js';
import { fromWire } from './raft-transport.js';
import type { StorageMember } from './storage-member.js';

/**
 * Sends a client stream's response headers at once. Until a call has headers, grpc-js keeps every
 * message the client sent on it, to replay them if the call is retried; on a peer stream that
 * lives as long as the process, that is memory without bound.
 */
function answerHeaders(call: grpc.ServerReadableStream<unknown, unknown>): void {
  call.sendMetadata(new grpc.Metadata());
}

/** Registers the Raft (peer) and Storage (compute tier) services of one storage member. */
export function addStorageServices(rpc: RpcServer, member: StorageMember): void {
  const cluster = member.config.cluster;
  const deliver = (batch: MessageBatch__Output): void => {
    if (batch.cluster !== cluster) {
      throw new InvalidArgumentError(`message batch for cluster ${JSON.stringify(batch.cluster)} reached a member of ${JSON.stringify(cluster)}`);
    }
    // A snapshot message comes only with its state, through InstallSnapshot: one on this stream has
    // nothing staged, and the core would have the member install a state it never received.
    member.step(batch.messages.map(fromWire).filter((m) => m.type !== MessageType.Snap), batch.incarnation, batch.knownIncarnations);
  };
  rpc.server.addService(Raft.service, {
    stepStream: (call: grpc.ServerReadableStream<MessageBatch__Output, StepResponse>, callback: grpc.sendUnaryData<StepResponse>) => {
      answerHeaders(call);
      let failed = false;
      call.on('data', (batch: MessageBatch__Output) => {
        if (failed) return;
        try {
          deliver(batch);
        } catch (error) {
          failed = true;
          callback(toServiceError(error));
        }
      });
      call.on('end', () => {
        if (!failed) callback(null, {});
      });
      call.on('error', () => undefined);
    },
    installSnapshot: (call: grpc.ServerReadableStream<SnapshotChunk__Output, InstallSnapshotResponse>, callback: grpc.sendUnaryData<InstallSnapshotResponse>) => {
      answerHeaders(call);
      member.receiveSnapshot(call).then(
        (result) => callback(null, result),
        (error: unknown) => callback(toServiceError(error)),
      );
    },
  });
  rpc.server.addService(Storage.service, {
    append: rpc.unary<AppendRequest__Output, AppendResponse>('Storage/Append', async (request) => ({
      results: await member.append(request.txns),
    })),
    read: rpc.unary<RangeRequest__Output, RangeResponse>('Storage/Read', (request) => member.read(request)),
    describe: rpc.unary<StatusRequest__Output, MemberStatus>('Storage/Describe', async () => member.describe()),
    HashKV: rpc.unary<HashKVRequest__Output, HashKVResponse>('Storage/HashKV', (request) => member.hashKV(request.revision)),
    follow: rpc.serverStream<WatchRequest__Output, WatchResponse>('Storage/Follow', (call) => serveFollow(member, call)),
    registerNode: rpc.unary<NodeInfo__Output, RegisterNodeResponse>('Storage/RegisterNode', async (node) => {
      if (!node.id || !node.address) throw new InvalidArgumentError('register: a node needs an id and an address');
      if (!member.nodes.register(node)) throw new OverloadedError('the node registry is full');
      return { ttlMs: NODE_TTL_MS };
    }),
    listNodes: rpc.unary<ListNodesRequest__Output, NodeList>('Storage/ListNodes', async () => ({ nodes: member.nodes.list() })),
    members: rpc.unary<MemberListRequest__Output, MemberListResponse>('Storage/Members', async () => member.membership.list()),
    changeMembers: rpc.unary<MembershipChange__Output, MemberListResponse>('Storage/ChangeMembers', (change) => member.membership.change(change)),
    compact: rpc.unary<CompactRequest__Output, CompactResponse>('Storage/Compact', (request) => member.compact(request.revision)),
    leaseRenew: rpc.unary<LeaseKeepAliveRequest__Output, LeaseKeepAliveResponse>('Storage/LeaseRenew', (request) => member.leases.renew(request.id)),
    leaseTimeToLive: rpc.unary<LeaseTimeToLiveRequest__Output, LeaseTimeToLiveResponse>('Storage/LeaseTimeToLive', (request) => member.leases.timeToLive(request.id, request.keys)),
    leaseList: rpc.unary<LeaseLeasesRequest__Output, LeaseLeasesResponse>('Storage/LeaseList', () => member.leases.list()),
  });
}
