import { startHttpServer } from '../observability/http-server.js';
import { log } from '../observability/log.js';
import { Metrics } from '../observability/metrics.js';
import { onShutdownSignal } from '../process/signals.js';
import { addClusterService } from '../rpc/cluster-service.js';
import { RpcServer } from '../rpc/server.js';
import { CachedReads, DEFAULT_READ_CACHE_LIMITS } from './cached-reads.js';
import { GroupCommitter } from './group-commit.js';
import { addKvService, DEFAULT_REQUEST_TIMEOUT_MS, kvBackend, type KvBackend, type WritePath } from './kv-service.js';
import { LagTracker } from './lag-tracker.js';
import { leaseBackend } from './lease-backend.js';
import { addLeaseService } from './lease-service.js';
import { LogAppender } from './log-appender.js';
import type { NodeConfig } from './options.js';
import { Registration } from './registration.js';
import { RequestIds } from './request-ids.js';
import { SILENT_AFTER_MS, StorageRouter } from './storage-router.js';
import { addWatchService } from './watch-service.js';
import { addEtcdServices } from '../etcd/register.js';
import { addEtcdAuthService } from '../etcd/auth-service.js';
import { AuthAdmin, type AuthRecordStore } from '../auth/auth-admin.js';
import { AuthCache } from '../auth/auth-cache.js';
import { Authorizer } from '../auth/authorizer.js';
import { SYSTEM } from '../auth/caller.js';
import { adminOnly } from '../rpc/membership-service.js';
import type { RangeResponse__Output } from '../gen/quorumkv/v1/RangeResponse.js';
import type { MemberStatus__Output } from '../gen/quorumkv/v1/MemberStatus.js';

const DRAIN_MS = 5_000;
/** How long a draining node keeps serving after announcing it leaves, so gateways notice first. */
const LEAVE_NOTICE_MS = 1_500;
const LEADER_REFRESH_MS = 1_000;
/** How often each storage member is PINGed (are you there?), and how long its answer may take. */
const PING_INTERVAL_MS = 100;
const PING_TIMEOUT_MS = 500;
/** Every this many PINGs, the members are asked for their reports (leader, revision) too. */
const REPORT_EVERY_PINGS = 3;
const REPORT_TIMEOUT_MS = 1_000;
/** A node that heard from too few storage members for this long is cut off (see nodeHealth). */
export const CUT_OFF_AFTER_MS = SILENT_AFTER_MS;
const LEARN_MEMBERS_EVERY_PROBES = 20;
const STATUS_TIMEOUT_MS = 3_000;
/** A reader further behind than this stops reporting SERVING, so gateways skip it. */
export const MAX_READER_LAG_MS = 5_000;

/** `quorumkv node`: a writer or reader node serving the public API until SIGTERM or SIGINT. */
export async function runNode(config: NodeConfig): Promise<void> {
  const metrics = new Metrics(config.mode, config.id);
  const storage = new StorageRouter(config.storage);
  const rpc = new RpcServer(metrics);
  const lag = config.mode === 'reader' ? new LagTracker(storage) : undefined;
  const auth = new AuthCache(storage);
  const cachedReads = config.readCacheKeys > 0 ? new CachedReads(storage, metrics, { ...DEFAULT_READ_CACHE_LIMITS, maxEntries: config.readCacheKeys }, config.readCacheFollowAt) : undefined;
  const kv = kvBackend(storage, writePathFor(config, storage, metrics), new Authorizer(auth), cachedReads);
  const leases = leaseBackend(storage, kv);
  addKvService(rpc, kv);
  addWatchService(rpc, storage, kv);
  addLeaseService(rpc, leases);
  addEtcdServices(rpc, storage, kv, leases, { progressNotifyMs: config.watchProgressNotifyMs });
  if (config.mode === 'writer') addEtcdAuthService(rpc, new AuthAdmin(authRecordStore(storage, kv), config.authTokenTtlMs, () => auth.refresh()), kv);
  addClusterService(
    rpc,
    { role: config.mode, id: config.id, address: config.listen, zone: config.zone },
    (withHashes) => (withHashes ? storage.describeWithHashes(STATUS_TIMEOUT_MS) : storage.describeAll(STATUS_TIMEOUT_MS)),
    adminOnly(storage.membership(DEFAULT_REQUEST_TIMEOUT_MS), kv.admitAdmin),
    () => (lag ? { revision: lag.followedRevision, lagRevisions: lag.lagRevisions, lagMs: lag.lagMs } : {}),
  );
  await rpc.listen(config.listen, 'client');

  let health: NodeHealth = { ready: false, readsReady: false, reason: 'starting' };
  let homeChosen = false;
  let probes = 0;
  const judge = (statuses: MemberStatus__Output[]) => {
    lag?.observe(statuses);
    const sameZone = statuses.find((s) => s.zone !== '' && s.zone === config.zone && s.healthy);
    if (!homeChosen) {
      if (sameZone) storage.setHome(sameZone.id);
      else storage.spreadHome(config.id);
    }
    homeChosen = true;
    health = auth.loaded
      ? nodeHealth(config.mode, { answered: storage.answeredWithin(CUT_OFF_AFTER_MS), knowLeader: storage.answeringWithLeader(CUT_OFF_AFTER_MS), members: storage.members.length }, lag)
      : { ready: false, readsReady: false, reason: "reading the cluster's auth records" };
    metrics.replicaLagSeconds.set((lag?.lagMs ?? 0) / 1000);
    metrics.replicaLagRevisions.set(lag?.lagRevisions ?? 0);
    rpc.setServing(health.ready, health.readsReady);
  };
  auth.start();
  await storage.learnMembers(LEADER_REFRESH_MS);
  judge(await storage.refreshLeader(LEADER_REFRESH_MS));
  lag?.start();
  cachedReads?.start();
  const refresher = setInterval(() => {
    probes++;
    if (probes % LEARN_MEMBERS_EVERY_PROBES === 0) void storage.learnMembers(LEADER_REFRESH_MS);
    if (probes % REPORT_EVERY_PINGS === 0) storage.probe(REPORT_TIMEOUT_MS);
    storage.pingAll(PING_TIMEOUT_MS);
    judge(storage.latestReports());
  }, PING_INTERVAL_MS);
  const registration = new Registration(storage, { id: config.id, mode: config.mode, address: config.advertise, zone: config.zone, metricsAddress: config.metricsListen ?? '' });
  registration.start();
  const http = config.metricsListen
    ? await startHttpServer(config.metricsListen, metrics, { alive: () => true, ready: () => health })
    : undefined;
  log.info({ listen: config.listen, metricsListen: config.metricsListen, zone: config.zone || undefined }, `${config.mode} node listening`);
  onShutdownSignal(async () => {
    // Drain: stop being picked (health and registry), keep serving what still arrives for a
    // moment, then finish the calls in flight and exit.
    clearInterval(refresher);
    rpc.setServing(false);
    await registration.leave();
    await new Promise((resolve) => setTimeout(resolve, LEAVE_NOTICE_MS));
    await rpc.shutdown(DRAIN_MS);
    lag?.stop();
    cachedReads?.stop();
    auth.stop();
    storage.close();
    http?.close();
  });
}

/** The auth records as the admin calls see them: linearizable reads, commits as the cluster itself. */
function authRecordStore(storage: StorageRouter, kv: KvBackend): AuthRecordStore {
  return {
    read: (key, rangeEnd) =>
      storage.toLeader<RangeResponse__Output>(Date.now() + DEFAULT_REQUEST_TIMEOUT_MS, (m, o, done) => m.client.read({ key, rangeEnd }, o, done)),
    commit: (txn) => kv.commit(txn, SYSTEM),
  };
}

function writePathFor(config: NodeConfig, storage: StorageRouter, metrics: Metrics): WritePath {
  if (config.mode === 'reader') return { readOnly: true };
  const appender = new LogAppender(storage, metrics, DEFAULT_REQUEST_TIMEOUT_MS, () => reachesQuorum(storage));
  const writes = new GroupCommitter((txns) => appender.append(txns), undefined, (size) => metrics.batchSize.observe(size));
  return { writes, ids: new RequestIds(config.id) };
}

export interface NodeHealth {
  /** Every request this node takes (writes, linearizable reads). */
  ready: boolean;
  /** Reads that need no storage leader (serializable, bounded staleness, read-your-writes); ready implies it. */
  readsReady: boolean;
  reason: string;
}

/**
 * Whether this node should be sent traffic, and which. Reads that need no leader need one
 * storage member that answers, since any replica serves them (and, on a reader, a lag under the
 * bound). Everything else needs a majority of the members to answer (a writer with fewer is cut
 * off, and its writes could not commit), or, for a reader's linearizable reads, one member that
 * answers and knows a leader. A majority that answers but knows no leader (an election) counts:
 * every node sees the same election, and the gateway waits it out within the calls' deadlines
 * rather than finding no node at all. A minority that knows no leader does not: nothing will
 * change that soon, so the gateway refuses what needs a leader at once and sends the rest here.
 */
export function nodeHealth(
  mode: NodeConfig['mode'],
  storage: { answered: number; knowLeader: number; members: number },
  lag: { lagMs: number; lagRevisions: number } | undefined,
): NodeHealth {
  const { answered, knowLeader, members } = storage;
  const majority = Math.floor(members / 2) + 1;
  if (answered === 0) return { ready: false, readsReady: false, reason: `cut off: no storage member answered in the last ${CUT_OFF_AFTER_MS} ms` };
  if (lag && lag.lagMs > MAX_READER_LAG_MS) return { ready: false, readsReady: false, reason: `${lag.lagMs} ms behind the log (bound ${MAX_READER_LAG_MS} ms)` };
  const full = answered >= majority || (mode === 'reader' && knowLeader > 0);
  if (!full) {
    const needed = mode === 'writer' ? `${majority} needed for writes` : `${majority}, or one that knows a leader, needed for linearizable reads`;
    return { ready: false, readsReady: true, reason: `serving reads that need no leader only: ${answered} of ${members} storage members answered in the last ${CUT_OFF_AFTER_MS} ms, ${knowLeader} of them know a leader; ${needed}` };
  }
  return { ready: true, readsReady: true, reason: lag ? `ok: ${lag.lagRevisions} revisions, ${lag.lagMs} ms behind` : 'ok' };
}

/** Whether a writer reaches enough of the storage tier to commit. */
export function reachesQuorum(storage: StorageRouter): boolean {
  return storage.answeredWithin(CUT_OFF_AFTER_MS) >= Math.floor(storage.members.length / 2) + 1;
}
