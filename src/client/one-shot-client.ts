import { readFileSync } from 'node:fs';
import type * as http2 from 'node:http2';
import { InvalidArgumentError } from '../errors.js';
import type { DeleteRangeResponse__Output } from '../gen/quorumkv/v1/DeleteRangeResponse.js';
import type { LeaseGrantResponse__Output } from '../gen/quorumkv/v1/LeaseGrantResponse.js';
import type { LeaseLeasesResponse__Output } from '../gen/quorumkv/v1/LeaseLeasesResponse.js';
import type { LeaseRevokeResponse__Output } from '../gen/quorumkv/v1/LeaseRevokeResponse.js';
import type { LeaseTimeToLiveResponse__Output } from '../gen/quorumkv/v1/LeaseTimeToLiveResponse.js';
import type { MemberListResponse__Output } from '../gen/quorumkv/v1/MemberListResponse.js';
import type { PutResponse__Output } from '../gen/quorumkv/v1/PutResponse.js';
import type { RangeResponse__Output } from '../gen/quorumkv/v1/RangeResponse.js';
import type { StatusResponse__Output } from '../gen/quorumkv/v1/StatusResponse.js';
import type { TxnRequest } from '../gen/quorumkv/v1/TxnRequest.js';
import type { TxnResponse__Output } from '../gen/quorumkv/v1/TxnResponse.js';
import { KV_DESCRIPTOR_JSON } from '../gen/kv-descriptor.js';
import { DescriptorCodec, type DescriptorJson } from '../proto/descriptor-codec.js';
import { connectUnary, metadataValue, unaryCall } from '../rpc/h2-unary.js';
import { errorFromStatus, Status } from '../rpc/status-codes.js';
import { CLIENT_API_ROLES, serverRoleCheck } from '../security/roles.js';
import type { ClientTls } from '../security/tls-flags.js';
import { bytes, rangeEndFor, type Bytes } from './bytes.js';
import type { QuorumkvClient, RangeOptions } from './client.js';
import { ClientRequestIds, putRequest, rangeRequest, type PutOptions } from './request-fields.js';
import { backoffMs, isRetryable } from './retry-policy.js';

// The client of the CLI's one-shot commands (get, put, del, add, txn, members, status, lease): the same
// calls, answers, errors, retries and deadlines as the client library's, over one node:http2
// connection with the messages encoded from the precompiled descriptor. It loads neither grpc-js
// nor protobufjs, which is most of what made `quorumkv get` slow to start (docs/BENCHMARKS.md).
// Long-lived work (watch, bench, servers) keeps the client library.

/** What the one-shot commands call; the client library has the same methods with the same types. */
export type OneShotCalls = Pick<
  QuorumkvClient,
  'range' | 'put' | 'delete' | 'add' | 'txn' | 'members' | 'addMember' | 'promoteMember' | 'removeMember' | 'status' | 'grantLease' | 'revokeLease' | 'leaseTimeToLive' | 'leases' | 'close'
>;

const RETRY_BASE_MS = 20;
const RETRY_CAP_MS = 1_000;
const USER_AGENT = 'quorumkv-cli';
const KV = 'quorumkv.v1.KV';
const CLUSTER = 'quorumkv.v1.Cluster';
const LEASE = 'quorumkv.v1.Lease';

let codec: DescriptorCodec | undefined;
function messages(): DescriptorCodec {
  codec ??= new DescriptorCodec(JSON.parse(KV_DESCRIPTOR_JSON) as DescriptorJson);
  return codec;
}

export interface OneShotOptions {
  endpoints: string[];
  timeoutMs: number;
  /** The CA to trust and the certificate to present; undefined: plaintext (h2c). */
  tls: ClientTls | undefined;
}

export class OneShotClient implements OneShotCalls {
  private current = 0;
  private session: http2.ClientHttp2Session | undefined;
  private readonly ids = new ClientRequestIds();
  private readonly secure: { ca: Buffer; cert?: Buffer; key?: Buffer } | undefined;
  readonly stats = { retries: 0 };

  constructor(private readonly options: OneShotOptions) {
    if (options.endpoints.length === 0) throw new Error('connect: give at least one endpoint');
    const tls = options.tls;
    this.secure = tls && {
      ca: readFileSync(tls.trustedCaFile),
      ...(tls.certFile && tls.keyFile ? { cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) } : {}),
    };
  }

  range(key: Bytes, options: RangeOptions = {}): Promise<RangeResponse__Output> {
    return this.call(KV, 'Range', rangeRequest(key, options));
  }

  put(key: Bytes, value: Bytes, options: PutOptions = {}): Promise<PutResponse__Output> {
    return this.call(KV, 'Put', putRequest(key, value, options, this.ids));
  }

  grantLease(ttlSeconds: number, options: { id?: number; requestId?: string } = {}): Promise<LeaseGrantResponse__Output> {
    return this.call(LEASE, 'Grant', { ttl: ttlSeconds, id: options.id ?? 0, requestId: options.requestId ?? this.ids.next() });
  }

  revokeLease(id: number, options: { requestId?: string } = {}): Promise<LeaseRevokeResponse__Output> {
    return this.call(LEASE, 'Revoke', { id, requestId: options.requestId ?? this.ids.next() });
  }

  leaseTimeToLive(id: number, options: { keys?: boolean } = {}): Promise<LeaseTimeToLiveResponse__Output> {
    return this.call(LEASE, 'TimeToLive', { id, keys: options.keys ?? false });
  }

  leases(): Promise<LeaseLeasesResponse__Output> {
    return this.call(LEASE, 'Leases', {});
  }

  delete(key: Bytes, options: { prefix?: boolean; rangeEnd?: Bytes; prevKv?: boolean; requestId?: string } = {}): Promise<DeleteRangeResponse__Output> {
    const keyBytes = bytes(key);
    return this.call(KV, 'DeleteRange', { key: keyBytes, rangeEnd: rangeEndFor(keyBytes, options), prevKv: options.prevKv ?? false, requestId: options.requestId ?? this.ids.next() });
  }

  async add(key: Bytes, delta: number, options: { requestId?: string } = {}): Promise<{ value: number; revision: number }> {
    if (!Number.isSafeInteger(delta)) throw new InvalidArgumentError(`add: delta must be an integer between -${Number.MAX_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER}, got ${delta}`);
    const response = await this.txn({ success: [{ requestAdd: { key: bytes(key), delta } }], requestId: options.requestId });
    return { value: Number(response.responses[0]?.responseAdd?.value ?? 0), revision: response.header?.revision ?? 0 };
  }

  txn(request: TxnRequest): Promise<TxnResponse__Output> {
    return this.call(KV, 'Txn', { ...request, requestId: request.requestId || this.ids.next() });
  }

  members(): Promise<MemberListResponse__Output> {
    return this.call(CLUSTER, 'MemberList', {});
  }

  addMember(id: string, address: string): Promise<MemberListResponse__Output> {
    return this.call(CLUSTER, 'MemberAdd', { id, address });
  }

  promoteMember(id: string): Promise<MemberListResponse__Output> {
    return this.call(CLUSTER, 'MemberPromote', { id });
  }

  removeMember(id: string): Promise<MemberListResponse__Output> {
    return this.call(CLUSTER, 'MemberRemove', { id });
  }

  status(options: { withHashes?: boolean } = {}): Promise<StatusResponse__Output> {
    return this.call(CLUSTER, 'Status', { withHashes: options.withHashes ?? false });
  }

  close(): void {
    this.session?.close();
    this.session = undefined;
  }

  /** Calls the current endpoint, retrying what retry-policy.ts allows until the deadline, as the client library does. */
  private async call<Res>(service: string, name: string, request: object): Promise<Res> {
    const method = messages().method(service, name);
    const body = messages().encode(method.requestType, request);
    const deadline = Date.now() + this.options.timeoutMs;
    for (let attempt = 0; ; attempt++) {
      const answer = await unaryCall(this.connection(), method.path, body, deadline, USER_AGENT);
      if (answer.code === Status.OK) return messages().decode<Res>(method.responseType, answer.message!);
      const pause = backoffMs(attempt, RETRY_BASE_MS, RETRY_CAP_MS);
      if (!isRetryable(answer.code) || Date.now() + pause >= deadline) {
        throw errorFromStatus(answer.code, answer.details, (key) => metadataValue(answer.metadata, key), answer);
      }
      this.stats.retries++;
      if (answer.code === Status.UNAVAILABLE) {
        // The next try goes to the next endpoint, on a fresh connection.
        this.session?.destroy();
        this.session = undefined;
        this.current = (this.current + 1) % this.options.endpoints.length;
      }
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }

  private connection(): http2.ClientHttp2Session {
    const open = this.session;
    if (open && !open.closed && !open.destroyed) return open;
    const address = this.options.endpoints[this.current];
    const session = this.secure
      ? // The server must be one that serves the client API (gateway, writer or reader), whatever address it is reached at.
        connectUnary(`https://${address}`, { ...this.secure, ALPNProtocols: ['h2'], checkServerIdentity: serverRoleCheck(CLIENT_API_ROLES) })
      : connectUnary(`http://${address}`);
    this.session = session;
    return session;
  }
}
