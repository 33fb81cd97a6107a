import type { ConfState } from '../consensus/types.js';
import type { DurableLog } from './durable-log.js';

// A member's own snapshot: the raft log records that the state holds everything up to the
// applied index, and then drops the entries behind it but a tail for slow followers. Once the
// entries are gone nothing could apply them again, so this relies on apply batches being
// synced (mvcc-store.ts): the state up to the applied index is already on disk.

/** Snapshots the state applied up to `applied`; false when the log's snapshot is already there. */
export async function snapshotApplied(log: DurableLog, applied: number, conf: ConfState, tailEntries: number): Promise<boolean> {
  if (applied <= log.snapshotMetadata().index) return false;
  await log.recordSnapshot({ index: applied, term: log.term(applied), ...conf });
  await log.compact(applied - tailEntries);
  return true;
}
