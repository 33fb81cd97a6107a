import * as grpc from '@grpc/grpc-js';
import { InvalidArgumentError } from '../errors.js';
import { fromServiceError } from '../rpc/status.js';
import type { DeleteRangeResponse__Output } from '../gen/quorumkv/v1/DeleteRangeResponse.js';
import type { KeyValue__Output } from '../gen/quorumkv/v1/KeyValue.js';
import type { PutResponse__Output } from '../gen/quorumkv/v1/PutResponse.js';
import type { RangeRequest } from '../gen/quorumkv/v1/RangeRequest.js';
import type { RangeResponse__Output } from '../gen/quorumkv/v1/RangeResponse.js';
import type { StatusResponse__Output } from '../gen/quorumkv/v1/StatusResponse.js';
import type { MemberListResponse__Output } from '../gen/quorumkv/v1/MemberListResponse.js';
import type { TxnRequest } from '../gen/quorumkv/v1/TxnRequest.js';
import type { TxnResponse__Output } from '../gen/quorumkv/v1/TxnResponse.js';
import type { LeaseGrantResponse__Output } from '../gen/quorumkv/v1/LeaseGrantResponse.js';
import type { LeaseKeepAliveResponse__Output } from '../gen/quorumkv/v1/LeaseKeepAliveResponse.js';
import type { LeaseLeasesResponse__Output } from '../gen/quorumkv/v1/LeaseLeasesResponse.js';
import type { LeaseRevokeResponse__Output } from '../gen/quorumkv/v1/LeaseRevokeResponse.js';
import type { LeaseTimeToLiveResponse__Output } from '../gen/quorumkv/v1/LeaseTimeToLiveResponse.js';
import { Watcher } from './watcher.js';
import { NodePool, type Balance, type Endpoint, type Route } from './node-pool.js';
import { findClientTls } from '../security/client-tls.js';
import { CLIENT_API_ROLES } from '../security/roles.js';
import { channelCredentials } from '../security/tls.js';
import type { ClientTls } from '../security/tls-flags.js';
import { ClientRequestIds, DEFAULT_TIMEOUT_MS, putRequest, rangeRequest, type PutOptions } from './request-fields.js';
import { backoffMs, isRetryable } from './retry-policy.js';
import { bytes, rangeEndFor, type Bytes } from './bytes.js';
import { runTransaction, type RunTransactionOptions, type Transaction } from './transaction.js';

export { bytes, prefixEnd, rangeEndFor, type Bytes } from './bytes.js';

export type Consistency = 'linearizable' | 'read-your-writes' | 'stale';
export type KeyValue = KeyValue__Output;

export const DEFAULT_ENDPOINT = '127.0.0.1:7000';
export { DEFAULT_TIMEOUT_MS } from './request-fields.js';

export interface ConnectOptions {
  /** Gateway or node addresses (HOST:PORT). Calls go to the first that can take them. */
  endpoints?: string[];
  /**
   * 'endpoints' (the default): every call goes to the endpoints given. 'nodes': the client asks
   * them for the cluster's writer and reader nodes and spreads calls over those itself (writes to
   * writers, serializable reads to readers), skipping the gateway's hop; the endpoints given are
   * the fallback (node-pool.ts).
   */
  balance?: Balance;
  /** Deadline for each call. */
  timeoutMs?: number;
  /**
   * TLS: the CA to trust and the certificate to present. By default found as the CLI finds it
   * ($QUORUMKV_CERTS_DIR, or data/certs where `quorumkv up` makes it: ca.crt and
   * client.root.crt/.key); plaintext when there is none. `false` is plaintext.
   */
  tls?: ClientTls | false;
}

export interface RangeOptions {
  /** End of the half-open range [key, rangeEnd); "\0" means every key from `key` on. */
  rangeEnd?: Bytes;
  /** Every key that starts with `key`. */
  prefix?: boolean;
  limit?: number;
  revision?: number;
  /**
   * linearizable (the default): confirmed with the storage leader, sees every write acknowledged
   * before the read began. read-your-writes: any replica that has applied `minRevision` (a
   * write's header.revision). stale: any replica, no more than `maxStalenessMs` behind if given.
   */
  consistency?: Consistency;
  minRevision?: number;
  maxStalenessMs?: number;
  /** Same as consistency 'stale' (etcd's name for it). */
  serializable?: boolean;
  keysOnly?: boolean;
  countOnly?: boolean;
}

const RETRY_BASE_MS = 20;
const RETRY_CAP_MS = 1_000;

export interface WatchOptions {
  prefix?: boolean;
  rangeEnd?: Bytes;
  /** The first revision to deliver; 0 or absent: changes after now. */
  fromRevision?: number;
  prevKv?: boolean;
}

/** A quorumkv client. Errors are the typed classes of `errors.ts`, as the server raised them. */
export class QuorumkvClient {
  private readonly pool: NodePool;
  private readonly ids = new ClientRequestIds();
  /** What this client has done on its own: retries of failed calls, transaction conflicts retried. */
  readonly stats = { retries: 0, conflictRetries: 0 };

  constructor(private readonly options: Required<Omit<ConnectOptions, 'tls'>> & { tls: ClientTls | undefined }) {
    // The server must be one that serves the client API (gateway, writer or reader), whatever address it is reached at.
    this.pool = new NodePool(options.endpoints, channelCredentials(options.tls, undefined, CLIENT_API_ROLES), options.balance);
  }

  async get(key: Bytes, options: Omit<RangeOptions, 'rangeEnd' | 'prefix'> = {}): Promise<KeyValue | undefined> {
    const response = await this.range(key, options);
    return response.kvs[0];
  }

  range(key: Bytes, options: RangeOptions = {}): Promise<RangeResponse__Output> {
    const request: RangeRequest = rangeRequest(key, options);
    return this.call(request.serializable ? 'replica-read' : 'read', (e, o, done) => e.kv.range(request, o, done));
  }

  /** `lease` attaches the key to a lease (a put without one detaches it); `ignoreLease` keeps the key's lease. */
  put(key: Bytes, value: Bytes, options: PutOptions = {}): Promise<PutResponse__Output> {
    const request = putRequest(key, value, options, this.ids);
    return this.call('write', (e, o, done) => e.kv.put(request, o, done));
  }

  delete(key: Bytes, options: { prefix?: boolean; rangeEnd?: Bytes; prevKv?: boolean; requestId?: string } = {}): Promise<DeleteRangeResponse__Output> {
    const keyBytes = bytes(key);
    const request = {
      key: keyBytes,
      rangeEnd: rangeEndFor(keyBytes, options),
      prevKv: options.prevKv ?? false,
      requestId: options.requestId ?? this.ids.next(),
    };
    return this.call('write', (e, o, done) => e.kv.deleteRange(request, o, done));
  }

  /** Adds `delta` to the integer at `key` (a missing key counts as 0); resolves with the new value. */
  async add(key: Bytes, delta: number, options: { requestId?: string } = {}): Promise<{ value: number; revision: number }> {
    // Checked here too: the wire format would silently truncate a fraction.
    if (!Number.isSafeInteger(delta)) throw new InvalidArgumentError(`add: delta must be an integer between -${Number.MAX_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER}, got ${delta}`);
    const response = await this.txn({ success: [{ requestAdd: { key: bytes(key), delta } }], requestId: options.requestId });
    return { value: Number(response.responses[0]?.responseAdd?.value ?? 0), revision: response.header?.revision ?? 0 };
  }

  /** Runs compares and ops as one transaction. A request id is added if there is none. */
  txn(request: TxnRequest): Promise<TxnResponse__Output> {
    const withId = { ...request, requestId: request.requestId || this.ids.next() };
    return this.call('write', (e, o, done) => e.kv.txn(withId, o, done));
  }

  /**
   * Runs `body` as a serializable transaction: its reads see one snapshot, its writes commit
   * together only if nothing it read changed since (first committer wins); on a conflict it runs
   * again with fresh reads, after a jittered pause, up to `maxAttempts` times.
   */
  runTransaction<T>(body: (tx: Transaction) => Promise<T>, options: RunTransactionOptions = {}): Promise<T> {
    return runTransaction(this, body, options);
  }

  /**
   * Watches a key (or a prefix, or a range) from a revision on; iterate the result for batches of
   * events in revision order. It resumes by itself after a broken stream, without gaps or repeats.
   */
  watch(key: Bytes, options: WatchOptions = {}): Watcher {
    const keyBytes = bytes(key);
    const request = {
      key: keyBytes,
      rangeEnd: rangeEndFor(keyBytes, options),
      startRevision: options.fromRevision ?? 0,
      prevKv: options.prevKv ?? false,
      progressOnly: false,
    };
    return new Watcher(request, (attempt) => this.pool.watchClient(attempt));
  }

  /**
   * Grants a lease of `ttlSeconds` (raised to the server's minimum); the server picks the id unless
   * one is given. Keys put with the lease are deleted when it is revoked or expires.
   */
  grantLease(ttlSeconds: number, options: { id?: number; requestId?: string } = {}): Promise<LeaseGrantResponse__Output> {
    const request = { ttl: ttlSeconds, id: options.id ?? 0, requestId: options.requestId ?? this.ids.next() };
    return this.call('write', (e, o, done) => e.lease.grant(request, o, done));
  }

  /** Revokes a lease: it and every key attached to it are deleted, at one revision. */
  revokeLease(id: number, options: { requestId?: string } = {}): Promise<LeaseRevokeResponse__Output> {
    const request = { id, requestId: options.requestId ?? this.ids.next() };
    return this.call('write', (e, o, done) => e.lease.revoke(request, o, done));
  }

  /** Renews a lease once, to its full TTL; the answer's ttl is 0 when the lease is gone. */
  keepLeaseAliveOnce(id: number): Promise<LeaseKeepAliveResponse__Output> {
    return this.call(
      'write',
      (e, o, done) => {
        const stream = e.lease.keepAlive(o);
        let answered = false;
        stream.on('data', (response: LeaseKeepAliveResponse__Output) => {
          if (answered) return;
          answered = true;
          stream.end();
          done(null, response);
        });
        stream.on('error', (error: grpc.ServiceError) => {
          if (!answered) done(error);
          answered = true;
        });
        stream.on('end', () => {
          if (!answered) done({ code: grpc.status.UNAVAILABLE, details: 'the keep-alive stream ended without an answer', metadata: new grpc.Metadata() } as grpc.ServiceError);
          answered = true;
        });
        stream.write({ id });
      },
    );
  }

  /** A lease's remaining TTL by the storage leader's clock (-1: no such lease), its granted TTL and, if asked, its keys. */
  leaseTimeToLive(id: number, options: { keys?: boolean } = {}): Promise<LeaseTimeToLiveResponse__Output> {
    return this.call('read', (e, o, done) => e.lease.timeToLive({ id, keys: options.keys ?? false }, o, done));
  }

  leases(): Promise<LeaseLeasesResponse__Output> {
    return this.call('read', (e, o, done) => e.lease.leases({}, o, done));
  }

  /** The storage tier's members (voters and learners), as the leader sees them. */
  members(): Promise<MemberListResponse__Output> {
    return this.call('control', (e, o, done) => e.cluster.memberList({}, o, done));
  }

  /** Adds a storage member as a learner; start its process with `quorumkv storage --join`. */
  addMember(id: string, address: string): Promise<MemberListResponse__Output> {
    return this.call('control', (e, o, done) => e.cluster.memberAdd({ id, address }, o, done));
  }

  /** Makes a caught-up learner a voter. */
  promoteMember(id: string): Promise<MemberListResponse__Output> {
    return this.call('control', (e, o, done) => e.cluster.memberPromote({ id }, o, done));
  }

  removeMember(id: string): Promise<MemberListResponse__Output> {
    return this.call('control', (e, o, done) => e.cluster.memberRemove({ id }, o, done));
  }

  /** Every process the endpoint can see; `withHashes` also hashes each storage member's state. */
  status(options: { withHashes?: boolean } = {}): Promise<StatusResponse__Output> {
    return this.call('control', (e, o, done) => e.cluster.status({ withHashes: options.withHashes ?? false }, o, done));
  }

  close(): void {
    this.pool.close();
  }

  /** Calls an endpoint for `route`, retrying what retry-policy.ts allows until the deadline, on the next endpoint after UNAVAILABLE. */
  private async call<Res>(route: Route, invoke: (endpoint: Endpoint, options: grpc.CallOptions, done: (e: grpc.ServiceError | null, r?: Res) => void) => void): Promise<Res> {
    const deadline = Date.now() + this.options.timeoutMs;
    const order = await this.pool.order(route);
    let next = 0;
    for (let attempt = 0; ; attempt++) {
      const endpoint = order[next % order.length]!;
      try {
        return await new Promise<Res>((resolve, reject) =>
          invoke(endpoint, { deadline }, (error, response) => (error ? reject(error) : resolve(response as Res))),
        );
      } catch (error) {
        const serviceError = error as grpc.ServiceError;
        const pause = backoffMs(attempt, RETRY_BASE_MS, RETRY_CAP_MS);
        if (!isRetryable(serviceError.code) || Date.now() + pause >= deadline) throw fromServiceError(serviceError);
        this.stats.retries++;
        if (serviceError.code === grpc.status.UNAVAILABLE) {
          this.pool.failed(endpoint);
          next++;
        }
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
    }
  }
}

export function connect(options: ConnectOptions = {}): QuorumkvClient {
  return new QuorumkvClient({
    endpoints: options.endpoints ?? [process.env.QUORUMKV_ENDPOINT || DEFAULT_ENDPOINT],
    balance: options.balance ?? 'endpoints',
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    tls: options.tls === undefined ? findClientTls() : options.tls || undefined,
  });
}
