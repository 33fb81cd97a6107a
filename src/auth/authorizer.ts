import type { TxnRequest__Output } from '../gen/quorumkv/v1/TxnRequest.js';
import { InvalidTokenError, KeyPermissionError, NoUserError } from './auth-errors.js';
import type { AuthState } from './auth-records.js';
import type { Caller } from './caller.js';
import { accessOfTxn, covers } from './permissions.js';
import { passwordTag, verifyToken } from './tokens.js';

// Decides whether a caller may make a request, against a node's copy of the auth records. While
// authentication is off, everyone may do everything (as etcd). Once it is on, a call names its
// user by a token or a client certificate; the user's roles decide which key ranges it may read
// and write, and only a user with the root role may manage users, roles and the cluster.

/** Where the checks find the current auth records. */
export interface AuthSource {
  readonly loaded: AuthState | undefined;
  current(deadline: number): Promise<AuthState>;
}

export class Authorizer {
  constructor(
    private readonly source: AuthSource,
    private readonly now: () => number = Date.now,
  ) {}

  /** The records, without waiting once they have been read. */
  state(deadline: number): AuthState | Promise<AuthState> {
    return this.source.loaded ?? this.source.current(deadline);
  }

  /** The user a call acts as, or undefined when no check applies (authentication off, or the cluster itself). */
  userOf(state: AuthState, caller: Caller): string | undefined {
    if (caller.kind === 'system' || !state.enabled) return undefined;
    if (caller.token !== undefined) return this.verified(state, caller.token);
    if (caller.certificateUser !== undefined) return caller.certificateUser;
    throw new NoUserError();
  }

  async checkRange(caller: Caller, key: Buffer, rangeEnd: Buffer, deadline: number): Promise<void> {
    if (caller.kind === 'system') return;
    const state = await this.state(deadline);
    const user = this.userOf(state, caller);
    if (user === undefined) return;
    if (!covers(state.permissionsOf(user), 'read', key, rangeEnd)) throw denied(user, 'read', key, rangeEnd);
  }

  async checkTxn(caller: Caller, txn: TxnRequest__Output, deadline: number): Promise<void> {
    if (caller.kind === 'system') return;
    const state = await this.state(deadline);
    const user = this.userOf(state, caller);
    if (user === undefined) return;
    const permissions = state.permissionsOf(user);
    // A revocation deletes keys the transaction does not name: the Lease service checks them first.
    if (!state.isRoot(user) && [...txn.success, ...txn.failure].some((op) => op.requestLeaseRevoke)) {
      throw new KeyPermissionError(`permission denied: user ${JSON.stringify(user)} may revoke a lease only through the Lease service, which checks the lease's keys`);
    }
    const access = accessOfTxn(txn);
    for (const range of access.reads) if (!covers(permissions, 'read', range.key, range.rangeEnd)) throw denied(user, 'read', range.key, range.rangeEnd);
    for (const range of access.writes) if (!covers(permissions, 'write', range.key, range.rangeEnd)) throw denied(user, 'write', range.key, range.rangeEnd);
  }

  /** Writing each of `keys` (a lease revocation deletes every key attached to it). */
  async checkWrites(caller: Caller, keys: readonly Buffer[], deadline: number): Promise<void> {
    if (caller.kind === 'system') return;
    const state = await this.state(deadline);
    const user = this.userOf(state, caller);
    if (user === undefined) return;
    const permissions = state.permissionsOf(user);
    for (const key of keys) if (!covers(permissions, 'write', key, ONE_KEY)) throw denied(user, 'write', key, ONE_KEY);
  }

  /** Managing users, roles, membership and compaction: the root role only, once authentication is on. */
  async checkAdmin(caller: Caller, deadline: number): Promise<void> {
    if (caller.kind === 'system') return;
    const state = await this.state(deadline);
    const user = this.userOf(state, caller);
    if (user === undefined || state.isRoot(user)) return;
    throw new KeyPermissionError(`permission denied: user ${JSON.stringify(user)} does not have the root role`);
  }

  private verified(state: AuthState, token: string): string {
    if (!state.signingKey) throw new InvalidTokenError('invalid auth token: this cluster has no signing key');
    const claims = verifyToken(state.signingKey, token, this.now());
    const password = state.users.get(claims.user)?.password;
    if (!password || passwordTag(password.hash) !== claims.passwordTag) throw new InvalidTokenError('invalid auth token: its user was deleted or changed password; authenticate again');
    return claims.user;
  }
}

const ONE_KEY = Buffer.alloc(0);

function denied(user: string, kind: 'read' | 'write', key: Buffer, rangeEnd: Buffer): KeyPermissionError {
  const what = rangeEnd.length === 0 ? `key ${JSON.stringify(key.toString('utf8'))}` : `range [${JSON.stringify(key.toString('utf8'))}, ${JSON.stringify(rangeEnd.toString('utf8'))})`;
  return new KeyPermissionError(`permission denied: user ${JSON.stringify(user)} may not ${kind} ${what}`);
}
