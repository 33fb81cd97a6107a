import type { HardState, SnapshotMetadata } from '../consensus/types.js';
import type { RaftLogStore, StoredLog } from './raft-log-store.js';

// LevelDB does not sync an old write-ahead log file when it rotates to a new one, so after a power
// loss a synced write can survive while an earlier, unsynced one is gone. The commit index is
// written without fsync (safety never depends on it), so it can come back lower than the applied
// index of the state. Apply only ever runs on committed entries, so when the log still holds every
// entry up to the applied index, those entries were committed: the commit index is raised to the
// applied index instead of refusing to start.

export interface CommitRecovery {
  hardState: HardState;
  /** Set when the commit index was raised: the commit index found on disk. */
  raisedFrom?: number;
}

/** The hard state to start from, given the durable log and the applied index of the state. */
export function recoverCommit(stored: StoredLog, appliedIndex: number): CommitRecovery {
  const { hardState, entries, snapshot } = stored;
  if (appliedIndex <= hardState.commit) return { hardState };
  const lastIndex = entries.length > 0 ? entries[entries.length - 1].index : snapshot.index;
  // The state is ahead of the whole log (a snapshot install cut short): nothing here can vouch for it.
  if (lastIndex < appliedIndex) return { hardState };
  return { hardState: { ...hardState, commit: appliedIndex }, raisedFrom: hardState.commit };
}

// Installing a leader's snapshot takes two durable writes: the staged slot becomes the applied
// state (with the snapshot's metadata, state-slots.ts), then the raft log records the snapshot and
// drops its entries. A crash between the two leaves a state ahead of the raft log, which the core
// cannot start from (applied beyond commit, or beyond the whole log). The slot's metadata says
// which snapshot the state is, configuration included, so the install is finished at open.

/**
 * Finishes an install that a crash cut short: when the applied state is a leader's snapshot newer
 * than the raft log's, the log is reset to it. Answers the log to start from and the snapshot
 * adopted, if one was.
 */
export async function finishInstall(raftLog: RaftLogStore, stored: StoredLog, installed: SnapshotMetadata | undefined, appliedIndex: number): Promise<{ stored: StoredLog; adopted?: SnapshotMetadata }> {
  if (installed === undefined || installed.index <= stored.snapshot.index) return { stored };
  // Nothing is applied between an install and its record in the log: the state is the snapshot.
  if (appliedIndex !== installed.index) throw new Error(`the state is at index ${appliedIndex}, but its slot holds the snapshot at ${installed.index}`);
  await raftLog.reset(installed);
  const reset = await raftLog.load();
  // Everything a snapshot covers is committed.
  const hardState = { ...reset.hardState, commit: Math.max(reset.hardState.commit, installed.index) };
  return { stored: { ...reset, hardState }, adopted: installed };
}
