import { prefixEnd } from '../client/bytes.js';
import type { PasswordHash } from './password.js';
import type { Permission, PermissionType } from './permissions.js';
import { RESERVED_PREFIX } from './reserved-keys.js';

// The auth records in the reserved key space (reserved-keys.ts), one key each, JSON values:
//   auth/enabled            "1" while authentication is on
//   auth/signing-key        the HMAC key tokens are signed with (base64)
//   auth/user/NAME          { password?: PasswordHash, roles: string[] }
//   auth/role/NAME          { permissions: [{ type, key, rangeEnd }] }, keys base64
// `AuthState` is the decoded set, as of one revision.

const AUTH = Buffer.concat([RESERVED_PREFIX, Buffer.from('auth/')]);
export const AUTH_RANGE = { key: AUTH, rangeEnd: prefixEnd(AUTH) };
export const ENABLED_KEY = Buffer.concat([AUTH, Buffer.from('enabled')]);
export const SIGNING_KEY_KEY = Buffer.concat([AUTH, Buffer.from('signing-key')]);
const USER = Buffer.concat([AUTH, Buffer.from('user/')]);
const ROLE = Buffer.concat([AUTH, Buffer.from('role/')]);

/** etcd's built-in role: every permission, and the auth API itself. */
export const ROOT = 'root';

export const userKey = (name: string) => Buffer.concat([USER, Buffer.from(name, 'utf8')]);
export const roleKey = (name: string) => Buffer.concat([ROLE, Buffer.from(name, 'utf8')]);

export interface UserRecord {
  /** Absent for a user who can only authenticate by client certificate (etcd's no_password). */
  password?: PasswordHash;
  roles: string[];
}

export interface RoleRecord {
  permissions: Permission[];
}

interface StoredPermission {
  type: PermissionType;
  key: string;
  rangeEnd: string;
}

export function encodeUser(user: UserRecord): Buffer {
  return Buffer.from(JSON.stringify({ password: user.password, roles: [...user.roles].sort() }));
}

export function encodeRole(role: RoleRecord): Buffer {
  const permissions: StoredPermission[] = role.permissions.map((p) => ({ type: p.type, key: p.key.toString('base64'), rangeEnd: p.rangeEnd.toString('base64') }));
  return Buffer.from(JSON.stringify({ permissions }));
}

function decodeUser(value: Buffer): UserRecord {
  const parsed = JSON.parse(value.toString('utf8')) as { password?: PasswordHash; roles?: string[] };
  return { password: parsed.password, roles: parsed.roles ?? [] };
}

function decodeRole(value: Buffer): RoleRecord {
  const parsed = JSON.parse(value.toString('utf8')) as { permissions?: StoredPermission[] };
  return {
    permissions: (parsed.permissions ?? []).map((p) => ({ type: p.type, key: Buffer.from(p.key, 'base64'), rangeEnd: Buffer.from(p.rangeEnd, 'base64') })),
  };
}

const EVERY_KEY: Permission = { type: 'READWRITE', key: Buffer.from([0]), rangeEnd: Buffer.from([0]) };

export class AuthState {
  enabled = false;
  signingKey: Buffer | undefined;
  readonly users = new Map<string, UserRecord>();
  readonly roles = new Map<string, RoleRecord>();

  /** Builds the state from the auth records, e.g. a range over AUTH_RANGE. */
  static of(records: Iterable<{ key: Buffer; value: Buffer }>): AuthState {
    const state = new AuthState();
    for (const { key, value } of records) {
      try {
        state.set(key, value);
      } catch {
        // A record that does not decode grants nothing; the others still apply.
      }
    }
    return state;
  }

  private set(key: Buffer, value: Buffer): void {
    if (key.equals(ENABLED_KEY)) this.enabled = value.toString() === '1';
    else if (key.equals(SIGNING_KEY_KEY)) this.signingKey = Buffer.from(value.toString(), 'base64');
    else if (startsWith(key, USER)) this.users.set(key.subarray(USER.length).toString('utf8'), decodeUser(value));
    else if (startsWith(key, ROLE)) this.roles.set(key.subarray(ROLE.length).toString('utf8'), decodeRole(value));
  }

  /** Every permission the user holds through its roles; the root role holds every key. */
  permissionsOf(user: string): Permission[] {
    const record = this.users.get(user);
    if (!record) return [];
    if (record.roles.includes(ROOT)) return [EVERY_KEY];
    return record.roles.flatMap((role) => this.roles.get(role)?.permissions ?? []);
  }

  isRoot(user: string): boolean {
    return this.users.get(user)?.roles.includes(ROOT) ?? false;
  }
}

function startsWith(key: Buffer, prefix: Buffer): boolean {
  return key.length >= prefix.length && key.subarray(0, prefix.length).equals(prefix);
}
