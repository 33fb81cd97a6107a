import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type QuorumkvClient } from '../../src/client/index.js';
import type { LocalCluster } from '../../src/up/local-cluster.js';
import { eventually, startTestCluster, stopTestCluster } from '../support/local-cluster.js';

// A member whose data directory was wiped comes back under its old id with a new incarnation.
// It no longer remembers the entries it acknowledged, so it must not help elect a leader that
// lacks them: kill C, write W (A and B have it), kill A and B, wipe B, restart B and C. Before
// incarnations, C and the wiped B elected C and W was gone; now nothing is elected until A is back,
// and W reads again. B is wiped once as the leader (C heard from it directly) and once as a
// follower: followers send each other nothing, so C knows B's incarnation only because the leader
// passed it on; without that, C took the new B's vote and W was lost. C starts after A and B have
// elected a leader, so it never hears a candidate: it hears only from the leader, as does any
// follower that was down during the elections.

const TICK_MS = 20;
const ELECTION_TICKS = 10;
/** Many election timeouts: had the wiped member counted, a leader would have been elected within it. */
const NO_LEADER_WINDOW_MS = 30 * TICK_MS * ELECTION_TICKS;
/** The member started last (loopback-topology.ts names storage members s1, s2, s3). */
const C = 's3';

/** The value of the gauge `name` that the member serving metrics at `address` reports, if any. */
async function gauge(address: string, name: string): Promise<number | undefined> {
  const metrics = await (await fetch(`http://${address}/metrics`)).text();
  const found = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(metrics);
  return found ? Number(found[1]) : undefined;
}

describe.each(['leader', 'follower'] as const)('a storage member whose data directory was wiped, as the %s', (wiped) => {
  let cluster: LocalCluster;
  let client: QuorumkvClient;

  beforeAll(async () => {
    const shape = { storage: 3, writers: 1, storageFlags: [`--tick-ms=${TICK_MS}`, `--election-ticks=${ELECTION_TICKS}`] };
    cluster = await startTestCluster(shape, { later: [C] });
    cluster.startAll([C]);
    await cluster.waitReady([C], 30_000);
    client = connect({ endpoints: [cluster.topology.gateway.listen], timeoutMs: 10_000 });
  }, 60_000);

  afterAll(async () => {
    client?.close();
    if (cluster) await stopTestCluster(cluster);
  }, 30_000);

  it('does not vote under its old id, so no leader without an acknowledged write is elected', async () => {
    await client.put('warm-up', 'x');
    const storage = cluster.topology.storage;
    const c = storage.find((m) => m.id === C)!;
    const { value: leader } = await eventually(10_000, async () => {
      const found = [];
      for (const member of storage) if ((await gauge(member.metrics, 'quorumkv_raft_is_leader')) === 1) found.push(member);
      if (found.length !== 1) throw new Error(`${found.length} members say they lead`);
      return found[0];
    });
    expect(leader.id, 'C, started last, leads').not.toBe(C);
    const other = storage.find((m) => m !== leader && m !== c)!;
    // A is the leader when the follower B is wiped; B is the leader when it is wiped itself.
    const [a, b] = wiped === 'follower' ? [leader, other] : [other, leader];
    // C knows both other members' incarnations (on disk) before it goes down.
    await eventually(10_000, async () => {
      const known = await gauge(c.metrics, 'quorumkv_peer_incarnations_known');
      if (known !== 2) throw new Error(`C knows ${known} peer incarnations`);
    });
    await cluster.signal(c.id, 'SIGKILL');
    const written = await client.put('W', 'acknowledged');
    expect(written.header!.revision).toBeGreaterThan(0);
    await cluster.signal(a.id, 'SIGKILL');
    await cluster.signal(b.id, 'SIGKILL');
    rmSync(join(cluster.dataDir, b.id), { recursive: true, force: true });
    cluster.startAll([b.id, c.id]);

    // C hears the wiped B and says so; from then on, for many election timeouts, nobody leads.
    await eventually(20_000, async () => {
      const logged = readFileSync(join(cluster.dataDir, 'logs', `${c.id}.log`), 'utf8');
      if (!logged.includes(`storage member ${b.id} came back with a new data directory`)) throw new Error('C has not refused B yet');
    });
    const until = Date.now() + NO_LEADER_WINDOW_MS;
    while (Date.now() < until) {
      for (const member of [b, c]) expect(await gauge(member.metrics, 'quorumkv_raft_has_leader'), `${member.id} knows a leader`).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    cluster.startAll([a.id]);
    await cluster.waitReady([a.id, c.id], 30_000);
    const { value } = await eventually(20_000, () => client.get('W'));
    expect(value?.value.toString()).toBe('acknowledged');
  }, 120_000);
});
