import * as grpc from '@grpc/grpc-js';
import { type Role, roleOf } from './roles.js';

// Which role's certificate may make which call. Checked by every grpc-js server that requires
// client certificates, before the handler runs; a call no row allows is refused (least
// privilege: a new method is closed until a row opens it).

const INTERNAL = '/quorumkv.internal.v1.';
const NODES: readonly Role[] = ['writer', 'reader'];

/** Path prefix → the roles that may call it. The longest matching prefix decides. */
const POLICY: ReadonlyArray<readonly [string, readonly Role[] | 'any']> = [
  // Health and reflection reveal nothing secret; any verified peer may ask.
  ['/grpc.health.v1.Health/', 'any'],
  ['/grpc.reflection.', 'any'],
  // Raft and snapshot streams: storage members only.
  [`${INTERNAL}Raft/`, ['storage']],
  // Only writers append to the log.
  [`${INTERNAL}Storage/Append`, ['writer']],
  [`${INTERNAL}Storage/Read`, NODES],
  [`${INTERNAL}Storage/Follow`, NODES],
  [`${INTERNAL}Storage/HashKV`, NODES],
  [`${INTERNAL}Storage/Describe`, [...NODES, 'gateway']],
  [`${INTERNAL}Storage/RegisterNode`, NODES],
  [`${INTERNAL}Storage/ListNodes`, [...NODES, 'gateway']],
  [`${INTERNAL}Storage/Members`, [...NODES, 'gateway']],
  // Membership changes arrive through a node, which checks the user's permission first.
  [`${INTERNAL}Storage/ChangeMembers`, NODES],
  // Compaction is a write to the log: it arrives through a writer node (etcd's Compact).
  [`${INTERNAL}Storage/Compact`, ['writer']],
  // Lease renewals change the leader's clock: writers only (etcd's KeepAlive is a write). Time to
  // live and the list are reads, which the reader endpoint serves too.
  [`${INTERNAL}Storage/LeaseRenew`, ['writer']],
  [`${INTERNAL}Storage/LeaseTimeToLive`, NODES],
  [`${INTERNAL}Storage/LeaseList`, NODES],
  // The client API on writer and reader nodes: users directly, or a gateway relaying for them.
  ['/quorumkv.v1.', ['client', 'gateway']],
  ['/etcdserverpb.', ['client', 'gateway']],
];

/** The roles allowed to call `path`, 'any' for every verified peer, or an empty list when none is. */
export function allowedRoles(path: string): readonly Role[] | 'any' {
  let best: (typeof POLICY)[number] | undefined;
  for (const row of POLICY) {
    if (path.startsWith(row[0]) && (!best || row[0].length > best[0].length)) best = row;
  }
  return best ? best[1] : [];
}

/** Why `role` may not call `path`, or undefined when it may. */
export function refusal(path: string, role: Role | undefined): string | undefined {
  const allowed = allowedRoles(path);
  if (allowed === 'any') return undefined;
  if (role && allowed.includes(role)) return undefined;
  const who = role ? `a ${role} certificate` : 'a certificate without a quorumkv role (OU)';
  const needed = allowed.length > 0 ? `it needs ${allowed.join(' or ')}` : 'no role may call it';
  return `${path} refused for ${who}: ${needed}`;
}

/**
 * A grpc-js server interceptor that refuses, with PERMISSION_DENIED, every call whose peer
 * certificate's role may not make it. Only for servers that require client certificates.
 */
export const roleInterceptor: grpc.ServerInterceptor = (method, call) => {
  const listener = new grpc.ServerListenerBuilder()
    .withOnReceiveMetadata((metadata, next) => {
      const refused = callRefusal(method.path, call);
      if (refused) call.sendStatus(refused);
      else next(metadata);
    })
    .build();
  return new grpc.ServerInterceptingCall(call, new grpc.ResponderBuilder().withStart((next) => next(listener)).build());
};

/** The status a call on `path` is refused with, given its connection's certificate; undefined: it may go on. */
export function callRefusal(path: string, call: Pick<grpc.ServerInterceptingCallInterface, 'getAuthContext'>): { code: grpc.status; details: string } | undefined {
  const certificate = peerCertificate(call);
  if (certificate === 'gone') return { code: grpc.status.UNAVAILABLE, details: `${path}: the connection closed before its certificate could be read` };
  const reason = refusal(path, roleOf(certificate));
  return reason ? { code: grpc.status.PERMISSION_DENIED, details: reason } : undefined;
}

/**
 * The peer's certificate, or 'gone' when its connection closed before the call's metadata was
 * handled: grpc-js then throws reading it (the TLS socket has no peer certificate any more), and
 * an exception here would take the whole process down.
 */
function peerCertificate(call: Pick<grpc.ServerInterceptingCallInterface, 'getAuthContext'>): ReturnType<grpc.ServerInterceptingCallInterface['getAuthContext']>['sslPeerCertificate'] | 'gone' {
  try {
    return call.getAuthContext().sslPeerCertificate;
  } catch {
    return 'gone';
  }
}
