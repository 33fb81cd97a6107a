import type { Endpoint } from './relay.js';

// Which calls the gateway relays, and how, by gRPC path. Unary reads and writes are buffered,
// balanced per request and retried on another node; streams are piped to one node with flow
// control both ways. A path not listed, and no prefix matching, is answered UNIMPLEMENTED by the
// gateway itself. To serve another API through the gateway, add its paths here.

export type RouteKind =
  /** Idempotent: any healthy node of the endpoint's pools. */
  | 'unary-read'
  /** Carries a request id (added when missing), so it is safe to send again: writers only. */
  | 'unary-write'
  /** A stream relayed to one node (watch, reflection). */
  | 'stream'
  /** Served by the gateway's own gRPC services (health, Cluster). */
  | 'local';

export interface Route {
  kind: RouteKind;
  /** Endpoints that take it; the other gets FAILED_PRECONDITION (writes) or UNIMPLEMENTED. */
  endpoints: ReadonlySet<Endpoint>;
  /** For streams: which nodes may serve it. */
  nodes?: 'readers' | 'writers';
}

const BOTH: ReadonlySet<Endpoint> = new Set(['cluster', 'reader']);
const CLUSTER: ReadonlySet<Endpoint> = new Set(['cluster']);

export const METHODS: ReadonlyMap<string, Route> = new Map<string, Route>([
  ['/quorumkv.v1.KV/Range', { kind: 'unary-read', endpoints: BOTH }],
  ['/quorumkv.v1.KV/Put', { kind: 'unary-write', endpoints: CLUSTER }],
  ['/quorumkv.v1.KV/DeleteRange', { kind: 'unary-write', endpoints: CLUSTER }],
  ['/quorumkv.v1.KV/Txn', { kind: 'unary-write', endpoints: CLUSTER }],
  ['/quorumkv.v1.Watch/Watch', { kind: 'stream', endpoints: BOTH, nodes: 'readers' }],
  ['/quorumkv.v1.Lease/Grant', { kind: 'unary-write', endpoints: CLUSTER }],
  ['/quorumkv.v1.Lease/Revoke', { kind: 'unary-write', endpoints: CLUSTER }],
  ['/quorumkv.v1.Lease/KeepAlive', { kind: 'stream', endpoints: CLUSTER, nodes: 'writers' }],
  ['/quorumkv.v1.Lease/TimeToLive', { kind: 'unary-read', endpoints: BOTH }],
  ['/quorumkv.v1.Lease/Leases', { kind: 'unary-read', endpoints: BOTH }],
  // etcd's API (src/etcd/): writes get a request id (field 16), which the nodes read.
  ['/etcdserverpb.KV/Range', { kind: 'unary-read', endpoints: BOTH }],
  ['/etcdserverpb.KV/Put', { kind: 'unary-write', endpoints: CLUSTER }],
  ['/etcdserverpb.KV/DeleteRange', { kind: 'unary-write', endpoints: CLUSTER }],
  ['/etcdserverpb.KV/Txn', { kind: 'unary-write', endpoints: CLUSTER }],
  ['/etcdserverpb.KV/Compact', { kind: 'unary-write', endpoints: CLUSTER }],
  ['/etcdserverpb.Watch/Watch', { kind: 'stream', endpoints: BOTH, nodes: 'readers' }],
  ['/etcdserverpb.Lease/LeaseKeepAlive', { kind: 'stream', endpoints: CLUSTER, nodes: 'writers' }],
  ['/etcdserverpb.Lease/LeaseTimeToLive', { kind: 'unary-read', endpoints: BOTH }],
  ['/etcdserverpb.Lease/LeaseLeases', { kind: 'unary-read', endpoints: BOTH }],
  ['/etcdserverpb.Cluster/MemberList', { kind: 'unary-read', endpoints: BOTH }],
  ['/etcdserverpb.Maintenance/Status', { kind: 'unary-read', endpoints: BOTH }],
  ['/etcdserverpb.Maintenance/HashKV', { kind: 'unary-read', endpoints: BOTH }],
  ['/etcdserverpb.Maintenance/Hash', { kind: 'unary-read', endpoints: BOTH }],
  ['/etcdserverpb.Maintenance/Alarm', { kind: 'unary-read', endpoints: BOTH }],
  ['/etcdserverpb.Maintenance/Snapshot', { kind: 'stream', endpoints: BOTH, nodes: 'readers' }],
]);

/** Whole services, by path prefix. */
export const SERVICES: ReadonlyArray<[string, Route]> = [
  ['/grpc.health.v1.Health/', { kind: 'local', endpoints: BOTH }],
  ['/quorumkv.v1.Cluster/', { kind: 'local', endpoints: BOTH }],
  // The rest of etcd's Lease, Cluster and Maintenance calls change something: writers only.
  ['/etcdserverpb.Lease/', { kind: 'unary-write', endpoints: CLUSTER }],
  ['/etcdserverpb.Cluster/', { kind: 'unary-write', endpoints: CLUSTER }],
  ['/etcdserverpb.Maintenance/', { kind: 'unary-write', endpoints: CLUSTER }],
  // Users, roles and tokens: writers, which change the auth records through the log.
  ['/etcdserverpb.Auth/', { kind: 'unary-write', endpoints: CLUSTER }],
  ['/grpc.reflection.v1alpha.ServerReflection/', { kind: 'stream', endpoints: BOTH, nodes: 'writers' }],
  ['/grpc.reflection.v1.ServerReflection/', { kind: 'stream', endpoints: BOTH, nodes: 'writers' }],
];

/** The route for `path`, or undefined if the gateway does not serve it. */
export function routeOf(path: string): Route | undefined {
  const exact = METHODS.get(path);
  if (exact) return exact;
  for (const [prefix, route] of SERVICES) if (path.startsWith(prefix)) return route;
  return undefined;
}
