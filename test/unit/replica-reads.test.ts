import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError, UnavailableError } from '../../src/errors.js';
import { toServiceError } from '../../src/rpc/status.js';
import { HedgeDelay, MAX_HEDGE_DELAY_MS, MIN_HEDGE_DELAY_MS } from '../../src/node/hedge-delay.js';
import { LogAppender } from '../../src/node/log-appender.js';
import { CUT_OFF_AFTER_MS, reachesQuorum } from '../../src/node/run-node.js';
import { DROP, FaultProxy, PASS } from '../../src/chaos/fault-proxy.js';
import { encodedCall, SILENT_AFTER_MS, StorageRouter, type StorageCall } from '../../src/node/storage-router.js';
import { Metrics } from '../../src/observability/metrics.js';
import { Storage } from '../../src/proto/services.js';
import { memberStatus } from '../../src/rpc/cluster-service.js';

// How a compute node spreads reads over the storage members and notices that it is cut off:
// storage members here are grpc-js servers that answer (or hang, or refuse) as a test says.

type Behaviour = 'answer' | 'hang' | 'unavailable' | 'invalid';

interface FakeMember {
  id: string;
  address: string;
  behaviour: Behaviour;
  reads: number;
  appends: number;
  stop(): void;
}

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function fakeMember(id: string, behaviour: Behaviour): Promise<FakeMember> {
  const server = new grpc.Server();
  const member = { id, address: '', behaviour, reads: 0, appends: 0, stop: () => server.forceShutdown() };
  const refuse = (done: grpc.sendUnaryData<unknown>): boolean => {
    if (member.behaviour === 'hang') return true;
    if (member.behaviour === 'unavailable') done(toServiceError(new UnavailableError(`${id} knows no leader`)) as grpc.ServiceError);
    else if (member.behaviour === 'invalid') done(toServiceError(new InvalidArgumentError(`${id}: bad range`)) as grpc.ServiceError);
    else return false;
    return true;
  };
  server.addService(Storage.service, {
    read: (_call: unknown, done: grpc.sendUnaryData<unknown>) => {
      member.reads++;
      if (!refuse(done)) done(null, { header: { revision: Number(id.slice(1)) }, kvs: [], more: false, count: 0 }); // the revision names the member
    },
    append: (_call: unknown, done: grpc.sendUnaryData<unknown>) => {
      member.appends++;
      if (!refuse(done)) done(null, { results: [] });
    },
    describe: (_call: unknown, done: grpc.sendUnaryData<unknown>) => {
      if (member.behaviour !== 'hang') done(null, memberStatus({ role: 'storage', id, address: member.address, healthy: true }));
    },
  });
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  member.address = `127.0.0.1:${port}`;
  cleanups.push(() => server.forceShutdown());
  return member;
}

function routerOver(members: FakeMember[]): StorageRouter {
  const router = new StorageRouter(new Map(members.map((m) => [m.id, m.address])));
  cleanups.push(() => router.close());
  return router;
}

const append: StorageCall<unknown> = (member, options, done) => member.client.append({ txns: [] }, options, done);

/** A serializable read as compute nodes send it: encoded, on each member's link, not through grpc-js. */
async function readFrom(router: StorageRouter): Promise<{ header: { revision: number } }> {
  const encoded = await router.toReplica(Date.now() + 10_000, encodedCall(Storage.service.Read, Storage.service.Read.requestSerialize({ key: Buffer.from('k') })));
  return Storage.service.Read.responseDeserialize(encoded) as { header: { revision: number } };
}

describe('replica reads', () => {
  it('a read whose member does not answer is hedged to the next member, long before the deadline', async () => {
    const members = [await fakeMember('s1', 'hang'), await fakeMember('s2', 'answer'), await fakeMember('s3', 'answer')];
    const router = routerOver(members);
    const started = Date.now();
    const response = await readFrom(router);
    expect(response.header.revision).toBe(2);
    expect(Date.now() - started).toBeLessThan(MAX_HEDGE_DELAY_MS + 2_000);
    expect(members[2].reads).toBe(0); // one hedge at a time: the second member answered
  });

  it('a member that refuses passes the read on at once; an error about the request itself is the answer', async () => {
    const members = [await fakeMember('s1', 'unavailable'), await fakeMember('s2', 'answer')];
    const router = routerOver(members);
    expect((await readFrom(router)).header.revision).toBe(2);

    members[0].behaviour = 'invalid';
    await expect(readFrom(router)).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('fails with the first refusal when every member refuses', async () => {
    const router = routerOver([await fakeMember('s1', 'unavailable'), await fakeMember('s2', 'unavailable')]);
    await expect(readFrom(router)).rejects.toThrow(/knows no leader/);
  });

  it('members that stopped answering probes are tried last', async () => {
    const members = [await fakeMember('s1', 'answer'), await fakeMember('s2', 'answer')];
    const router = routerOver(members);
    await router.describeAll(2_000);
    members[0].behaviour = 'hang';
    await new Promise((resolve) => setTimeout(resolve, 600)); // s1's last answer ages past the window
    router.probe(300);
    await waitUntil(() => router.answeredWithin(300) === 1);
    members[0].behaviour = 'answer';
    const response = await readFrom(router);
    expect(response.header.revision).toBe(2);
  });
});

describe('a writer cut off from the storage tier', () => {
  it('finds members that stopped answering PINGs (a partition) and finds them again after the heal', async () => {
    const { proxies, router } = await membersBehindProxies();
    const ping = () => router.pingAll(300);
    await waitUntil(() => (ping(), reachesQuorum(router)));
    proxies[1].setMode(DROP);
    proxies[2].setMode(DROP);
    await waitUntil(() => (ping(), !reachesQuorum(router)));
    expect(router.answeredWithin(CUT_OFF_AFTER_MS)).toBe(1);
    proxies[1].setMode(PASS);
    await waitUntil(() => (ping(), reachesQuorum(router)));
  });

  it('gives up a call to a member that goes silent while it is out, and sends the next calls to one that answers', async () => {
    const { members, proxies, router } = await pingedMembersBehindProxies();
    await router.toLeader(Date.now() + 5_000, append); // to the leader guess, s1
    expect(members[0].appends).toBe(1);

    // Cut while the call is out: given up on as soon as s1 stops answering PINGs, long before
    // the transport's keepalive or the deadline would notice.
    members[0].behaviour = 'hang';
    const out = router.toLeader(Date.now() + 30_000, append);
    await waitUntil(() => members[0].appends === 2);
    proxies[0].setMode(DROP);
    await expect(out).rejects.toThrow(/storage member s1 stopped answering while a call to it was out/);

    // s1 is silent: the next call goes to a member that answers (a follower forwards it).
    await router.toLeader(Date.now() + 30_000, append);
    expect(members[0].appends).toBe(2);
    expect(members[1].appends + members[2].appends).toBe(1);
  });

  it('sends a writer\'s append again when its member goes silent: request ids make the repeat safe', async () => {
    const { members, proxies, router } = await pingedMembersBehindProxies();
    members[0].behaviour = 'hang';
    const appended = new LogAppender(router, new Metrics('writer', 'w1'), 30_000).append([]);
    await waitUntil(() => members[0].appends === 1);
    proxies[0].setMode(DROP);
    await appended;
    expect(members[1].appends + members[2].appends).toBe(1);
  });

  it('knows it once fewer than a majority of members answered recently', async () => {
    const members = [await fakeMember('s1', 'answer'), await fakeMember('s2', 'answer'), await fakeMember('s3', 'answer')];
    const router = routerOver(members);
    await router.describeAll(2_000);
    expect(reachesQuorum(router)).toBe(true);
    members[1].behaviour = 'hang';
    members[2].behaviour = 'hang';
    await waitUntil(() => {
      router.probe(300);
      return !reachesQuorum(router);
    });
    members[1].behaviour = 'answer';
    await waitUntil(() => {
      router.probe(300);
      return reachesQuorum(router);
    });
  });

  it('refuses its writes at once with UNAVAILABLE, so they go to another writer', async () => {
    const router = routerOver([await fakeMember('s1', 'hang')]);
    const appender = new LogAppender(router, new Metrics('writer', 'w1'), 10_000, () => false);
    const started = Date.now();
    await expect(appender.append([])).rejects.toThrow(/cannot reach a majority of the storage members/);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('does not give up an append already sent when it becomes cut off: its outcome is unknown until storage answers', async () => {
    const router = routerOver([await fakeMember('s1', 'hang')]);
    let reachable = true;
    const appender = new LogAppender(router, new Metrics('writer', 'w1'), 1_500, () => reachable);
    let settled: unknown;
    const append = appender.append([]).catch((error: unknown) => (settled = error));
    await new Promise((resolve) => setTimeout(resolve, 100));
    reachable = false;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(settled).toBeUndefined();
    await append;
    expect(String(settled)).not.toMatch(/cannot reach a majority/); // a deadline: the outcome is unknown
  });
});

describe('the hedge delay', () => {
  it('follows the p99 of recent reads within its bounds', () => {
    const delay = new HedgeDelay();
    expect(delay.currentMs).toBe(MAX_HEDGE_DELAY_MS); // nothing measured yet: hedge late
    for (let i = 0; i < 256; i++) delay.record(i < 250 ? 10 : 40);
    expect(delay.currentMs).toBe(40);
    for (let i = 0; i < 256; i++) delay.record(0.5);
    expect(delay.currentMs).toBe(MIN_HEDGE_DELAY_MS);
    for (let i = 0; i < 256; i++) delay.record(10_000);
    expect(delay.currentMs).toBe(MAX_HEDGE_DELAY_MS);
  });
});

/** Three answering members, each behind a fault proxy, and a router over the proxies. */
async function membersBehindProxies(): Promise<{ members: FakeMember[]; proxies: FaultProxy[]; router: StorageRouter }> {
  const members = [await fakeMember('s1', 'answer'), await fakeMember('s2', 'answer'), await fakeMember('s3', 'answer')];
  const proxies = await Promise.all(members.map(async (m) => {
    const proxy = new FaultProxy({ target: m.address });
    await proxy.start();
    cleanups.push(() => proxy.stop());
    return proxy;
  }));
  const router = new StorageRouter(new Map(members.map((m, i) => [m.id, proxies[i].address])));
  cleanups.push(() => router.close());
  return { members, proxies, router };
}

/** The same, PINGed as a node does, once every member has answered. */
async function pingedMembersBehindProxies(): Promise<{ members: FakeMember[]; proxies: FaultProxy[]; router: StorageRouter }> {
  const { members, proxies, router } = await membersBehindProxies();
  const pinging = setInterval(() => router.pingAll(300), 100);
  cleanups.push(() => clearInterval(pinging));
  await waitUntil(() => router.answeredWithin(SILENT_AFTER_MS) === 3);
  return { members, proxies, router };
}

async function waitUntil(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
