import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { directoryBytes } from './disk-usage.js';

// The metrics every process exports. One registry per process; a role only updates what applies.

const LATENCY_BUCKETS_SECONDS = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5];

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
  readonly raftIsLeader = new Gauge({ name: 'quorumkv_raft_is_leader', help: '1 if this member is the raft leader.', registers: [this.registry] });
  readonly leaderChanges = new Counter({
    name: 'quorumkv_raft_leader_changes_total',
    help: 'Times this member saw the raft leader change.',
    registers: [this.registry],
  });
  readonly proposalsCommitted = new Counter({
    name: 'quorumkv_raft_proposals_committed_total',
    help: 'Log entries committed and applied on this member.',
    registers: [this.registry],
  });
  readonly proposalsFailed = new Counter({
    name: 'quorumkv_raft_proposals_failed_total',
    help: 'Proposals from this member that were refused or timed out.',
    registers: [this.registry],
  });
  readonly raftMessagesDropped = new Counter({
    name: 'quorumkv_raft_messages_dropped_total',
    help: 'Raft messages not sent because the stream to their peer was full (slow, paused or gone).',
    registers: [this.registry],
  });
  readonly commitIndex = new Gauge({ name: 'quorumkv_raft_commit_index', help: 'Highest committed log index known.', registers: [this.registry] });
  readonly appliedIndex = new Gauge({ name: 'quorumkv_raft_applied_index', help: 'Highest log index applied to the state.', registers: [this.registry] });
  readonly storeRevision = new Gauge({ name: 'quorumkv_store_revision', help: 'Current store revision.', registers: [this.registry] });
  readonly fsyncDuration = new Histogram({
    name: 'quorumkv_disk_fsync_duration_seconds',
    help: 'Time to durably write (sync) raft entries and hard state.',
    buckets: LATENCY_BUCKETS_SECONDS,
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
  readonly replicaLagMs = new Gauge({ name: 'quorumkv_replica_lag_milliseconds', help: 'Reader nodes: how far behind the log, in milliseconds.', registers: [this.registry] });
  readonly replicaLagRevisions = new Gauge({ name: 'quorumkv_replica_lag_revisions', help: 'Reader nodes: how far behind the log, in revisions.', registers: [this.registry] });
  readonly batchSize = new Histogram({
    name: 'quorumkv_write_batch_size',
    help: 'Transactions per log append (group commit).',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
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

  /** `dataDir`: a storage member's data directory, whose size every scrape reports. */
  constructor(
    role: string,
    id: string,
    private readonly dataDir?: string,
  ) {
    this.registry.setDefaultLabels({ role, member: id });
    collectDefaultMetrics({ register: this.registry });
  }
}
