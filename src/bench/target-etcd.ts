import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { join } from 'node:path';
import { backoffMs } from '../client/retry-policy.js';
import { PACKAGE_ROOT } from '../proto/root.js';
import type { BenchConfig } from './options.js';
import { counterValue, unary, type BenchTarget, type IncrementOutcome } from './target.js';
import { TXN_MAX_ATTEMPTS } from './target-quorumkv.js';

// etcd over its own v3 gRPC API (proto/etcd: a copy of the messages used, etcd 3.4 field numbers).
// Reads are Range (linearizable unless serializable is set); the txn workload's increment reads
// the key and writes it back in a Txn that compares the key's mod revision with what it read, and
// on a lost compare reads again after the same jittered pause as runTransaction.

export const ETCD_PROTO_DIR = join(PACKAGE_ROOT, 'proto', 'etcd');
/** As runTransaction in src/client/transaction.ts, so both stores back off alike on conflicts. */
const CONFLICT_BACKOFF_BASE_MS = 5;
const CONFLICT_BACKOFF_CAP_MS = 500;
const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  'grpc.use_local_subchannel_pool': 1,
  'grpc.max_receive_message_length': 64 * 1024 * 1024,
  'grpc.initial_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 1_000,
};

interface EtcdKeyValue {
  key: Buffer;
  value: Buffer;
  modRevision: number;
}
interface EtcdRangeResponse {
  kvs: EtcdKeyValue[];
  count: number;
}
interface EtcdTxnResponse {
  succeeded: boolean;
}
type Callback<T> = (error: grpc.ServiceError | null, response?: T) => void;
/** The part of the generated etcdserverpb.KV client the benchmark calls. */
export interface EtcdKVClient extends grpc.Client {
  range(request: object, options: grpc.CallOptions, callback: Callback<EtcdRangeResponse>): grpc.ClientUnaryCall;
  put(request: object, options: grpc.CallOptions, callback: Callback<object>): grpc.ClientUnaryCall;
  txn(request: object, options: grpc.CallOptions, callback: Callback<EtcdTxnResponse>): grpc.ClientUnaryCall;
}
type EtcdKVConstructor = new (address: string, credentials: grpc.ChannelCredentials, options?: grpc.ChannelOptions) => EtcdKVClient;

let kvConstructor: EtcdKVConstructor | undefined;

/** The etcdserverpb.KV client class, loaded once from proto/etcd. */
export function etcdKV(): EtcdKVConstructor {
  if (!kvConstructor) {
    const definition = protoLoader.loadSync('etcdserverpb/rpc.proto', {
      includeDirs: [ETCD_PROTO_DIR],
      keepCase: false,
      longs: Number,
      enums: String,
      defaults: true,
      oneofs: true,
    });
    const loaded = grpc.loadPackageDefinition(definition) as unknown as { etcdserverpb: { KV: EtcdKVConstructor } };
    kvConstructor = loaded.etcdserverpb.KV;
  }
  return kvConstructor;
}

export class EtcdTarget implements BenchTarget {
  readonly kind = 'etcd' as const;
  private readonly stubs: EtcdKVClient[];

  constructor(private readonly config: Pick<BenchConfig, 'endpoints' | 'connections' | 'timeoutMs'>) {
    const KV = etcdKV();
    this.stubs = Array.from({ length: config.connections }, (_, i) => new KV(config.endpoints[i % config.endpoints.length], grpc.credentials.createInsecure(), CHANNEL_OPTIONS));
  }

  private deadline(): grpc.CallOptions {
    return { deadline: Date.now() + this.config.timeoutMs };
  }

  async put(connection: number, key: Buffer, value: Buffer): Promise<void> {
    await unary((done) => this.stubs[connection].put({ key, value }, this.deadline(), done));
  }

  async get(connection: number, key: Buffer, serializable: boolean): Promise<boolean> {
    const response = await unary<EtcdRangeResponse>((done) => this.stubs[connection].range({ key, serializable }, this.deadline(), done));
    return response.kvs.length > 0;
  }

  async scan(connection: number, key: Buffer, limit: number): Promise<number> {
    const request = { key, rangeEnd: Buffer.from([0]), limit };
    const response = await unary<EtcdRangeResponse>((done) => this.stubs[connection].range(request, this.deadline(), done));
    return response.kvs.length;
  }

  async increment(connection: number, key: Buffer): Promise<IncrementOutcome> {
    const stub = this.stubs[connection];
    for (let attempt = 0; attempt < TXN_MAX_ATTEMPTS; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, backoffMs(attempt - 1, CONFLICT_BACKOFF_BASE_MS, CONFLICT_BACKOFF_CAP_MS)));
      const read = await unary<EtcdRangeResponse>((done) => stub.range({ key }, this.deadline(), done));
      const current = read.kvs[0];
      const request = {
        compare: [{ result: 'EQUAL', target: 'MOD', key, modRevision: current?.modRevision ?? 0 }],
        success: [{ requestPut: { key, value: Buffer.from(String(counterValue(current?.value) + 1)) } }],
      };
      const written = await unary<EtcdTxnResponse>((done) => stub.txn(request, this.deadline(), done));
      if (written.succeeded) return { attempts: attempt + 1, committed: true };
    }
    return { attempts: TXN_MAX_ATTEMPTS, committed: false };
  }

  async putMany(connection: number, pairs: Array<[Buffer, Buffer]>): Promise<void> {
    const request = { success: pairs.map(([key, value]) => ({ requestPut: { key, value } })) };
    await unary((done) => this.stubs[connection].txn(request, this.deadline(), done));
  }

  async readInteger(connection: number, key: Buffer): Promise<number> {
    const response = await unary<EtcdRangeResponse>((done) => this.stubs[connection].range({ key }, this.deadline(), done));
    return counterValue(response.kvs[0]?.value);
  }

  close(): void {
    for (const stub of this.stubs) stub.close();
  }
}
