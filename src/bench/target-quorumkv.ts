import * as grpc from '@grpc/grpc-js';
import { randomBytes } from 'node:crypto';
import { connect, type QuorumkvClient } from '../client/client.js';
import { DEFAULT_MAX_ATTEMPTS } from '../client/transaction.js';
import { ConflictError, TooOldError } from '../errors.js';
import type { RangeResponse__Output } from '../gen/quorumkv/v1/RangeResponse.js';
import type { TxnResponse__Output } from '../gen/quorumkv/v1/TxnResponse.js';
import { KV, type KVClient } from '../proto/services.js';
import { CLIENT_OPTIONS } from '../rpc/client-options.js';
import { findClientTls } from '../security/client-tls.js';
import { CLIENT_API_ROLES } from '../security/roles.js';
import { channelCredentials } from '../security/tls.js';
import type { BenchConfig } from './options.js';
import { counterValue, unary, type BenchTarget, type IncrementOutcome } from './target.js';

// quorumkv over its public KV API. Single operations go straight to the generated gRPC stubs,
// one request each, so an error is counted rather than retried (as for etcd). The txn workload
// goes through the client library's runTransaction, the way an application writes it.

/** `maxAttempts` of runTransaction in the txn workload (the library's default). */
export const TXN_MAX_ATTEMPTS = DEFAULT_MAX_ATTEMPTS;
/** Each channel its own connection: grpc-js shares one per address unless told otherwise. */
const CHANNEL_OPTIONS: grpc.ChannelOptions = { ...CLIENT_OPTIONS, 'grpc.use_local_subchannel_pool': 1 };
const REPLICATED_POLL_MS = 20;

export class QuorumkvTarget implements BenchTarget {
  readonly kind = 'quorumkv' as const;
  private readonly stubs: KVClient[];
  private readonly clients: QuorumkvClient[];
  private readonly idPrefix = `bench.${randomBytes(6).toString('base64url')}.`;
  private sequence = 0;
  /** The revision of the latest write this target made. */
  private lastRevision = 0;

  constructor(private readonly config: Pick<BenchConfig, 'endpoints' | 'connections' | 'timeoutMs'>) {
    const at = (i: number) => config.endpoints[i % config.endpoints.length];
    // TLS as the CLI finds it (the certificates `quorumkv up` made), like the clients below.
    const credentials = channelCredentials(findClientTls(), undefined, CLIENT_API_ROLES);
    this.stubs = Array.from({ length: config.connections }, (_, i) => new KV(at(i), credentials, CHANNEL_OPTIONS));
    this.clients = Array.from({ length: config.connections }, (_, i) => connect({ endpoints: [at(i)], timeoutMs: config.timeoutMs }));
  }

  private deadline(): grpc.CallOptions {
    return { deadline: Date.now() + this.config.timeoutMs };
  }

  private requestId(): string {
    this.sequence++;
    return this.idPrefix + this.sequence.toString(36);
  }

  async put(connection: number, key: Buffer, value: Buffer): Promise<void> {
    const request = { key, value, prevKv: false, requestId: this.requestId() };
    await unary((done) => this.stubs[connection].put(request, this.deadline(), done));
  }

  async get(connection: number, key: Buffer, serializable: boolean): Promise<boolean> {
    const response = await unary<RangeResponse__Output>((done) => this.stubs[connection].range({ key, serializable }, this.deadline(), done));
    return response.kvs.length > 0;
  }

  async scan(connection: number, key: Buffer, limit: number): Promise<number> {
    const request = { key, rangeEnd: Buffer.from([0]), limit };
    const response = await unary<RangeResponse__Output>((done) => this.stubs[connection].range(request, this.deadline(), done));
    return response.kvs.length;
  }

  async increment(connection: number, key: Buffer): Promise<IncrementOutcome> {
    let attempts = 0;
    try {
      await this.clients[connection].runTransaction(
        async (tx) => {
          attempts++;
          const current = await tx.get(key);
          tx.put(key, String(counterValue(current?.value) + 1));
        },
        { maxAttempts: TXN_MAX_ATTEMPTS },
      );
      return { attempts, committed: true };
    } catch (error) {
      if (error instanceof ConflictError || error instanceof TooOldError) return { attempts, committed: false };
      throw error;
    }
  }

  async putMany(connection: number, pairs: Array<[Buffer, Buffer]>): Promise<void> {
    const request = { success: pairs.map(([key, value]) => ({ requestPut: { key, value } })), requestId: this.requestId() };
    const response = await unary<TxnResponse__Output>((done) => this.stubs[connection].txn(request, this.deadline(), done));
    this.lastRevision = Math.max(this.lastRevision, Number(response.header?.revision ?? 0));
  }

  /** Serializable reads are served by any storage member or reader node: waits until each that answers has applied the last write. */
  async replicated(): Promise<void> {
    const deadline = Date.now() + this.config.timeoutMs;
    for (;;) {
      const { members } = await this.clients[0].status();
      const behind = members.filter((m) => (m.role === 'storage' || m.role === 'reader') && m.error === '' && Number(m.revision) < this.lastRevision);
      if (behind.length === 0) return;
      if (Date.now() >= deadline) throw new Error(`storage members ${behind.map((m) => m.id).join(', ')} have not applied revision ${this.lastRevision} within ${this.config.timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, REPLICATED_POLL_MS));
    }
  }

  async readInteger(connection: number, key: Buffer): Promise<number> {
    const response = await unary<RangeResponse__Output>((done) => this.stubs[connection].range({ key }, this.deadline(), done));
    return counterValue(response.kvs[0]?.value);
  }

  close(): void {
    for (const stub of this.stubs) stub.close();
    for (const client of this.clients) client.close();
  }
}
