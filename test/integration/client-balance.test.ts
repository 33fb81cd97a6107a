import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, UnavailableError, type QuorumkvClient } from '../../src/client/index.js';
import type { LocalCluster } from '../../src/up/local-cluster.js';
import { eventually, startTestCluster, stopTestCluster } from '../support/local-cluster.js';

// A client with balance 'nodes' asks the gateway for the writer and reader nodes once, then talks
// to them itself: it keeps working with the gateway gone, and a writer killed under it costs no
// failed request, since UNAVAILABLE moves the call, with its request id, to the other writer.

describe("a client that balances over the cluster's nodes", () => {
  let cluster: LocalCluster;
  let direct: QuorumkvClient;
  let viaGateway: QuorumkvClient;

  beforeAll(async () => {
    cluster = await startTestCluster({ storage: 3, writers: 2, readers: 1 });
    const gateway = [cluster.topology.gateway.listen];
    viaGateway = connect({ endpoints: gateway, timeoutMs: 2_000 });
    // The gateway is ready with one writer; the tests need a client that knows every node.
    await eventually(20_000, async () => {
      const nodes = (await viaGateway.status()).members.filter((m) => (m.role === 'writer' || m.role === 'reader') && m.healthy);
      expect(nodes).toHaveLength(3);
    });
    direct = connect({ endpoints: gateway, balance: 'nodes', timeoutMs: 10_000 });
  }, 60_000);

  afterAll(async () => {
    direct?.close();
    viaGateway?.close();
    if (cluster) await stopTestCluster(cluster);
  }, 30_000);

  it('reads and writes without the gateway once it knows the nodes', async () => {
    await direct.put('balance/a', '1');
    expect((await direct.get('balance/a'))?.value.toString()).toBe('1');
    await cluster.signal(cluster.topology.gateway.id, 'SIGKILL');

    await expect(viaGateway.put('balance/b', 'x')).rejects.toBeInstanceOf(UnavailableError);
    for (let i = 0; i < 10; i++) await direct.put(`balance/k${i}`, String(i));
    expect((await direct.range('balance/k', { prefix: true })).count).toBe(10);
    expect((await direct.get('balance/k3', { consistency: 'stale' }))?.value.toString()).toBe('3');
    const { revision } = (await direct.put('balance/ryw', 'v')).header!;
    expect((await direct.get('balance/ryw', { consistency: 'read-your-writes', minRevision: revision }))?.value.toString()).toBe('v');
    expect((await direct.add('balance/counter', 5)).value).toBe(5);
  }, 60_000);

  it('loses no request when a writer is killed under it, and applies each once', async () => {
    const writes = Array.from({ length: 40 }, (_, i) => direct.add('balance/kill', 1).then(() => i));
    await cluster.signal(cluster.topology.writers[0]!.id, 'SIGKILL');
    const more = Array.from({ length: 40 }, () => direct.add('balance/kill', 1));
    await Promise.all([...writes, ...more]);
    expect((await direct.get('balance/kill'))?.value.toString()).toBe('80');
  }, 60_000);
});
