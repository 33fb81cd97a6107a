// One class per failure a caller can act on, free of any transport: src/rpc/status.ts maps them
// to gRPC statuses and back (the one place that does), so a client sees the class the server raised.

export abstract class QuorumkvError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The request is malformed or over a documented limit; retrying it unchanged cannot succeed. */
export class InvalidArgumentError extends QuorumkvError {}

/** The server is over capacity (a queue or window is full): back off and retry. */
export class OverloadedError extends QuorumkvError {}

/** The request cannot be served right now (no leader, no quorum, peer down). */
export class UnavailableError extends QuorumkvError {}

/** This process cannot serve the request; `leaderHint` names one that may. Never applied. */
export class NotLeaderError extends QuorumkvError {
  constructor(message: string, readonly leaderHint: string) {
    super(message);
  }
}

/** A revision later than the store's current revision was asked for. */
export class FutureRevisionError extends QuorumkvError {}

/** A revision whose history has been compacted away was asked for. */
export class CompactedRevisionError extends QuorumkvError {}

/**
 * First committer wins: a key the transaction read was written after its read revision. Nothing
 * of the transaction was applied; retry it with fresh reads (runTransaction does).
 */
export class ConflictError extends QuorumkvError {
  constructor(
    message: string,
    /** The key whose write won. */
    readonly key: Buffer,
    /** The revision of the winning write. */
    readonly revision: number,
  ) {
    super(message);
  }
}

/** The transaction's read revision is older than the window of writes kept for conflict checks. */
export class TooOldError extends QuorumkvError {}

/** This process serves reads only; the message names where writes go. Nothing was applied. */
export class ReadOnlyError extends QuorumkvError {}

/** The request named a lease that does not exist (never granted, revoked, or expired). Nothing was applied. */
export class LeaseNotFoundError extends QuorumkvError {}

/** A grant asked for a lease id that is already taken. Nothing was applied. */
export class LeaseExistsError extends QuorumkvError {}

/** The request's deadline passed before it completed; a write's outcome is unknown. */
export class DeadlineError extends QuorumkvError {}

/** The caller is known but may not do this: a key outside its roles' permissions, or an admin call. */
export class PermissionDeniedError extends QuorumkvError {}

/** Who the caller is could not be established: no user, a bad or expired token, a wrong password. */
export class UnauthenticatedError extends QuorumkvError {}
