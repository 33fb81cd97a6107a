import type * as grpc from '@grpc/grpc-js';
import type { MemberStatus__Output } from '../gen/quorumkv/v1/MemberStatus.js';
import type { StatusResponse__Output } from '../gen/quorumkv/v1/StatusResponse.js';
import { Cluster, KV, Lease, Watch } from '../proto/client-services.js';
import type { ClusterClient, KVClient, LeaseClient, WatchClient } from '../proto/services.js';
import { CLIENT_OPTIONS } from '../rpc/client-options.js';

// Where a client's calls go. With `balance: 'endpoints'` (the default), to the endpoints it was
// given, in turn. With `balance: 'nodes'`, as etcd's client spreads calls over members: it asks
// an endpoint (a gateway, usually) for the cluster's status, and sends writes to the healthy
// writer nodes and reads to the reader nodes, balanced per call and skipping the gateway's hop.
// Nodes listed as not healthy come after them, then the given endpoints: the fallback while no
// node is known or every node known is down. The status is asked again in
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
  private writers: NodeChoice<Endpoint> = NO_NODES;
  private readers: NodeChoice<Endpoint> = NO_NODES;
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
   * healthy nodes are used in turn, a call each, then the others, then the given endpoints.
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
    const nodes = this.balance === 'nodes' && route !== 'control' ? this.nodesFor(route) : NO_NODES;
    const start = this.turn++;
    const inTurn = nodes.healthy.map((_, i) => nodes.healthy[(start + i) % nodes.healthy.length]!);
    const tried = [...inTurn, ...nodes.others];
    return [...tried, ...given.filter((e) => !tried.includes(e))];
  }

  private discovered(): Promise<void> {
    this.firstDiscovery ??= this.discover().finally(() => this.scheduleDiscovery());
    return this.firstDiscovery;
  }

  private nodesFor(route: Route): NodeChoice<Endpoint> {
    if (route === 'write') return this.writers;
    // Writer and reader nodes both serve every read; serializable ones belong on readers first.
    if (route === 'replica-read') {
      if (this.readers.healthy.length === 0) return { healthy: this.writers.healthy, others: [...this.readers.others, ...this.writers.others] };
      return { healthy: this.readers.healthy, others: [...this.readers.others, ...this.writers.healthy, ...this.writers.others] };
    }
    return { healthy: [...this.writers.healthy, ...this.readers.healthy], others: [...this.writers.others, ...this.readers.others] };
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
        const listed = nodesListed(status.members);
        const endpoints = (choice: NodeChoice<string>) => ({ healthy: choice.healthy.map((a) => this.endpoint(a)), others: choice.others.map((a) => this.endpoint(a)) });
        this.writers = endpoints(listed.writers);
        this.readers = endpoints(listed.readers);
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

/** Nodes of one role: the healthy ones, used in turn, and the rest, tried after them. */
interface NodeChoice<T> {
  healthy: T[];
  others: T[];
}

const NO_NODES: NodeChoice<Endpoint> = { healthy: [], others: [] };

/**
 * The writer and reader node addresses a status lists. The unhealthy ones are kept as later
 * choices: a node the gateway has not yet seen ready may well be, and it beats having nothing
 * left to try when the healthy ones die before the next discovery.
 */
function nodesListed(members: readonly MemberStatus__Output[]): { writers: NodeChoice<string>; readers: NodeChoice<string> } {
  const of = (role: string) => {
    const nodes = members.filter((m) => m.role === role && m.address !== '');
    return { healthy: nodes.filter((m) => m.healthy).map((m) => m.address), others: nodes.filter((m) => !m.healthy).map((m) => m.address) };
  };
  return { writers: of('writer'), readers: of('reader') };
}
