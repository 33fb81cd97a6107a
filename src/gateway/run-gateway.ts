import * as grpc from '@grpc/grpc-js';
import type { StatusResponse__Output } from '../gen/quorumkv/v1/StatusResponse.js';
import type { MemberStatus__Output } from '../gen/quorumkv/v1/MemberStatus.js';
import { startHttpServer } from '../observability/http-server.js';
import { Metrics } from '../observability/metrics.js';
import { onShutdownSignal } from '../process/signals.js';
import { Cluster } from '../proto/services.js';
import { CLIENT_OPTIONS } from '../rpc/client-options.js';
import { addClusterService, memberStatus } from '../rpc/cluster-service.js';
import { RpcServer } from '../rpc/server.js';
import { BackendPool } from './backend-pool.js';
import type { GatewayOptions } from './options.js';
import { addForwardingKvService } from './forwarder.js';

const DRAIN_MS = 5_000;
const STATUS_TIMEOUT_MS = 1_500;

/** `quorumkv gateway`: the cluster endpoint, forwarding to writer nodes, until SIGTERM or SIGINT. */
export async function runGateway(options: GatewayOptions): Promise<void> {
  const metrics = new Metrics('gateway', options.id);
  const pool = new BackendPool(options.writers);
  await pool.start();
  const rpc = new RpcServer(metrics);
  addForwardingKvService(rpc.server, pool, metrics);
  const statusClients = [...options.writers].map(([id, address]) => ({
    id,
    address,
    client: new Cluster(address, grpc.credentials.createInsecure(), CLIENT_OPTIONS),
  }));
  addClusterService(rpc, { role: 'gateway', id: options.id, address: options.listen, zone: '' }, async () => {
    const reports = await Promise.all(
      statusClients.map(
        ({ id, address, client }) =>
          new Promise<MemberStatus__Output[]>((resolve) =>
            client.status({}, { deadline: Date.now() + STATUS_TIMEOUT_MS }, (error, response?: StatusResponse__Output) =>
              resolve(error || !response ? [unreachableNode(id, address, error?.details ?? 'no answer')] : response.members),
            ),
          ),
      ),
    );
    return reports.flat();
  });
  await rpc.listen(options.listen);
  rpc.setServing(true);
  const http = options.metricsListen
    ? await startHttpServer(options.metricsListen, metrics, {
        alive: () => true,
        ready: () => {
          const healthy = pool.healthyCount;
          return { ready: healthy > 0, reason: `${healthy} of ${pool.backends.length} writer nodes healthy` };
        },
      })
    : undefined;
  console.log(`gateway ${options.id}: cluster endpoint ${options.listen} → writers ${[...options.writers.values()].join(', ')}`);
  onShutdownSignal(async () => {
    await rpc.shutdown(DRAIN_MS);
    pool.stop();
    for (const { client } of statusClients) client.close();
    http?.close();
  });
}

function unreachableNode(id: string, address: string, error: string): MemberStatus__Output {
  return memberStatus({ role: 'writer', id, address, error });
}
