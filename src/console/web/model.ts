// What the gateway sends the console page over its event stream, once a tick: the whole picture,
// so a page that connects late or reconnects needs nothing else. Types only: the page and the
// gateway both import them.

export type ClusterState = 'healthy' | 'degraded' | 'broken';

export interface StorageView {
  id: string;
  address: string;
  zone: string;
  /** voter or learner, as the leader's configuration says; '' when no leader answered. */
  membership: string;
  leader: boolean;
  healthy: boolean;
  /** Why it is not healthy (unreachable, no leader known, …). */
  error: string;
  term: number;
  commitIndex: number;
  appliedIndex: number;
  revision: number;
  /** Bytes in its data directory, from its own metrics; undefined when they could not be read. */
  dbSizeBytes?: number;
}

export interface NodeView {
  id: string;
  role: 'writer' | 'reader';
  address: string;
  zone: string;
  /** As the gateway's health checks see it. */
  healthy: boolean;
  /** Readers: how far behind the log, from the reader's own metrics. */
  lagMs?: number;
  lagRevisions?: number;
}

export interface GatewayView {
  id: string;
  clusterEndpoint: string;
  readerEndpoint: string;
  consoleAddress: string;
  healthy: boolean;
}

export interface EndpointView {
  name: 'cluster' | 'reader';
  address: string;
  /** The nodes this endpoint sends requests to right now (healthy and not draining). */
  balancesOver: string[];
  /** What kind of node those are: the reader endpoint falls back to writers without readers. */
  over: 'writers' | 'readers' | 'nothing';
  /** Requests per second the gateway itself relayed on this endpoint in the last interval. */
  relayedPerSecond: number;
}

/** One time series: a point per metrics tick. `t` is milliseconds since the epoch. */
export interface Series {
  /** e.g. "Put", "Range". */
  label: string;
  points: Array<[t: number, value: number]>;
}

export interface EndpointTraffic {
  endpoint: 'cluster' | 'reader';
  /** Which processes' metrics the numbers come from (writer nodes, reader nodes). */
  servedBy: string;
  /** Requests per second, by op. */
  throughput: Series[];
  /** 99th percentile latency in milliseconds, by op. */
  latencyP99Ms: Series[];
  /** The latest total requests per second over every op. */
  totalPerSecond: number;
}

export interface HistoryEvent {
  at: number;
  kind: 'leader' | 'failover' | 'no-leader' | 'membership' | 'down' | 'up' | 'joined' | 'left' | 'started';
  text: string;
}

export interface Snapshot {
  at: number;
  /** The gateway that serves this page. */
  gateway: string;
  state: ClusterState;
  /** Why the state is not healthy, one line each. */
  reasons: string[];
  leader: string;
  term: number;
  storage: StorageView[];
  nodes: NodeView[];
  gateways: GatewayView[];
  endpoints: EndpointView[];
  traffic: EndpointTraffic[];
  history: HistoryEvent[];
}

export interface KeyListing {
  prefix: string;
  revision: number;
  keys: Array<{ key: string; modRevision: number; version: number }>;
  more: boolean;
}

export interface KeyVersion {
  revision: number;
  version: number;
  value: string;
  /** The value is not UTF-8 text; `value` shows its bytes in hex. */
  binary: boolean;
  /** The value's size; `value` shows its beginning when it is large. */
  sizeBytes: number;
}

export interface KeyDetail {
  key: string;
  found: boolean;
  revision: number;
  createRevision: number;
  /** Newest first: the current value, then each earlier one down to the key's creation. */
  history: KeyVersion[];
  /** Why the history stops before the creation: older revisions compacted, or the bound reached. */
  truncated: '' | 'compacted' | 'limit';
}
