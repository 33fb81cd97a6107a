import * as grpc from '@grpc/grpc-js';
import {
  CompactedRevisionError,
  DeadlineError,
  FutureRevisionError,
  InvalidArgumentError,
  LeaseExistsError,
  LeaseNotFoundError,
  NotLeaderError,
  OverloadedError,
  PermissionDeniedError,
  QuorumkvError,
  UnauthenticatedError,
  ReadOnlyError,
  UnavailableError,
} from '../errors.js';
import { AuthNotEnabledError, AuthRefusal, NoUserError, WrongPasswordError, type AuthRefusalKind } from '../auth/auth-errors.js';

// The one place where the etcd API's errors are decided: etcd's clients (clientv3, the etcd3 npm
// package, kube-apiserver) match on the gRPC code and the exact message (etcd's
// api/v3rpc/rpctypes), so these strings are etcd's, byte for byte. `toEtcdStatus` maps quorumkv's
// own error classes onto them; what etcd has no error for keeps its code and quorumkv's message.

/** An etcd error: a gRPC code and etcd's message. */
export class EtcdError extends Error {
  constructor(
    readonly code: grpc.status,
    message: string,
  ) {
    super(message);
    this.name = 'EtcdError';
  }
}

const error = (code: grpc.status, message: string) => new EtcdError(code, message);

/** etcd's errors (rpctypes), by the name etcd gives them without the ErrGRPC prefix. */
export const ETCD_ERRORS = {
  emptyKey: error(grpc.status.INVALID_ARGUMENT, 'etcdserver: key is not provided'),
  keyNotFound: error(grpc.status.INVALID_ARGUMENT, 'etcdserver: key not found'),
  valueProvided: error(grpc.status.INVALID_ARGUMENT, 'etcdserver: value is provided'),
  leaseProvided: error(grpc.status.INVALID_ARGUMENT, 'etcdserver: lease is provided'),
  tooManyOps: error(grpc.status.INVALID_ARGUMENT, 'etcdserver: too many operations in txn request'),
  duplicateKey: error(grpc.status.INVALID_ARGUMENT, 'etcdserver: duplicate key given in txn request'),
  requestTooLarge: error(grpc.status.INVALID_ARGUMENT, 'etcdserver: request is too large'),
  compacted: error(grpc.status.OUT_OF_RANGE, 'etcdserver: mvcc: required revision has been compacted'),
  futureRev: error(grpc.status.OUT_OF_RANGE, 'etcdserver: mvcc: required revision is a future revision'),
  leaseNotFound: error(grpc.status.NOT_FOUND, 'etcdserver: requested lease not found'),
  leaseExist: error(grpc.status.FAILED_PRECONDITION, 'etcdserver: lease already exists'),
  leaseTTLTooLarge: error(grpc.status.OUT_OF_RANGE, 'etcdserver: too large lease TTL'),
  memberNotFound: error(grpc.status.NOT_FOUND, 'etcdserver: member not found'),
  memberBadURLs: error(grpc.status.INVALID_ARGUMENT, 'etcdserver: given member URLs are invalid'),
  memberNotLearner: error(grpc.status.FAILED_PRECONDITION, 'etcdserver: can only promote a learner member'),
  noLeader: error(grpc.status.UNAVAILABLE, 'etcdserver: no leader'),
  tooManyRequests: error(grpc.status.RESOURCE_EXHAUSTED, 'etcdserver: too many requests'),
  timeout: error(grpc.status.UNAVAILABLE, 'etcdserver: request timed out'),
  userEmpty: error(grpc.status.INVALID_ARGUMENT, 'etcdserver: user name is empty'),
  authFailed: error(grpc.status.INVALID_ARGUMENT, 'etcdserver: authentication failed, invalid user ID or password'),
  authNotEnabled: error(grpc.status.FAILED_PRECONDITION, 'etcdserver: authentication is not enabled'),
  invalidAuthToken: error(grpc.status.UNAUTHENTICATED, 'etcdserver: invalid auth token'),
  permissionDenied: error(grpc.status.PERMISSION_DENIED, 'etcdserver: permission denied'),
  userAlreadyExist: error(grpc.status.FAILED_PRECONDITION, 'etcdserver: user name already exists'),
  userNotFound: error(grpc.status.FAILED_PRECONDITION, 'etcdserver: user name not found'),
  roleEmpty: error(grpc.status.INVALID_ARGUMENT, 'etcdserver: role name is empty'),
  roleAlreadyExist: error(grpc.status.FAILED_PRECONDITION, 'etcdserver: role name already exists'),
  roleNotFound: error(grpc.status.FAILED_PRECONDITION, 'etcdserver: role name not found'),
  rootUserNotExist: error(grpc.status.FAILED_PRECONDITION, 'etcdserver: root user does not exist'),
  rootRoleNotExist: error(grpc.status.FAILED_PRECONDITION, 'etcdserver: root user does not have root role'),
  roleNotGranted: error(grpc.status.FAILED_PRECONDITION, 'etcdserver: role is not granted to the user'),
  permissionNotGranted: error(grpc.status.FAILED_PRECONDITION, 'etcdserver: permission is not granted to the role'),
  invalidAuthMgmt: error(grpc.status.INVALID_ARGUMENT, 'etcdserver: invalid auth management'),
} as const;

const AUTH_REFUSALS: Record<AuthRefusalKind, EtcdError> = {
  'user-empty': ETCD_ERRORS.userEmpty,
  'user-exists': ETCD_ERRORS.userAlreadyExist,
  'user-not-found': ETCD_ERRORS.userNotFound,
  'role-empty': ETCD_ERRORS.roleEmpty,
  'role-exists': ETCD_ERRORS.roleAlreadyExist,
  'role-not-found': ETCD_ERRORS.roleNotFound,
  'root-user-missing': ETCD_ERRORS.rootUserNotExist,
  'root-role-missing': ETCD_ERRORS.rootRoleNotExist,
  'role-not-granted': ETCD_ERRORS.roleNotGranted,
  'permission-not-granted': ETCD_ERRORS.permissionNotGranted,
  'invalid-management': ETCD_ERRORS.invalidAuthMgmt,
};

/** A field of an etcd request that quorumkv does not serve: refused, never dropped silently. */
export function unsupported(field: string, why: string): EtcdError {
  return error(grpc.status.INVALID_ARGUMENT, `etcdserver: ${field} is not supported by quorumkv: ${why}`);
}

/** A request etcd would accept that breaks one of quorumkv's documented limits or rules. */
export function invalid(message: string): EtcdError {
  return error(grpc.status.INVALID_ARGUMENT, `etcdserver: ${message}`);
}

/** Turns whatever an etcd handler threw into the status etcd's clients expect. */
export function toEtcdStatus(thrown: unknown): Partial<grpc.ServiceError> & { code: grpc.status; details: string; metadata: grpc.Metadata } {
  const status = (code: grpc.status, details: string) => ({ code, details, metadata: new grpc.Metadata() });
  if (thrown instanceof EtcdError) return status(thrown.code, thrown.message);
  const mapped = etcdErrorFor(thrown);
  if (mapped) return status(mapped.code, mapped.message);
  if (thrown instanceof QuorumkvError) return status(codeOf(thrown), thrown.message);
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return status(grpc.status.INTERNAL, `internal error: ${message}`);
}

function etcdErrorFor(thrown: unknown): EtcdError | undefined {
  if (thrown instanceof AuthRefusal) return AUTH_REFUSALS[thrown.kind];
  if (thrown instanceof NoUserError) return ETCD_ERRORS.userEmpty;
  if (thrown instanceof WrongPasswordError) return ETCD_ERRORS.authFailed;
  if (thrown instanceof AuthNotEnabledError) return ETCD_ERRORS.authNotEnabled;
  if (thrown instanceof UnauthenticatedError) return ETCD_ERRORS.invalidAuthToken;
  if (thrown instanceof PermissionDeniedError) return ETCD_ERRORS.permissionDenied;
  if (thrown instanceof CompactedRevisionError) return ETCD_ERRORS.compacted;
  if (thrown instanceof FutureRevisionError) return ETCD_ERRORS.futureRev;
  if (thrown instanceof NotLeaderError) return ETCD_ERRORS.noLeader;
  if (thrown instanceof OverloadedError) return ETCD_ERRORS.tooManyRequests;
  if (thrown instanceof LeaseNotFoundError) return ETCD_ERRORS.leaseNotFound;
  if (thrown instanceof LeaseExistsError) return ETCD_ERRORS.leaseExist;
  // A transaction the storage tier refused whole because one of its ranges is out of reach.
  if (thrown instanceof InvalidArgumentError) {
    if (/revision \d+ is compacted|has been compacted/.test(thrown.message)) return ETCD_ERRORS.compacted;
    if (/revision \d+ is in the future/.test(thrown.message)) return ETCD_ERRORS.futureRev;
    if (/ignore_lease needs a key/.test(thrown.message)) return ETCD_ERRORS.keyNotFound;
  }
  return undefined;
}

function codeOf(thrown: QuorumkvError): grpc.status {
  if (thrown instanceof InvalidArgumentError) return grpc.status.INVALID_ARGUMENT;
  if (thrown instanceof ReadOnlyError) return grpc.status.FAILED_PRECONDITION;
  if (thrown instanceof DeadlineError) return grpc.status.DEADLINE_EXCEEDED;
  if (thrown instanceof UnavailableError) return grpc.status.UNAVAILABLE;
  return grpc.status.UNKNOWN;
}
