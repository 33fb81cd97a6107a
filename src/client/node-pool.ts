import type * as grpc from '@grpc/grpc-js';
import type { StatusResponse__Output } from '../gen/quorumkv/v1/StatusResponse.js';
import { Cluster, KV, Lease, Watch } from '../proto/client-services.js';
import type { ClusterClient, KVClient, LeaseClient, WatchClient } from '../proto/services.js';
import { CLIENT_OPTIONS } from '../rpc/client-options.js';

// Where a client's calls go. With `balance: 'endpoints'` (the default), to the endpoints it was
// given, in turn. With `balance: 'nodes'`, as etcd's client spreads calls over members: it asks
// an endpoint (a gateway, usually) for the cluster's status, and sends writes to the healthy
// writer nodes and reads to the reader nodes, balanced per call and skipping the gateway's hop.
// The given endpoints are the fallback while no node is known, and the status is asked again in
// the background, so nodes that come and go are followed.

export type Route = 'write' | 'read' | 'replica-read' | 'control';
export type Balance = 'endpoints' | 'nodes';

export interface Endpoint {
  address: string;
  kv: KVClient;
  cluster: ClusterClient;
  watch: WatchClient;
  lease: LeaseClient;
}

/** How often a balancing client asks for the cluster's nodes again. */
export const DISCOVERY_INTERVAL_MS = 10_000;
const DISCOVERY_TIMEOUT_MS = 2_000;

export class NodePool {
  private readonly byAddress = new Map<string, Endpoint>();
  private readonly given: Endpoint[];
  private writers: Endpoint[] = [];
  private readers: Endpoint[] = [];
  private turn = 0;
  /** The given endpoint calls start on. */
  private current = 0;
  private timer: NodeJS.Timeout | undefined;
  private firstDiscovery: Promise<void> | undefined;

  constructor(
    addresses: readonly string[],
    private readonly credentials: grpc.ChannelCredentials,
    private readonly balance: Balance,
  ) {
    if (addresses.length === 0) throw new Error('connect: give at least one endpoint');
    this.given = addresses.map((address) => this.endpoint(address));
  }

  /**
   * The endpoints to try for one call, in order; an attempt that fails with UNAVAILABLE moves on
   * to the next (`failed`). Given endpoints are used first to last, sticking to one that works;
   * nodes are used in turn, a call each, with the given endpoints last, for when every node
   * known is down.
   */
  async order(route: Route): Promise<Endpoint[]> {
    if (this.balance === 'nodes' && route !== 'control') await this.discovered();
    return this.orderNow(route);
  }

  /** An attempt on `endpoint` failed with UNAVAILABLE: the next call starts on the next given endpoint. */
  failed(endpoint: Endpoint): void {
    if (this.given[this.current] === endpoint) this.current = (this.current + 1) % this.given.length;
  }

  /** The watch client for a watch's `attempt`-th stream (a broken stream resumes on the next). */
  watchClient(attempt: number): WatchClient {
    if (this.balance === 'nodes') void this.discovered();
    const order = this.orderNow('replica-read');
    if (attempt > 0) this.failed(order[0]!);
    return order[attempt % order.length]!.watch;
  }

  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const endpoint of this.byAddress.values()) {
      endpoint.kv.close();
      endpoint.cluster.close();
      endpoint.watch.close();
      endpoint.lease.close();
    }
    this.byAddress.clear();
  }

  private orderNow(route: Route): Endpoint[] {
    const given = this.given.map((_, i) => this.given[(this.current + i) % this.given.length]!);
    const nodes = this.balance === 'nodes' && route !== 'control' ? this.nodesFor(route) : [];
    const start = this.turn++;
    return [...nodes.map((_, i) => nodes[(start + i) % nodes.length]!), ...given.filter((e) => !nodes.includes(e))];
  }

  private discovered(): Promise<void> {
    this.firstDiscovery ??= this.discover().finally(() => this.scheduleDiscovery());
    return this.firstDiscovery;
  }

  private nodesFor(route: Route): Endpoint[] {
    if (route === 'write') return this.writers;
    // Writer and reader nodes both serve every read; serializable ones belong on readers first.
    if (route === 'replica-read') return this.readers.length > 0 ? this.readers : this.writers;
    return [...this.writers, ...this.readers];
  }

  /** Asks the given endpoints, in turn, for the cluster's nodes; keeps what it knew if none answers. */
  private async discover(): Promise<void> {
    for (const endpoint of this.given) {
      try {
        const status = await new Promise<StatusResponse__Output>((resolve, reject) =>
          endpoint.cluster.status({ withHashes: false }, { deadline: Date.now() + DISCOVERY_TIMEOUT_MS }, (error: grpc.ServiceError | null, response?: StatusResponse__Output) =>
            error ? reject(error) : resolve(response!),
          ),
        );
        const healthy = (role: string) => status.members.filter((m) => m.role === role && m.healthy && m.address !== '').map((m) => this.endpoint(m.address));
        this.writers = healthy('writer');
        this.readers = healthy('reader');
        return;
      } catch {
        // The next endpoint, or the nodes already known.
      }
    }
  }

  private scheduleDiscovery(): void {
    if (this.byAddress.size === 0) return;
    this.timer = setTimeout(() => void this.discover().finally(() => this.scheduleDiscovery()), DISCOVERY_INTERVAL_MS);
    this.timer.unref();
  }

  private endpoint(address: string): Endpoint {
    let endpoint = this.byAddress.get(address);
    if (endpoint === undefined) {
      endpoint = {
        address,
        kv: new KV(address, this.credentials, CLIENT_OPTIONS),
        cluster: new Cluster(address, this.credentials, CLIENT_OPTIONS),
        watch: new Watch(address, this.credentials, CLIENT_OPTIONS),
        lease: new Lease(address, this.credentials, CLIENT_OPTIONS),
      };
      this.byAddress.set(address, endpoint);
    }
    return endpoint;
  }
}
