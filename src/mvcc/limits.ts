/**
 * Hard bounds of the MVCC layer. A range never materialises more than MAX_RANGE_KEYS key-values,
 * whatever the client asked for, so one request cannot exhaust a member's memory.
 */
export const MAX_RANGE_KEYS = 10_000;

/** How many LevelDB entries an iterator fetches per round trip into the native layer. */
export const ITERATOR_BATCH_SIZE = 128;

/**
 * How many of the newest change-log records an apply call reads ahead, in one scan, for the
 * read-set checks of its transactions; older ones are read by the check that needs them. Bounds
 * the memory the read-ahead takes; it never changes a decision.
 */
export const PREFETCH_MAX_REVISIONS = 256;

/** How many deletions one compaction batch carries, so compaction memory stays bounded. */
export const COMPACTION_BATCH_SIZE = 1_000;

/**
 * How many request ids the store remembers for exactly-once transactions. Recording id number n
 * forgets id number n - DEDUPE_MAX_IDS, so a retry is deduplicated as long as fewer than this many
 * other ids were recorded since its first attempt.
 */
export const DEDUPE_MAX_IDS = 200_000;

/**
 * How far back, in revisions, a read set can be checked for conflicts: a transaction whose
 * read_revision is below (store revision - CONFLICT_WINDOW_REVISIONS) is refused as too old.
 * Compaction keeps the change log of this many revisions for the check.
 */
export const CONFLICT_WINDOW_REVISIONS = 10_000;

/**
 * The limits that decide transactions. They are part of the replicated state machine: every member
 * of a cluster must use the same values (the defaults), or members decide transactions differently.
 * Tests shrink them to reach expiry and the edge of the window quickly.
 */
export interface MvccLimits {
  dedupeMaxIds: number;
  conflictWindowRevisions: number;
}

export const DEFAULT_MVCC_LIMITS: Readonly<MvccLimits> = {
  dedupeMaxIds: DEDUPE_MAX_IDS,
  conflictWindowRevisions: CONFLICT_WINDOW_REVISIONS,
};
