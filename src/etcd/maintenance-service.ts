import { callerOf, SYSTEM } from '../auth/caller.js';
import type * as grpc from '@grpc/grpc-js';
import type { AlarmMember } from '../gen/etcd/etcdserverpb/AlarmMember.js';
import type { AlarmRequest__Output } from '../gen/etcd/etcdserverpb/AlarmRequest.js';
import type { AlarmResponse } from '../gen/etcd/etcdserverpb/AlarmResponse.js';
import type { DefragmentResponse } from '../gen/etcd/etcdserverpb/DefragmentResponse.js';
import type { HashKVRequest__Output } from '../gen/etcd/etcdserverpb/HashKVRequest.js';
import type { HashKVResponse } from '../gen/etcd/etcdserverpb/HashKVResponse.js';
import type { HashResponse } from '../gen/etcd/etcdserverpb/HashResponse.js';
import type { SnapshotRequest__Output } from '../gen/etcd/etcdserverpb/SnapshotRequest.js';
import type { SnapshotResponse } from '../gen/etcd/etcdserverpb/SnapshotResponse.js';
import type { StatusResponse } from '../gen/etcd/etcdserverpb/StatusResponse.js';
import type { HashKVResponse__Output } from '../gen/quorumkv/internal/v1/HashKVResponse.js';
import type { MemberStatus__Output } from '../gen/quorumkv/v1/MemberStatus.js';
import { MAX_RANGE_KEYS } from '../api/limits.js';
import { SnapshotEncoder } from '../backup/snapshot-format.js';
import { snapshotLeases, type LeaseSource } from '../backup/snapshot-leases.js';
import { numericId } from '../ids.js';
import type { KvBackend } from '../node/kv-service.js';
import type { LeaseBackend } from '../node/lease-backend.js';
import type { StorageRouter } from '../node/storage-router.js';
import { EtcdMaintenance } from '../proto/etcd-services.js';
import type { RpcServer } from '../rpc/server.js';
import { etcdHeader, int64 } from './convert.js';
import { ETCD_ERRORS, toEtcdStatus, unsupported } from './errors.js';
import { etcdUnary } from './service.js';

// etcdserverpb.Maintenance on a compute node, about the storage member it reads from (its home
// member), as etcd's Status is about the member asked.

/** The etcd version reported: 3.4.31 and later are what Kubernetes needs for consistent reads from its cache. */
export const REPORTED_ETCD_VERSION = '3.4.34';
const STATUS_TIMEOUT_MS = 3_000;
const HASH_TIMEOUT_MS = 10_000;

export function addEtcdMaintenanceService(rpc: RpcServer, storage: StorageRouter, backend: KvBackend, leases: LeaseBackend): void {
  const home = async (): Promise<{ self: MemberStatus__Output; all: MemberStatus__Output[] }> => {
    const all = await storage.describeAll(STATUS_TIMEOUT_MS);
    const self = all.find((s) => s.id === storage.homeMember.id && s.healthy) ?? all.find((s) => s.healthy);
    if (!self) throw ETCD_ERRORS.noLeader;
    return { self, all };
  };
  rpc.addService(EtcdMaintenance.service, {
    status: etcdUnary<unknown, StatusResponse>(rpc, 'Maintenance/Status', async () => {
      const { self, all } = await home();
      const leader = all.find((s) => s.leader && s.healthy);
      const dbSize = self.dbSizeBytes;
      return {
        header: { clusterId: 0, memberId: numericId(self.id), revision: self.revision, raftTerm: self.term },
        version: REPORTED_ETCD_VERSION,
        dbSize,
        dbSizeInUse: dbSize,
        leader: leader ? numericId(leader.id) : 0,
        raftIndex: self.commitIndex,
        raftTerm: self.term,
        raftAppliedIndex: self.appliedIndex,
        errors: [],
        isLearner: self.learner,
      };
    }),
    hashKV: etcdUnary<HashKVRequest__Output, HashKVResponse>(rpc, 'Maintenance/HashKV', async (request) => {
      const hash = await hashOf(storage, int64(request.revision, 'revision'));
      return { header: { memberId: numericId(storage.homeMember.id), revision: hash.currentRevision }, hash: hash32(hash.hash), compactRevision: hash.compactRevision };
    }),
    hash: etcdUnary<unknown, HashResponse>(rpc, 'Maintenance/Hash', async () => {
      const hash = await hashOf(storage, 0);
      return { header: { memberId: numericId(storage.homeMember.id), revision: hash.currentRevision }, hash: hash32(hash.hash) };
    }),
    alarm: etcdUnary<AlarmRequest__Output, AlarmResponse>(rpc, 'Maintenance/Alarm', async (request) => {
      if (request.action === 'ACTIVATE') throw unsupported('Alarm ACTIVATE', 'alarms are derived from the replicas, not raised by hand');
      const statuses = await storage.describeWithHashes(HASH_TIMEOUT_MS);
      // DEACTIVATE has nothing to clear: a CORRUPT alarm lasts while the replicas disagree.
      return { header: { revision: Math.max(0, ...statuses.map((s) => s.revision)) }, alarms: corruptAlarms(statuses) };
    }),
    defragment: etcdUnary<unknown, DefragmentResponse>(rpc, 'Maintenance/Defragment', async () => {
      // LevelDB compacts its files in the background: there is nothing to defragment.
      const { self } = await home();
      return { header: { memberId: numericId(self.id), revision: self.revision, raftTerm: self.term } };
    }),
    moveLeader: etcdUnary<unknown, never>(rpc, 'Maintenance/MoveLeader', async () => {
      throw unsupported('MoveLeader', 'the storage leader is chosen by election only');
    }),
    snapshot: rpc.serverStream<SnapshotRequest__Output, SnapshotResponse>('etcd.Maintenance/Snapshot', async (call) => {
      try {
        await backend.admitAdmin(callerOf(call));
        await streamSnapshot(backend, leases, call);
      } catch (error) {
        throw toEtcdStatus(error);
      }
    }),
  });
}

/** Members whose hash differs from the one most members share, at the revision all were hashed at. */
export function corruptAlarms(statuses: MemberStatus__Output[]): AlarmMember[] {
  const hashed = statuses.filter((s) => s.hash !== '');
  const votes = new Map<string, number>();
  for (const s of hashed) votes.set(s.hash, (votes.get(s.hash) ?? 0) + 1);
  if (votes.size <= 1) return [];
  const [majority] = [...votes.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
  return hashed.filter((s) => s.hash !== majority).map((s) => ({ memberID: numericId(s.id), alarm: 'CORRUPT' }));
}

/**
 * Streams the snapshot file of `quorumkv snapshot save` (snapshot-format.ts), so that
 * `etcdctl snapshot save` writes a file `quorumkv snapshot restore` reads: every key-value at one
 * revision, the cluster's own records included, as etcd's snapshots hold its auth data, then the
 * leases, then the sha256 of all that, as etcd ends its snapshots with one.
 */
async function streamSnapshot(backend: KvBackend, leases: LeaseBackend, call: grpc.ServerWritableStream<SnapshotRequest__Output, SnapshotResponse>): Promise<void> {
  const encoder = new SnapshotEncoder();
  let header: SnapshotResponse['header'];
  const send = async (blob: Buffer, last = false) => {
    if (!call.write({ header, remainingBytes: last ? 0 : 32, blob })) await new Promise((resolve) => call.once('drain', resolve));
  };
  const all = { key: Buffer.of(0), rangeEnd: Buffer.of(0), keysOnly: false, countOnly: false, serializable: false, minRevision: 0, maxStalenessMs: 0 };
  const referenced = new Set<number>();
  let revision = 0;
  let from = Buffer.of(0);
  for (;;) {
    const page = await backend.range({ ...all, key: from, limit: MAX_RANGE_KEYS, revision }, Date.now() + HASH_TIMEOUT_MS, SYSTEM);
    if (revision === 0) {
      revision = page.header!.revision;
      header = etcdHeader(page.header);
      await send(encoder.start({ revision, compactRevision: revision }));
    }
    const parts: Buffer[] = [];
    for (const kv of page.kvs) {
      if (kv.lease !== 0) referenced.add(kv.lease);
      parts.push(encoder.record(kv));
    }
    if (parts.length > 0) await send(Buffer.concat(parts));
    if (!page.more || page.kvs.length === 0 || call.cancelled) break;
    from = Buffer.concat([page.kvs[page.kvs.length - 1].key, Buffer.of(0)]);
  }
  await send(encoder.end(await snapshotLeases(referenced, backendLeases(leases))));
  await send(encoder.digest(), true);
}

function backendLeases(leases: LeaseBackend): LeaseSource {
  return {
    list: async () => (await leases.list(Date.now() + HASH_TIMEOUT_MS)).leases.map((lease) => lease.id),
    grantedTtl: async (id) => {
      const answer = await leases.timeToLive(id, false, Date.now() + HASH_TIMEOUT_MS);
      return answer.ttl === -1 ? undefined : answer.grantedTtl;
    },
  };
}

async function hashOf(storage: StorageRouter, revision: number): Promise<HashKVResponse__Output> {
  return storage.toHome<HashKVResponse__Output>(Date.now() + HASH_TIMEOUT_MS, (m, o, done) => m.client.hashKv({ revision }, o, done));
}

/** etcd's hashes are uint32: the first four bytes of quorumkv's sha256. */
function hash32(hex: string): number {
  return Number.parseInt(hex.slice(0, 8), 16) >>> 0;
}
