import { InvalidArgumentError, PermissionDeniedError, UnauthenticatedError } from '../errors.js';

// The ways authentication fails, told apart so the etcd API can answer each with etcd's own
// message (src/etcd/errors.ts); quorumkv's API sees their classes' codes and these messages.

/** Authentication is on and the call names no user (no token, no client certificate name). */
export class NoUserError extends UnauthenticatedError {
  constructor() {
    super('authentication is enabled: send a token (Authenticate) or a client certificate whose common name is a user');
  }
}

/** The token does not verify, has expired, or names a user who was deleted or changed password. */
export class InvalidTokenError extends UnauthenticatedError {}

/** Authenticate with an unknown user or a wrong password (one answer for both, as etcd's). */
export class WrongPasswordError extends UnauthenticatedError {
  constructor() {
    super('authentication failed: unknown user or wrong password');
  }
}

/** Authenticate while authentication is off. */
export class AuthNotEnabledError extends UnauthenticatedError {
  constructor() {
    super('authentication is not enabled');
  }
}

/** A key-range permission check failed. */
export class KeyPermissionError extends PermissionDeniedError {}

/** Why a call managing users or roles was refused; the etcd API answers each with etcd's error. */
export type AuthRefusalKind =
  | 'user-empty'
  | 'user-exists'
  | 'user-not-found'
  | 'role-empty'
  | 'role-exists'
  | 'role-not-found'
  | 'root-user-missing'
  | 'root-role-missing'
  | 'role-not-granted'
  | 'permission-not-granted'
  | 'invalid-management';

/** A call managing users or roles that cannot apply to the records as they are; nothing changed. */
export class AuthRefusal extends InvalidArgumentError {
  constructor(
    readonly kind: AuthRefusalKind,
    message: string,
  ) {
    super(message);
  }
}
