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
  PermissionDeniedError,
  QuorumkvError,
  ReadOnlyError,
  TooOldError,
  UnauthenticatedError,
  UnavailableError,
} from '../errors.js';
import { CONFLICT_KEY_KEY, CONFLICT_REVISION_KEY, ERROR_CLASS_KEY, errorFromStatus, LEADER_HINT_KEY } from './status-codes.js';

// The one mapping between quorumkv's error classes and gRPC statuses: `toServiceError` on the
// server side, `fromServiceError` on the client side, so a client sees the class the server raised.
// The client side's rules live in status-codes.ts, which one-shot clients use without grpc-js.

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
  if (error instanceof PermissionDeniedError) return grpc.status.PERMISSION_DENIED;
  if (error instanceof UnauthenticatedError) return grpc.status.UNAUTHENTICATED;
  return grpc.status.INTERNAL;
}

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

/** Rebuilds the typed error a server raised from a grpc-js error; other statuses keep their code. */
export function fromServiceError(error: grpc.ServiceError): QuorumkvError {
  return errorFromStatus(error.code, error.details || error.message, (key) => error.metadata?.get(key)[0], error);
}

export function isServiceError(error: unknown): error is grpc.ServiceError {
  return typeof error === 'object' && error !== null && 'code' in error && 'metadata' in error;
}
