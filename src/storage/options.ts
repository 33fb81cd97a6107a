import { DEFAULT_ELECTION_TICKS, DEFAULT_HEARTBEAT_TICKS } from '../consensus/config.js';
import { splitHostPort } from '../observability/http-server.js';
import type { TestDefect } from './test-defects.js';
import { DEFAULT_AUTO_COMPACTION, type AutoCompactionPolicy } from './auto-compaction.js';

// Storage member options: documented defaults, validated once, compiled into a resolved config.

export const DEFAULT_TICK_MS = 50;
export const DEFAULT_PROPOSAL_TIMEOUT_MS = 5_000;
export const DEFAULT_READ_TIMEOUT_MS = 3_000;
export const DEFAULT_MAX_PENDING_PROPOSALS = 8_192;
export const DEFAULT_MAX_PENDING_READS = 16_384;
/** Applied entries between two snapshots of the applied state (the log behind one can go). */
export const DEFAULT_SNAPSHOT_ENTRIES = 10_000;
/** Entries kept behind a snapshot, so a briefly slow follower still catches up from the log. */
export const DEFAULT_LOG_TAIL_ENTRIES = 5_000;

export interface StorageOptions {
  id: string;
  cluster: string;
  /** Address to listen on for peers and compute nodes (HOST:PORT). */
  listen: string;
  /** Every voter, including this one: id → HOST:PORT. */
  peers: ReadonlyMap<string, string>;
  dataDir: string;
  metricsListen?: string;
  zone?: string;
  tickMs?: number;
  electionTicks?: number;
  heartbeatTicks?: number;
  proposalTimeoutMs?: number;
  /** This member joins a running cluster: `peers` are the members it first contacts. */
  join?: boolean;
  snapshotEntries?: number;
  logTailEntries?: number;
  /** How much MVCC history is kept for reads and watches at older revisions. */
  autoCompaction?: AutoCompactionPolicy;
  /** A deliberate defect, for the chaos suite's self-test only (test-defects.ts). */
  testDefect?: TestDefect;
}

export interface StorageConfig extends Required<Omit<StorageOptions, 'metricsListen' | 'testDefect'>> {
  metricsListen: string | undefined;
  testDefect: TestDefect | undefined;
}

export function resolveStorageOptions(options: StorageOptions): StorageConfig {
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(options.id)) {
    throw new Error(`--id ${JSON.stringify(options.id)}: use 1-63 lowercase letters, digits and dashes`);
  }
  if (!options.join && !options.peers.has(options.id)) {
    throw new Error(`--peers must include this member (${options.id}); got ${[...options.peers.keys()].join(', ') || 'none'} (or give --join to join a running cluster)`);
  }
  splitHostPort(options.listen);
  if (options.metricsListen) splitHostPort(options.metricsListen);
  for (const address of options.peers.values()) splitHostPort(address);
  const config: StorageConfig = {
    id: options.id,
    cluster: options.cluster,
    listen: options.listen,
    peers: options.peers,
    dataDir: options.dataDir,
    metricsListen: options.metricsListen,
    zone: options.zone ?? '',
    tickMs: options.tickMs ?? DEFAULT_TICK_MS,
    electionTicks: options.electionTicks ?? DEFAULT_ELECTION_TICKS,
    heartbeatTicks: options.heartbeatTicks ?? DEFAULT_HEARTBEAT_TICKS,
    proposalTimeoutMs: options.proposalTimeoutMs ?? DEFAULT_PROPOSAL_TIMEOUT_MS,
    join: options.join ?? false,
    snapshotEntries: options.snapshotEntries ?? DEFAULT_SNAPSHOT_ENTRIES,
    logTailEntries: options.logTailEntries ?? DEFAULT_LOG_TAIL_ENTRIES,
    autoCompaction: options.autoCompaction ?? DEFAULT_AUTO_COMPACTION,
    testDefect: options.testDefect,
  };
  if (!(config.tickMs >= 1 && config.tickMs <= 10_000)) throw new Error(`--tick-ms must be 1..10000, got ${config.tickMs}`);
  if (!(config.electionTicks > config.heartbeatTicks && config.electionTicks <= 1_000)) {
    throw new Error(`--election-ticks must be more than the ${config.heartbeatTicks} heartbeat tick(s) and at most 1000, got ${config.electionTicks}`);
  }
  const positive = { 'snapshot-entries': config.snapshotEntries, 'log-tail-entries': config.logTailEntries };
  for (const [flag, value] of Object.entries(positive)) {
    if (!(Number.isSafeInteger(value) && value >= 1)) throw new Error(`--${flag} must be a positive integer, got ${value}`);
  }
  return config;
}
