import type * as grpc from '@grpc/grpc-js';
import type { AuthAdmin } from '../auth/auth-admin.js';
import { callerOf } from '../auth/caller.js';
import type { Permission, PermissionType } from '../auth/permissions.js';
import type { Permission__Output } from '../gen/etcd/authpb/Permission.js';
import type { KvBackend } from '../node/kv-service.js';
import { EtcdAuth } from '../proto/etcd-services.js';
import type { RpcServer } from '../rpc/server.js';
import { invalid } from './errors.js';
import { etcdUnary } from './service.js';

// etcdserverpb.Auth on a writer node: users, roles, key-range permissions and tokens, kept in the
// replicated auth records (src/auth). Authenticate is open to anyone; every other call needs the
// root role once authentication is on (before that, anyone may set it up, as in etcd).

const HEADER = { clusterId: 0, memberId: 0, revision: 0, raftTerm: 0 };

interface Named {
  name?: string;
}

export function addEtcdAuthService(rpc: RpcServer, admin: AuthAdmin, backend: KvBackend): void {
  const managing = <Req, Res>(method: string, handle: (request: Req) => Promise<Res>) =>
    etcdUnary<Req, Res>(rpc, `Auth/${method}`, async (request, call: grpc.ServerUnaryCall<Req, Res>) => {
      await backend.admitAdmin(callerOf(call));
      return handle(request);
    });
  const done = async (change: Promise<void>) => {
    await change;
    return { header: HEADER };
  };
  rpc.addService(EtcdAuth.service, {
    authenticate: etcdUnary<{ name: string; password: string }, { header: typeof HEADER; token: string }>(rpc, 'Auth/Authenticate', async (request) => ({
      header: HEADER,
      token: await admin.authenticate(request.name, request.password),
    })),
    authEnable: managing('AuthEnable', () => done(admin.authEnable())),
    authDisable: managing('AuthDisable', () => done(admin.authDisable())),
    userAdd: managing<{ name: string; password: string; options: { noPassword: boolean } | null }, unknown>('UserAdd', (r) =>
      done(admin.userAdd(r.name, r.options?.noPassword ? undefined : r.password)),
    ),
    userGet: managing<Named, unknown>('UserGet', async (r) => {
      const { state } = await admin.records();
      return { header: HEADER, roles: [...admin.user(state, r.name ?? '').roles].sort() };
    }),
    userList: managing('UserList', async () => ({ header: HEADER, users: [...(await admin.records()).state.users.keys()].sort() })),
    userDelete: managing<Named, unknown>('UserDelete', (r) => done(admin.userDelete(r.name ?? ''))),
    userChangePassword: managing<{ name: string; password: string }, unknown>('UserChangePassword', (r) => done(admin.userChangePassword(r.name, r.password))),
    userGrantRole: managing<{ user: string; role: string }, unknown>('UserGrantRole', (r) => done(admin.userGrantRole(r.user, r.role))),
    userRevokeRole: managing<{ name: string; role: string }, unknown>('UserRevokeRole', (r) => done(admin.userRevokeRole(r.name, r.role))),
    roleAdd: managing<Named, unknown>('RoleAdd', (r) => done(admin.roleAdd(r.name ?? ''))),
    roleGet: managing<{ role: string }, unknown>('RoleGet', async (r) => {
      const { state } = await admin.records();
      return { header: HEADER, perm: admin.role(state, r.role).permissions.map((p) => ({ permType: p.type, key: p.key, rangeEnd: p.rangeEnd })) };
    }),
    roleList: managing('RoleList', async () => ({ header: HEADER, roles: [...(await admin.records()).state.roles.keys()].sort() })),
    roleDelete: managing<{ role: string }, unknown>('RoleDelete', (r) => done(admin.roleDelete(r.role))),
    roleGrantPermission: managing<{ name: string; perm: Permission__Output | null }, unknown>('RoleGrantPermission', (r) =>
      done(admin.roleGrantPermission(r.name, permissionOf(r.perm))),
    ),
    roleRevokePermission: managing<{ role: string; key: Buffer; rangeEnd: Buffer }, unknown>('RoleRevokePermission', (r) =>
      done(admin.roleRevokePermission(r.role, r.key, r.rangeEnd)),
    ),
  });
}

function permissionOf(perm: Permission__Output | null): Permission {
  if (!perm) throw invalid('permission not given');
  if (perm.key.length === 0) throw invalid('permission key is empty');
  return { type: perm.permType as PermissionType, key: perm.key, rangeEnd: perm.rangeEnd };
}
