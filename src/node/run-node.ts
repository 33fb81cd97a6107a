import type { AppendResponse__Output } from '../gen/quorumkv/internal/v1/AppendResponse.js';
import { startHttpServer } from '../observability/http-server.js';
import { Metrics } from '../observability/metrics.js';
import { onShutdownSignal } from '../process/signals.js';
import { RpcServer } from '../rpc/server.js';
import { addClusterService } from '../rpc/cluster-service.js';
import { GroupCommitter, outcomeOrError } from './group-commit.js';
import { resolveNodeOptions, type NodeOptions } from './options.js';
import { StorageRouter } from './storage-router.js';
import { DEFAULT_REQUEST_TIMEOUT_MS, addWriterKvService } from './writer-kv-service.js';

const DRAIN_MS = 5_000;
const LEADER_REFRESH_MS = 1_000;
const STATUS_TIMEOUT_MS = 1_000;

/** `quorumkv node`: a writer node serving the public KV API until SIGTERM or SIGINT. */
export async function runNode(options: NodeOptions): Promise<void> {
  const config = resolveNodeOptions(options);
  const metrics = new Metrics(config.mode, config.id);
  const storage = new StorageRouter(config.storage);
  const writes = new GroupCommitter(
    async (txns) => {
      const response = await storage.toLeader<AppendResponse__Output>(Date.now() + DEFAULT_REQUEST_TIMEOUT_MS, (client, callOptions, done) =>
        client.append({ txns }, callOptions, done),
      );
      return response.results.map(outcomeOrError);
    },
    undefined,
    (size) => metrics.batchSize.observe(size),
  );
  const rpc = new RpcServer(metrics);
  addWriterKvService(rpc, storage, writes);
  addClusterService(rpc, { role: config.mode, id: config.id, address: config.listen, zone: config.zone }, () =>
    storage.describeAll(STATUS_TIMEOUT_MS),
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
