import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type QuorumkvClient } from '../../src/client/index.js';
import type { LocalCluster } from '../../src/up/local-cluster.js';
import { childSpecs } from '../../src/up/topology.js';
import { freePorts, startTestCluster, stopTestCluster } from '../support/local-cluster.js';

// The cluster endpoint and the reader endpoint with real processes: nodes die, hang, join and
// leave while clients keep working, and none of them sees a failed request.

interface Timeline {
  ok: number;
  failed: string[];
  longestGapMs: number;
}

/** Runs `op` from `workers` loops until `stop()` says so; records failures and the longest gap between successes. */
async function steadily(workers: number, stop: () => boolean, op: (worker: number, i: number) => Promise<unknown>): Promise<Timeline> {
  const timeline: Timeline = { ok: 0, failed: [], longestGapMs: 0 };
  let lastSuccess = Date.now();
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      for (let i = 0; !stop(); i++) {
        try {
          await op(worker, i);
          const now = Date.now();
          timeline.longestGapMs = Math.max(timeline.longestGapMs, now - lastSuccess);
          lastSuccess = now;
          timeline.ok++;
        } catch (error) {
          timeline.failed.push(`${(error as Error).name}: ${(error as Error).message}`);
        }
      }
    }),
  );
  return timeline;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('cluster and reader endpoints', () => {
  let cluster: LocalCluster;
  let writes: QuorumkvClient;
  let reads: QuorumkvClient;

  beforeAll(async () => {
    cluster = await startTestCluster({ storage: 3, writers: 2, readers: 2 });
    // One attempt per call: any failure the gateway does not absorb reaches the test.
    writes = connect({ endpoints: [cluster.topology.gateway.listen], timeoutMs: 15_000 });
    reads = connect({ endpoints: [cluster.topology.gateway.readerListen!], timeoutMs: 15_000 });
  }, 60_000);

  afterAll(async () => {
    writes?.close();
    reads?.close();
    if (cluster) await stopTestCluster(cluster);
  }, 30_000);

  it('loses no write and applies none twice while a writer is killed', async () => {
    let stopAt = Infinity;
    const run = steadily(4, () => Date.now() > stopAt, () => writes.add('steady/kill', 1));
    await sleep(800);
    await cluster.signal('w1', 'SIGKILL');
    stopAt = Date.now() + 2_000;
    const timeline = await run;
    process.stdout.write(`writer SIGKILL: ${timeline.ok} writes, longest gap between successes ${timeline.longestGapMs} ms\n`);
    expect(timeline.failed).toEqual([]);
    expect(Number((await writes.get('steady/kill'))!.value.toString())).toBe(timeline.ok);
    expect(writes.stats.retries).toBe(0);
    cluster.startAll(['w1']);
    await cluster.waitReady(['w1']);
  }, 60_000);

  it('routes around a writer paused with SIGSTOP and takes it back after SIGCONT', async () => {
    let stopAt = Infinity;
    const run = steadily(4, () => Date.now() > stopAt, () => writes.add('steady/pause', 1));
    await sleep(800);
    await cluster.signal('w2', 'SIGSTOP');
    await sleep(10_000);
    await cluster.signal('w2', 'SIGCONT');
    stopAt = Date.now() + 1_000;
    const timeline = await run;
    process.stdout.write(`writer SIGSTOP 10 s: ${timeline.ok} writes, longest gap between successes ${timeline.longestGapMs} ms\n`);
    expect(timeline.failed).toEqual([]);
    expect(Number((await writes.get('steady/pause'))!.value.toString())).toBe(timeline.ok);
    await cluster.waitReady(['w2']);
  }, 60_000);

  it('keeps serving reads on the reader endpoint while a reader is killed', async () => {
    await writes.put('read/me', 'yes');
    let stopAt = Infinity;
    const run = steadily(4, () => Date.now() > stopAt, async () => {
      const kv = await reads.get('read/me', { consistency: 'stale' });
      if (kv?.value.toString() !== 'yes') throw new Error(`read ${kv?.value.toString()}`);
    });
    await sleep(500);
    await cluster.signal('r1', 'SIGKILL');
    stopAt = Date.now() + 1_500;
    const timeline = await run;
    expect(timeline.failed).toEqual([]);
    expect(timeline.ok).toBeGreaterThan(10);
    cluster.startAll(['r1']);
    await cluster.waitReady(['r1']);
  }, 60_000);

  it('reads your writes on the reader endpoint with the revision of the write', async () => {
    for (let i = 0; i < 40; i++) {
      const { header } = await writes.put('ryw', String(i));
      const kv = await reads.get('ryw', { consistency: 'read-your-writes', minRevision: header!.revision });
      expect(kv?.value.toString()).toBe(String(i));
    }
  }, 60_000);

  it('refuses writes on the reader endpoint and on reader nodes, naming the cluster endpoint', async () => {
    await expect(reads.put('x', 'y')).rejects.toThrow(/reader endpoint serves reads only; send writes to the cluster endpoint/);
    const direct = connect({ endpoints: [cluster.topology.readers[0].listen] });
    await expect(direct.put('x', 'y')).rejects.toMatchObject({ name: 'ReadOnlyError' });
    direct.close();
  });

  it('sends traffic to a writer that joins while the cluster runs', async () => {
    const [listen, metrics] = (await freePorts(2)).map((p) => `127.0.0.1:${p}`);
    const joining = { ...cluster.topology, writers: [{ id: 'w3', listen, metrics }] };
    cluster.add(childSpecs(joining, cluster.dataDir).find((s) => s.name === 'w3')!);
    cluster.startAll(['w3']);
    await cluster.waitReady(['w3']);
    const served = async () => {
      const text = await (await fetch(`http://${metrics}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith('quorumkv_grpc_requests_total') && l.includes('KV/Txn') && l.includes('code="OK"'));
      return Number(line?.split(' ').pop() ?? 0);
    };
    const deadline = Date.now() + 15_000;
    while ((await served()) === 0 && Date.now() < deadline) {
      await Promise.all(Array.from({ length: 8 }, () => writes.add('joined', 1)));
    }
    expect(await served()).toBeGreaterThan(0);
  }, 60_000);

  it('delivers watch events in revision order, none missing or repeated, across killed readers', async () => {
    const start = (await writes.put('watched/start', '0')).header!.revision + 1;
    const watcher = reads.watch('watched/', { prefix: true, fromRevision: start });
    const seen: Array<{ key: string; revision: number }> = [];
    const consumer = (async () => {
      for await (const batch of watcher) {
        for (const event of batch.events) seen.push({ key: event.kv!.key.toString(), revision: event.kv!.modRevision });
        if (seen.length >= 60) break;
      }
    })();
    const written: number[] = [];
    for (let i = 0; i < 60; i++) {
      written.push((await writes.put(`watched/${i}`, String(i))).header!.revision);
      if (i === 20) await cluster.signal('r1', 'SIGKILL');
      if (i === 40) {
        cluster.startAll(['r1']);
        await cluster.signal('r2', 'SIGKILL');
      }
    }
    await consumer;
    watcher.close();
    expect(seen.map((e) => e.revision)).toEqual(written);
    expect(seen.map((e) => e.key)).toEqual(written.map((_, i) => `watched/${i}`));
    cluster.startAll(['r2']);
    await cluster.waitReady(['r1', 'r2']);
  }, 60_000);
});
