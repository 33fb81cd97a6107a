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
  type QuorumkvError,
  ReadOnlyError,
  TooOldError,
  UnauthenticatedError,
  UnavailableError,
} from '../errors.js';

// gRPC's status codes by their wire numbers, the trailers that carry a quorumkv error's class and
// fields, and how a client rebuilds the class from them: free of grpc-js, so that a one-shot
// client (src/client/one-shot-client.ts) needs no gRPC library. src/rpc/status.ts is the server's
// half (error → status) and hands grpc-js's errors to `errorFromStatus`.

/** https://grpc.github.io/grpc/core/md_doc_statuscodes.html; the same numbers as grpc-js's `status`. */
export const Status = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

export const ERROR_CLASS_KEY = 'quorumkv-error';
export const LEADER_HINT_KEY = 'quorumkv-leader-hint';
export const CONFLICT_KEY_KEY = 'quorumkv-conflict-key-bin';
export const CONFLICT_REVISION_KEY = 'quorumkv-conflict-revision';

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
  PermissionDeniedError,
  UnauthenticatedError,
} as const;

/** The first value of a trailer (binary ones as bytes), or undefined. */
export type TrailerLookup = (key: string) => string | Buffer | undefined;

/** Rebuilds the typed error a server raised from a status, its message and its trailers; other statuses keep their code. */
export function errorFromStatus(code: number, details: string, trailer: TrailerLookup, cause?: unknown): QuorumkvError {
  const className = String(trailer(ERROR_CLASS_KEY) ?? '');
  if (className === 'NotLeaderError') return new NotLeaderError(details, String(trailer(LEADER_HINT_KEY) ?? ''));
  if (className === 'ConflictError') {
    const key = trailer(CONFLICT_KEY_KEY);
    return new ConflictError(details, Buffer.isBuffer(key) ? key : Buffer.from(String(key ?? '')), Number(trailer(CONFLICT_REVISION_KEY) ?? 0));
  }
  const known = CLASSES[className as keyof typeof CLASSES];
  if (known) return new known(details, { cause });
  return new (classForCode(code))(details, { cause });
}

function classForCode(code: number): new (m: string, o?: { cause?: unknown }) => QuorumkvError {
  switch (code) {
    case Status.INVALID_ARGUMENT:
    case Status.FAILED_PRECONDITION:
      return InvalidArgumentError;
    case Status.RESOURCE_EXHAUSTED:
      return OverloadedError;
    case Status.DEADLINE_EXCEEDED:
      return DeadlineError;
    case Status.OUT_OF_RANGE:
      return FutureRevisionError;
    case Status.ABORTED:
      return TooOldError;
    case Status.PERMISSION_DENIED:
      return PermissionDeniedError;
    case Status.UNAUTHENTICATED:
      return UnauthenticatedError;
    default:
      return UnavailableError;
  }
}
