import * as grpc from '@grpc/grpc-js';
import { CLIENT_OPTIONS } from '../rpc/client-options.js';
import { CLIENT_USER_HEADER, TOKEN_METADATA, type Caller } from '../auth/caller.js';
import type { MemberStatus__Output } from '../gen/quorumkv/v1/MemberStatus.js';
import type { StatusResponse__Output } from '../gen/quorumkv/v1/StatusResponse.js';
import { startConsole } from '../console/start-console.js';
import { startHttpServer } from '../observability/http-server.js';
import { log } from '../observability/log.js';
import { Metrics } from '../observability/metrics.js';
import { onShutdownSignal } from '../process/signals.js';
import { Cluster } from '../proto/services.js';
import { UnavailableError } from '../errors.js';
import { addClusterService, memberStatus } from '../rpc/cluster-service.js';
import type { MembershipBackend } from '../rpc/membership-service.js';
import { RpcServer } from '../rpc/server.js';
import { COMPUTE_ROLES } from '../security/roles.js';
import { peerChannelCredentials } from '../security/transport-security.js';
import { BackendPool, type Backend } from './backend-pool.js';
import { Discovery } from './discovery.js';
import { H2Channel } from './h2-channel.js';
import type { GatewayOptions } from './options.js';
import { DEFAULT_MAX_IN_FLIGHT, Relay, type Endpoint } from './relay.js';
import { listenHttp2 } from './relay-server.js';

const DRAIN_MS = 5_000;
const STATUS_TIMEOUT_MS = 5_000;
const MEMBERSHIP_TIMEOUT_MS = 15_000;

/** `quorumkv gateway`: the cluster endpoint and the reader endpoint, until SIGTERM or SIGINT. */
export async function runGateway(options: GatewayOptions): Promise<void> {
  const metrics = new Metrics('gateway', options.id);
  const onHealth = (kind: string) => (backend: Backend) => metrics.backendHealthy.set({ kind, backend: backend.id }, backend.healthy ? 1 : 0);
  const writers = new BackendPool('writer', onHealth('writer'));
  const readers = new BackendPool('reader', onHealth('reader'));
  const discovery = new Discovery(options.storage, options, { writers, readers });
  await discovery.start();
  writers.start();
  readers.start();

  // The gateway's own services (health, Cluster) run on grpc-js on loopback; both endpoints relay
  // their calls there as they relay KV calls to the nodes.
  const rpc = new RpcServer(metrics);
  addClusterService(
    rpc,
    { role: 'gateway', id: options.id, address: options.listen, zone: '' },
    async (withHashes) => (await Promise.all([nodeStatuses('writer', writers.backends, withHashes), nodeStatuses('reader', readers.backends, withHashes)])).flat(),
    membershipThrough(writers),
  );
  const localPort = await rpc.listen('127.0.0.1:0', 'peer');
  const local = new H2Channel(`127.0.0.1:${localPort}`, ['gateway']);
  const servers = new Map<Endpoint, Awaited<ReturnType<typeof listenHttp2>>>();
  const endpoints: Array<[Endpoint, string | undefined]> = [['cluster', options.listen], ['reader', options.readerListen]];
  for (const [endpoint, address] of endpoints) {
    if (!address) continue;
    const relay = new Relay({ endpoint, writers, readers, metrics, local, maxInFlight: options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT });
    servers.set(endpoint, await listenHttp2(address, relay.onStream));
  }
  rpc.setServing(true);
  // The web console shares the metrics listener.
  const webConsole = options.metricsListen ? startConsole({ ...options, metricsListen: options.metricsListen }, { writers, readers }, () => metrics.registry.metrics()) : undefined;
  const http = options.metricsListen
    ? await startHttpServer(options.metricsListen, metrics, {
        alive: () => true,
        ready: () => {
          const healthy = writers.healthyCount;
          return { ready: healthy > 0, reason: `${healthy} writer and ${readers.healthyCount} reader nodes healthy` };
        },
      }, webConsole?.routes)
    : undefined;
  log.info({ listen: options.listen, readerListen: options.readerListen, metricsListen: options.metricsListen, console: options.metricsListen ? `http://${options.metricsListen}/` : undefined }, 'gateway listening');
  onShutdownSignal(async () => {
    rpc.setServing(false);
    await Promise.all([...servers.values()].map((server) => server.shutdown(DRAIN_MS)));
    local.close();
    await rpc.shutdown(DRAIN_MS);
    discovery.stop();
    writers.stop();
    readers.stop();
    webConsole?.close();
    http?.close();
  });
}

/** Membership calls go to a healthy writer node, which asks the storage leader. */
function membershipThrough(writers: BackendPool): MembershipBackend {
  const call = <Res>(invoke: (client: InstanceType<typeof Cluster>, deadline: number, done: (e: grpc.ServiceError | null, r?: Res) => void) => void): Promise<Res> => {
    const backend = writers.pick();
    if (!backend) return Promise.reject(new UnavailableError('no healthy writer node behind this gateway'));
    const client = new Cluster(backend.address, peerChannelCredentials(COMPUTE_ROLES), CLIENT_OPTIONS);
    return new Promise<Res>((resolve, reject) =>
      invoke(client, Date.now() + MEMBERSHIP_TIMEOUT_MS, (error, response) => {
        client.close();
        if (error) reject(error);
        else resolve(response as Res);
      }),
    );
  };
  return {
    list: () => call((c, deadline, done) => c.memberList({}, { deadline }, done)),
    change: (type, id, address, caller) =>
      call((c, deadline, done) => {
        // The node checks the caller's right to do this, so it is told who the caller is.
        const metadata = relayedIdentity(caller);
        if (type === 'add-learner') c.memberAdd({ id, address }, metadata, { deadline }, done);
        else if (type === 'promote-learner') c.memberPromote({ id }, metadata, { deadline }, done);
        else c.memberRemove({ id }, metadata, { deadline }, done);
      }),
  };
}

function relayedIdentity(caller: Caller): grpc.Metadata {
  const metadata = new grpc.Metadata();
  if (caller.kind === 'client' && caller.token) metadata.set(TOKEN_METADATA, caller.token);
  if (caller.kind === 'client' && caller.certificateUser) metadata.set(CLIENT_USER_HEADER, caller.certificateUser);
  return metadata;
}

/**
 * What the nodes report of themselves and of the storage tier. An unreachable node is listed
 * unhealthy, in its role: a balancing client keeps it as a later choice (client/node-pool.ts).
 */
async function nodeStatuses(role: 'writer' | 'reader', backends: readonly Backend[], withHashes: boolean): Promise<MemberStatus__Output[]> {
  const reports = await Promise.all(
    backends
      .filter((b) => !b.draining)
      .map((backend) => {
        const client = new Cluster(backend.address, peerChannelCredentials(COMPUTE_ROLES), CLIENT_OPTIONS);
        return new Promise<MemberStatus__Output[]>((resolve) =>
          client.status({ withHashes }, { deadline: Date.now() + STATUS_TIMEOUT_MS }, (error, response?: StatusResponse__Output) => {
            client.close();
            resolve(error || !response ? [memberStatus({ role, id: backend.id, address: backend.address, error: error?.details ?? 'no answer' })] : response.members);
          }),
        );
      }),
  );
  return reports.flat();
}
