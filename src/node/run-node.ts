import { startHttpServer } from '../observability/http-server.js';
import { Metrics } from '../observability/metrics.js';
import { onShutdownSignal } from '../process/signals.js';
import { RpcServer } from '../rpc/server.js';
import { addClusterService } from '../rpc/cluster-service.js';
import { GroupCommitter } from './group-commit.js';
import { LogAppender } from './log-appender.js';
import { RequestIds } from './request-ids.js';
import type { NodeConfig } from './options.js';
import { StorageRouter } from './storage-router.js';
import { DEFAULT_REQUEST_TIMEOUT_MS, addWriterKvService } from './writer-kv-service.js';

const DRAIN_MS = 5_000;
const LEADER_REFRESH_MS = 1_000;
const STATUS_TIMEOUT_MS = 1_000;

/** `quorumkv node`: a writer node serving the public KV API until SIGTERM or SIGINT. */
export async function runNode(config: NodeConfig): Promise<void> {
  const metrics = new Metrics(config.mode, config.id);
  const storage = new StorageRouter(config.storage);
  const appender = new LogAppender(storage, metrics, DEFAULT_REQUEST_TIMEOUT_MS);
  const writes = new GroupCommitter((txns) => appender.append(txns), undefined, (size) => metrics.batchSize.observe(size));
  const rpc = new RpcServer(metrics);
  addWriterKvService(rpc, storage, writes, new RequestIds(config.id));
  addClusterService(rpc, { role: config.mode, id: config.id, address: config.listen, zone: config.zone }, () =>
    storage.describeWithHashes(STATUS_TIMEOUT_MS),
  );
  await rpc.listen(config.listen);

  let storageReachable = false;
  const refresh = async () => {
    const statuses = await storage.refreshLeader(LEADER_REFRESH_MS);
    storageReachable = statuses.some((s) => s.healthy);
    rpc.setServing(storageReachable);
  };
  await refresh();
  const refresher = setInterval(() => void refresh(), LEADER_REFRESH_MS);
  const http = config.metricsListen
    ? await startHttpServer(config.metricsListen, metrics, {
        alive: () => true,
        ready: () => ({ ready: storageReachable, reason: storageReachable ? 'ok' : 'no healthy storage member reachable' }),
      })
    : undefined;
  console.log(`${config.mode} node ${config.id} listening on ${config.listen}`);
  onShutdownSignal(async () => {
    clearInterval(refresher);
    await rpc.shutdown(DRAIN_MS);
    storage.close();
    http?.close();
  });
}
