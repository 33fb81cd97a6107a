import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics, exponentialBuckets } from 'prom-client';
import { directoryBytes } from './disk-usage.js';

// The metrics every process exports. One registry per process; a role only updates what applies.
// Names are in base units (seconds, bytes). Where dashboards and alerts written for etcd rely on
// a metric, etcd's name is exported beside ours with the same value (the README's "Operating it" lists them).

const LATENCY_BUCKETS_SECONDS = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5];
/** etcd's buckets for its disk histograms (1 ms … 8 s) and for peer round trips (0.1 ms … 3.2 s). */
const ETCD_DISK_BUCKETS_SECONDS = exponentialBuckets(0.001, 2, 14);
const ETCD_ROUND_TRIP_BUCKETS_SECONDS = exponentialBuckets(0.0001, 2, 16);

/** A gauge and its etcd-named twin, set together. */
export class TwinGauge {
  constructor(private readonly ours: Gauge, private readonly etcd: Gauge) {}
  set(value: number): void {
    this.ours.set(value);
    this.etcd.set(value);
  }
  inc(value = 1): void {
    this.ours.inc(value);
    this.etcd.inc(value);
  }
  dec(value = 1): void {
    this.ours.dec(value);
    this.etcd.dec(value);
  }
}

/** A counter and its etcd-named twin, counted together. */
export class TwinCounter {
  constructor(private readonly ours: Counter, private readonly etcd: Counter) {}
  inc(value = 1): void {
    this.ours.inc(value);
    this.etcd.inc(value);
  }
}

/** A histogram and its etcd-named twin (each with its own buckets), observed together. */
export class TwinHistogram {
  constructor(private readonly ours: Histogram, private readonly etcd: Histogram) {}
  observe(seconds: number): void {
    this.ours.observe(seconds);
    this.etcd.observe(seconds);
  }
}

export class Metrics {
  readonly registry = new Registry();

  readonly grpcRequests = new Counter({
    name: 'quorumkv_grpc_requests_total',
    help: 'gRPC requests served, by method and status code.',
    labelNames: ['method', 'code'] as const,
    registers: [this.registry],
  });
  readonly grpcLatency = new Histogram({
    name: 'quorumkv_grpc_request_duration_seconds',
    help: 'Time to answer a gRPC request, by method.',
    labelNames: ['method'] as const,
    buckets: LATENCY_BUCKETS_SECONDS,
    registers: [this.registry],
  });
  readonly raftTerm = new Gauge({ name: 'quorumkv_raft_term', help: 'Current raft term.', registers: [this.registry] });
  readonly raftIsLeader = new TwinGauge(
    new Gauge({ name: 'quorumkv_raft_is_leader', help: '1 if this member is the raft leader.', registers: [this.registry] }),
    new Gauge({ name: 'etcd_server_is_leader', help: 'Whether or not this member is a leader. 1 if is, 0 otherwise.', registers: [this.registry] }),
  );
  readonly hasLeader = new TwinGauge(
    new Gauge({ name: 'quorumkv_raft_has_leader', help: '1 if this member knows a raft leader.', registers: [this.registry] }),
    new Gauge({ name: 'etcd_server_has_leader', help: 'Whether or not a leader exists. 1 is existence, 0 is not.', registers: [this.registry] }),
  );
  readonly leaderChanges = new TwinCounter(
    new Counter({ name: 'quorumkv_raft_leader_changes_total', help: 'Times this member saw the raft leader change.', registers: [this.registry] }),
    new Counter({ name: 'etcd_server_leader_changes_seen_total', help: 'The number of leader changes seen.', registers: [this.registry] }),
  );
  readonly proposalsPending = new TwinGauge(
    new Gauge({ name: 'quorumkv_raft_proposals_pending', help: 'Proposals from this member waiting to be committed and applied.', registers: [this.registry] }),
    new Gauge({ name: 'etcd_server_proposals_pending', help: 'The current number of pending proposals to commit.', registers: [this.registry] }),
  );
  readonly proposalsCommitted = new Counter({
    name: 'quorumkv_raft_proposals_committed_total',
    help: 'Log entries committed and applied on this member.',
    registers: [this.registry],
  });
  readonly proposalsFailed = new TwinCounter(
    new Counter({ name: 'quorumkv_raft_proposals_failed_total', help: 'Proposals from this member that were refused or timed out.', registers: [this.registry] }),
    new Counter({ name: 'etcd_server_proposals_failed_total', help: 'The total number of failed proposals seen.', registers: [this.registry] }),
  );
  readonly raftMessagesDropped = new Counter({
    name: 'quorumkv_raft_messages_dropped_total',
    help: 'Raft messages not sent because the stream to their peer was full (slow, paused or gone).',
    registers: [this.registry],
  });
  readonly raftMessagesRefused = new Counter({
    name: 'quorumkv_raft_messages_refused_total',
    help: "Raft messages from peers not counted, by reason: stale (the peer came back with a new data directory) or unvouched (no leader has told this member the peer's incarnation yet).",
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly peerIncarnationsKnown = new Gauge({
    name: 'quorumkv_peer_incarnations_known',
    help: 'Peers whose incarnation this member knows: it counts a peer only once it knows it (or while it leads, or has an empty log).',
    registers: [this.registry],
  });
  readonly commitIndex = new TwinGauge(
    new Gauge({ name: 'quorumkv_raft_commit_index', help: 'Highest committed log index known.', registers: [this.registry] }),
    new Gauge({ name: 'etcd_server_proposals_committed_total', help: 'The total number of consensus proposals committed.', registers: [this.registry] }),
  );
  readonly appliedIndex = new TwinGauge(
    new Gauge({ name: 'quorumkv_raft_applied_index', help: 'Highest log index applied to the state.', registers: [this.registry] }),
    new Gauge({ name: 'etcd_server_proposals_applied_total', help: 'The total number of consensus proposals applied.', registers: [this.registry] }),
  );
  readonly storeRevision = new Gauge({ name: 'quorumkv_store_revision', help: 'Current store revision.', registers: [this.registry] });
  readonly fsyncDuration = new TwinHistogram(
    new Histogram({ name: 'quorumkv_disk_fsync_duration_seconds', help: 'Time to durably write (sync) raft entries and hard state.', buckets: LATENCY_BUCKETS_SECONDS, registers: [this.registry] }),
    new Histogram({ name: 'etcd_disk_wal_fsync_duration_seconds', help: 'The latency distributions of fsync called by WAL.', buckets: ETCD_DISK_BUCKETS_SECONDS, registers: [this.registry] }),
  );
  readonly backendCommitDuration = new TwinHistogram(
    new Histogram({ name: 'quorumkv_disk_backend_commit_duration_seconds', help: 'Time to write applied entries to the state in LevelDB.', buckets: LATENCY_BUCKETS_SECONDS, registers: [this.registry] }),
    new Histogram({ name: 'etcd_disk_backend_commit_duration_seconds', help: 'The latency distributions of commit called by backend.', buckets: ETCD_DISK_BUCKETS_SECONDS, registers: [this.registry] }),
  );
  private readonly peerRoundTripOurs = new Histogram({
    name: 'quorumkv_network_peer_round_trip_time_seconds',
    help: 'Round-trip time of a probe to a peer storage member, by peer.',
    labelNames: ['to'] as const,
    buckets: ETCD_ROUND_TRIP_BUCKETS_SECONDS,
    registers: [this.registry],
  });
  private readonly peerRoundTripEtcd = new Histogram({
    name: 'etcd_network_peer_round_trip_time_seconds',
    help: 'Round-Trip-Time histogram between peers',
    labelNames: ['To'] as const,
    buckets: ETCD_ROUND_TRIP_BUCKETS_SECONDS,
    registers: [this.registry],
  });
  readonly commitLatency = new Histogram({
    name: 'quorumkv_commit_latency_seconds',
    help: 'Time from proposing a batch to having applied it.',
    buckets: LATENCY_BUCKETS_SECONDS,
    registers: [this.registry],
  });
  readonly txns = new Counter({
    name: 'quorumkv_txns_total',
    help: 'Transactions decided, by outcome: committed, compare_failed, conflict, too_old, rejected, deduplicated.',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly appendRetries = new Counter({
    name: 'quorumkv_append_retries_total',
    help: 'Appends sent again, with the same request ids, because their outcome was unknown.',
    registers: [this.registry],
  });
  readonly gatewayRequests = new Counter({
    name: 'quorumkv_gateway_requests_total',
    help: 'Requests a gateway answered, by endpoint, method, backend node and status code.',
    labelNames: ['endpoint', 'method', 'backend', 'code'] as const,
    registers: [this.registry],
  });
  readonly gatewayRetries = new Counter({
    name: 'quorumkv_gateway_retries_total',
    help: 'Requests a gateway sent again to another node (the first failed or hung).',
    labelNames: ['endpoint', 'method'] as const,
    registers: [this.registry],
  });
  readonly backendHealthy = new Gauge({
    name: 'quorumkv_gateway_backend_healthy',
    help: '1 if the gateway considers the node healthy.',
    labelNames: ['kind', 'backend'] as const,
    registers: [this.registry],
  });
  readonly snapshotsTaken = new Counter({ name: 'quorumkv_snapshots_taken_total', help: 'Snapshots of the applied state taken (the log behind them compacted).', registers: [this.registry] });
  readonly snapshotsInstalled = new Counter({ name: 'quorumkv_snapshots_installed_total', help: 'Snapshots received from the leader and installed.', registers: [this.registry] });
  readonly replicaLagSeconds = new Gauge({ name: 'quorumkv_replica_lag_seconds', help: 'Reader nodes: how far behind the log, in seconds.', registers: [this.registry] });
  readonly replicaLagRevisions = new Gauge({ name: 'quorumkv_replica_lag_revisions', help: 'Reader nodes: how far behind the log, in revisions.', registers: [this.registry] });
  readonly readCacheLookups = new Counter({
    name: 'quorumkv_read_cache_lookups_total',
    help: 'Compute nodes: one-key reads looked up in the latest-value cache, by result (hit, miss, bypass: not a read the cache answers now).',
    labelNames: ['result'],
    registers: [this.registry],
  });
  readonly readCacheEntries = new Gauge({ name: 'quorumkv_read_cache_entries', help: 'Compute nodes: keys in the latest-value cache.', registers: [this.registry] });
  readonly readCacheBytes = new Gauge({ name: 'quorumkv_read_cache_bytes', help: 'Compute nodes: bytes of keys and values in the latest-value cache.', registers: [this.registry] });
  readonly batchSize = new Histogram({
    name: 'quorumkv_write_batch_size',
    help: 'Transactions per log append (group commit).',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
    registers: [this.registry],
  });

  readonly stateHash = new Gauge({
    name: 'quorumkv_storage_state_hash',
    help: 'Storage members: the first 48 bits of the sha256 of the applied state at the checkpoint revision (label revision); equal data, equal value.',
    labelNames: ['revision'] as const,
    registers: [this.registry],
  });
  readonly dbSize = new Gauge({
    name: 'quorumkv_db_size_bytes',
    help: 'Storage members: bytes in the data directory (raft log, state and history in LevelDB).',
    registers: [this.registry],
    collect: () => {
      if (this.dataDir) this.dbSize.set(directoryBytes(this.dataDir));
    },
  });
  readonly etcdDbSize = new Gauge({
    name: 'etcd_mvcc_db_total_size_in_bytes',
    help: 'Total size of the underlying database physically allocated in bytes.',
    registers: [this.registry],
    collect: () => {
      if (this.dataDir) this.etcdDbSize.set(directoryBytes(this.dataDir));
    },
  });

  /** `dataDir`: a storage member's data directory, whose size every scrape reports. */
  constructor(
    role: string,
    id: string,
    private readonly dataDir?: string,
  ) {
    this.registry.setDefaultLabels({ role, member: id });
    collectDefaultMetrics({ register: this.registry });
  }

  observePeerRoundTrip(to: string, seconds: number): void {
    this.peerRoundTripOurs.observe({ to }, seconds);
    this.peerRoundTripEtcd.observe({ To: to }, seconds);
  }
}
