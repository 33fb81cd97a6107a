/**
 * Hard bounds of the MVCC layer. A range never materialises more than MAX_RANGE_KEYS key-values,
 * whatever the client asked for, so one request cannot exhaust a member's memory.
 */
export const MAX_RANGE_KEYS = 10_000;

/** How many LevelDB entries an iterator fetches per round trip into the native layer. */
export const ITERATOR_BATCH_SIZE = 128;

/** How many deletions one compaction batch carries, so compaction memory stays bounded. */
export const COMPACTION_BATCH_SIZE = 1_000;
