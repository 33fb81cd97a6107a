import type { HardState } from '../consensus/types.js';
import type { StoredLog } from './raft-log-store.js';

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
