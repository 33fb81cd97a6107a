import { readFileSync } from 'node:fs';
import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCluster } from '../../src/up/local-cluster.js';
import { startTestCluster, stopTestCluster, testClientTls } from '../support/local-cluster.js';

// The etcd3 npm client, unchanged, through the gateway and straight to a writer.

let cluster: LocalCluster;

beforeAll(async () => {
  cluster = await startTestCluster({ storage: 3, writers: 1 });
}, 120_000);

afterAll(async () => {
  if (cluster) await stopTestCluster(cluster);
}, 30_000);

for (const via of ['writer', 'gateway'] as const) {
  describe(`the etcd3 client through the ${via}`, () => {
    let client: Etcd3;
    const p = `${via}/`;

    beforeAll(() => {
      const host = via === 'writer' ? cluster.topology.writers[0].listen : cluster.topology.gateway.listen;
      const tls = testClientTls();
      client = new Etcd3({
        hosts: host,
        dialTimeout: 10_000,
        credentials: { rootCertificate: readFileSync(tls.trustedCaFile), certChain: readFileSync(tls.certFile!), privateKey: readFileSync(tls.keyFile!) },
      });
    });

    afterAll(() => client?.close());

    it('puts and gets, one key and a prefix, with counts', async () => {
      await client.put(`${p}a`).value('1');
      await client.put(`${p}b`).value('2');
      expect(await client.get(`${p}a`).string()).toBe('1');
      expect(await client.getAll().prefix(p).strings()).toEqual({ [`${p}a`]: '1', [`${p}b`]: '2' });
      expect(await client.getAll().prefix(p).count()).toBe(2);
      expect(await client.getAll().prefix(p).sort('Value', 'Descend').keys()).toEqual([`${p}b`, `${p}a`]);
      expect(await client.get(`${p}missing`).string()).toBeNull();
      await client.delete().key(`${p}b`);
      expect(await client.getAll().prefix(p).keys()).toEqual([`${p}a`]);
    });

    it('runs a transaction on both branches', async () => {
      const won = await client.if(`${p}a`, 'Value', '==', '1').then(client.put(`${p}a`).value('2')).else(client.get(`${p}a`)).commit();
      expect(won.succeeded).toBe(true);
      const lost = await client.if(`${p}a`, 'Value', '==', '1').then(client.put(`${p}a`).value('3')).else(client.get(`${p}a`)).commit();
      expect(lost.succeeded).toBe(false);
      expect(lost.responses[0].response_range!.kvs[0].value.toString()).toBe('2');
    });

    it('watches a prefix with previous values', async () => {
      const watcher = await client.watch().prefix(`${p}w/`).withPreviousKV().create();
      try {
        const seen: string[] = [];
        const done = new Promise<void>((resolve) => {
          watcher.on('put', (kv, previous) => {
            seen.push(`put ${kv.value.toString()} (was ${previous?.value.toString() ?? '-'})`);
          });
          watcher.on('delete', (kv, previous) => {
            seen.push(`delete ${kv.key.toString()} (was ${previous?.value.toString() ?? '-'})`);
            resolve();
          });
        });
        await client.put(`${p}w/k`).value('one');
        await client.put(`${p}w/k`).value('two');
        await client.delete().key(`${p}w/k`);
        await done;
        expect(seen).toEqual(['put one (was -)', 'put two (was one)', `delete ${p}w/k (was two)`]);
      } finally {
        await watcher.cancel();
      }
    });

    it('grants a lease, puts with it, keeps it alive once, and revokes it with its keys', async () => {
      const lease = client.lease(30, { autoKeepAlive: false });
      const id = await lease.grant();
      expect(Number(id)).toBeGreaterThan(0);
      await lease.put(`${p}lease/a`).value('1');
      await lease.put(`${p}lease/b`).value('2');
      expect(await client.getAll().prefix(`${p}lease/`).keys()).toEqual([`${p}lease/a`, `${p}lease/b`]);
      expect(Number((await lease.keepaliveOnce()).TTL)).toBe(30);
      const ttl = await client.leaseClient.leaseTimeToLive({ ID: id, keys: true });
      expect(Number(ttl.TTL)).toBeGreaterThanOrEqual(29);
      expect(Number(ttl.grantedTTL)).toBe(30);
      expect(ttl.keys.map((key) => key.toString())).toEqual([`${p}lease/a`, `${p}lease/b`]);
      expect((await client.leaseClient.leaseLeases()).leases.map((l) => String(l.ID))).toContain(id);
      await lease.revoke();
      expect(await client.getAll().prefix(`${p}lease/`).keys()).toEqual([]);
      // A put to the revoked lease is refused with etcd's error.
      await expect(client.put(`${p}lease/c`).value('3').lease(id).exec()).rejects.toThrow(/requested lease not found/);
    });

    it('locks: a second acquire fails while the lock is held and succeeds once it is released', async () => {
      const first = client.lock(`${p}lock`).ttl(30);
      await first.acquire();
      await expect(client.lock(`${p}lock`).ttl(30).acquire()).rejects.toThrow();
      await first.release();
      const second = client.lock(`${p}lock`).ttl(30);
      await second.acquire();
      await second.release();
      expect(await client.getAll().prefix(`${p}lock`).keys()).toEqual([]);
    });

    it('elects one leader at a time; the next candidate is elected when the leader resigns', async () => {
      const election = client.election(`${p}election`, 30);
      const alice = election.campaign('alice');
      await alice.wait();
      const observer = await election.observe();
      try {
        expect(observer.leader()).toBe('alice');
        const bob = election.campaign('bob');
        let bobElected = false;
        const elected = bob.wait().then(() => (bobElected = true));
        // Bob's candidacy is in place (his key exists) before alice resigns, and he is not leader.
        await bob.getCampaignKey();
        expect(bobElected).toBe(false);
        const changed = new Promise<string>((resolve) => observer.once('change', resolve));
        await alice.resign();
        await elected;
        expect(await changed).toBe('bob');
        await bob.resign();
      } finally {
        await observer.cancel();
      }
    }, 30_000);

    it('runs software transactions (STM) that retry on conflict', async () => {
      await client.put(`${p}acct/x`).value('100');
      await client.put(`${p}acct/y`).value('0');
      const move = (amount: number) =>
        // Isolation.Serializable (1): etcd3 1.1.2's default SerializableSnapshot compares written
        // keys against the lowest mod revision read, which refuses keys written at different
        // revisions whatever the server (etcd included).
        client.stm({ retries: 50, isolation: 1 as never }).transact(async (tx) => {
          const x = Number(await tx.get(`${p}acct/x`).string());
          const y = Number(await tx.get(`${p}acct/y`).string());
          await tx.put(`${p}acct/x`).value(String(x - amount));
          await tx.put(`${p}acct/y`).value(String(y + amount));
        });
      await move(10);
      // Two at once: the loser's commit fails its compare and is run again on fresh reads.
      await Promise.all([move(20), move(20)]);
      expect(Number(await client.get(`${p}acct/x`).string())).toBe(50);
      expect(Number(await client.get(`${p}acct/y`).string())).toBe(50);
    }, 30_000);
  });
}
