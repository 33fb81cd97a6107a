import { randomBytes } from 'node:crypto';
import type { Compare__Output } from '../gen/quorumkv/v1/Compare.js';
import type { RangeResponse__Output } from '../gen/quorumkv/v1/RangeResponse.js';
import type { RequestOp__Output } from '../gen/quorumkv/v1/RequestOp.js';
import type { TxnRequest__Output } from '../gen/quorumkv/v1/TxnRequest.js';
import type { TxnResponse__Output } from '../gen/quorumkv/v1/TxnResponse.js';
import { AuthNotEnabledError, AuthRefusal, WrongPasswordError } from './auth-errors.js';
import {
  AUTH_RANGE,
  AuthState,
  ENABLED_KEY,
  ROOT,
  SIGNING_KEY_KEY,
  encodeRole,
  encodeUser,
  roleKey,
  userKey,
  type RoleRecord,
  type UserRecord,
} from './auth-records.js';
import { hashPassword, verifyPassword } from './password.js';
import type { Permission } from './permissions.js';
import { passwordTag, signToken } from './tokens.js';

// Managing users and roles, as etcd's Auth API does. Every change is one transaction on the auth
// records, guarded by compares on the records it read (their mod revisions), so two changes made
// at once through different nodes never overwrite each other: the later one reads again.

const MAX_ATTEMPTS = 8;
const EMPTY = Buffer.alloc(0);

/** How the admin calls read and write the records: linearizable reads, commits through the log. */
export interface AuthRecordStore {
  read(key: Buffer, rangeEnd: Buffer): Promise<RangeResponse__Output>;
  commit(txn: TxnRequest__Output): Promise<TxnResponse__Output>;
}

/** What a change decides from the records it read: the writes, and the records they depend on. */
interface Change {
  puts?: Array<{ key: Buffer; value: Buffer }>;
  deletes?: Buffer[];
  /** Keys whose mod revision (0: absent) must be what was read for the change to apply. */
  unchanged: Buffer[];
}

export class AuthAdmin {
  constructor(
    private readonly store: AuthRecordStore,
    private readonly tokenTtlMs: number,
    /** Called once a change has committed, so this node's own checks see it at once. */
    private readonly changed: () => Promise<void> = async () => {},
  ) {}

  async records(): Promise<{ state: AuthState; revisions: Map<string, number> }> {
    const response = await this.store.read(AUTH_RANGE.key, AUTH_RANGE.rangeEnd);
    const revisions = new Map(response.kvs.map((kv) => [kv.key.toString('hex'), kv.modRevision]));
    return { state: AuthState.of(response.kvs), revisions };
  }

  authEnable(): Promise<void> {
    return this.change((state) => {
      const root = state.users.get(ROOT);
      if (!root) throw new AuthRefusal('root-user-missing', 'cannot enable authentication: there is no user "root"');
      if (!root.roles.includes(ROOT)) throw new AuthRefusal('root-role-missing', 'cannot enable authentication: user "root" does not have the role "root"');
      const puts = [{ key: ENABLED_KEY, value: Buffer.from('1') }];
      if (!state.signingKey) puts.push({ key: SIGNING_KEY_KEY, value: Buffer.from(randomBytes(32).toString('base64')) });
      return { puts, unchanged: [userKey(ROOT), SIGNING_KEY_KEY] };
    });
  }

  authDisable(): Promise<void> {
    return this.change(() => ({ deletes: [ENABLED_KEY], unchanged: [] }));
  }

  async userAdd(name: string, password: string | undefined): Promise<void> {
    if (name === '') throw new AuthRefusal('user-empty', 'user name is empty');
    const record: UserRecord = { password: password === undefined ? undefined : await hashPassword(password), roles: [] };
    return this.change((state) => {
      if (state.users.has(name)) throw new AuthRefusal('user-exists', `user ${JSON.stringify(name)} already exists`);
      return { puts: [{ key: userKey(name), value: encodeUser(record) }], unchanged: [userKey(name)] };
    });
  }

  userDelete(name: string): Promise<void> {
    return this.change((state) => {
      this.user(state, name);
      if (state.enabled && name === ROOT) throw new AuthRefusal('invalid-management', 'cannot delete user "root" while authentication is enabled');
      return { deletes: [userKey(name)], unchanged: [userKey(name)] };
    });
  }

  async userChangePassword(name: string, password: string): Promise<void> {
    const hashed = await hashPassword(password);
    return this.change((state) => {
      const user = this.user(state, name);
      return { puts: [{ key: userKey(name), value: encodeUser({ ...user, password: hashed }) }], unchanged: [userKey(name)] };
    });
  }

  userGrantRole(name: string, role: string): Promise<void> {
    return this.change((state) => {
      const user = this.user(state, name);
      this.role(state, role);
      if (user.roles.includes(role)) return { unchanged: [] };
      return { puts: [{ key: userKey(name), value: encodeUser({ ...user, roles: [...user.roles, role] }) }], unchanged: [userKey(name), roleKey(role)] };
    });
  }

  userRevokeRole(name: string, role: string): Promise<void> {
    return this.change((state) => {
      const user = this.user(state, name);
      if (!user.roles.includes(role)) throw new AuthRefusal('role-not-granted', `user ${JSON.stringify(name)} does not have the role ${JSON.stringify(role)}`);
      if (state.enabled && name === ROOT && role === ROOT) throw new AuthRefusal('invalid-management', 'cannot take the role "root" from user "root" while authentication is enabled');
      return { puts: [{ key: userKey(name), value: encodeUser({ ...user, roles: user.roles.filter((r) => r !== role) }) }], unchanged: [userKey(name)] };
    });
  }

  roleAdd(name: string): Promise<void> {
    if (name === '') throw new AuthRefusal('role-empty', 'role name is empty');
    return this.change((state) => {
      if (state.roles.has(name)) throw new AuthRefusal('role-exists', `role ${JSON.stringify(name)} already exists`);
      return { puts: [{ key: roleKey(name), value: encodeRole({ permissions: [] }) }], unchanged: [roleKey(name)] };
    });
  }

  /** Deletes a role and takes it from every user that had it, in one transaction. */
  roleDelete(name: string): Promise<void> {
    return this.change((state) => {
      this.role(state, name);
      if (state.enabled && name === ROOT) throw new AuthRefusal('invalid-management', 'cannot delete the role "root" while authentication is enabled');
      const holders = [...state.users].filter(([, user]) => user.roles.includes(name));
      return {
        deletes: [roleKey(name)],
        puts: holders.map(([user, record]) => ({ key: userKey(user), value: encodeUser({ ...record, roles: record.roles.filter((r) => r !== name) }) })),
        unchanged: [roleKey(name), ...holders.map(([user]) => userKey(user))],
      };
    });
  }

  /** Grants a permission; one already granted over the same range takes the new type (etcd's rule). */
  roleGrantPermission(name: string, permission: Permission): Promise<void> {
    return this.change((state) => {
      const role = this.role(state, name);
      const others = role.permissions.filter((p) => !sameRange(p, permission));
      const updated: RoleRecord = { permissions: [...others, permission].sort((a, b) => Buffer.compare(a.key, b.key)) };
      return { puts: [{ key: roleKey(name), value: encodeRole(updated) }], unchanged: [roleKey(name)] };
    });
  }

  roleRevokePermission(name: string, key: Buffer, rangeEnd: Buffer): Promise<void> {
    return this.change((state) => {
      const role = this.role(state, name);
      const kept = role.permissions.filter((p) => !sameRange(p, { key, rangeEnd }));
      if (kept.length === role.permissions.length) throw new AuthRefusal('permission-not-granted', `role ${JSON.stringify(name)} has no permission over that range`);
      return { puts: [{ key: roleKey(name), value: encodeRole({ permissions: kept }) }], unchanged: [roleKey(name)] };
    });
  }

  /** A token for a user whose password matches, valid for the token TTL on every node. */
  async authenticate(name: string, password: string): Promise<string> {
    const { state } = await this.records();
    if (!state.enabled) throw new AuthNotEnabledError();
    const stored = state.users.get(name)?.password;
    if (!stored || !state.signingKey || !(await verifyPassword(password, stored))) throw new WrongPasswordError();
    return signToken(state.signingKey, { user: name, expiresAt: Date.now() + this.tokenTtlMs, passwordTag: passwordTag(stored.hash) });
  }

  user(state: AuthState, name: string): UserRecord {
    const user = state.users.get(name);
    if (!user) throw new AuthRefusal('user-not-found', `user ${JSON.stringify(name)} does not exist`);
    return user;
  }

  role(state: AuthState, name: string): RoleRecord {
    const role = state.roles.get(name);
    if (!role) throw new AuthRefusal('role-not-found', `role ${JSON.stringify(name)} does not exist`);
    return role;
  }

  /** Reads the records, decides the change, and commits it if the records it depends on did not move. */
  private async change(decide: (state: AuthState) => Change): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const { state, revisions } = await this.records();
      const change = decide(state);
      if (!change.puts?.length && !change.deletes?.length) return;
      const compare = change.unchanged.map((key): Compare__Output => ({
        key, rangeEnd: EMPTY, target: 'MOD', result: 'EQUAL', modRevision: revisions.get(key.toString('hex')) ?? 0, targetUnion: 'modRevision',
      }));
      const success: RequestOp__Output[] = [
        ...(change.puts ?? []).map(({ key, value }): RequestOp__Output => ({ request: 'requestPut', requestPut: { key, value, prevKv: false, requestId: '', lease: 0, ignoreLease: false } })),
        ...(change.deletes ?? []).map((key): RequestOp__Output => ({ request: 'requestDeleteRange', requestDeleteRange: { key, rangeEnd: EMPTY, prevKv: false, requestId: '' } })),
      ];
      const response = await this.store.commit({ compare, success, failure: [], requestId: '', readRevision: 0, readSet: [] });
      if (response.succeeded) return this.changed();
      if (attempt >= MAX_ATTEMPTS) throw new AuthRefusal('invalid-management', 'the auth records kept changing; try again');
    }
  }
}

function sameRange(a: { key: Buffer; rangeEnd: Buffer }, b: { key: Buffer; rangeEnd: Buffer }): boolean {
  return a.key.equals(b.key) && a.rangeEnd.equals(b.rangeEnd);
}
