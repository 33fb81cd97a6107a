import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type QuorumkvClient } from '../../src/client/index.js';
import type { RangeResponse__Output } from '../../src/gen/quorumkv/v1/RangeResponse.js';
import { Storage } from '../../src/proto/services.js';
import type { LocalCluster } from '../../src/up/local-cluster.js';
import { eventually, startTestCluster, stopTestCluster, testPeerCredentials } from '../support/local-cluster.js';

// max_staleness_ms on a member cut off from its leader: with a long election timeout, the member
// keeps believing in its leader for seconds, yet refuses a read with a 200 ms bound once it has
// not heard from the leader for 200 ms, naming why. Before, its lag read 0 until its election
// timer fired, and it served reads seconds stale.

const TICK_MS = 20;
const ELECTION_TICKS = 100; // 2-4 s before the isolated member would notice by itself
const MAX_STALENESS_MS = 200;

function staleRead(address: string): Promise<RangeResponse__Output> {
  const client = new Storage(address, testPeerCredentials('writer', 'w1'));
  const request = { key: Buffer.from('fresh'), serializable: true, maxStalenessMs: MAX_STALENESS_MS };
  return new Promise<RangeResponse__Output>((resolve, reject) =>
    client.read(request, { deadline: Date.now() + 5_000 }, (error, response) => (error ? reject(error) : resolve(response!))),
  ).finally(() => client.close());
}

describe('bounded staleness', () => {
  let cluster: LocalCluster;
  let client: QuorumkvClient;

  beforeAll(async () => {
    cluster = await startTestCluster({ storage: 3, writers: 1, storageFlags: [`--tick-ms=${TICK_MS}`, `--election-ticks=${ELECTION_TICKS}`] });
    client = connect({ endpoints: [cluster.topology.gateway.listen], timeoutMs: 10_000 });
  }, 60_000);

  afterAll(async () => {
    client?.close();
    if (cluster) await stopTestCluster(cluster);
  }, 30_000);

  it('an isolated follower refuses a read past max_staleness_ms although it still knows a leader', async () => {
    await client.put('fresh', 'v');
    const members = (await client.status()).members.filter((m) => m.role === 'storage');
    const follower = cluster.topology.storage.find((s) => s.id === members.find((m) => !m.leader)!.id)!;
    const others = cluster.topology.storage.filter((s) => s.id !== follower.id);
    // The follower learns the write is committed with the leader's next message: wait for it.
    await eventually(10_000, async () => expect((await staleRead(follower.listen)).kvs[0]?.value.toString()).toBe('v'));

    for (const other of others) await cluster.signal(other.id, 'SIGSTOP');
    try {
      const { value: refusal } = await eventually(8_000, async () => {
        const error = await staleRead(follower.listen).then(() => undefined, (e: unknown) => e as grpc.ServiceError);
        if (!error) throw new Error('still served');
        return error;
      }, 20);
      expect(refusal.code).toBe(grpc.status.UNAVAILABLE);
      // Refused while it still knows a leader: not by its election timer (that says "knows no leader").
      expect(refusal.details).toMatch(/last heard from its leader \d+ ms ago, over the 200 ms allowed/);
    } finally {
      for (const other of others) await cluster.signal(other.id, 'SIGCONT');
    }
  }, 60_000);
});
