import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { CONVERSION_OPTIONS, PROTO_DIR, PROTO_FILES } from './root.js';
import type { ProtoGrpcType as KvProto } from '../gen/kv.js';
import type { ProtoGrpcType as RaftProto } from '../gen/raft.js';
import type { ProtoGrpcType as StorageProto } from '../gen/storage.js';

const { bytes: _bytes, ...loaderOptions } = CONVERSION_OPTIONS;

const packageDefinition = protoLoader.loadSync(PROTO_FILES, {
  ...loaderOptions,
  bytes: Buffer,
  includeDirs: [PROTO_DIR],
});

type Loaded = KvProto & RaftProto & StorageProto;
const loaded = grpc.loadPackageDefinition(packageDefinition) as unknown as Loaded;

/** Public services. */
export const KV = loaded.quorumkv.v1.KV;
export const Cluster = loaded.quorumkv.v1.Cluster;
export const Watch = loaded.quorumkv.v1.Watch;
export const Lease = loaded.quorumkv.v1.Lease;
/** Internal services: between storage members, and from compute nodes to storage. */
export const Raft = loaded.quorumkv.internal.v1.Raft;
export const Storage = loaded.quorumkv.internal.v1.Storage;

export type KVClient = InstanceType<typeof KV>;
export type ClusterClient = InstanceType<typeof Cluster>;
export type WatchClient = InstanceType<typeof Watch>;
export type LeaseClient = InstanceType<typeof Lease>;
export type RaftClient = InstanceType<typeof Raft>;
export type StorageClient = InstanceType<typeof Storage>;
