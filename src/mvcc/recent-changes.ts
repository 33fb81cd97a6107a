import type { Change } from './change-log.js';

// The changes of the last revisions applied, kept in memory as they were written: follow streams
// (watches, node caches) read the revisions just applied, and each read of the change log in
// LevelDB costs far more than the lookup here. Bounded by revisions and by bytes of keys and values.

export const RECENT_CHANGES_LIMITS = { maxRevisions: 4_096, maxBytes: 16 * 1024 * 1024 };

export class RecentChanges {
  private readonly byRevision = new Map<number, readonly Change[]>();
  private bytes = 0;

  constructor(private readonly limits = RECENT_CHANGES_LIMITS) {}

  /** Records the changes of `revision`, which must be above every revision recorded before. */
  add(revision: number, changes: readonly Change[]): void {
    const size = sizeOf(changes);
    if (size > this.limits.maxBytes) return;
    this.byRevision.set(revision, changes);
    this.bytes += size;
    for (const [oldest, dropped] of this.byRevision) {
      if (this.byRevision.size <= this.limits.maxRevisions && this.bytes <= this.limits.maxBytes) break;
      this.byRevision.delete(oldest);
      this.bytes -= sizeOf(dropped);
    }
  }

  /** The changes of `revision`, or undefined if they are not held here. */
  get(revision: number): readonly Change[] | undefined {
    return this.byRevision.get(revision);
  }
}

function sizeOf(changes: readonly Change[]): number {
  let bytes = 0;
  for (const { kv } of changes) bytes += 64 + kv.key.length + kv.value.length;
  return bytes;
}
