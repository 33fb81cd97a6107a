import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type QuorumkvClient } from '../../src/client/client.js';
import { OneShotClient, type OneShotCalls } from '../../src/client/one-shot-client.js';
import { ConflictError, DeadlineError, InvalidArgumentError, NotLeaderError, OverloadedError, UnavailableError } from '../../src/errors.js';
import * as services from '../../src/proto/services.js';
import { toServiceError } from '../../src/rpc/status.js';
import { caPaths, clientCertificatePaths, createCa, createClientCertificate, createNodeCertificate, nodeCertificatePaths } from '../../src/security/certificates.js';
import { serverCredentials } from '../../src/security/tls.js';
import type { ClientTls } from '../../src/security/tls-flags.js';
import { freePorts } from '../../src/up/loopback-topology.js';

// The CLI's one-shot client (node:http2, no grpc-js) against the client library (grpc-js), call
// for call, at a grpc-js server with the servers' own service definitions: the server must get
// the same requests, and each client must give the same answers, errors, retries and deadlines.

type Answer = (request: object) => { error?: unknown; response?: object; hang?: boolean };

const received: Array<{ method: string; request: object }> = [];
let answer: Answer = () => ({ response: {} });

function handlers(service: { service: grpc.ServiceDefinition }): grpc.UntypedServiceImplementation {
  const implementation: grpc.UntypedServiceImplementation = {};
  for (const [name, method] of Object.entries(service.service)) {
    if (method.responseStream) continue;
    implementation[name] = ((call: grpc.ServerUnaryCall<object, object>, callback: grpc.sendUnaryData<object>) => {
      received.push({ method: method.path, request: call.request });
      const { error, response, hang } = answer(call.request);
      if (hang) return;
      if (error) callback(toServiceError(error) as grpc.ServiceError);
      else callback(null, response);
    }) as grpc.handleUnaryCall<object, object>;
  }
  return implementation;
}

async function startServer(credentials: grpc.ServerCredentials): Promise<{ server: grpc.Server; address: string }> {
  const server = new grpc.Server();
  server.addService(services.KV.service, handlers(services.KV));
  server.addService(services.Cluster.service, handlers(services.Cluster));
  const [port] = await freePorts(1);
  await new Promise<void>((resolve, reject) => server.bindAsync(`127.0.0.1:${port}`, credentials, (error) => (error ? reject(error) : resolve())));
  return { server, address: `127.0.0.1:${port}` };
}

const header = { clusterId: 2 ** 40 + 1, memberId: 7, revision: 42, raftTerm: 3 };
const kv = { key: Buffer.from('k'), value: Buffer.from('v'), createRevision: 2, modRevision: 40, version: 5 };

/** Each call, its answer, made the same way on either client. */
const CALLS: Array<{ name: string; response: object; call: (c: OneShotCalls) => Promise<unknown> }> = [
  { name: 'range', response: { header, kvs: [kv], count: 1, more: false }, call: (c) => c.range('k') },
  { name: 'range with every option', response: { header, kvs: [], count: 0 }, call: (c) => c.range('p/', { prefix: true, limit: 3, revision: 9, consistency: 'stale', maxStalenessMs: 50, keysOnly: true }) },
  { name: 'range read-your-writes', response: { header }, call: (c) => c.range('k', { consistency: 'read-your-writes', minRevision: 41 }) },
  { name: 'put', response: { header, prevKv: kv }, call: (c) => c.put('k', 'v', { prevKv: true, requestId: 'r1' }) },
  { name: 'delete', response: { header, deleted: 2, prevKvs: [kv, kv] }, call: (c) => c.delete('p/', { prefix: true, prevKv: true, requestId: 'r2' }) },
  { name: 'add', response: { header, succeeded: true, responses: [{ responseAdd: { header, value: -4 } }] }, call: (c) => c.add('n', -7, { requestId: 'r3' }) },
  {
    name: 'txn',
    response: { header, succeeded: false, responses: [{ responseRange: { header, kvs: [kv], count: 1 } }, { responsePut: { header } }] },
    call: (c) =>
      c.txn({
        compare: [{ key: Buffer.from('k'), target: 'MOD', result: 'LESS', modRevision: 4 }],
        success: [{ requestPut: { key: Buffer.from('k'), value: Buffer.from('x') } }],
        failure: [{ requestRange: { key: Buffer.from('k') } }, { requestDeleteRange: { key: Buffer.from('a'), rangeEnd: Buffer.from('b') } }],
        readRevision: 12,
        readSet: [{ key: Buffer.from('a'), rangeEnd: Buffer.from('b') }],
        requestId: 'r4',
      }),
  },
  {
    name: 'status',
    response: { header, members: [{ role: 'storage', id: 's1', address: 'h:1', pid: 12, leader: true, term: 3, commitIndex: 9, appliedIndex: 9, healthy: true, version: '0.1.0', dbSizeBytes: 4096, learner: false, hash: 'ab', hashRevision: 8 }] },
    call: (c) => c.status({ withHashes: true }),
  },
  { name: 'members', response: { header, members: [{ id: 's1', address: 'h:1', role: 'voter', matchIndex: 9 }], leader: 's1' }, call: (c) => c.members() },
  { name: 'addMember', response: { header, members: [] }, call: (c) => c.addMember('s4', 'h:4') },
  { name: 'promoteMember', response: { header, members: [] }, call: (c) => c.promoteMember('s4') },
  { name: 'removeMember', response: { header, members: [] }, call: (c) => c.removeMember('s4') },
];

async function outcome(call: () => Promise<unknown>): Promise<{ value?: unknown; error?: { name: string; message: string; fields: object } }> {
  try {
    return { value: await call() };
  } catch (error) {
    const e = error as Error & Record<string, unknown>;
    return { error: { name: e.name, message: e.message, fields: { key: e.key, revision: e.revision, leaderHint: e.leaderHint } } };
  }
}

describe('the one-shot client and the client library', () => {
  let plain: { server: grpc.Server; address: string };
  let library: QuorumkvClient;
  let oneShot: OneShotClient;

  beforeAll(async () => {
    plain = await startServer(grpc.ServerCredentials.createInsecure());
    library = connect({ endpoints: [plain.address], tls: false, timeoutMs: 2_000 });
    oneShot = new OneShotClient({ endpoints: [plain.address], tls: undefined, timeoutMs: 2_000 });
  });
  afterAll(() => {
    library.close();
    oneShot.close();
    plain.server.forceShutdown();
  });

  /** Runs `call` on both clients; returns what the server received from each and what each gave back. */
  async function both(call: (c: OneShotCalls) => Promise<unknown>) {
    received.length = 0;
    const ours = await outcome(() => call(oneShot));
    const oursReceived = received.splice(0);
    const theirs = await outcome(() => call(library));
    const theirsReceived = received.splice(0);
    return { ours, theirs, oursReceived, theirsReceived };
  }

  for (const { name, response, call } of CALLS) {
    it(`${name}: the same request reaches the server, the same answer comes back`, async () => {
      answer = () => ({ response });
      const { ours, theirs, oursReceived, theirsReceived } = await both(call);
      expect(ours.error).toBeUndefined();
      expect(oursReceived).toHaveLength(1);
      expect(oursReceived).toEqual(theirsReceived);
      expect(ours.value).toEqual(theirs.value);
      // The CLI prints answers as JSON: same keys, same order.
      expect(JSON.stringify(ours.value)).toBe(JSON.stringify(theirs.value));
    });
  }

  it('gives every error class the server raised, with its fields, as the library does', async () => {
    const errors = [
      new InvalidArgumentError('key is empty'),
      new NotLeaderError('not the leader', 's2'),
      new ConflictError('k was written at 9', Buffer.from([0, 1, 255]), 9),
      new DeadlineError('server-side deadline'),
      Object.assign(new Error('denied'), { code: grpc.status.PERMISSION_DENIED, details: 'no', metadata: new grpc.Metadata() }),
      new Error('boom'),
    ];
    for (const error of errors) {
      answer = () => ({ error });
      const { ours, theirs } = await both((c) => c.put('k', 'v', { requestId: 'e' }));
      expect(ours.error, error.message).toBeDefined();
      expect(ours.error, error.message).toEqual(theirs.error);
    }
  });

  it('retries what the library retries (overload, unavailable) and then succeeds', async () => {
    for (const transient of [new OverloadedError('queue full'), new UnavailableError('no leader yet')]) {
      let calls = 0;
      answer = () => (++calls % 2 === 1 ? { error: transient } : { response: { header } });
      const before = oneShot.stats.retries;
      const { ours, theirs, oursReceived } = await both((c) => c.put('k', 'v', { requestId: 'same-id' }));
      expect(ours).toEqual(theirs);
      expect(oursReceived.map((r) => (r.request as { requestId: string }).requestId)).toEqual(['same-id', 'same-id']);
      expect(oneShot.stats.retries - before).toBe(1);
    }
  });

  it('ends a call the server does not answer at its deadline with DeadlineError', async () => {
    answer = () => ({ hang: true });
    const quick = new OneShotClient({ endpoints: [plain.address], tls: undefined, timeoutMs: 300 });
    const started = Date.now();
    const { error } = await outcome(() => quick.range('k'));
    quick.close();
    expect(error?.name).toBe('DeadlineError');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('moves to the next endpoint when one is down, and says why when none answers', async () => {
    answer = () => ({ response: { header } });
    const [dead] = await freePorts(1);
    const failover = new OneShotClient({ endpoints: [`127.0.0.1:${dead}`, plain.address], tls: undefined, timeoutMs: 2_000 });
    expect((await failover.range('k')).header).toEqual(header);
    failover.close();
    const nowhere = new OneShotClient({ endpoints: [`127.0.0.1:${dead}`], tls: undefined, timeoutMs: 300 });
    const { error } = await outcome(() => nowhere.range('k'));
    expect(error?.name).toBe('UnavailableError');
    expect(error?.message).toMatch(/^No connection established\. Last error: .*ECONNREFUSED/);
  });
});

describe('the one-shot client over TLS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'quorumkv-one-shot-'));
  const servers: grpc.Server[] = [];
  let tls: ClientTls;
  afterAll(() => {
    for (const server of servers) server.forceShutdown();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeAll(() => {
    createCa(dir);
    createClientCertificate(dir, 'root');
    for (const [role, id] of [['gateway', 'g1'], ['storage', 's1']] as const) createNodeCertificate(dir, { role, id, hosts: ['127.0.0.1'] });
    tls = { trustedCaFile: caPaths(dir).certFile, ...clientCertificatePaths(dir, 'root') };
  });

  async function serve(role: 'gateway' | 'storage', id: string) {
    const started = await startServer(serverCredentials({ ...nodeCertificatePaths(dir, role, id), trustedCaFile: caPaths(dir).certFile, clientCertAuth: true }));
    servers.push(started.server);
    return started.address;
  }

  it('presents its certificate to a server that requires one, and checks the server serves the client API', async () => {
    answer = () => ({ response: { header, kvs: [kv], count: 1 } });
    const client = new OneShotClient({ endpoints: [await serve('gateway', 'g1')], tls, timeoutMs: 2_000 });
    expect((await client.range('k')).kvs[0].value.toString()).toBe('v');
    client.close();
    // Long enough for a TLS handshake on a loaded machine: an attempt cut by the deadline is a DeadlineError.
    const toStorage = new OneShotClient({ endpoints: [await serve('storage', 's1')], tls, timeoutMs: 3_000 });
    const { error } = await outcome(() => toStorage.range('k'));
    expect(error?.name).toBe('UnavailableError');
    expect(error?.message).toMatch(/presented a storage certificate where gateway or writer or reader was expected/);
  });

  it('is refused by a server that requires a client certificate when it has none', async () => {
    const address = await serve('gateway', 'g1');
    const anonymous = new OneShotClient({ endpoints: [address], tls: { trustedCaFile: tls.trustedCaFile }, timeoutMs: 3_000 });
    const { error } = await outcome(() => anonymous.range('k'));
    expect(error?.name).toBe('UnavailableError');
  });
});
