#!/usr/bin/env node
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { CLI_ENTRY, PACKAGE_ROOT } from '../proto/root.js';
import { LocalCluster } from '../up/local-cluster.js';
import { markdownSection, mergeSection, ratioRows, svgChart, textTable, type CompareRun, type CompareWorkload } from './compare-report.js';
import { EtcdCluster, etcdVersion } from './etcd-cluster.js';
import { freePorts, loopbackTopology } from '../up/loopback-topology.js';
import { parseDurationMs } from './options.js';
import type { BenchResult } from './runner.js';
import { CAPACITY_WORKLOADS, runCapacity, startEcho, type CapacityOptions, type CapacityWorkload } from './capacity.js';
import { optionsAt, parseSweep, sweepChart, sweepTable, type Sweep, type SweepPoint } from './capacity-sweep.js';
import { CAPACITY_BEGIN, CAPACITY_END, capacitySection, capacityTable } from './capacity-report.js';

// npm run bench:compare: etcd (3 members) and quorumkv (3 storage voters, 2 writers, a gateway)
// on this machine, both with their default durability (fsync on a quorum before an ack), loaded
// by the same `quorumkv bench` alternately, A B A B, and the ratios written to docs/.

const USAGE =
  'usage: npm run bench:compare -- [--rounds 3] [--duration 5s] [--warmup 2s] [--workloads put,get-linearizable,...] [--no-docs]\n' +
  '       npm run bench:compare -- --capacity [--rounds 1] [--requests 3000] [--connections 8] [--streams 8] [--value-size 256] [--workloads put,get-linearizable,get-serializable] [--tls] [--no-docs]\n' +
  '         --tls: also a quorumkv cluster with TLS on every link (rows quorumkv-tls), beside the plaintext one\n' +
  '       npm run bench:compare -- --capacity --sweep streams=1,16,64,256   (or value-size=256,4096,65536): the same runs at each value, charted';
const MAX_ROUNDS = 20;
/** Connections and the common key and value shape of every run. */
const COMMON_ARGS = ['--connections', '8', '--keys', '10000', '--key-size', '16', '--value-size', '256'];

export const COMPARE_WORKLOADS: CompareWorkload[] = [
  { name: 'put', description: 'blind writes of 256-byte values, 64 clients', args: ['put', '--clients', '64'] },
  { name: 'put-1-client', description: 'write latency at low load: one client', args: ['put', '--clients', '1', '--connections', '1'] },
  { name: 'get-linearizable', description: 'linearizable reads of one key, 64 clients', args: ['get', '--consistency', 'linearizable', '--clients', '64'] },
  { name: 'get-serializable', description: 'serializable reads of one key, 64 clients', args: ['get', '--consistency', 'serializable', '--clients', '64'] },
  { name: 'txn', description: 'read-modify-write increments of 100 hot counters, 32 clients', args: ['txn', '--clients', '32', '--hot-keys', '100'] },
  { name: 'mixed', description: '90% linearizable reads, 10% writes, 64 clients', args: ['mixed', '--read-ratio', '0.9', '--clients', '64'] },
];

interface Started {
  etcd?: EtcdCluster;
  quorumkv?: LocalCluster;
  quorumkvTls?: LocalCluster;
  dirs: string[];
  child?: ChildProcess;
  echo?: ChildProcess;
}

const started: Started = { dirs: [] };
let cleaning: Promise<void> | undefined;

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Stops everything this process started and removes its temporary folders. Safe to call twice. */
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    started.child?.kill('SIGKILL');
    started.echo?.kill('SIGKILL');
    const stops: Array<Promise<void>> = [];
    if (started.etcd) stops.push(started.etcd.stop().catch((e: Error) => say(`stopping etcd: ${e.message}`)));
    if (started.quorumkv) stops.push(started.quorumkv.stopAll(5_000).catch((e: Error) => say(`stopping quorumkv: ${e.message}`)));
    if (started.quorumkvTls) stops.push(started.quorumkvTls.stopAll(5_000).catch((e: Error) => say(`stopping quorumkv (TLS): ${e.message}`)));
    await Promise.all(stops);
    for (const dir of started.dirs) rmSync(dir, { recursive: true, force: true });
  })();
  return cleaning;
}

/** Last resort when the process exits without cleanup (an uncaught error): no child outlives it. */
function killSync(): void {
  started.child?.kill('SIGKILL');
  started.echo?.kill('SIGKILL');
  started.etcd?.killNow();
  started.quorumkv?.killNow();
  started.quorumkvTls?.killNow();
}

function ensureEtcd(): string {
  const found = etcdVersion();
  if (found) return found;
  const root = process.getuid?.() === 0;
  const sudo = root ? [] : ['sudo', '-n'];
  say('etcd is not installed: installing Debian\'s etcd-server package with apt-get');
  for (const args of [['apt-get', 'update'], ['apt-get', 'install', '-y', 'etcd-server']]) {
    const command = [...sudo, ...args];
    say(`$ ${command.join(' ')}`);
    const run = spawnSync(command[0], command.slice(1), { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (run.status !== 0) throw new Error(`\`${command.join(' ')}\` failed (${run.error?.message ?? `exit ${run.status}`}); install etcd (3.4 or newer) yourself or set ETCD_BIN`);
  }
  const installed = etcdVersion();
  if (!installed) throw new Error('etcd-server was installed but `etcd --version` still fails');
  return installed;
}

function machine(etcd: string, dataDir: string): Array<[string, string]> {
  const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  const cpu = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? 'unknown';
  return [
    ['CPUs (nproc)', String(availableParallelism())],
    ['CPU model', cpu],
    ['memory', `${(totalmem() / 2 ** 30).toFixed(1)} GiB`],
    ['node', process.version],
    ['etcd', etcd],
    ['data directories on', filesystemOf(dataDir)],
    ['load average at the end (1, 5, 15 min)', loadavg().map((l) => l.toFixed(2)).join(', ')],
  ];
}

/** The filesystem type of the mount holding `path` (tmpfs would make fsync free for both stores). */
function filesystemOf(path: string): string {
  try {
    const mounts = readFileSync('/proc/mounts', 'utf8').split('\n').map((line) => line.split(' ')).filter((f) => f.length > 2);
    const best = mounts.filter(([, point]) => path === point || path.startsWith(point.endsWith('/') ? point : `${point}/`)).sort((a, b) => b[1].length - a[1].length)[0];
    return best ? `${best[2]} (${best[1]})` : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** One `quorumkv bench --json` in a child process; its progress lines are shown with `label`. */
function benchOnce(args: string[], label: string): Promise<BenchResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_ENTRY, 'bench', ...args, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    started.child = child;
    let stdout = '';
    const stderrTail: string[] = [];
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      if (stdout.length < 1_000_000) stdout += chunk;
    });
    createInterface({ input: child.stderr! }).on('line', (line) => {
      stderrTail.push(line);
      if (stderrTail.length > 20) stderrTail.shift();
      if (process.stdout.isTTY) process.stdout.write(`\r${label} ${line}\x1b[K`);
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      started.child = undefined;
      if (process.stdout.isTTY) process.stdout.write('\r\x1b[K');
      try {
        if (code !== 0) throw new Error(`exit ${signal ?? code}`);
        resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '') as BenchResult);
      } catch (error) {
        reject(new Error(`bench ${args.join(' ')} failed (${(error as Error).message}): ${stderrTail.join(' | ')}`));
      }
    });
  });
}

function commandLine(argv: string[]): string {
  const quoted = argv.map((a) => (/^[\w.,=:/-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
  if (process.env.npm_lifecycle_event === 'bench:compare') return `npm run build && npm run bench:compare${quoted ? ` -- ${quoted}` : ''}`;
  return `node dist/src/bench/compare.js ${quoted}`.trim();
}

async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        rounds: { type: 'string' },
        duration: { type: 'string' },
        warmup: { type: 'string' },
        workloads: { type: 'string' },
        'no-docs': { type: 'boolean' },
        capacity: { type: 'boolean' },
        requests: { type: 'string' },
        connections: { type: 'string' },
        streams: { type: 'string' },
        'value-size': { type: 'string' },
        sweep: { type: 'string' },
        tls: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`error: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) return say(USAGE), 0;
  const fail = (message: string) => (process.stderr.write(`error: ${message}\n${USAGE}\n`), 2);
  if (values.capacity) return capacityMain(argv, values, fail);
  const rounds = Number(values.rounds ?? '3');
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > MAX_ROUNDS) return fail(`--rounds must be an integer from 1 to ${MAX_ROUNDS}`);
  const duration = values.duration ?? '5s';
  const warmup = values.warmup ?? '2s';
  try {
    parseDurationMs('--duration', duration);
    parseDurationMs('--warmup', warmup);
  } catch (error) {
    return fail((error as Error).message);
  }
  const chosen = values.workloads ? values.workloads.split(',').map((w) => w.trim()) : COMPARE_WORKLOADS.map((w) => w.name);
  const unknown = chosen.filter((name) => !COMPARE_WORKLOADS.some((w) => w.name === name));
  if (unknown.length > 0) return fail(`unknown workload(s) ${unknown.join(', ')}; known: ${COMPARE_WORKLOADS.map((w) => w.name).join(', ')}`);
  const workloads = COMPARE_WORKLOADS.filter((w) => chosen.includes(w.name));

  const version = ensureEtcd();
  const base = mkdtempSync(join(tmpdir(), 'quorumkv-compare-'));
  started.dirs.push(base);
  say(`data under ${base}`);
  const { etcd, quorumkv, failed } = await startBoth(base, 0);
  const gateway = quorumkv.topology.gateway.listen;

  const endpoints = { quorumkv: ['--endpoint', gateway], etcd: ['--target', 'etcd', '--endpoints', etcd.endpoints.join(',')] };
  const runs: CompareRun[] = [];
  const total = workloads.length * rounds * 2;
  for (const workload of workloads) {
    for (let round = 1; round <= rounds; round++) {
      for (const target of ['quorumkv', 'etcd'] as const) {
        if (failed()) throw new Error(failed());
        const label = `[run ${runs.length + 1}/${total}] ${workload.name} round ${round}/${rounds} ${target}`;
        const args = [...workload.args, ...COMMON_ARGS.filter((a, i, all) => !workload.args.includes(all[i - (i % 2)])), ...endpoints[target], '--duration', duration, '--warmup', warmup];
        try {
          const result = await benchOnce(args, label);
          runs.push({ workload: workload.name, round, target, result });
          const errors = Object.values(result.errors).reduce((a, b) => a + b, 0);
          say(`${label}: ${Math.round(result.throughput)} ops/s, p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms, errors ${errors}${result.conflictRate === undefined ? '' : `, conflicts ${(result.conflictRate * 100).toFixed(1)}%`}`);
        } catch (error) {
          runs.push({ workload: workload.name, round, target, failure: (error as Error).message });
          say(`${label}: FAILED: ${(error as Error).message}`);
        }
      }
    }
  }

  const rows = ratioRows(workloads.map((w) => w.name), runs);
  say('');
  say('quorumkv / etcd, median of the pairs:');
  say(textTable(rows));
  const date = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const settings =
    `Every run: \`--duration ${duration} --warmup ${warmup} ${COMMON_ARGS.join(' ')}\` unless the workload says otherwise; ${rounds} round(s). ` +
    'etcd: 3 members (Debian\'s etcd-server, default flags: fsync on). quorumkv: 3 storage voters, 2 writer nodes and a gateway ' +
    '(the bench talks to the gateway; to etcd it talks to all three members). Everything, the load generator included, shares this machine.';
  if (!values['no-docs']) {
    const docs = join(PACKAGE_ROOT, 'docs');
    mkdirSync(docs, { recursive: true });
    const file = join(docs, 'BENCHMARKS.md');
    const section = markdownSection({ date, command: commandLine(argv), machine: machine(version, base), settings, workloads, rows, runs });
    writeFileSync(file, mergeSection(existsSync(file) ? readFileSync(file, 'utf8') : undefined, section));
    writeFileSync(join(docs, 'benchmarks.svg'), svgChart(rows, `${date}, ${availableParallelism()} CPUs, ${rounds} round(s) of ${duration}`));
    say(`wrote ${file} and ${join(docs, 'benchmarks.svg')}`);
  }
  return runs.some((r) => !r.result) ? 1 : 0;
}

/** Starts etcd (3 members) and quorumkv (3 storage voters, 2 writers, 2 readers, a gateway). */
async function startBoth(base: string, readers: number): Promise<{ etcd: EtcdCluster; quorumkv: LocalCluster; failed: () => string | undefined }> {
  say('starting etcd: 3 members on loopback');
  started.etcd = await EtcdCluster.start(join(base, 'etcd'), { members: 3 });
  say(`etcd ready at ${started.etcd.endpoints.join(',')}`);
  say(`starting quorumkv: 3 storage voters, 2 writers, ${readers} readers, 1 gateway`);
  let unexpected: string | undefined;
  const quorumkv = new LocalCluster(await loopbackTopology({ storage: 3, writers: 2, readers }, 'bench'), join(base, 'quorumkv'), {
    output: 'files',
    // Plaintext, as the etcd beside it runs and as h2load (no client certificates) can drive it.
    security: 'insecure',
    onUnexpectedExit: (name, code, signal) => {
      unexpected = `${name} exited unexpectedly (${signal ?? code}); its log is in ${join(base, 'quorumkv', 'logs')}`;
      say(unexpected);
    },
  });
  started.quorumkv = quorumkv;
  quorumkv.startAll();
  await quorumkv.waitReady();
  say(`quorumkv ready at ${quorumkv.topology.gateway.listen} (reader endpoint ${quorumkv.topology.gateway.readerListen})`);
  return { etcd: started.etcd, quorumkv, failed: () => unexpected };
}

/** A second quorumkv cluster of the same shape with TLS on every link; client certificates off, for h2load. */
async function startTlsQuorumkv(base: string): Promise<LocalCluster> {
  say('starting quorumkv with TLS: 3 storage voters, 2 writers, 2 readers, 1 gateway');
  const cluster = new LocalCluster(await loopbackTopology({ storage: 3, writers: 2, readers: 2 }, 'bench-tls'), join(base, 'quorumkv-tls'), {
    output: 'files',
    security: 'tls',
    clientCertAuth: false,
    onUnexpectedExit: (name, code, signal) => say(`${name} (TLS cluster) exited unexpectedly (${signal ?? code}); its log is in ${join(base, 'quorumkv-tls', 'logs')}`),
  });
  started.quorumkvTls = cluster;
  cluster.startAll();
  await cluster.waitReady();
  say(`quorumkv (TLS) ready at ${cluster.topology.gateway.listen}`);
  return cluster;
}

/** The capacity mode: h2load against both stores and the echo floor; CPU per successful op by role. */
async function capacityMain(argv: string[], values: Record<string, string | boolean | undefined>, fail: (message: string) => number): Promise<number> {
  const integer = (name: string, fallback: number, min: number, max: number) => {
    const value = Number(values[name] ?? fallback);
    return Number.isInteger(value) && value >= min && value <= max ? value : undefined;
  };
  const options = {
    rounds: integer('rounds', 1, 1, MAX_ROUNDS),
    requests: integer('requests', 3000, 100, 10_000_000),
    connections: integer('connections', 8, 1, 1000),
    streams: integer('streams', 8, 1, 1000),
    valueBytes: integer('value-size', 256, 0, 1024 * 1024),
  };
  for (const [name, value] of Object.entries(options)) if (value === undefined) return fail(`--${name} is out of range or not an integer`);
  const workloads = (typeof values.workloads === 'string' ? values.workloads.split(',').map((w) => w.trim()) : CAPACITY_WORKLOADS) as CapacityWorkload[];
  const unknown = workloads.filter((w) => !CAPACITY_WORKLOADS.includes(w));
  if (unknown.length > 0) return fail(`unknown capacity workload(s) ${unknown.join(', ')}; known: ${CAPACITY_WORKLOADS.join(', ')}`);
  let sweep: Sweep | undefined;
  try {
    sweep = typeof values.sweep === 'string' ? parseSweep(values.sweep) : undefined;
  } catch (error) {
    return fail((error as Error).message);
  }
  const version = ensureEtcd();
  const base = mkdtempSync(join(tmpdir(), 'quorumkv-capacity-'));
  started.dirs.push(base);
  const stores = { ...(await startBoth(base, 2)), quorumkvTls: values.tls ? await startTlsQuorumkv(base) : undefined };
  const [echoPort] = await freePorts(1);
  started.echo = await startEcho(echoPort);
  const resolved = { ...(options as { [K in keyof typeof options]: number }), workloads };
  const echo = { port: echoPort, pid: started.echo.pid! };
  if (sweep) return sweepMain(sweep, stores, echo, resolved, base, values['no-docs'] === true);
  const rows = await runCapacity(stores, echo, resolved, base, say);
  if (stores.failed()) throw new Error(stores.failed());
  say('');
  say(capacityTable(rows));
  if (!values['no-docs']) {
    const date = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const file = join(PACKAGE_ROOT, 'docs', 'BENCHMARKS.md');
    const section = capacitySection({ date, command: commandLine(argv), machine: machine(version, base), options: resolved, rows });
    writeFileSync(file, mergeSection(existsSync(file) ? readFileSync(file, 'utf8') : undefined, section, '# Benchmarks', [CAPACITY_BEGIN, CAPACITY_END]));
    say(`wrote ${file}`);
  }
  return rows.some((r) => r.errors > 0) ? 1 : 0;
}

/** `--capacity --sweep`: the capacity runs at every value of one axis, as a table and an SVG in docs/. */
async function sweepMain(sweep: Sweep, stores: Awaited<ReturnType<typeof startBoth>>, echo: { port: number; pid: number }, options: CapacityOptions, dir: string, noDocs: boolean): Promise<number> {
  const points: SweepPoint[] = [];
  for (const [i, value] of sweep.values.entries()) {
    say(`sweep ${sweep.axis}=${value} (${i + 1} of ${sweep.values.length})`);
    points.push({ value, rows: await runCapacity(stores, echo, optionsAt(options, sweep, value), dir, say) });
    if (stores.failed()) throw new Error(stores.failed());
  }
  say('');
  say(sweepTable(sweep, points));
  // With --no-docs the chart goes beside the other temporary files, but outside the run's own directory, which is removed.
  const file = join(noDocs ? tmpdir() : join(PACKAGE_ROOT, 'docs'), `capacity-sweep-${sweep.axis}.svg`);
  writeFileSync(file, sweepChart(sweep, points, `server CPU per successful op by ${sweep.axis} (${new Date().toISOString().slice(0, 10)})`));
  say(`wrote ${file}`);
  return points.some((p) => p.rows.some((r) => r.errors > 0)) ? 1 : 0;
}

process.once('exit', killSync);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    say(`\n${signal}: stopping everything this comparison started`);
    cleanup().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  });
}

main(process.argv.slice(2)).then(
  async (code) => {
    say('stopping etcd and quorumkv');
    await cleanup();
    process.exit(code);
  },
  async (error: Error) => {
    process.stderr.write(`error: ${error.message}\n`);
    await cleanup();
    process.exit(1);
  },
);
