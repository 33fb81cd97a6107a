import { startHttpServer } from '../observability/http-server.js';
import { log } from '../observability/log.js';
import { Metrics } from '../observability/metrics.js';
import { onShutdownSignal } from '../process/signals.js';
import { addClusterService } from '../rpc/cluster-service.js';
import { RpcServer } from '../rpc/server.js';
import { GroupCommitter } from './group-commit.js';
import { addKvService, DEFAULT_REQUEST_TIMEOUT_MS, kvBackend, type WritePath } from './kv-service.js';
import { LagTracker } from './lag-tracker.js';
import { LogAppender } from './log-appender.js';
import type { NodeConfig } from './options.js';
import { Registration } from './registration.js';
import { RequestIds } from './request-ids.js';
import { StorageRouter } from './storage-router.js';
import { addWatchService } from './watch-service.js';
import { addEtcdServices } from '../etcd/register.js';

const DRAIN_MS = 5_000;
/** How long a draining node keeps serving after announcing it leaves, so gateways notice first. */
const LEAVE_NOTICE_MS = 1_500;
const LEADER_REFRESH_MS = 1_000;
const STATUS_TIMEOUT_MS = 3_000;
/** A reader further behind than this stops reporting SERVING, so gateways skip it. */
export const MAX_READER_LAG_MS = 5_000;

/** `quorumkv node`: a writer or reader node serving the public API until SIGTERM or SIGINT. */
export async function runNode(config: NodeConfig): Promise<void> {
  const metrics = new Metrics(config.mode, config.id);
  const storage = new StorageRouter(config.storage);
  const rpc = new RpcServer(metrics);
  const lag = config.mode === 'reader' ? new LagTracker(storage) : undefined;
  const kv = kvBackend(storage, writePathFor(config, storage, metrics));
  addKvService(rpc, kv);
  addWatchService(rpc, storage);
  addEtcdServices(rpc, storage, kv, { progressNotifyMs: config.watchProgressNotifyMs });
  addClusterService(
    rpc,
    { role: config.mode, id: config.id, address: config.listen, zone: config.zone },
    (withHashes) => (withHashes ? storage.describeWithHashes(STATUS_TIMEOUT_MS) : storage.describeAll(STATUS_TIMEOUT_MS)),
    storage.membership(DEFAULT_REQUEST_TIMEOUT_MS),
    () => (lag ? { revision: lag.followedRevision, lagRevisions: lag.lagRevisions, lagMs: lag.lagMs } : {}),
  );
  await rpc.listen(config.listen);

  let health = { ready: false, reason: 'starting' };
  let homeChosen = false;
  let refreshes = 0;
  const refresh = async () => {
    if (refreshes++ % 8 === 0) await storage.learnMembers(LEADER_REFRESH_MS);
    const statuses = await storage.refreshLeader(LEADER_REFRESH_MS);
    lag?.observe(statuses);
    const sameZone = statuses.find((s) => s.zone !== '' && s.zone === config.zone && s.healthy);
    if (!homeChosen && sameZone) storage.setHome(sameZone.id);
    homeChosen = true;
    health = nodeHealth(statuses.some((s) => s.healthy), lag);
    metrics.replicaLagSeconds.set((lag?.lagMs ?? 0) / 1000);
    metrics.replicaLagRevisions.set(lag?.lagRevisions ?? 0);
    rpc.setServing(health.ready);
  };
  await refresh();
  lag?.start();
  const refresher = setInterval(() => void refresh(), LEADER_REFRESH_MS / 4);
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
    storage.close();
    http?.close();
  });
}

function writePathFor(config: NodeConfig, storage: StorageRouter, metrics: Metrics): WritePath {
  if (config.mode === 'reader') return { readOnly: true };
  const appender = new LogAppender(storage, metrics, DEFAULT_REQUEST_TIMEOUT_MS);
  const writes = new GroupCommitter((txns) => appender.append(txns), undefined, (size) => metrics.batchSize.observe(size));
  return { writes, ids: new RequestIds(config.id) };
}

function nodeHealth(storageReachable: boolean, lag: LagTracker | undefined): { ready: boolean; reason: string } {
  if (!storageReachable) return { ready: false, reason: 'no healthy storage member reachable' };
  if (lag && lag.lagMs > MAX_READER_LAG_MS) return { ready: false, reason: `${lag.lagMs} ms behind the log (bound ${MAX_READER_LAG_MS} ms)` };
  return { ready: true, reason: lag ? `ok: ${lag.lagRevisions} revisions, ${lag.lagMs} ms behind` : 'ok' };
}
