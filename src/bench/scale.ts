import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { connect, type QuorumkvClient } from '../client/index.js';
import { PACKAGE_ROOT } from '../proto/root.js';
import { directoryBytes } from '../observability/disk-usage.js';
import { scrapeMetrics } from '../observability/scrape.js';
import { memoryChart, type MemorySample } from './scale-chart.js';
import { LocalCluster } from '../up/local-cluster.js';
import { freePorts, loopbackTopology } from '../up/loopback-topology.js';

// `npm run bench:scale -- --keys 1000000`: loads a cluster with N keys and reports what the
// storage tier costs at that size (memory and disk per storage member, and a picture of them over
// the load in docs/), how long a new storage member takes to join and catch up, and how long a
// killed writer and a killed storage member take to be ready again.

const TXN_PUTS = 100;
const LOADERS = 8;
const PROGRESS_MS = 5_000;
const SAMPLE_MS = 10_000;

/**
 * Resident memory from /proc: `private` is the process's own (anonymous) memory; `mapped` is
 * file pages it has mapped, mostly LevelDB table files read through mmap, which are page cache
 * the kernel reclaims under pressure.
 */
function residentBytes(pid: number | undefined): { private: number; mapped: number } {
  if (!pid) return { private: 0, mapped: 0 };
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(status.match(new RegExp(`^${field}:\\s+(\\d+)`, 'm'))?.[1] ?? 0) * 1024;
  return { private: kib('RssAnon'), mapped: kib('RssFile') + kib('RssShmem') };
}

/**
 * What a storage member's own metrics say: V8 heap in use, memory outside it, and how many
 * snapshots it installed (each one a follower that fell behind the log tail).
 */
async function memberMetrics(metrics: string): Promise<{ heap: number; external: number; snapshotsInstalled: number }> {
  const value = await scrapeMetrics(metrics);
  return {
    heap: value('nodejs_heap_size_used_bytes'),
    external: value('nodejs_external_memory_bytes'),
    snapshotsInstalled: value('quorumkv_snapshots_installed_total'),
  };
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

/** Writes keys [from, to) in transactions of TXN_PUTS puts; `progress.keys` counts committed keys. */
async function load(client: QuorumkvClient, from: number, to: number, keyBytes: number, value: Buffer, progress: { keys: number }): Promise<void> {
  let next = from;
  let lastReport = Date.now();
  const started = Date.now();
  await Promise.all(
    Array.from({ length: LOADERS }, async () => {
      while (next < to) {
        const first = next;
        next = Math.min(to, next + TXN_PUTS);
        const success = [];
        for (let i = first; i < next; i++) success.push({ requestPut: { key: Buffer.from(String(i).padStart(keyBytes, '0')), value } });
        await client.txn({ success });
        progress.keys += success.length;
        if (Date.now() - lastReport > PROGRESS_MS) {
          lastReport = Date.now();
          const rate = (next - from) / ((Date.now() - started) / 1000);
          process.stderr.write(`loaded ${next.toLocaleString()} keys (${rate.toFixed(0)} keys/s)\n`);
        }
      }
    }),
  );
}

/** SIGKILLs a process, starts it again and answers how long it took to be ready, in ms. */
async function restartAfterKill(cluster: LocalCluster, name: string): Promise<number> {
  process.stderr.write(`restarting ${name} after SIGKILL\n`);
  await cluster.signal(name, 'SIGKILL');
  const started = Date.now();
  cluster.startAll([name]);
  await cluster.waitReady([name]);
  return Date.now() - started;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      keys: { type: 'string', default: '1000000' },
      'key-size': { type: 'string', default: '16' },
      'value-size': { type: 'string', default: '100' },
      // Writes every key again this many times after the load: disk use over a long write loop.
      rewrites: { type: 'string', default: '0' },
      // Revisions of history the storage members keep; a shorter retention shows compaction sooner.
      'auto-compaction-retention': { type: 'string' },
      out: { type: 'string', default: join(PACKAGE_ROOT, 'docs') },
    },
  });
  const keys = Number(values.keys);
  const rewrites = Number(values.rewrites);
  const keyBytes = Number(values['key-size']);
  const value = Buffer.alloc(Number(values['value-size']), 'v');
  if (!(Number.isInteger(keys) && keys > 0)) throw new Error('--keys must be a positive integer');
  if (!(Number.isInteger(rewrites) && rewrites >= 0)) throw new Error('--rewrites must be a whole number');
  const retention = values['auto-compaction-retention'];
  const storageFlags = retention === undefined ? [] : ['--auto-compaction-mode=revision', `--auto-compaction-retention=${retention}`];
  const base = mkdtempSync(join(tmpdir(), 'quorumkv-scale-'));
  const cluster = new LocalCluster(await loopbackTopology({ storage: 3, writers: 1, storageFlags }, 'scale'), base, { output: 'files', security: 'insecure' });
  const stop = () => cluster.stopAll().then(() => rmSync(base, { recursive: true, force: true }));
  process.once('SIGINT', () => void stop().then(() => process.exit(130)));
  // An uncaught error skips `finally`: no process of the cluster may outlive this one.
  if (!process.env.QUORUMKV_KEEP) process.once('exit', () => cluster.killNow());
  try {
    cluster.startAll();
    await cluster.waitReady();
    const client = connect({ endpoints: [cluster.topology.writers[0].listen], timeoutMs: 60_000 });
    const rows: string[] = [];
    /** One storage member's memory and disk now. */
    const usage = async (id: string, metrics: string): Promise<Omit<MemorySample, 'keys'>> => {
      const { heap, external } = await memberMetrics(metrics);
      return { ...residentBytes(cluster.pidOf(id)), heap, external, disk: directoryBytes(join(base, id)) };
    };
    const row = async (label: string, id: string, metrics: string) => {
      const u = await usage(id, metrics);
      return `| ${label} | ${id} | ${mb(u.private)} | ${mb(u.mapped)} | ${mb(u.heap)} | ${mb(u.external)} | ${mb(u.disk)} |`;
    };
    const measure = async (label: string) => {
      for (const s of cluster.topology.storage) rows.push(await row(label, s.id, s.metrics));
    };
    const checkpoints = [Math.min(100_000, keys), keys].filter((k, i, all) => all.indexOf(k) === i);
    let loaded = 0;
    const watched = cluster.topology.storage[0];
    const samples: MemorySample[] = [];
    const progress = { keys: 0 };
    const sampler = setInterval(() => {
      const keysNow = progress.keys;
      void usage(watched.id, watched.metrics)
        .then((u) => {
          samples.push({ keys: keysNow, ...u });
          process.stderr.write(`  ${watched.id}: ${keysNow.toLocaleString()} keys, private ${mb(u.private)} (V8 heap ${mb(u.heap)}, external ${mb(u.external)}), mapped files ${mb(u.mapped)}, disk ${mb(u.disk)}\n`);
        })
        // A sample missed (the member is busy or restarting) is only a gap in the picture.
        .catch(() => undefined);
    }, SAMPLE_MS);
    const loadStarted = Date.now();
    for (const checkpoint of checkpoints) {
      await load(client, loaded, checkpoint, keyBytes, value, progress);
      loaded = checkpoint;
      await measure(`${checkpoint.toLocaleString()} keys`);
    }
    const loadSeconds = (Date.now() - loadStarted) / 1000;
    const rewriteStarted = Date.now();
    for (let pass = 1; pass <= rewrites; pass++) {
      process.stderr.write(`writing every key again (${pass} of ${rewrites})\n`);
      await load(client, 0, keys, keyBytes, value, progress);
      await measure(`rewrite ${pass} (${((pass + 1) * keys).toLocaleString()} writes)`);
    }
    const rewriteSeconds = (Date.now() - rewriteStarted) / 1000;
    clearInterval(sampler);
    const rewritten = rewrites > 0 ? ` and written ${rewrites} more times` : '';
    const chart = join(values.out, `scale-${keys}-keys${rewrites > 0 ? `-${rewrites}-rewrites` : ''}.svg`);
    mkdirSync(values.out, { recursive: true });
    writeFileSync(chart, memoryChart(samples, `Storage member ${watched.id} while ${keys.toLocaleString()} keys are loaded${rewritten}`));
    process.stderr.write(`wrote ${chart}\n`);

    const [listen, metrics] = (await freePorts(2)).map((p) => `127.0.0.1:${p}`);
    const peers = cluster.topology.storage.map((s) => `${s.id}=${s.listen}`).join(',');
    cluster.add({ name: 's4', role: 'storage', metrics, args: ['storage', '--id=s4', '--cluster=scale', `--listen=${listen}`, `--peers=${peers}`, '--join', `--data-dir=${join(base, 's4')}`, `--metrics-listen=${metrics}`] });
    cluster.startAll(['s4']);
    process.stderr.write('adding a storage member (s4) and waiting for it to catch up\n');
    const joinStarted = Date.now();
    await client.addMember('s4', listen);
    for (;;) {
      const { members } = await client.members();
      // The leader's own match is its last index: s4 has caught up when it matches that.
      const last = Math.max(...members.map((m) => m.matchIndex));
      if ((members.find((m) => m.id === 's4')?.matchIndex ?? 0) >= last) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const joinSeconds = (Date.now() - joinStarted) / 1000;
    rows.push(await row('after joining', 's4', metrics));

    const installed = await Promise.all(cluster.topology.storage.map(async (s) => `${s.id} ${(await memberMetrics(s.metrics)).snapshotsInstalled}`));
    const writerRestartMs = await restartAfterKill(cluster, 'w1');
    const storageRestartMs = await restartAfterKill(cluster, 's2');
    client.close();

    process.stdout.write(
      [
        `Loaded ${keys.toLocaleString()} keys (${keyBytes}-byte keys, ${value.length}-byte values, ${TXN_PUTS} puts per transaction) in ${loadSeconds.toFixed(0)} s (${(keys / loadSeconds).toFixed(0)} keys/s).`,
        ...(rewrites > 0 ? [`Wrote every key ${rewrites} more times (${(rewrites * keys).toLocaleString()} writes) in ${rewriteSeconds.toFixed(0)} s${storageFlags.length > 0 ? ` with ${storageFlags.join(' ')}` : ''}.`] : []),
        '',
        '| keys | member | private memory | mapped files | V8 heap used | external | data directory |',
        '|---|---|---:|---:|---:|---:|---:|',
        ...rows,
        '',
        `Snapshots installed during the load (followers that fell behind the log tail): ${installed.join(', ')}.`,
        `A new storage member (s4) joined as a learner and caught up with ${keys.toLocaleString()} keys in ${joinSeconds.toFixed(1)} s.`,
        `A writer killed with SIGKILL served again (ready) ${writerRestartMs} ms after it was started.`,
        `A storage member (s2) killed with SIGKILL was ready again (log loaded, leader known, caught up) ${storageRestartMs} ms after it was started.`,
        '',
      ].join('\n'),
    );
  } catch (error) {
    // The processes stop; their logs and data stay for a look at what went wrong.
    await cluster.stopAll();
    process.stderr.write(`logs kept in ${join(base, 'logs')}, data in ${base}\n`);
    throw error;
  }
  if (!process.env.QUORUMKV_KEEP) await stop();
}

main().catch((error: Error) => {
  process.stderr.write(`bench:scale: ${error.message}\n`);
  process.exit(1);
});
