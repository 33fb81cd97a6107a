import type { ConfState } from '../consensus/types.js';
import { makeWritesDurable } from './durable-barrier.js';
import type { DurableLog } from './durable-log.js';

// A member's own snapshot: the raft log records that the state holds everything up to the
// applied index, and then drops the entries behind it but a tail for slow followers. State
// writes are not synced as they are applied (the log is, and a restart applies it again), so
// they are made durable first: once the entries are gone, nothing could apply them again.

/** Snapshots the state applied up to `applied`; false when the log's snapshot is already there. */
export async function snapshotApplied(db: object, log: DurableLog, applied: number, conf: ConfState, tailEntries: number): Promise<boolean> {
  if (applied <= log.snapshotMetadata().index) return false;
  await makeWritesDurable(db);
  await log.recordSnapshot({ index: applied, term: log.term(applied), ...conf });
  await log.compact(applied - tailEntries);
  return true;
}
