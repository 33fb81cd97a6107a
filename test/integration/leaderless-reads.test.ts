import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type QuorumkvClient } from '../../src/client/index.js';
import type { RangeRequest } from '../../src/gen/quorumkv/v1/RangeRequest.js';
import type { RangeResponse__Output } from '../../src/gen/quorumkv/v1/RangeResponse.js';
import type { MemberStatus__Output } from '../../src/gen/quorumkv/v1/MemberStatus.js';
import { KV, Storage } from '../../src/proto/services.js';
import { HealthClient } from '../../src/rpc/health-client.js';
import { READS_SERVICE } from '../../src/rpc/server.js';
import type { LocalCluster } from '../../src/up/local-cluster.js';
import { eventually, startTestCluster, stopTestCluster, testClientCredentials, testPeerCredentials } from '../support/local-cluster.js';

// The reader endpoint with no storage leader anywhere: two of three members are paused, so the
// third can elect nobody. Every replica still holds the data, so serializable reads keep being
// served (here by the only writer, which cannot write); linearizable ones are refused at once,
// saying why; a bounded-staleness read is served while the bound covers the time since the
// member last heard from its leader, and refused after. Before, the member reported itself
// unhealthy, the writer stopped serving, and every read failed with "no healthy reader or
// writer node"; and a staleness bound was refused outright by a member that knew no leader.

const CALL_TIMEOUT_MS = 10_000;
/** A refusal well before the call's deadline, with room for a busy machine. */
const FAST_REFUSAL_MS = 3_000;
const SMALL_BOUND_MS = 300;
const LARGE_BOUND_MS = 120_000;
const SERIALIZABLE_READS = 20;
const STALE_READ_TIMEOUT_MS = 5_000;

describe('reads without a storage leader', () => {
  let cluster: LocalCluster;
  let client: QuorumkvClient;
  let reader: InstanceType<typeof KV>;

  /** One call through the reader endpoint, no retries: what the gateway answered. */
  const read = (request: RangeRequest, timeoutMs = CALL_TIMEOUT_MS) =>
    new Promise<RangeResponse__Output>((resolve, reject) =>
      reader.range(request, { deadline: Date.now() + timeoutMs }, (error, response) => (error ? reject(error) : resolve(response!))),
    );
  const refusal = (request: RangeRequest, timeoutMs = CALL_TIMEOUT_MS) =>
    read(request, timeoutMs).then(
      () => {
        throw new Error('served');
      },
      (error: grpc.ServiceError) => error,
    );

  function describeMember(address: string): Promise<MemberStatus__Output> {
    const storage = new Storage(address, testPeerCredentials('writer', 'w1'));
    return new Promise<MemberStatus__Output>((resolve, reject) =>
      storage.describe({}, { deadline: Date.now() + 2_000 }, (error, response) => (error ? reject(error) : resolve(response!))),
    ).finally(() => storage.close());
  }

  beforeAll(async () => {
    cluster = await startTestCluster({ storage: 3, writers: 1 });
    client = connect({ endpoints: [cluster.topology.gateway.listen], timeoutMs: CALL_TIMEOUT_MS });
    reader = new KV(cluster.topology.gateway.readerListen!, testClientCredentials());
  }, 60_000);

  afterAll(async () => {
    reader?.close();
    client?.close();
    if (cluster) await stopTestCluster(cluster);
  }, 30_000);

  it('serves serializable reads through the reader endpoint, refuses linearizable ones at once, and honours max_staleness_ms', async () => {
    await client.put('k', 'v');
    const statuses = (await client.status()).members.filter((m) => m.role === 'storage');
    const leader = statuses.find((m) => m.leader)!;
    const paused = [leader.id, statuses.find((m) => !m.leader)!.id];
    const survivor = cluster.topology.storage.find((s) => !paused.includes(s.id))!;
    await eventually(10_000, async () => expect((await read({ key: Buffer.from('k'), serializable: true })).kvs[0].value.toString()).toBe('v'));

    for (const id of paused) await cluster.signal(id, 'SIGSTOP');
    try {
      // The survivor gives its leader up after an election timeout; it can elect nobody.
      await eventually(15_000, async () => expect((await describeMember(survivor.listen)).error).toBe('no leader known'), 50);
      // It is not ready for what needs a leader, and is for serializable reads.
      const health = new HealthClient(survivor.listen, testPeerCredentials('writer', 'w1'));
      try {
        await eventually(5_000, async () => expect(await health.check(2_000)).toBe(false));
        expect(await health.check(2_000, READS_SERVICE)).toBe(true);
      } finally {
        health.close();
      }
      // The writer, cut off from a majority, reports ready for reads that need no leader only.
      const { value: first } = await eventually(10_000, async () => {
        const error = await refusal({ key: Buffer.from('k') });
        expect(error.details).toMatch(/reaches a storage leader/);
        return error;
      });
      expect(first.code).toBe(grpc.status.UNAVAILABLE);

      const startedMs = Date.now();
      const linearizable = await refusal({ key: Buffer.from('k') });
      expect(linearizable.code).toBe(grpc.status.UNAVAILABLE);
      expect(linearizable.details).toMatch(/none can serve \/quorumkv\.v1\.KV\/Range with linearizable consistency now; serializable reads .* are still served/);
      expect(Date.now() - startedMs).toBeLessThan(FAST_REFUSAL_MS);

      for (let i = 0; i < SERIALIZABLE_READS; i++) {
        const response = await read({ key: Buffer.from('k'), serializable: true });
        expect(response.kvs[0].value.toString()).toBe('v');
      }
      expect((await describeMember(survivor.listen)).error).toBe('no leader known');

      // A bound longer than the time since the survivor lost its leader is met; a short one is not.
      const bounded = await read({ key: Buffer.from('k'), serializable: true, maxStalenessMs: LARGE_BOUND_MS });
      expect(bounded.kvs[0].value.toString()).toBe('v');
      // The gateway tries again within the deadline (a leader may come back); the refusal names the reason.
      const stale = await refusal({ key: Buffer.from('k'), serializable: true, maxStalenessMs: SMALL_BOUND_MS }, STALE_READ_TIMEOUT_MS);
      expect([grpc.status.UNAVAILABLE, grpc.status.DEADLINE_EXCEEDED]).toContain(stale.code);
      expect(stale.details).toMatch(/last heard from a leader \(it knows none now\) \d+ ms ago, over the 300 ms allowed/);
    } finally {
      for (const id of paused) await cluster.signal(id, 'SIGCONT');
    }
    // Writes and linearizable reads come back with the leader.
    await client.put('k', 'v2');
    expect((await client.get('k'))?.value.toString()).toBe('v2');
  }, 90_000);
});
