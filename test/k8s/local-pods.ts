import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, cpSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { protoPath } from 'grpc-health-check';
import { CLI_ENTRY } from '../../src/proto/root.js';
import { commandLine, containerEnv, selects, type SamplePod } from './pods.js';
import type { K8sObject } from './render.js';

// Runs a rendered overlay's pods as local processes, as a kubelet on one machine would:
// - every pod gets its own loopback address (127.A.B.11, .12, ...), so every pod keeps the ports its
//   manifest declares, and `0.0.0.0` (all of the pod's interfaces) becomes that address;
// - POD_NAME, POD_IP, labels and ConfigMap values come from the pod's identity, as the downward API
//   gives them; `$(VAR)` in args is expanded as the kubelet expands it;
// - the DNS names a headless Service gives StatefulSet pods (POD.SERVICE[.NAMESPACE[.svc[.cluster.local]]])
//   resolve to those pods' addresses; any other host name left in the args is an error;
// - every volume mount is a fresh directory of its own, and paths under a mount in the args point there;
//   a Secret volume holds the Secret's keys, from the folders k8s/make-certs.sh writes;
// - readiness is the container's own readinessProbe (gRPC health with its service name, or HTTP GET),
//   plus /readyz when the process serves metrics.

export interface Probe {
  what: string;
  check(timeoutMs: number): Promise<{ ok: boolean; reason: string }>;
}

export interface LocalPod {
  name: string;
  workload: K8sObject;
  labels: Record<string, string>;
  spec: any;
  container: any;
  ip: string;
  /** Arguments after the image's entry point, rewritten for this machine. */
  args: string[];
  env: Record<string, string>;
  /** Container mount path → the directory that stands for the volume here. */
  mounts: Record<string, string>;
  readiness: Probe[];
  graceMs: number;
}

export interface PlanOptions {
  /** The first three octets of the pods' loopback addresses, e.g. "127.31.7". */
  subnet: string;
  /** Where the pods' volumes and logs go. */
  root: string;
  /** The image's ENTRYPOINT, which local processes replace with `node dist/src/cli/main.js`. */
  entrypoint: string[];
  /** At most this many pods per Deployment (StatefulSets always run every replica: they are the quorum). */
  maxDeploymentReplicas: number;
  /** One folder per Secret (its keys as files), as k8s/make-certs.sh writes them: Secret volumes are filled from there. */
  secretsDir?: string;
}

/** The pods the overlay's workloads would create, each mapped onto this machine. */
export function planLocalPods(objects: K8sObject[], options: PlanOptions): LocalPod[] {
  const identities: SamplePod[] = [];
  const statefulSets = objects.filter((o) => o.kind === 'StatefulSet');
  const deployments = objects.filter((o) => o.kind === 'Deployment');
  for (const w of statefulSets) {
    for (let i = 0; i < (w.spec.replicas ?? 1); i++) identities.push(identity(w, `${w.metadata.name}-${i}`));
  }
  for (const w of deployments) {
    const hpa = objects.find((o) => o.kind === 'HorizontalPodAutoscaler' && o.spec.scaleTargetRef.kind === 'Deployment' && o.spec.scaleTargetRef.name === w.metadata.name);
    const replicas = Math.min(w.spec.replicas ?? hpa?.spec.minReplicas ?? 1, options.maxDeploymentReplicas);
    for (let i = 0; i < replicas; i++) identities.push(identity(w, `${w.metadata.name}-5f7c9d8b4-${'abcde'[i % 5]}${i}x7k`));
  }
  if (identities.length > 240) throw new Error(`${identities.length} pods do not fit in one loopback /24`);
  const ips = new Map(identities.map((p, i) => [p.name, `${options.subnet}.${11 + i}`]));

  // Headless Services' per-pod DNS names → pod addresses.
  const dns = new Map<string, string>();
  for (const w of statefulSets) {
    const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === w.spec.serviceName);
    if (!service || service.spec.clusterIP !== 'None') continue;
    const namespace = w.metadata.namespace ?? 'default';
    for (const pod of identities.filter((p) => p.workload === w)) {
      const base = `${pod.name}.${service.metadata.name}`;
      for (const name of [base, `${base}.${namespace}`, `${base}.${namespace}.svc`, `${base}.${namespace}.svc.cluster.local`]) dns.set(name, ips.get(pod.name)!);
    }
  }

  return identities.flatMap((pod) => {
    const ip = ips.get(pod.name)!;
    return (pod.spec.containers as any[]).map((container) => {
      const where = `${pod.name}/${container.name}`;
      const env = containerEnv(pod, container, objects, ip);
      const { command, args } = commandLine(container, env, options.entrypoint);
      if (JSON.stringify(command) !== JSON.stringify(options.entrypoint)) throw new Error(`${where}: runs ${command.join(' ')}, not the image's entry point`);
      const podDir = join(options.root, pod.name);
      const mounts: Record<string, string> = {};
      for (const mount of container.volumeMounts ?? []) {
        mounts[mount.mountPath] = join(podDir, 'volumes', mount.name);
        mkdirSync(mounts[mount.mountPath], { recursive: true });
        const secret = (pod.spec.volumes ?? []).find((v: any) => v.name === mount.name)?.secret?.secretName as string | undefined;
        if (secret) {
          const from = options.secretsDir && join(options.secretsDir, secret);
          if (!from || !existsSync(from)) throw new Error(`${where}: mounts Secret ${secret}, which is not in ${options.secretsDir ?? '(no secretsDir given)'}`);
          cpSync(from, mounts[mount.mountPath], { recursive: true });
        }
      }
      const rewritten = args.map((arg) => rewriteArg(arg, ip, dns, mounts));
      for (const arg of rewritten) {
        for (const host of hostsIn(arg)) {
          if (isIP(host) === 0) throw new Error(`${where}: ${arg} names ${host}, which is no pod's DNS name (mapped: ${[...dns.keys()].filter((n) => !n.includes('.svc')).join(', ')})`);
        }
      }
      const processEnv: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: mounts['/tmp'] ?? podDir };
      if (mounts['/tmp']) processEnv.TMPDIR = mounts['/tmp'];
      for (const [name, value] of env) processEnv[name] = value;
      return {
        name: pod.name,
        workload: pod.workload,
        labels: pod.labels,
        spec: pod.spec,
        container,
        ip,
        args: rewritten,
        env: processEnv,
        mounts,
        readiness: readinessProbes(container, ip, rewritten, where),
        graceMs: (pod.spec.terminationGracePeriodSeconds ?? 30) * 1000,
      };
    });
  });
}

function identity(workload: K8sObject, name: string): SamplePod {
  const template = workload.spec.template;
  return { workload, name, labels: template.metadata?.labels ?? {}, spec: template.spec };
}

/** `HOST:PORT` host names in an argument's value (lists like `a=h1:1,b=h2:2` included). */
export function hostsIn(arg: string): string[] {
  const value = arg.startsWith('--') && arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : arg;
  return value.split(',').map((part) => part.slice(part.indexOf('=') + 1)).flatMap((part) => {
    const m = /^\[?([A-Za-z0-9.:-]*?)\]?:(\d+)$/.exec(part);
    return m && m[1] !== '' ? [m[1]] : [];
  });
}

function rewriteArg(arg: string, ip: string, dns: Map<string, string>, mounts: Record<string, string>): string {
  let out = arg;
  // Longest names first: a.b.ns.svc must not be taken for a.b followed by text.
  for (const name of [...dns.keys()].sort((a, b) => b.length - a.length)) {
    out = out.replace(new RegExp(`(^|[=,@/])${name.replace(/\./g, '\\.')}(?=:\\d)`, 'g'), (_, before: string) => `${before}${dns.get(name)}`);
  }
  out = out.replace(/(^|[=,])(?:0\.0\.0\.0|\[::\]|::)(?=:\d)/g, (_, before: string) => `${before}${ip}`);
  // One pass, longest mount first: a host directory that happens to start with another mount
  // path (/tmp/...) is never rewritten again.
  const prefix = out.startsWith('--') && out.includes('=') ? out.slice(0, out.indexOf('=') + 1) : '';
  const path = out.slice(prefix.length);
  const mount = Object.keys(mounts).sort((a, b) => b.length - a.length).find((m) => path === m || path.startsWith(`${m}/`));
  return mount ? `${prefix}${mounts[mount]}${path.slice(mount.length)}` : out;
}

function flagValue(args: string[], name: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === `--${name}`) return args[i + 1];
    if (args[i].startsWith(`--${name}=`)) return args[i].slice(name.length + 3);
  }
  return undefined;
}

function containerPort(container: any, port: number | string, where: string): number {
  if (typeof port === 'number') return port;
  const found = (container.ports ?? []).find((p: any) => p.name === port);
  if (!found) throw new Error(`${where}: no container port named ${port}`);
  return found.containerPort;
}

function readinessProbes(container: any, ip: string, args: string[], where: string): Probe[] {
  const probes: Probe[] = [];
  const probe = container.readinessProbe;
  if (probe?.grpc) {
    const address = `${ip}:${containerPort(container, probe.grpc.port, where)}`;
    const service = probe.grpc.service ?? '';
    probes.push({ what: `gRPC health ${address} service "${service}"`, check: (timeoutMs) => grpcHealth(address, service, timeoutMs) });
  } else if (probe?.httpGet) {
    const url = `http://${ip}:${containerPort(container, probe.httpGet.port, where)}${probe.httpGet.path ?? '/'}`;
    probes.push({ what: `GET ${url}`, check: (timeoutMs) => httpOk(url, timeoutMs) });
  } else if (probe) {
    throw new Error(`${where}: the local run does not know this readinessProbe: ${JSON.stringify(probe)}`);
  }
  const metrics = flagValue(args, 'metrics-listen');
  if (metrics && !(probe?.httpGet?.path === '/readyz')) {
    const url = `http://${metrics}/readyz`;
    probes.push({ what: `GET ${url}`, check: (timeoutMs) => httpOk(url, timeoutMs) });
  }
  return probes;
}

async function httpOk(url: string, timeoutMs: number): Promise<{ ok: boolean; reason: string }> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    return { ok: response.status >= 200 && response.status < 400, reason: `${response.status} ${(await response.text()).trim().slice(0, 200)}` };
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
}

const healthDefinition = protoLoader.loadSync(protoPath, { keepCase: true, enums: String, defaults: true });
const HealthClient = grpc.makeClientConstructor(healthDefinition['grpc.health.v1.Health'] as grpc.ServiceDefinition, 'grpc.health.v1.Health');

/** A kubelet gRPC probe: grpc.health.v1 Check with the probe's service name. */
export function grpcHealth(address: string, service: string, timeoutMs: number): Promise<{ ok: boolean; reason: string }> {
  const client = new HealthClient(address, grpc.credentials.createInsecure());
  return new Promise((resolve) => {
    (client as any).check({ service }, { deadline: Date.now() + timeoutMs }, (error: grpc.ServiceError | null, response?: { status: string }) => {
      client.close();
      resolve(error ? { ok: false, reason: error.details || error.message } : { ok: response?.status === 'SERVING', reason: response?.status ?? 'no status' });
    });
  });
}

/** The addresses a Service sends `port` to: the target port on every local pod it selects. */
export function serviceEndpoints(service: K8sObject, pods: LocalPod[], portName?: string): string[] {
  const port = portName ? service.spec.ports.find((p: any) => p.name === portName) : service.spec.ports[0];
  if (!port) throw new Error(`Service ${service.metadata.name} has no port ${portName}`);
  return pods
    .filter((pod) => selects(service.spec.selector, pod.labels))
    .map((pod) => `${pod.ip}:${containerPort(pod.container, port.targetPort ?? port.port, `${pod.name}/${pod.container.name}`)}`);
}

interface Running {
  pod: LocalPod;
  child: ChildProcess;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  exited: boolean;
  log: string;
}

export interface StopResult {
  name: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  ms: number;
  killed: boolean;
}

/** The pods as child processes, with output in ROOT/logs/POD.log. */
export class LocalPods {
  private readonly running: Running[] = [];
  private readonly killOnExit = () => this.running.forEach((r) => r.exited || r.child.kill('SIGKILL'));

  constructor(readonly pods: LocalPod[], readonly root: string) {}

  start(): void {
    mkdirSync(join(this.root, 'logs'), { recursive: true });
    process.once('exit', this.killOnExit);
    for (const pod of this.pods) {
      const log = join(this.root, 'logs', `${pod.name}.log`);
      const fd = openSync(log, 'a');
      const child = spawn(process.execPath, [CLI_ENTRY, ...pod.args], { env: pod.env, cwd: pod.mounts['/tmp'] ?? this.root, stdio: ['ignore', fd, fd] });
      closeSync(fd);
      const running: Running = { pod, child, exited: false, log, exit: Promise.resolve({ code: null, signal: null }) };
      running.exit = new Promise((resolve) => child.once('exit', (code, signal) => {
        running.exited = true;
        resolve({ code, signal });
      }));
      this.running.push(running);
    }
  }

  /** Every pod's readiness, once: failures as "POD: PROBE: REASON". */
  async notReady(timeoutMs = 1_000): Promise<string[]> {
    const results = await Promise.all(this.running.flatMap((r) => r.pod.readiness.map(async (probe) => {
      if (r.exited) return `${r.pod.name}: exited`;
      const { ok, reason } = await probe.check(timeoutMs);
      return ok ? undefined : `${r.pod.name}: ${probe.what}: ${reason}`;
    })));
    return results.filter((r): r is string => r !== undefined);
  }

  /** Polls every readiness probe until all pass; fails at once when a process exits. */
  async waitReady(timeoutMs: number): Promise<number> {
    const started = Date.now();
    for (;;) {
      const dead = this.running.filter((r) => r.exited);
      if (dead.length > 0) throw new Error(`exited before ready: ${dead.map((r) => r.pod.name).join(', ')}\n${this.logs()}`);
      const waiting = await this.notReady();
      if (waiting.length === 0) return Date.now() - started;
      if (Date.now() - started > timeoutMs) throw new Error(`not ready within ${timeoutMs} ms:\n  ${waiting.join('\n  ')}\n${this.logs()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** SIGTERM to every pod, SIGKILL to any still running after its terminationGracePeriodSeconds. */
  async stop(): Promise<StopResult[]> {
    const started = Date.now();
    const results = await Promise.all(this.running.map(async (r): Promise<StopResult> => {
      if (r.exited) return { name: r.pod.name, ...(await r.exit), ms: 0, killed: false };
      r.child.kill('SIGTERM');
      let killed = false;
      const timer = setTimeout(() => {
        killed = true;
        r.child.kill('SIGKILL');
      }, r.pod.graceMs);
      const exit = await r.exit;
      clearTimeout(timer);
      return { name: r.pod.name, ...exit, ms: Date.now() - started, killed };
    }));
    process.removeListener('exit', this.killOnExit);
    return results;
  }

  /** The tail of every pod's log, for failure messages. */
  logs(lines = 20): string {
    return this.running.map((r) => {
      let text = '';
      try {
        text = readFileSync(r.log, 'utf8');
      } catch {
        text = '(no log)';
      }
      return `--- ${r.pod.name}\n${text.trimEnd().split('\n').slice(-lines).join('\n')}`;
    }).join('\n');
  }
}
