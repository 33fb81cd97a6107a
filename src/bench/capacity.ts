import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import * as http2 from 'node:http2';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { KV } from '../proto/services.js';
import { PACKAGE_ROOT } from '../proto/root.js';
import { grpcFrame, rawCall } from '../rpc/raw-grpc.js';
import type { LocalCluster } from '../up/local-cluster.js';
import type { EtcdCluster } from './etcd-cluster.js';
import { runH2load } from './h2load.js';
import { cpuOfAll } from './proc-cpu.js';

// bench:compare --capacity: what each server process spends per successful request, driven by
// h2load (a native load generator, so its own cost hides nothing) with pre-encoded gRPC frames.
// The same PutRequest and RangeRequest bytes serve quorumkv and etcd: their field numbers match.
//
// - Only successes count: applied writes are the revision delta, successful reads the servers'
//   own counters of OK answers. h2load counts HTTP 200 whatever the grpc-status.
// - The cost is ΔCPU/Δops between a run of N requests and one of 2N, so start-up, connection set-up
//   and warm-up cancel. CPU is utime+stime from /proc/PID/stat, per process, summed by role.
// - A warm-up run of N requests comes first and is not counted (JIT, connections, caches).
// - With --tls, a second quorumkv cluster runs with TLS at its endpoints and on every internal
//   link (client certificates off, since h2load presents none), as target quorumkv-tls.
// - Idle work (heartbeats, health checks, polls) grows with time, not with requests: each
//   process's idle CPU rate is measured right before each scenario's runs and its share over
//   the extra time the long run took is taken off, so a slow run is not charged for the clock.
//   Both figures are reported.
// - The floor, in the same run: a bare node:http2 server answering a constant (echo-server.ts).

export type CapacityWorkload = 'put' | 'get-linearizable' | 'get-serializable';
export const CAPACITY_WORKLOADS: CapacityWorkload[] = ['put', 'get-linearizable', 'get-serializable'];
const KEY = Buffer.from('bench/capacity');
const QUORUMKV_PREFIX = '/quorumkv.v1.KV/';
const ETCD_PREFIX = '/etcdserverpb.KV/';

export interface CapacityOptions {
  /** Requests in the short run; the long run sends twice as many. */
  requests: number;
  connections: number;
  /** Concurrent streams per connection. */
  streams: number;
  valueBytes: number;
  rounds: number;
  workloads: CapacityWorkload[];
}

interface ServerProcess {
  name: string;
  pid: number;
  role: () => Promise<string>;
}

interface Scenario {
  target: 'quorumkv' | 'quorumkv-tls' | 'etcd' | 'echo';
  workload: CapacityWorkload | 'echo';
  via: 'endpoint' | 'direct';
  urls: string[];
  body: Buffer;
  /** Successes so far, counted on the server side. */
  successes: () => Promise<number>;
  processes: ServerProcess[];
  /** Told how many HTTP 200 answers a run got (the echo server counts nothing itself). */
  answered?: (count: number) => void;
}

export interface CapacityRow {
  target: string;
  workload: string;
  via: string;
  round: number;
  opsPerSecond: number;
  meanLatencyMs: number;
  /** Requests sent minus successes, over both runs. */
  errors: number;
  /** µs of CPU per successful op, by role (several processes of a role are summed), idle work taken off. */
  cpuByRole: Record<string, number>;
  /** The same, idle work included. */
  grossByRole: Record<string, number>;
  grossCpuUs: number;
  /** Idle CPU rate by role while the scenario ran, µs per second. */
  idleByRole: Record<string, number>;
  serverCpuUs: number;
  loadGeneratorCpuUs: number;
}

/** CPU of the children this process has waited for (h2load runs), µs: cutime + cstime. */
function reapedChildrenCpuMicros(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[13]) + Number(fields[14])) * 1_000_000) / 100;
}

/** Sum of the samples of `metric` whose labels include every pair in `labels`, over `urls`. */
export async function metricSum(urls: string[], metric: string, labels: Record<string, string>): Promise<number> {
  let sum = 0;
  for (const url of urls) {
    const text = await (await fetch(url, { signal: AbortSignal.timeout(5_000) })).text();
    for (const line of text.split('\n')) {
      if (!line.startsWith(`${metric}{`) && !line.startsWith(`${metric} `)) continue;
      if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return sum;
}

/** An HTTP/2 session to `address`: TLS trusting `ca` when given (no client certificate), else plaintext. */
function sessionTo(address: string, ca: Buffer | undefined): http2.ClientHttp2Session {
  return ca ? http2.connect(`https://${address}`, { ca, checkServerIdentity: () => undefined }) : http2.connect(`http://${address}`);
}

async function revisionAt(address: string, path: string, ca?: Buffer): Promise<number> {
  const session = sessionTo(address, ca);
  const answer = await rawCall(address, path, grpcFrame(KV.service.Range.requestSerialize({ key: KEY })), {}, session).finally(() => session.close());
  if (answer.grpcStatus !== 0 || answer.messages.length !== 1) throw new Error(`reading the revision at ${address}: grpc-status ${answer.grpcStatus} ${answer.grpcMessage}`);
  return Number(KV.service.Range.responseDeserialize(answer.messages[0]).header!.revision);
}

function bodies(valueBytes: number): Record<CapacityWorkload, Buffer> {
  return {
    put: grpcFrame(KV.service.Put.requestSerialize({ key: KEY, value: Buffer.alloc(valueBytes, 'v') })),
    'get-linearizable': grpcFrame(KV.service.Range.requestSerialize({ key: KEY })),
    'get-serializable': grpcFrame(KV.service.Range.requestSerialize({ key: KEY, serializable: true })),
  };
}

/** The CA a TLS cluster's clients trust, or undefined for a plaintext one. */
function trustedCa(cluster: LocalCluster): Buffer | undefined {
  const tls = cluster.clientTls();
  return tls ? readFileSync(tls.trustedCaFile) : undefined;
}

function quorumkvScenarios(cluster: LocalCluster, valueBytes: number, target: 'quorumkv' | 'quorumkv-tls'): Scenario[] {
  const t = cluster.topology;
  const ca = trustedCa(cluster);
  const role = (name: string, fixed?: string) => async () => {
    if (fixed) return fixed;
    const storage = t.storage.find((s) => s.id === name)!;
    return (await metricSum([`http://${storage.metrics}/metrics`], 'quorumkv_raft_is_leader', {})) === 1 ? 'storage leader' : 'storage followers';
  };
  const processes: ServerProcess[] = [
    { name: t.gateway.id, pid: cluster.pidOf(t.gateway.id)!, role: role(t.gateway.id, 'gateway') },
    ...t.writers.map((w) => ({ name: w.id, pid: cluster.pidOf(w.id)!, role: role(w.id, 'writers') })),
    ...t.readers.map((r) => ({ name: r.id, pid: cluster.pidOf(r.id)!, role: role(r.id, 'readers') })),
    ...t.storage.map((s) => ({ name: s.id, pid: cluster.pidOf(s.id)!, role: role(s.id) })),
  ];
  const nodeMetrics = [...t.writers, ...t.readers].map((n) => `http://${n.metrics}/metrics`);
  const reads = () => metricSum(nodeMetrics, 'quorumkv_grpc_requests_total', { method: 'KV/Range', code: 'OK' });
  const writes = () => revisionAt(t.gateway.listen, `${QUORUMKV_PREFIX}Range`, ca);
  const body = bodies(valueBytes);
  const url = (address: string, method: string) => `${ca ? 'https' : 'http'}://${address}${QUORUMKV_PREFIX}${method}`;
  const readNodes = t.readers.length > 0 ? t.readers : t.writers;
  const all = (workload: CapacityWorkload, via: Scenario['via'], urls: string[]): Scenario => ({
    target, workload, via, urls, body: body[workload], successes: workload === 'put' ? writes : reads, processes,
  });
  return [
    all('put', 'endpoint', [url(t.gateway.listen, 'Put')]),
    all('put', 'direct', t.writers.map((w) => url(w.listen, 'Put'))),
    all('get-linearizable', 'endpoint', [url(t.gateway.listen, 'Range')]),
    all('get-linearizable', 'direct', readNodes.map((r) => url(r.listen, 'Range'))),
    all('get-serializable', 'endpoint', [url(t.gateway.readerListen ?? t.gateway.listen, 'Range')]),
    all('get-serializable', 'direct', readNodes.map((r) => url(r.listen, 'Range'))),
  ];
}

function etcdScenarios(etcd: EtcdCluster, valueBytes: number): Scenario[] {
  const metrics = etcd.endpoints.map((e) => `http://${e}/metrics`);
  const processes: ServerProcess[] = etcd.pids.map((pid, i) => ({
    name: `etcd${i + 1}`,
    pid,
    role: async () => ((await metricSum([metrics[i]], 'etcd_server_is_leader', {})) === 1 ? 'etcd leader' : 'etcd followers'),
  }));
  const reads = () => metricSum(metrics, 'grpc_server_handled_total', { grpc_method: 'Range', grpc_code: 'OK' });
  const writes = () => revisionAt(etcd.endpoints[0], `${ETCD_PREFIX}Range`);
  const body = bodies(valueBytes);
  const url = (address: string, method: string) => `http://${address}${ETCD_PREFIX}${method}`;
  const scenario = (workload: CapacityWorkload, via: Scenario['via']): Scenario => ({
    target: 'etcd',
    workload,
    via,
    urls: (via === 'endpoint' ? etcd.endpoints.slice(0, 1) : etcd.endpoints).map((e) => url(e, workload === 'put' ? 'Put' : 'Range')),
    body: body[workload],
    successes: workload === 'put' ? writes : reads,
    processes,
  });
  return CAPACITY_WORKLOADS.flatMap((w) => [scenario(w, 'endpoint'), scenario(w, 'direct')]);
}

/** The bare node:http2 echo server, in its own process; resolves when it listens. */
export function startEcho(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [join(PACKAGE_ROOT, 'dist', 'src', 'bench', 'echo-server.js'), String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the echo server exited (${code})`)));
    createInterface({ input: child.stdout! }).once('line', () => resolve(child));
  });
}

function echoScenario(port: number, pid: number): Scenario {
  let answered = 0;
  return {
    target: 'echo',
    workload: 'echo',
    via: 'direct',
    urls: [`http://127.0.0.1:${port}/bench.Echo/Echo`],
    body: grpcFrame(Buffer.from([0x0a, 0x01, 0x61])),
    // Every HTTP 200 from the echo server carries grpc-status 0.
    successes: async () => answered,
    processes: [{ name: 'echo', pid, role: async () => 'echo' }],
    answered: (count) => (answered += count),
  };
}

interface Measured {
  ops: number;
  sent: number;
  seconds: number;
  meanLatencyMs: number;
  cpu: Map<string, number>;
  loadCpu: number;
}

async function measure(scenario: Scenario, requests: number, options: CapacityOptions, bodyFile: string): Promise<Measured> {
  const pids = new Map(scenario.processes.map((p) => [p.name, p.pid]));
  const perUrl = Math.ceil(requests / scenario.urls.length);
  const connections = Math.max(1, Math.round(options.connections / scenario.urls.length));
  const countBefore = await scenario.successes();
  const cpuBefore = cpuOfAll(pids);
  const loadBefore = reapedChildrenCpuMicros();
  const results = await Promise.all(scenario.urls.map((url) => runH2load({ url, bodyFile, requests: perUrl, connections, streams: options.streams })));
  const cpuAfter = cpuOfAll(pids);
  const loadCpu = reapedChildrenCpuMicros() - loadBefore;
  const http200 = results.reduce((a, r) => a + r.http200, 0);
  scenario.answered?.(http200);
  const ops = (await scenario.successes()) - countBefore;
  const cpu = new Map([...cpuAfter].map(([name, micros]) => [name, micros - cpuBefore.get(name)!]));
  return {
    ops,
    sent: perUrl * scenario.urls.length,
    seconds: Math.max(...results.map((r) => r.seconds)),
    meanLatencyMs: results.reduce((a, r) => a + r.meanLatencyMs, 0) / results.length,
    cpu,
    loadCpu,
  };
}

/** µs of CPU per second each process spends with no requests, over `ms`. */
async function idleRates(pids: ReadonlyMap<string, number>, ms: number): Promise<Map<string, number>> {
  const before = cpuOfAll(pids);
  const started = Date.now();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const after = cpuOfAll(pids);
  const seconds = (Date.now() - started) / 1000;
  return new Map([...after].map(([name, micros]) => [name, (micros - before.get(name)!) / seconds]));
}

const IDLE_WINDOW_MS = 3_000;

async function runScenario(scenario: Scenario, options: CapacityOptions, dir: string, round: number): Promise<CapacityRow> {
  const bodyFile = join(dir, `${scenario.target}-${scenario.workload}.bin`);
  writeFileSync(bodyFile, scenario.body);
  await measure(scenario, options.requests, options, bodyFile);
  const idle = await idleRates(new Map(scenario.processes.map((p) => [p.name, p.pid])), IDLE_WINDOW_MS);
  const short = await measure(scenario, options.requests, options, bodyFile);
  const long = await measure(scenario, options.requests * 2, options, bodyFile);
  const deltaOps = long.ops - short.ops;
  const perOp = (micros: number) => (deltaOps > 0 ? micros / deltaOps : NaN);
  const cpuByRole: Record<string, number> = {};
  const grossByRole: Record<string, number> = {};
  const idleByRole: Record<string, number> = {};
  for (const process of scenario.processes) {
    const role = await process.role();
    const delta = long.cpu.get(process.name)! - short.cpu.get(process.name)!;
    const rate = idle.get(process.name) ?? 0;
    grossByRole[role] = (grossByRole[role] ?? 0) + perOp(delta);
    idleByRole[role] = (idleByRole[role] ?? 0) + rate;
    cpuByRole[role] = (cpuByRole[role] ?? 0) + perOp(delta - rate * (long.seconds - short.seconds));
  }
  return {
    target: scenario.target,
    workload: scenario.workload,
    via: scenario.via,
    round,
    opsPerSecond: long.ops / long.seconds,
    meanLatencyMs: long.meanLatencyMs,
    errors: short.sent - short.ops + long.sent - long.ops,
    cpuByRole,
    serverCpuUs: Object.values(cpuByRole).reduce((a, b) => a + b, 0),
    grossByRole,
    grossCpuUs: Object.values(grossByRole).reduce((a, b) => a + b, 0),
    idleByRole,
    loadGeneratorCpuUs: perOp(long.loadCpu - short.loadCpu),
  };
}

/** Every scenario, quorumkv and etcd alternating (A B A B), the echo floor once per round. */
export async function runCapacity(
  stores: { quorumkv: LocalCluster; etcd: EtcdCluster; quorumkvTls?: LocalCluster },
  echo: { port: number; pid: number },
  options: CapacityOptions,
  dir: string,
  say: (line: string) => void,
): Promise<CapacityRow[]> {
  const seed = grpcFrame(KV.service.Put.requestSerialize({ key: KEY, value: Buffer.alloc(options.valueBytes, 'v') }));
  const seeds: Array<[string, string, Buffer | undefined]> = [
    [stores.quorumkv.topology.gateway.listen, `${QUORUMKV_PREFIX}Put`, undefined],
    [stores.etcd.endpoints[0], `${ETCD_PREFIX}Put`, undefined],
    ...(stores.quorumkvTls ? [[stores.quorumkvTls.topology.gateway.listen, `${QUORUMKV_PREFIX}Put`, trustedCa(stores.quorumkvTls)] as [string, string, Buffer | undefined]] : []),
  ];
  for (const [address, path, ca] of seeds) {
    const session = sessionTo(address, ca);
    const answer = await rawCall(address, path, seed, {}, session).finally(() => session.close());
    if (answer.grpcStatus !== 0) throw new Error(`seeding ${address}: grpc-status ${answer.grpcStatus} ${answer.grpcMessage}`);
  }
  const q = quorumkvScenarios(stores.quorumkv, options.valueBytes, 'quorumkv');
  const e = etcdScenarios(stores.etcd, options.valueBytes);
  const qTls = stores.quorumkvTls ? quorumkvScenarios(stores.quorumkvTls, options.valueBytes, 'quorumkv-tls') : undefined;
  const rows: CapacityRow[] = [];
  const report = (row: CapacityRow) => {
    rows.push(row);
    const roles = Object.entries(row.cpuByRole).map(([role, us]) => `${role} ${Math.round(us)} (gross ${Math.round(row.grossByRole[role])}, idle ${Math.round(row.idleByRole[role] / 1000)} ms/s)`).join(', ');
    say(`${row.target} ${row.workload} ${row.via} round ${row.round}: ${Math.round(row.opsPerSecond)} ops/s, errors ${row.errors}, server CPU ${Math.round(row.serverCpuUs)} µs/op (${roles}; idle included ${Math.round(row.grossCpuUs)}), h2load ${Math.round(row.loadGeneratorCpuUs)} µs/op`);
  };
  for (let round = 1; round <= options.rounds; round++) {
    report(await runScenario(echoScenario(echo.port, echo.pid), options, dir, round));
    for (let i = 0; i < q.length; i++) {
      if (!options.workloads.includes(q[i].workload as CapacityWorkload)) continue;
      report(await runScenario(q[i], options, dir, round));
      report(await runScenario(e[i], options, dir, round));
      if (qTls) report(await runScenario(qTls[i], options, dir, round));
    }
  }
  return rows;
}
