import * as grpc from '@grpc/grpc-js';

// One class per failure a caller can act on. `toServiceError` maps them to gRPC statuses and
// `fromServiceError` maps them back, so a client sees the class the server raised.

const ERROR_CLASS_KEY = 'quorumkv-error';
const LEADER_HINT_KEY = 'quorumkv-leader-hint';
const CONFLICT_KEY_KEY = 'quorumkv-conflict-key-bin';
const CONFLICT_REVISION_KEY = 'quorumkv-conflict-revision';

export abstract class QuorumkvError extends Error {
  abstract readonly code: grpc.status;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The request is malformed or over a documented limit; retrying it unchanged cannot succeed. */
export class InvalidArgumentError extends QuorumkvError {
  readonly code = grpc.status.INVALID_ARGUMENT;
}

/** The server is over capacity (a queue or window is full): back off and retry. */
export class OverloadedError extends QuorumkvError {
  readonly code = grpc.status.RESOURCE_EXHAUSTED;
}

/** The request cannot be served right now (no leader, no quorum, peer down). */
export class UnavailableError extends QuorumkvError {
  readonly code = grpc.status.UNAVAILABLE;
}

/** This process cannot serve the request; `leaderHint` names one that may. Never applied. */
export class NotLeaderError extends QuorumkvError {
  readonly code = grpc.status.UNAVAILABLE;
  constructor(message: string, readonly leaderHint: string) {
    super(message);
  }
}

/** A revision later than the store's current revision was asked for. */
export class FutureRevisionError extends QuorumkvError {
  readonly code = grpc.status.OUT_OF_RANGE;
}

/** A revision whose history has been compacted away was asked for. */
export class CompactedRevisionError extends QuorumkvError {
  readonly code = grpc.status.OUT_OF_RANGE;
}

/**
 * First committer wins: a key the transaction read was written after its read revision. Nothing
 * of the transaction was applied; retry it with fresh reads (runTransaction does).
 */
export class ConflictError extends QuorumkvError {
  readonly code = grpc.status.ABORTED;
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
export class TooOldError extends QuorumkvError {
  readonly code = grpc.status.ABORTED;
}

/** This process serves reads only; the message names where writes go. Nothing was applied. */
export class ReadOnlyError extends QuorumkvError {
  readonly code = grpc.status.FAILED_PRECONDITION;
}

/** The request's deadline passed before it completed; a write's outcome is unknown. */
export class DeadlineError extends QuorumkvError {
  readonly code = grpc.status.DEADLINE_EXCEEDED;
}

const CLASSES = {
  ReadOnlyError,
  TooOldError,
  InvalidArgumentError,
  OverloadedError,
  UnavailableError,
  FutureRevisionError,
  CompactedRevisionError,
  DeadlineError,
} as const;

/** Turns any thrown value into a status a gRPC handler can return. Unknown errors are INTERNAL. */
export function toServiceError(error: unknown): Partial<grpc.ServiceError> {
  const metadata = new grpc.Metadata();
  if (error instanceof QuorumkvError) {
    metadata.set(ERROR_CLASS_KEY, error.name);
    if (error instanceof NotLeaderError && error.leaderHint) metadata.set(LEADER_HINT_KEY, error.leaderHint);
    if (error instanceof ConflictError) {
      metadata.set(CONFLICT_KEY_KEY, error.key);
      metadata.set(CONFLICT_REVISION_KEY, String(error.revision));
    }
    return { code: error.code, details: error.message, metadata };
  }
  if (isServiceError(error)) return { code: error.code, details: error.details, metadata: error.metadata };
  const message = error instanceof Error ? error.message : String(error);
  return { code: grpc.status.INTERNAL, details: `internal error: ${message}`, metadata };
}

/** Rebuilds the typed error a server raised from a gRPC error; other statuses keep their code. */
export function fromServiceError(error: grpc.ServiceError): QuorumkvError {
  const className = String(error.metadata?.get(ERROR_CLASS_KEY)[0] ?? '');
  const details = error.details || error.message;
  if (className === 'NotLeaderError') {
    return new NotLeaderError(details, String(error.metadata.get(LEADER_HINT_KEY)[0] ?? ''));
  }
  if (className === 'ConflictError') {
    const key = error.metadata.get(CONFLICT_KEY_KEY)[0];
    return new ConflictError(details, Buffer.isBuffer(key) ? key : Buffer.from(String(key ?? '')), Number(error.metadata.get(CONFLICT_REVISION_KEY)[0] ?? 0));
  }
  const known = CLASSES[className as keyof typeof CLASSES];
  if (known) return new known(details, { cause: error });
  return new (classForCode(error.code))(details, { cause: error });
}

function classForCode(code: grpc.status): new (m: string, o?: { cause?: unknown }) => QuorumkvError {
  switch (code) {
    case grpc.status.INVALID_ARGUMENT:
    case grpc.status.FAILED_PRECONDITION:
      return InvalidArgumentError;
    case grpc.status.RESOURCE_EXHAUSTED:
      return OverloadedError;
    case grpc.status.DEADLINE_EXCEEDED:
      return DeadlineError;
    case grpc.status.OUT_OF_RANGE:
      return FutureRevisionError;
    case grpc.status.ABORTED:
      return TooOldError;
    default:
      return UnavailableError;
  }
}

export function isServiceError(error: unknown): error is grpc.ServiceError {
  return typeof error === 'object' && error !== null && 'code' in error && 'metadata' in error;
}
