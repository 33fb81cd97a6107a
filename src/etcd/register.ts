import type { KvBackend } from '../node/kv-service.js';
import type { LeaseBackend } from '../node/lease-backend.js';
import type { StorageRouter } from '../node/storage-router.js';
import type { RpcServer } from '../rpc/server.js';
import { adminOnly } from '../rpc/membership-service.js';
import { addEtcdClusterService, writerUrls } from './cluster-service.js';
import { addEtcdKvService } from './kv-service.js';
import { addEtcdLeaseService } from './lease-service.js';
import { etcdHeader } from './convert.js';
import type { CompactResponse__Output } from '../gen/quorumkv/internal/v1/CompactResponse.js';
import { addEtcdMaintenanceService } from './maintenance-service.js';
import { addEtcdWatchService } from './watch-service.js';

const MEMBERSHIP_TIMEOUT_MS = 10_000;
/** A compaction commits one log entry; the purge of history runs after the answer. */
const COMPACT_TIMEOUT_MS = 10_000;

export interface EtcdServiceOptions {
  progressNotifyMs: number;
}

/** Serves etcd v3's API (package etcdserverpb) beside quorumkv.v1 on a compute node's port. */
export function addEtcdServices(rpc: RpcServer, storage: StorageRouter, kv: KvBackend, leases: LeaseBackend, options: EtcdServiceOptions): void {
  addEtcdKvService(rpc, kv, {
    // Every compaction is a log entry; `physical` asks to answer once the member has applied it,
    // which every answer here already waits for.
    compact: async (revision) => {
      const response = await storage.toLeader<CompactResponse__Output>(Date.now() + COMPACT_TIMEOUT_MS, (m, o, done) => m.client.compact({ revision }, o, done));
      return { header: etcdHeader(response.header) };
    },
  });
  addEtcdWatchService(rpc, storage, kv, { progressNotifyMs: options.progressNotifyMs });
  addEtcdLeaseService(rpc, leases);
  addEtcdClusterService(rpc, adminOnly(storage.membership(MEMBERSHIP_TIMEOUT_MS), kv.admitAdmin), writerUrls(storage));
  addEtcdMaintenanceService(rpc, storage, kv, leases);
}
