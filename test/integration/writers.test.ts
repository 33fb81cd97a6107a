import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_READ_SET_RANGES } from '../../src/api/limits.js';
import { connect, ConflictError, InvalidArgumentError, type QuorumkvClient } from '../../src/client/index.js';
import { CLI_ENTRY } from '../../src/proto/root.js';
import type { LocalCluster } from '../../src/up/local-cluster.js';
import { eventually, startTestCluster, stopTestCluster } from '../support/local-cluster.js';

// Two writer nodes taking writes at once, every conflict decided in log order by the storage tier.

const run = promisify(execFile);

describe('many writers on one shared log', () => {
  let cluster: LocalCluster;
  let viaW1: QuorumkvClient;
  let viaW2: QuorumkvClient;
  let viaGateway: QuorumkvClient;

  beforeAll(async () => {
    cluster = await startTestCluster({ storage: 3, writers: 2 });
    const [w1, w2] = cluster.topology.writers;
    viaW1 = connect({ endpoints: [w1.listen], timeoutMs: 10_000 });
    viaW2 = connect({ endpoints: [w2.listen], timeoutMs: 10_000 });
    viaGateway = connect({ endpoints: [cluster.topology.gateway.listen], timeoutMs: 10_000 });
  }, 60_000);

  afterAll(async () => {
    for (const client of [viaW1, viaW2, viaGateway]) client?.close();
    if (cluster) await stopTestCluster(cluster);
  }, 30_000);

  it('loses no update when many clients increment the same keys through both writers', async () => {
    const keys = ['hot/0', 'hot/1', 'hot/2'];
    const clientsPerWriter = 6;
    const incrementsPerClient = 8;
    const clients = [...Array(clientsPerWriter).fill(viaW1), ...Array(clientsPerWriter).fill(viaW2)] as QuorumkvClient[];
    const conflictsBefore = viaW1.stats.conflictRetries + viaW2.stats.conflictRetries;
    const started = Date.now();
    const done = await Promise.all(
      clients.map(async (client, c) => {
        let committed = 0;
        for (let i = 0; i < incrementsPerClient; i++) {
          const key = keys[(c + i) % keys.length];
          await client.runTransaction(async (tx) => {
            const current = Number((await tx.get(key))?.value.toString() ?? '0');
            tx.put(key, String(current + 1));
          }, { maxAttempts: 200 });
          committed++;
        }
        return committed;
      }),
    );
    const elapsedS = (Date.now() - started) / 1000;
    const total = done.reduce((a, b) => a + b, 0);
    const stored = await Promise.all(keys.map(async (k) => Number((await viaGateway.get(k))?.value.toString() ?? '0')));
    expect(stored.reduce((a, b) => a + b, 0)).toBe(total);
    const conflicts = viaW1.stats.conflictRetries + viaW2.stats.conflictRetries - conflictsBefore;
    process.stdout.write(`increments: ${total} committed in ${elapsedS.toFixed(1)} s (${(total / elapsedS).toFixed(0)}/s), ${conflicts} conflicts retried (${((100 * conflicts) / (conflicts + total)).toFixed(0)}% of attempts)\n`);
    expect(conflicts).toBeGreaterThan(0);
  }, 120_000);

  it('conserves the total of bank transfers in every snapshot, with no account below zero', async () => {
    const accounts = Array.from({ length: 5 }, (_, i) => `bank/${i}`);
    for (const account of accounts) await viaGateway.put(account, '100');
    const totalOf = async () => {
      const { kvs } = await viaGateway.range('bank/', { prefix: true });
      return { sum: kvs.reduce((s, kv) => s + Number(kv.value.toString()), 0), min: Math.min(...kvs.map((kv) => Number(kv.value.toString()))) };
    };
    let stop = false;
    const snapshots: Array<{ sum: number; min: number }> = [];
    const auditor = (async () => {
      while (!stop) snapshots.push(await totalOf());
    })();
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    await Promise.all(
      Array.from({ length: 8 }, async (_, c) => {
        const client = c % 2 === 0 ? viaW1 : viaW2;
        for (let i = 0; i < 6; i++) {
          const from = accounts[Math.floor(random() * accounts.length)];
          const to = accounts[(accounts.indexOf(from) + 1 + Math.floor(random() * (accounts.length - 1))) % accounts.length];
          const amount = 1 + Math.floor(random() * 60);
          await client.runTransaction(async (tx) => {
            const balance = Number((await tx.get(from))!.value.toString());
            if (balance < amount) return;
            const other = Number((await tx.get(to))!.value.toString());
            tx.put(from, String(balance - amount));
            tx.put(to, String(other + amount));
          }, { maxAttempts: 200 });
        }
      }),
    );
    stop = true;
    await auditor;
    snapshots.push(await totalOf());
    expect(snapshots.length).toBeGreaterThan(1);
    for (const snapshot of snapshots) {
      expect(snapshot.sum).toBe(500);
      expect(snapshot.min).toBeGreaterThanOrEqual(0);
    }
  }, 120_000);

  it('ends with equal state hashes on every storage member after blind writes race on both writers', async () => {
    await Promise.all(
      Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? viaW1 : viaW2).put(`race/${i % 10}`, `w${i % 2}-${i}`)),
    );
    await eventually(10_000, async () => {
      const { members } = await viaGateway.status({ withHashes: true });
      const storage = members.filter((m) => m.role === 'storage');
      expect(storage).toHaveLength(3);
      const hashes = new Set(storage.map((m) => `${m.hash}@${m.hashRevision}`));
      if (hashes.size !== 1 || storage.some((m) => !m.hash)) throw new Error(`hashes differ: ${[...hashes].join(' ')}`);
    });
  }, 60_000);

  it('aborts the loser of a read-write race with a conflict naming the key and the winning revision', async () => {
    const first = await viaW1.put('race-key', 'a');
    const read = (await viaW2.get('race-key'))!;
    const winner = await viaW1.put('race-key', 'b');
    const error = await viaW2
      .txn({ readRevision: read.modRevision, readSet: [{ key: Buffer.from('race-key') }], success: [{ requestPut: { key: Buffer.from('race-key'), value: Buffer.from('c') } }] })
      .then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).key.toString()).toBe('race-key');
    expect((error as ConflictError).revision).toBe(winner.header!.revision);
    expect(first.header!.revision).toBeLessThan(winner.header!.revision);
    expect((await viaGateway.get('race-key'))!.value.toString()).toBe('b');
  });

  it('applies a write retried with the same id once, across a writer kill', async () => {
    const first = await viaW1.add('once', 5, { requestId: 'retry-me' });
    await cluster.signal('w1', 'SIGKILL');
    const again = await viaW2.add('once', 5, { requestId: 'retry-me' });
    expect(again).toEqual(first);
    // The gateway lists the dead writer as an unhealthy writer, so balancing clients keep it as a later choice.
    await eventually(10_000, async () => {
      const w1 = (await viaGateway.status()).members.find((m) => m.id === 'w1');
      expect(w1).toMatchObject({ role: 'writer', healthy: false });
    });
    expect((await viaGateway.get('once'))!.value.toString()).toBe('5');
    cluster.startAll(['w1']);
    await cluster.waitReady(['w1']);
  }, 60_000);

  it('refuses bad transactions and adds, applying nothing', async () => {
    await viaGateway.put('text', 'not a number');
    const before = (await viaGateway.range('\0', { rangeEnd: '\0', countOnly: true })).header!.revision;
    const refusals: Array<[() => Promise<unknown>, RegExp]> = [
      [() => viaGateway.add('text', 1), /add to key "text": its value is not a decimal integer/],
      [() => viaGateway.add('n', 1.5), /delta must be an integer/],
      [
        () => viaGateway.txn({ readRevision: 1, readSet: Array.from({ length: MAX_READ_SET_RANGES + 1 }, (_, i) => ({ key: Buffer.from(`r${i}`) })), success: [{ requestPut: { key: Buffer.from('x'), value: Buffer.from('y') } }] }),
        /read_set has \d+ keys and ranges; the limit is/,
      ],
      [() => viaGateway.txn({ readRevision: 1, readSet: [{ key: Buffer.from('b'), rangeEnd: Buffer.from('a') }] }), /range_end must sort after key/],
    ];
    for (const [call, message] of refusals) {
      const error = await call().then(() => undefined, (e: unknown) => e);
      expect(error, String(message)).toBeInstanceOf(InvalidArgumentError);
      expect((error as Error).message).toMatch(message);
    }
    expect((await viaGateway.range('\0', { rangeEnd: '\0', countOnly: true })).header!.revision).toBe(before);
  });

  it('counts with `quorumkv add` through either writer', async () => {
    const [w1, w2] = cluster.topology.writers;
    const outputs = await Promise.all(
      Array.from({ length: 10 }, (_, i) => run(process.execPath, [CLI_ENTRY, 'add', 'cli-counter', '1', `--endpoint=${i % 2 ? w2.listen : w1.listen}`])),
    );
    const printed = outputs.map((o) => Number(o.stdout.trim())).sort((a, b) => a - b);
    expect(printed).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    expect((await viaGateway.get('cli-counter'))!.value.toString()).toBe('10');
    const status = JSON.parse((await run(process.execPath, [CLI_ENTRY, 'status', '--json', `--endpoint=${cluster.topology.gateway.listen}`])).stdout);
    expect(status.members.filter((m: { role: string }) => m.role === 'writer')).toHaveLength(2);
  }, 60_000);
});
