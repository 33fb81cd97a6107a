import { CompactedRevisionError as CompactedRevision, FutureRevisionError as FutureRevision } from '../errors.js';

/** A read asked for a revision the store has not reached yet. */
export class FutureRevisionError extends FutureRevision {
  constructor(
    readonly requestedRevision: number,
    readonly currentRevision: number,
  ) {
    super(
      `revision ${requestedRevision} is in the future: the store is at revision ${currentRevision}; ` +
        `read at revision 0 (latest) or wait until the store has applied that far`,
    );
  }
}

/** A read asked for a revision whose history was discarded by compaction. */
export class CompactedRevisionError extends CompactedRevision {
  constructor(
    readonly requestedRevision: number,
    readonly compactRevision: number,
  ) {
    super(
      `revision ${requestedRevision} has been compacted: the oldest readable revision is ` +
        `${compactRevision}; read at a newer revision or at 0 (latest)`,
    );
  }
}
