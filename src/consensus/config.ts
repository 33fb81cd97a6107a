// Options of the consensus core: documented defaults, validation with actionable messages, and a
// fully resolved RaftConfig that the rest of the core trusts without re-checking.

import type { NodeId } from './types.js';

export const DEFAULT_ELECTION_TICKS = 10;
export const DEFAULT_HEARTBEAT_TICKS = 1;
export const DEFAULT_MAX_INFLIGHT_MSGS = 256;
export const DEFAULT_MAX_BYTES_PER_MSG = 1 << 20;
/** Proposals beyond this many uncommitted payload bytes on the leader are refused (backpressure). */
export const DEFAULT_MAX_UNCOMMITTED_BYTES = 64 << 20;
/** Read-index requests a leader holds while it waits for a quorum round; beyond this, refused. */
export const DEFAULT_MAX_PENDING_READS = 4096;

export interface RaftOptions {
  id: NodeId;
  /**
   * The bootstrap configuration: the voters before any membership change. Every member passes the
   * same list for the life of the cluster; the current configuration comes from the latest
   * snapshot and the ConfChange entries applied after it (see conf-change.ts).
   */
  voters: NodeId[];
  /** Bootstrap learners (default none). */
  learners?: NodeId[];
  /**
   * Default false. True for a node outside the bootstrap configuration (added later as a learner):
   * it learns its membership from the log or a snapshot, and never campaigns until it is a voter.
   */
  joining?: boolean;
  electionTicks?: number;
  heartbeatTicks?: number;
  maxInflightMsgs?: number;
  maxBytesPerMsg?: number;
  maxUncommittedBytes?: number;
  maxPendingReads?: number;
  /** Default true: a node that cannot win an election does not raise the term. */
  preVote?: boolean;
  /** Default true: a leader without a live quorum steps down; followers in lease ignore votes. */
  checkQuorum?: boolean;
  /** Seeds the randomized election timeout in [electionTicks, 2*electionTicks). */
  seed: number;
  /** Last applied index at restart: committed entries up to here are not re-emitted. */
  applied?: number;
}

export interface RaftConfig {
  readonly id: NodeId;
  readonly voters: readonly NodeId[];
  readonly learners: readonly NodeId[];
  readonly electionTicks: number;
  readonly heartbeatTicks: number;
  readonly maxInflightMsgs: number;
  readonly maxBytesPerMsg: number;
  readonly maxUncommittedBytes: number;
  readonly maxPendingReads: number;
  readonly preVote: boolean;
  readonly checkQuorum: boolean;
  readonly seed: number;
  readonly applied: number;
}

export class RaftConfigError extends Error {
  override name = 'RaftConfigError';
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  const resolved = value ?? fallback;
  if (!Number.isSafeInteger(resolved) || resolved < 1) {
    throw new RaftConfigError(`${name} must be a positive integer, got ${String(value)}`);
  }
  return resolved;
}

function validateMembers(id: NodeId, voters: NodeId[], learners: NodeId[], joining: boolean): void {
  if (typeof id !== 'string' || id.length === 0) {
    throw new RaftConfigError('id must be a non-empty string');
  }
  if (!Array.isArray(voters) || voters.length === 0) {
    throw new RaftConfigError('voters must be a non-empty list of node ids');
  }
  if (!Array.isArray(learners)) throw new RaftConfigError('learners must be a list of node ids');
  const seen = new Set<NodeId>();
  for (const [kind, ids] of [['voter', voters], ['learner', learners]] as const) {
    for (const member of ids) {
      if (typeof member !== 'string' || member.length === 0) {
        throw new RaftConfigError(`every ${kind} id must be a non-empty string`);
      }
      if (seen.has(member)) throw new RaftConfigError(`${kind} ${member} is listed twice`);
      seen.add(member);
    }
  }
  if (!seen.has(id) && !joining) {
    throw new RaftConfigError(`id ${id} must be one of the voters (${voters.join(', ')}) or learners, or set joining for a node added later`);
  }
}

export function resolveRaftOptions(o: RaftOptions): RaftConfig {
  const learners = o.learners ?? [];
  const joining = o.joining ?? false;
  validateMembers(o.id, o.voters, learners, joining);
  const electionTicks = positiveInteger('electionTicks', o.electionTicks, DEFAULT_ELECTION_TICKS);
  const heartbeatTicks = positiveInteger('heartbeatTicks', o.heartbeatTicks, DEFAULT_HEARTBEAT_TICKS);
  if (heartbeatTicks >= electionTicks) {
    throw new RaftConfigError(
      `heartbeatTicks (${heartbeatTicks}) must be < electionTicks (${electionTicks}), or followers time out between heartbeats`,
    );
  }
  if (!Number.isSafeInteger(o.seed)) {
    throw new RaftConfigError(`seed must be an integer, got ${String(o.seed)}`);
  }
  const applied = o.applied ?? 0;
  if (!Number.isSafeInteger(applied) || applied < 0) {
    throw new RaftConfigError(`applied must be a non-negative integer, got ${String(o.applied)}`);
  }
  return {
    id: o.id,
    voters: [...o.voters],
    learners: [...learners],
    electionTicks,
    heartbeatTicks,
    maxInflightMsgs: positiveInteger('maxInflightMsgs', o.maxInflightMsgs, DEFAULT_MAX_INFLIGHT_MSGS),
    maxBytesPerMsg: positiveInteger('maxBytesPerMsg', o.maxBytesPerMsg, DEFAULT_MAX_BYTES_PER_MSG),
    maxUncommittedBytes: positiveInteger('maxUncommittedBytes', o.maxUncommittedBytes, DEFAULT_MAX_UNCOMMITTED_BYTES),
    maxPendingReads: positiveInteger('maxPendingReads', o.maxPendingReads, DEFAULT_MAX_PENDING_READS),
    preVote: o.preVote ?? true,
    checkQuorum: o.checkQuorum ?? true,
    seed: o.seed,
    applied,
  };
}
