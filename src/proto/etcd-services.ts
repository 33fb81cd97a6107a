import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType as EtcdProto } from '../gen/etcd/rpc.js';
import { ETCD_CONVERSION_OPTIONS, ETCD_PROTO_DIR, ETCD_PROTO_FILES } from './root.js';

const packageDefinition = protoLoader.loadSync(ETCD_PROTO_FILES, { ...ETCD_CONVERSION_OPTIONS, includeDirs: [ETCD_PROTO_DIR] });
const loaded = grpc.loadPackageDefinition(packageDefinition) as unknown as EtcdProto;

/** etcd v3's services (package etcdserverpb), served by compute nodes beside quorumkv.v1. */
export const EtcdKV = loaded.etcdserverpb.KV;
export const EtcdWatch = loaded.etcdserverpb.Watch;
export const EtcdLease = loaded.etcdserverpb.Lease;
export const EtcdCluster = loaded.etcdserverpb.Cluster;
export const EtcdMaintenance = loaded.etcdserverpb.Maintenance;
export const EtcdAuth = loaded.etcdserverpb.Auth;

export type EtcdKVClient = InstanceType<typeof EtcdKV>;
export type EtcdWatchClient = InstanceType<typeof EtcdWatch>;
export type EtcdLeaseClient = InstanceType<typeof EtcdLease>;
export type EtcdClusterClient = InstanceType<typeof EtcdCluster>;
export type EtcdMaintenanceClient = InstanceType<typeof EtcdMaintenance>;
export type EtcdAuthClient = InstanceType<typeof EtcdAuth>;
