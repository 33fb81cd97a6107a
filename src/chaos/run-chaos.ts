/**
 * One chaos run: start a cluster whose every link goes through a fault proxy, run the workloads
 * through the gateway and directly against writers while the nemesis injects the faults of the
 * seed's schedule, then heal, check liveness, replica hashes and the workloads' histories, and
 * write the report. Every process and proxy it started is stopped on every path.
 */
import { availability } from './availability.js';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { loopbackTopology } from '../up/loopback-topology.js';
import { scrapeMetrics } from '../observability/scrape.js';
import { connect, type QuorumkvClient } from '../client/index.js';
import { LocalCluster } from '../up/local-cluster.js';
import type { Topology } from '../up/topology.js';
import { History } from './history.js';
import { Nemesis, sleepUntil, withTimeout } from './nemesis.js';
import type { ChaosConfig, ChaosShape, StorageSettings, WorkloadName } from './options.js';
import type { Link } from './partitions.js';
import { ProxyMesh } from './proxy-mesh.js';
import { socketOwner } from './socket-owner.js';
import { SeededRandom } from './random.js';
import { countsBy, faultGaps, gapStats, writeHistory, writeReportFiles } from './report.js';
import { buildSchedule, faultName, type ScheduleOptions } from './schedule.js';
import { bankWorkload } from './workloads/bank.js';
import { counterWorkload } from './workloads/counter.js';
import { historyWorkload } from './workloads/history.js';
import { leaseWorkload } from './workloads/lease.js';
import { registerWorkload } from './workloads/register.js';
import { setWorkload } from './workloads/set.js';
import type { ChaosEndpoint, CheckVerdict, Workload, WorkloadContext } from './workloads/workload.js';

export const START_READY_TIMEOUT_MS = 60_000;
export const HEAL_READY_TIMEOUT_MS = 60_000;
/** After the heal, a write must succeed within this. */
export const LIVENESS_BOUND_MS = 30_000;
/** After the heal, every storage replica must show the same hash within this. */
export const HASH_CONVERGENCE_TIMEOUT_MS = 30_000;
const WORKER_STOP_TIMEOUT_MS = 30_000;
const FINAL_READ_TIMEOUT_MS = 20_000;
const FINAL_READ_TIMEOUT_DEAD_MS = 3_000;
const CONTROL_TIMEOUT_MS = 5_000;
const PROGRESS_INTERVAL_MS = 1_000;
const PROGRESS_LINE_EVERY_MS = 5_000;
const STOP_GRACE_MS = 5_000;

const WORKLOADS: Record<WorkloadName, Workload> = { register: registerWorkload, bank: bankWorkload, set: setWorkload, counter: counterWorkload, lease: leaseWorkload, history: historyWorkload };

export type Verdict = 'pass' | 'fail' | 'unknown' | 'aborted';

export interface ChaosRunOptions {
  /** Aborting it (Ctrl-C) ends the run early; everything started is still stopped. */
  signal?: AbortSignal;
  log?: (line: string) => void;
  /** Called about once a second with the progress line. */
  progress?: (line: string, final: boolean) => void;
  schedule?: ScheduleOptions;
  /** The command line, for the report. */
  command?: string;
}

export interface ChaosResult {
  verdict: Verdict;
  report: Record<string, unknown>;
  outDir: string;
}

/**
 * Storage members snapshot every 200 entries and keep a tail of 50, so that a member killed,
 * paused or cut off for a few seconds falls behind the log and catches up from a streamed snapshot:
 * the runs exercise snapshot install under faults, not only log replication. History is compacted
 * past 2,000 revisions, so compaction entries and purges run under faults too.
 */
const STORAGE_FLAGS: Record<StorageSettings, string[]> = {
  stress: ['--snapshot-entries=200', '--log-tail-entries=50', '--auto-compaction-retention=2000'],
  default: [],
};

/** Nodes cache one-key reads from the start, so every run checks cached answers too (a run's reads are too few to start it). */
const CHAOS_NODE_FLAGS = ['--read-cache-follow-at=0'];

export async function chaosTopology(shape: ChaosShape, storageSettings: StorageSettings = 'stress'): Promise<Topology> {
  const topology = await loopbackTopology({ ...shape, storageFlags: STORAGE_FLAGS[storageSettings] }, 'chaos');
  for (const node of [...topology.writers, ...topology.readers]) node.flags = [...(node.flags ?? []), ...CHAOS_NODE_FLAGS];
  return topology;
}

interface SnapshotCount {
  taken: number;
  installed: number;
}

/** Snapshots each storage member took and installed since its process started (-1: no answer). */
async function snapshotCounts(topology: Topology): Promise<Record<string, SnapshotCount>> {
  const counts = await Promise.all(
    topology.storage.map(async (s): Promise<[string, SnapshotCount]> => {
      try {
        const value = await scrapeMetrics(s.metrics);
        return [s.id, { taken: value('quorumkv_snapshots_taken_total'), installed: value('quorumkv_snapshots_installed_total') }];
      } catch {
        return [s.id, { taken: -1, installed: -1 }];
      }
    }),
  );
  return Object.fromEntries(counts);
}

/** The links processes dial: storage to storage, every other process to storage, gateway to nodes. */
export function chaosLinks(topology: Topology): Link[] {
  const storage = topology.storage.map((s) => s.id);
  const nodes = [...topology.writers, ...topology.readers].map((n) => n.id);
  const g = topology.gateway.id;
  return [
    ...storage.flatMap((from) => storage.filter((to) => to !== from).map((to) => [from, to] as const)),
    ...[...nodes, g].flatMap((from) => storage.map((to) => [from, to] as const)),
    ...nodes.map((to) => [g, to] as const),
  ];
}

export async function runChaos(config: ChaosConfig, options: ChaosRunOptions = {}): Promise<ChaosResult> {
  const log = options.log ?? ((line: string) => process.stdout.write(line + '\n'));
  const external = options.signal ?? new AbortController().signal;
  const dataDir = join(config.outDir, 'cluster');
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(config.outDir, { recursive: true });
  const topology = await chaosTopology(config.shape, config.storageSettings);
  const meshRandom = new SeededRandom(config.seed ^ 0x5bd1e995);
  const all = [...topology.storage, ...topology.writers, ...topology.readers, topology.gateway];
  let cluster: LocalCluster | undefined;
  const storageIds = new Set(topology.storage.map((s) => s.id));
  const mesh = new ProxyMesh(all.map((p) => ({ name: p.id, address: p.listen })), {
    links: chaosLinks(topology),
    random: () => meshRandom.next(),
    // Only storage members adopt addresses they were not given (a leader's address book), so only
    // their links to each other can carry another process's connection.
    ownerLinks: ([from, to]) => storageIds.has(from) && storageIds.has(to),
    ownerOf: socketOwner(() => [...storageIds].map((id) => [id, cluster?.pidOf(id)] as const)),
  });
  const unexpectedExits: Array<{ name: string; code: number | null; signal: string | null; atMs: number }> = [];
  let now = () => 0;
  const clients: QuorumkvClient[] = [];
  const client = (endpoints: string[], timeoutMs: number) => {
    // TLS as every local cluster runs: the root user's certificate from the cluster's folder.
    const c = connect({ endpoints, timeoutMs, tls: cluster!.clientTls() });
    clients.push(c);
    return c;
  };
  let progressTimer: NodeJS.Timeout | undefined;
  const contexts = new Map<WorkloadName, WorkloadContext>();
  try {
    await mesh.start();
    cluster = new LocalCluster(
      topology,
      dataDir,
      { output: 'files', onUnexpectedExit: (name, code, signal) => {
        unexpectedExits.push({ name, code, signal, atMs: Math.round(now()) });
        log(`UNEXPECTED EXIT: ${name} (${signal ?? `code ${code}`}); see ${join(dataDir, 'logs', `${name}.log`)}`);
      } },
      (from, to) => mesh.addressFor(from, to),
    );
    if (config.defect) for (const spec of cluster.specs) if (spec.role === 'storage') spec.env = { ...spec.env, QUORUMKV_TEST_DEFECT: config.defect };
    // Crash faults arm a storage member's failpoints while it runs (failpoints.ts).
    const failpointControl = (name: string) => join(dataDir, `failpoints-${name}`);
    for (const spec of cluster.specs) if (spec.role === 'storage') spec.env = { ...spec.env, QUORUMKV_FAILPOINTS_CONTROL: failpointControl(spec.name) };
    log(`chaos seed ${config.seed}: starting ${cluster.names.length} processes and ${mesh.links().length} proxies (logs in ${join(dataDir, 'logs')})`);
    cluster.startAll();
    await cluster.waitReady(cluster.names, START_READY_TIMEOUT_MS);
    if (external.aborted) throw new Error('aborted');
    const control = client([topology.gateway.listen, ...topology.writers.map((w) => w.listen)], CONTROL_TIMEOUT_MS);
    const endpoints: ChaosEndpoint[] = [
      { name: 'gateway', client: client([topology.gateway.listen], config.opTimeoutMs), writes: true },
      ...topology.writers.map((w) => ({ name: w.id, client: client([w.listen], config.opTimeoutMs), writes: true })),
      ...(topology.readers.length > 0 ? [{ name: 'reader', client: client([topology.gateway.readerListen!], config.opTimeoutMs), writes: false }] : []),
    ];
    const random = new SeededRandom(config.seed);
    const schedule = buildSchedule(random.int(0, 2 ** 31 - 1), config.durationMs, config.faults, options.schedule);
    const startedAt = performance.now();
    /** The wall clock at time 0 of the history, so its times line up with the processes' logs. */
    const startedAtWall = new Date().toISOString();
    const history = new History(startedAt);
    now = () => history.now();
    let stopped = false;
    for (const name of config.workloads) {
      contexts.set(name, { history, endpoints, prefix: `chaos/${config.seed}/${name}/`, stopped: () => stopped || external.aborted, control, finalReadTimeoutMs: FINAL_READ_TIMEOUT_MS });
    }
    for (const name of config.workloads) await WORKLOADS[name].setup(contexts.get(name)!);

    const nemesis = new Nemesis({ cluster, mesh, control, now, log, failpointControl });
    const runEnd = new AbortController();
    const onAbort = () => runEnd.abort();
    external.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => runEnd.abort(), config.durationMs);
    let lastLine = -Infinity;
    // Every proxy lives in this process: a starved event loop looks like a slow network to the
    // cluster, so each line says how late this loop ran and what the proxies hold.
    const loopDelay = monitorEventLoopDelay({ resolution: 20 });
    loopDelay.enable();
    const progress = (final: boolean) => {
      const c = history.counts();
      const line = `[${(history.now() / 1000).toFixed(1).padStart(6)}s/${(config.durationMs / 1000).toFixed(0)}s] ops ${history.ops.length} (ok ${c.ok}, fail ${c.fail}, unknown ${c.unknown}, open ${c.open}) faults ${nemesis.events.length}/${schedule.length}, in force: ${nemesis.inForce}`;
      if (options.progress) options.progress(line, final);
      else if (final || history.now() - lastLine >= PROGRESS_LINE_EVERY_MS) {
        lastLine = history.now();
        log(`${line}; loop lag max ${Math.round(loopDelay.max / 1e6)} ms; ${mesh.describe()}`);
        loopDelay.reset();
      }
    };
    progressTimer = setInterval(() => progress(false), PROGRESS_INTERVAL_MS);
    log(`workloads ${config.workloads.join(', ')} for ${config.durationMs / 1000}s; ${schedule.length} faults planned: ${schedule.map((f) => `${(f.atMs / 1000).toFixed(1)}s ${faultName(f)}`).join(', ') || 'none'}`);

    const workers: Promise<void>[] = [];
    for (const name of config.workloads) {
      const workload = WORKLOADS[name];
      for (let i = 0; i < workload.workers; i++) workers.push(workload.worker(contexts.get(name)!, i, random.fork()));
    }
    await nemesis.run(schedule, runEnd.signal);
    await sleepUntil(now, config.durationMs, runEnd.signal);
    clearTimeout(timer);
    external.removeEventListener('abort', onAbort);

    // Heal while the workload still runs, so its last operations see the recovered cluster.
    const healStarted = now();
    // Declared before the first path that can call finish(), which reports it.
    let snapshots: Record<string, SnapshotCount> = {};
    let healError: string | undefined;
    let restarted: string[] = [];
    try {
      restarted = await nemesis.healAll(HEAL_READY_TIMEOUT_MS);
    } catch (error) {
      healError = (error as Error).message;
    }
    log(`healed at ${(healStarted / 1000).toFixed(1)}s${restarted.length ? ` (restarted ${restarted.join(', ')})` : ''}${healError ? `: ${healError}` : ''}`);
    stopped = true;
    const stillOpen = await withTimeout(Promise.all(workers), WORKER_STOP_TIMEOUT_MS).then(() => 0, () => -1);
    const unsettled = history.close();
    const workloadEndMs = now();
    clearInterval(progressTimer);
    progressTimer = undefined;
    progress(true);
    loopDelay.disable();
    if (external.aborted) return await finish('aborted', {});

    const checks: Record<string, CheckVerdict> = {};
    checks.liveness = await checkLiveness(client([topology.gateway.listen], 2_000), `chaos/${config.seed}/liveness`);
    log(`liveness: ${checks.liveness.summary}`);
    if (checks.liveness.ok !== true) for (const ctx of contexts.values()) ctx.finalReadTimeoutMs = FINAL_READ_TIMEOUT_DEAD_MS;
    for (const name of config.workloads) await WORKLOADS[name].settle?.(contexts.get(name)!);
    checks.replicas = await checkReplicaHashes(control, topology.storage.length, checks.liveness.ok === true ? HASH_CONVERGENCE_TIMEOUT_MS : FINAL_READ_TIMEOUT_DEAD_MS);
    log(`replicas: ${checks.replicas.summary}`);
    snapshots = await snapshotCounts(topology);
    log(`snapshots (since each storage process started): ${Object.entries(snapshots).map(([id, c]) => `${id} took ${c.taken}, installed ${c.installed}`).join('; ')}`);
    for (const name of config.workloads) {
      try {
        checks[name] = await WORKLOADS[name].check(contexts.get(name)!);
      } catch (error) {
        checks[name] = { ok: 'unknown', summary: `could not check: ${(error as Error).message}`, detail: {} };
      }
      log(`${name}: ${checks[name].summary}`);
    }
    checks.processes = {
      ok: unexpectedExits.length === 0 && healError === undefined,
      summary: unexpectedExits.length === 0 && healError === undefined ? 'no process exited unexpectedly; all ready after the heal' : `${unexpectedExits.length} unexpected exits${healError ? `; not ready after the heal: ${healError}` : ''}`,
      detail: { unexpectedExits, healError: healError ?? null },
    };
    const verdict: Verdict = Object.values(checks).some((c) => c.ok === false) ? 'fail' : Object.values(checks).every((c) => c.ok === true) ? 'pass' : 'unknown';
    return await finish(verdict, checks);

    async function finish(verdict: Verdict, checks: Record<string, CheckVerdict>): Promise<ChaosResult> {
      const gaps = faultGaps(nemesis.events, history.ops, workloadEndMs);
      const report: Record<string, unknown> = {
        verdict,
        seed: config.seed,
        command: options.command ?? null,
        durationMs: config.durationMs,
        startedAt: startedAtWall,
        topology: config.shape,
        workloads: config.workloads,
        faultsEnabled: config.faults.map(faultName),
        defect: config.defect ?? null,
        opTimeoutMs: config.opTimeoutMs,
        checks: Object.fromEntries(Object.entries(checks).map(([k, c]) => [k, { ok: c.ok, summary: c.summary, detail: c.detail }])),
        ops: { total: history.ops.length, byOutcome: history.counts(), unsettledAtClose: unsettled, workersStillRunning: stillOpen !== 0, byWorkload: countsBy(history.ops, 'workload'), byEndpoint: countsBy(history.ops, 'endpoint') },
        faults: gaps,
        failoverGaps: { firstSuccessMs: gapStats(gaps, 'firstSuccessMs'), longestGapMs: gapStats(gaps, 'longestGapMs') },
        availability: availability(nemesis.events, history.ops),
        snapshots,
        unexpectedExits,
        files: { history: 'history.jsonl', report: 'report.json', timeline: 'report.html', processLogs: 'cluster/logs/' },
      };
      await writeHistory(config.outDir, history.ops);
      writeReportFiles(config.outDir, report, history.ops, gaps, workloadEndMs);
      return { verdict, report, outDir: config.outDir };
    }
  } finally {
    if (progressTimer) clearInterval(progressTimer);
    for (const [name, ctx] of contexts) WORKLOADS[name].close?.(ctx);
    for (const c of clients) c.close();
    await cluster?.stopAll(STOP_GRACE_MS);
    await mesh.stop();
  }
}

async function checkLiveness(client: QuorumkvClient, key: string): Promise<CheckVerdict> {
  const started = Date.now();
  let attempts = 0;
  let lastError = '';
  while (Date.now() - started < LIVENESS_BOUND_MS) {
    attempts++;
    try {
      await client.put(key, String(started));
      const ms = Date.now() - started;
      return { ok: true, summary: `a write succeeded ${ms} ms after the heal (${attempts} attempts)`, detail: { ms, attempts } };
    } catch (error) {
      lastError = (error as Error).message;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  return { ok: false, summary: `no write succeeded within ${LIVENESS_BOUND_MS} ms of the heal: ${lastError}`, detail: { attempts, lastError } };
}

async function checkReplicaHashes(control: QuorumkvClient, storageCount: number, timeoutMs: number): Promise<CheckVerdict> {
  const started = Date.now();
  let last: unknown = null;
  let polls = 0;
  while (Date.now() - started < timeoutMs) {
    polls++;
    try {
      const { members } = await control.status({ withHashes: true });
      const storage = members.filter((m) => m.role === 'storage').map((m) => ({ id: m.id, healthy: m.healthy, leader: m.leader, hash: m.hash, hashRevision: Number(m.hashRevision), revision: Number(m.revision), appliedIndex: Number(m.appliedIndex), error: m.error }));
      last = storage;
      const equal = storage.length === storageCount && storage.every((m) => m.healthy && m.hash !== '' && m.hash === storage[0].hash && m.hashRevision === storage[0].hashRevision);
      if (equal) return { ok: true, summary: `all ${storageCount} storage replicas hash ${storage[0].hash.slice(0, 16)} at revision ${storage[0].hashRevision} (${Date.now() - started} ms)`, detail: { members: storage, waitedMs: Date.now() - started, polls } };
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return { ok: false, summary: `storage replicas did not agree within ${timeoutMs} ms: ${JSON.stringify(last)}`, detail: { members: last, polls } };
}
