import * as grpc from '@grpc/grpc-js';
import {
  CompactedRevisionError,
  ConflictError,
  DeadlineError,
  FutureRevisionError,
  InvalidArgumentError,
  LeaseExistsError,
  LeaseNotFoundError,
  NotLeaderError,
  OverloadedError,
  QuorumkvError,
  ReadOnlyError,
  TooOldError,
  UnavailableError,
} from '../errors.js';

// The one mapping between quorumkv's error classes and gRPC statuses: `toServiceError` on the
// server side, `fromServiceError` on the client side, so a client sees the class the server raised.

const ERROR_CLASS_KEY = 'quorumkv-error';
const LEADER_HINT_KEY = 'quorumkv-leader-hint';
const CONFLICT_KEY_KEY = 'quorumkv-conflict-key-bin';
const CONFLICT_REVISION_KEY = 'quorumkv-conflict-revision';

/** The gRPC status a quorumkv error is answered with. */
export function statusOf(error: QuorumkvError): grpc.status {
  if (error instanceof InvalidArgumentError) return grpc.status.INVALID_ARGUMENT;
  if (error instanceof OverloadedError) return grpc.status.RESOURCE_EXHAUSTED;
  if (error instanceof UnavailableError || error instanceof NotLeaderError) return grpc.status.UNAVAILABLE;
  if (error instanceof FutureRevisionError || error instanceof CompactedRevisionError) return grpc.status.OUT_OF_RANGE;
  if (error instanceof ConflictError || error instanceof TooOldError) return grpc.status.ABORTED;
  if (error instanceof ReadOnlyError || error instanceof LeaseExistsError) return grpc.status.FAILED_PRECONDITION;
  if (error instanceof LeaseNotFoundError) return grpc.status.NOT_FOUND;
  if (error instanceof DeadlineError) return grpc.status.DEADLINE_EXCEEDED;
  return grpc.status.INTERNAL;
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
  LeaseNotFoundError,
  LeaseExistsError,
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
    return { code: statusOf(error), details: error.message, metadata };
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
