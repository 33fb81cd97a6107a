import * as grpc from '@grpc/grpc-js';
import { fromServiceError } from '../errors.js';
import type { DeleteRangeResponse__Output } from '../gen/quorumkv/v1/DeleteRangeResponse.js';
import type { KeyValue__Output } from '../gen/quorumkv/v1/KeyValue.js';
import type { PutResponse__Output } from '../gen/quorumkv/v1/PutResponse.js';
import type { RangeRequest } from '../gen/quorumkv/v1/RangeRequest.js';
import type { RangeResponse__Output } from '../gen/quorumkv/v1/RangeResponse.js';
import type { StatusResponse__Output } from '../gen/quorumkv/v1/StatusResponse.js';
import type { TxnRequest } from '../gen/quorumkv/v1/TxnRequest.js';
import type { TxnResponse__Output } from '../gen/quorumkv/v1/TxnResponse.js';
import { Cluster, KV, type ClusterClient, type KVClient } from '../proto/services.js';
import { CLIENT_OPTIONS } from '../rpc/client-options.js';
import { wasNeverSent } from '../rpc/never-sent.js';

export type Bytes = string | Buffer | Uint8Array;
export type KeyValue = KeyValue__Output;

export const DEFAULT_ENDPOINT = '127.0.0.1:7000';
export const DEFAULT_TIMEOUT_MS = 10_000;

export interface ConnectOptions {
  /** Gateway or node addresses (HOST:PORT). Calls go to the first that can take them. */
  endpoints?: string[];
  /** Deadline for each call. */
  timeoutMs?: number;
}

export interface RangeOptions {
  /** End of the half-open range [key, rangeEnd); "\0" means every key from `key` on. */
  rangeEnd?: Bytes;
  /** Every key that starts with `key`. */
  prefix?: boolean;
  limit?: number;
  revision?: number;
  /** Serve from the answering member's applied state without confirming with the leader. */
  serializable?: boolean;
  keysOnly?: boolean;
  countOnly?: boolean;
}

/** The smallest key greater than every key that starts with `prefix` ("\0" if there is none). */
export function prefixEnd(prefix: Buffer): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i] < 0xff) {
      end[i]++;
      return end.subarray(0, i + 1);
    }
  }
  return Buffer.from([0]);
}

function bytes(value: Bytes): Buffer {
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value);
}

interface Endpoint {
  address: string;
  kv: KVClient;
  cluster: ClusterClient;
}

/** A quorumkv client. Errors are the typed classes of `errors.ts`, as the server raised them. */
export class QuorumkvClient {
  private readonly endpoints: Endpoint[];
  private current = 0;

  constructor(private readonly options: Required<ConnectOptions>) {
    if (options.endpoints.length === 0) throw new Error('connect: give at least one endpoint');
    this.endpoints = options.endpoints.map((address) => ({
      address,
      kv: new KV(address, grpc.credentials.createInsecure(), CLIENT_OPTIONS),
      cluster: new Cluster(address, grpc.credentials.createInsecure(), CLIENT_OPTIONS),
    }));
  }

  async get(key: Bytes, options: Omit<RangeOptions, 'rangeEnd' | 'prefix'> = {}): Promise<KeyValue | undefined> {
    const response = await this.range(key, options);
    return response.kvs[0];
  }

  range(key: Bytes, options: RangeOptions = {}): Promise<RangeResponse__Output> {
    const keyBytes = bytes(key);
    const rangeEnd = options.prefix ? prefixEnd(keyBytes) : options.rangeEnd === undefined ? Buffer.alloc(0) : bytes(options.rangeEnd);
    const request: RangeRequest = {
      key: keyBytes,
      rangeEnd,
      limit: options.limit ?? 0,
      revision: options.revision ?? 0,
      serializable: options.serializable ?? false,
      keysOnly: options.keysOnly ?? false,
      countOnly: options.countOnly ?? false,
    };
    return this.call((e, o, done) => e.kv.range(request, o, done));
  }

  put(key: Bytes, value: Bytes, options: { prevKv?: boolean } = {}): Promise<PutResponse__Output> {
    return this.call((e, o, done) => e.kv.put({ key: bytes(key), value: bytes(value), prevKv: options.prevKv ?? false }, o, done));
  }

  delete(key: Bytes, options: { prefix?: boolean; rangeEnd?: Bytes; prevKv?: boolean } = {}): Promise<DeleteRangeResponse__Output> {
    const keyBytes = bytes(key);
    const rangeEnd = options.prefix ? prefixEnd(keyBytes) : options.rangeEnd === undefined ? Buffer.alloc(0) : bytes(options.rangeEnd);
    return this.call((e, o, done) => e.kv.deleteRange({ key: keyBytes, rangeEnd, prevKv: options.prevKv ?? false }, o, done));
  }

  txn(request: TxnRequest): Promise<TxnResponse__Output> {
    return this.call((e, o, done) => e.kv.txn(request, o, done));
  }

  status(): Promise<StatusResponse__Output> {
    return this.call((e, o, done) => e.cluster.status({}, o, done));
  }

  close(): void {
    for (const endpoint of this.endpoints) {
      endpoint.kv.close();
      endpoint.cluster.close();
    }
  }

  /** Tries endpoints in turn while a call provably never left this process. */
  private async call<Res>(invoke: (endpoint: Endpoint, options: grpc.CallOptions, done: (e: grpc.ServiceError | null, r?: Res) => void) => void): Promise<Res> {
    const deadline = Date.now() + this.options.timeoutMs;
    for (let attempt = 0; ; attempt++) {
      const endpoint = this.endpoints[this.current];
      try {
        return await new Promise<Res>((resolve, reject) =>
          invoke(endpoint, { deadline }, (error, response) => (error ? reject(error) : resolve(response as Res))),
        );
      } catch (error) {
        const serviceError = error as grpc.ServiceError;
        const moveOn = wasNeverSent(serviceError.code, serviceError.details ?? '') && attempt + 1 < this.endpoints.length;
        if (!moveOn) throw fromServiceError(serviceError);
        this.current = (this.current + 1) % this.endpoints.length;
      }
    }
  }
}

export function connect(options: ConnectOptions = {}): QuorumkvClient {
  return new QuorumkvClient({
    endpoints: options.endpoints ?? [process.env.QUORUMKV_ENDPOINT || DEFAULT_ENDPOINT],
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  });
}
