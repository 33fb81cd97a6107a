import * as grpc from '@grpc/grpc-js';
import type { MemberStatus__Output } from '../gen/quorumkv/v1/MemberStatus.js';
import type { NodeInfo__Output } from '../gen/quorumkv/internal/v1/NodeInfo.js';
import type { BackendPool } from '../gateway/backend-pool.js';
import { splitHostPort } from '../observability/http-server.js';
import { log } from '../observability/log.js';
import { Storage, type StorageClient } from '../proto/services.js';
import { CLIENT_OPTIONS } from '../rpc/client-options.js';
import { memberStatus } from '../rpc/cluster-service.js';
import { STORAGE_ROLES } from '../security/roles.js';
import { peerChannelCredentials } from '../security/transport-security.js';
import { clusterState } from './cluster-state.js';
import { History } from './history.js';
import { parsePrometheusText, sampleValue, type Sample } from './prom-text.js';
import { EndpointSeries, addRates, opDelta, opTotals, type OpTotals } from './traffic.js';
import type { EndpointView, GatewayView, NodeView, Snapshot, StorageView } from './web/model.js';

// Gathers what the console shows, in the gateway, so a browser asks one process and never every
// one: storage members describe themselves over gRPC; the leader lists the configuration and the
// registered compute nodes; the gateway's pools say which nodes are healthy; every process's own
// /metrics gives db size, reader lag and request counts. Status ticks are fast while a page
// watches (a leader change shows within a second) and slow otherwise, only to keep the history;
// metrics are scraped on their own loop, only while a page watches, so a slow scrape never holds
// back the status.

export const WATCHED_TICK_MS = 500;
export const IDLE_TICK_MS = 2_000;
export const METRICS_TICK_MS = 1_000;
const CALL_TIMEOUT_MS = 1_000;
const SCRAPE_TIMEOUT_MS = 2_000;
/** Storage members and nodes followed at most (the registry's own bound is 1,024 nodes). */
const MAX_PROCESSES = 1_100;

export interface CollectorSources {
  gateway: GatewayView;
  /** Storage members to start from (id → HOST:PORT); members added later are learned from the leader. */
  storage: ReadonlyMap<string, string>;
  writers: BackendPool;
  readers: BackendPool;
  /** The gateway's own metrics, for what it relayed on each endpoint. */
  ownMetrics: () => Promise<string>;
}

interface Scraped {
  at: number;
  totals: OpTotals;
}

export class Collector {
  private readonly clients = new Map<string, StorageClient>();
  private readonly storageAddresses = new Map<string, string>();
  private readonly history = new History();
  private readonly series = { cluster: new EndpointSeries('cluster', 'writer nodes'), reader: new EndpointSeries('reader', 'reader nodes') };
  private readonly scraped = new Map<string, Scraped>();
  private readonly dbSize = new Map<string, number>();
  private readonly zones = new Map<string, string>();
  private registered = new Map<string, NodeInfo__Output>();
  private readonly lag = new Map<string, { ms: number; revisions: number }>();
  private relayed: { at: number; byEndpoint: Map<string, number> } | undefined;
  private relayedPerSecond = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private metricsTimer: NodeJS.Timeout | undefined;
  private metricsActive = false;
  private stopped = false;
  /** What the last status tick found, for the metrics loop. */
  private seen: { statuses: MemberStatus__Output[]; nodes: NodeView[]; registered: Map<string, NodeInfo__Output> } | undefined;
  private latest: Snapshot | undefined;
  private readonly listeners = new Set<(snapshot: Snapshot) => void>();

  constructor(private readonly sources: CollectorSources) {
    for (const [id, address] of sources.storage) this.storageAddresses.set(id, address);
  }

  start(): void {
    void this.loop();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.metricsTimer);
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
    this.listeners.clear();
  }

  get snapshot(): Snapshot | undefined {
    return this.latest;
  }

  /** Calls `listener` with every new snapshot until the returned function is called. */
  subscribe(listener: (snapshot: Snapshot) => void): () => void {
    const wasIdle = this.listeners.size === 0;
    this.listeners.add(listener);
    if (wasIdle) {
      this.wake();
      if (!this.metricsActive) {
        this.metricsActive = true;
        void this.metricsLoop();
      }
    }
    return () => this.listeners.delete(listener);
  }

  /** A page just arrived: look now instead of at the end of an idle tick. */
  private wake(): void {
    if (this.stopped || this.timer === undefined) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    void this.loop();
  }

  private async loop(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.tick();
    } catch (error) {
      log.warn({ err: error }, 'console: a status tick failed');
    }
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.loop();
    }, this.listeners.size > 0 ? WATCHED_TICK_MS : IDLE_TICK_MS);
  }

  /** Runs while a page watches; the first scrape only sets the baseline of the counters. */
  private async metricsLoop(): Promise<void> {
    const started = Date.now();
    try {
      if (this.seen) await this.scrape(this.seen.statuses, this.seen.nodes, this.seen.registered);
    } catch (error) {
      log.warn({ err: error }, 'console: a metrics scrape failed');
    }
    if (this.stopped || this.listeners.size === 0) {
      // Rates start again from a fresh baseline when a page next watches.
      this.metricsActive = false;
      this.scraped.clear();
      return;
    }
    this.metricsTimer = setTimeout(() => void this.metricsLoop(), Math.max(0, METRICS_TICK_MS - (Date.now() - started)));
  }

  private async tick(): Promise<void> {
    const statuses = await Promise.all([...this.storageAddresses].map(([id, address]) => this.describe(id, address)));
    // A member that stops answering stays in its zone.
    for (const s of statuses) {
      if (s.zone) this.zones.set(s.id, s.zone);
      else s.zone = this.zones.get(s.id) ?? '';
    }
    const leader = statuses.find((s) => s.healthy && s.leader);
    const config = leader ? await this.members(leader.address) : undefined;
    for (const member of config ?? []) {
      if (!this.storageAddresses.has(member.id) && this.storageAddresses.size < MAX_PROCESSES) this.storageAddresses.set(member.id, member.address);
    }
    const registered = await this.registeredNodes(leader ? [leader, ...statuses] : statuses);
    const nodes = this.nodeViews(registered);
    this.seen = { statuses, nodes, registered };
    const membership = new Map((config ?? []).map((m) => [m.id, m.role]));
    const storage: StorageView[] = statuses
      .filter((s) => !config || membership.has(s.id))
      .map((s) => ({
        id: s.id,
        address: s.address,
        zone: s.zone,
        membership: membership.get(s.id) ?? '',
        leader: s.leader && s.healthy,
        healthy: s.healthy,
        error: s.error,
        term: s.term,
        commitIndex: s.commitIndex,
        appliedIndex: s.appliedIndex,
        revision: s.revision,
        dbSizeBytes: s.healthy ? this.dbSize.get(s.id) : undefined,
      }))
      .sort((a, b) => a.id.localeCompare(b.id));
    for (const node of nodes) {
      const lag = this.lag.get(node.id);
      if (node.role === 'reader' && lag) Object.assign(node, { lagMs: lag.ms, lagRevisions: lag.revisions });
    }
    this.publish(storage, nodes, leader);
  }

  private publish(storage: StorageView[], nodes: NodeView[], leader: MemberStatus__Output | undefined): void {
    const at = Date.now();
    const endpoints = this.endpointViews();
    const term = Math.max(0, ...storage.map((s) => s.term));
    this.history.observe({ leader: leader?.id ?? '', term: leader?.term ?? term, storage, nodes }, at);
    const { state, reasons } = clusterState(storage, nodes, endpoints);
    this.latest = {
      at,
      gateway: this.sources.gateway.id,
      state,
      reasons,
      leader: leader?.id ?? '',
      term: leader?.term ?? term,
      storage,
      nodes,
      gateways: [this.sources.gateway],
      endpoints,
      traffic: [this.series.cluster.view(), this.series.reader.view()],
      history: this.history.list(),
    };
    for (const listener of this.listeners) listener(this.latest);
  }

  private client(address: string): StorageClient {
    let client = this.clients.get(address);
    if (!client) this.clients.set(address, (client = new Storage(address, peerChannelCredentials(STORAGE_ROLES), CLIENT_OPTIONS)));
    return client;
  }

  private describe(id: string, address: string): Promise<MemberStatus__Output> {
    return new Promise((resolve) =>
      this.client(address).describe({ withHashes: false }, { deadline: Date.now() + CALL_TIMEOUT_MS }, (error, status) => {
        if (error || !status) resolve(unreachable(id, address, error?.code === grpc.status.UNAVAILABLE ? 'unreachable' : error?.code === grpc.status.DEADLINE_EXCEEDED ? `no answer within ${CALL_TIMEOUT_MS} ms` : error?.details || 'no answer'));
        else resolve(status);
      }),
    );
  }

  private members(address: string): Promise<Array<{ id: string; address: string; role: string }> | undefined> {
    return new Promise((resolve) =>
      this.client(address).members({}, { deadline: Date.now() + CALL_TIMEOUT_MS }, (error, response) =>
        resolve(error || !response ? undefined : response.members.map((m) => ({ id: m.id, address: m.address, role: m.role }))),
      ),
    );
  }

  /** The compute nodes registered with the first of `members` that answers; the last list when none does. */
  private async registeredNodes(members: MemberStatus__Output[]): Promise<Map<string, NodeInfo__Output>> {
    for (const member of members.filter((m) => m.healthy)) {
      const list = await new Promise<NodeInfo__Output[] | undefined>((resolve) =>
        this.client(member.address).listNodes({}, { deadline: Date.now() + CALL_TIMEOUT_MS }, (error, response) => resolve(error ? undefined : response?.nodes)),
      );
      if (list) {
        this.registered = new Map(list.slice(0, MAX_PROCESSES).map((n) => [n.id, n]));
        break;
      }
    }
    return this.registered;
  }

  /** Every node the gateway's pools hold, with health from its checks and zone from the registry. */
  private nodeViews(registered: Map<string, NodeInfo__Output>): NodeView[] {
    const views: NodeView[] = [];
    for (const pool of [this.sources.writers, this.sources.readers]) {
      for (const backend of pool.backends) {
        if (backend.draining) continue;
        views.push({ id: backend.id, role: pool.kind, address: backend.address, zone: registered.get(backend.id)?.zone ?? '', healthy: backend.healthy });
      }
    }
    return views.sort((a, b) => a.role.localeCompare(b.role) || a.id.localeCompare(b.id));
  }

  private endpointViews(): EndpointView[] {
    const healthy = (pool: BackendPool) => pool.backends.filter((b) => b.healthy && !b.draining).map((b) => b.id).sort();
    const writers = healthy(this.sources.writers);
    const readers = healthy(this.sources.readers);
    const views: EndpointView[] = [
      { name: 'cluster', address: this.sources.gateway.clusterEndpoint, balancesOver: writers, over: writers.length > 0 ? 'writers' : 'nothing', relayedPerSecond: this.relayedPerSecond.get('cluster') ?? 0 },
    ];
    if (this.sources.gateway.readerEndpoint) {
      // As the forwarder does: readers when there are healthy ones, else writers.
      const over = readers.length > 0 ? 'readers' : writers.length > 0 ? 'writers' : 'nothing';
      views.push({ name: 'reader', address: this.sources.gateway.readerEndpoint, balancesOver: over === 'readers' ? readers : writers, over, relayedPerSecond: this.relayedPerSecond.get('reader') ?? 0 });
    }
    return views;
  }

  /** One scrape of every process's /metrics (and the gateway's own), turned into points. */
  private async scrape(statuses: MemberStatus__Output[], nodes: NodeView[], registered: Map<string, NodeInfo__Output>): Promise<void> {
    const at = Date.now();
    const storageScrapes = statuses
      .filter((s) => s.healthy && s.metricsAddress)
      .map(async (s) => {
        const samples = await scrapeSamples(metricsUrl(s.metricsAddress, s.address));
        const size = samples && sampleValue(samples, 'quorumkv_db_size_bytes');
        if (size !== undefined) this.dbSize.set(s.id, size);
      });
    const rates = { cluster: new Map() as OpTotals, reader: new Map() as OpTotals };
    const nodeScrapes = nodes.map(async (node) => {
      const info = registered.get(node.id);
      const samples = info?.metricsAddress ? await scrapeSamples(metricsUrl(info.metricsAddress, node.address)) : undefined;
      if (!samples) return;
      if (node.role === 'reader') this.lag.set(node.id, readerLag(samples));
      const totals = opTotals(samples);
      const before = this.scraped.get(node.id);
      this.scraped.set(node.id, { at, totals });
      if (before && at > before.at) addRates(rates[node.role === 'reader' ? 'reader' : 'cluster'], opDelta(before.totals, totals), (at - before.at) / 1_000);
    });
    const own = this.sources.ownMetrics().then((text) => this.recordRelayed(at, parsePrometheusText(text)));
    await Promise.all([...storageScrapes, ...nodeScrapes, own]);
    for (const id of this.scraped.keys()) if (!nodes.some((n) => n.id === id)) this.scraped.delete(id);
    const servedBy = (role: 'writer' | 'reader') => `${role} nodes: ${nodes.filter((n) => n.role === role).map((n) => n.id).join(', ') || 'none'}`;
    this.series.cluster.record(at, rates.cluster, servedBy('writer'));
    this.series.reader.record(at, rates.reader, servedBy('reader'));
  }

  private recordRelayed(at: number, samples: Sample[]): void {
    const byEndpoint = new Map<string, number>();
    for (const s of samples) {
      if (s.name === 'quorumkv_gateway_requests_total') byEndpoint.set(s.labels.endpoint, (byEndpoint.get(s.labels.endpoint) ?? 0) + s.value);
    }
    const before = this.relayed;
    this.relayed = { at, byEndpoint };
    if (!before || at <= before.at) return;
    this.relayedPerSecond = new Map([...byEndpoint].map(([endpoint, count]) => [endpoint, Math.max(0, count - (before.byEndpoint.get(endpoint) ?? 0)) / ((at - before.at) / 1_000)]));
  }
}

function unreachable(id: string, address: string, error: string): MemberStatus__Output {
  return memberStatus({ role: 'storage', id, address, error });
}

/** A metrics address with a wildcard host (0.0.0.0, ::) is reached at the host of the process's gRPC address. */
export function metricsUrl(metricsAddress: string, grpcAddress: string): string {
  const { host, port } = splitHostPort(metricsAddress);
  const wildcard = host === '0.0.0.0' || host === '::' || host === '';
  const reachable = wildcard ? splitHostPort(grpcAddress).host : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}/metrics`;
}

async function scrapeSamples(url: string): Promise<Sample[] | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(SCRAPE_TIMEOUT_MS) });
    if (!response.ok) return undefined;
    return parsePrometheusText(await response.text());
  } catch {
    return undefined;
  }
}

/** A reader's lag from its own gauges. */
export function readerLag(samples: readonly Sample[]): { ms: number; revisions: number } {
  return { ms: (sampleValue(samples, 'quorumkv_replica_lag_seconds') ?? 0) * 1_000, revisions: sampleValue(samples, 'quorumkv_replica_lag_revisions') ?? 0 };
}
