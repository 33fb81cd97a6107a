import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePorts } from '../up/loopback-topology.js';

// An etcd cluster of `members` processes on loopback free ports, for the comparison and the etcd
// target's tests. Each member keeps etcd's defaults for durability (a write is fsynced on a quorum
// before it is acknowledged). Readiness is every member's /health, polled; never a fixed sleep.

export const ETCD_BINARY = process.env.ETCD_BIN || 'etcd';
const READY_POLL_MS = 100;
const STOP_GRACE_MS = 5_000;

interface Member {
  name: string;
  clientUrl: string;
  child: ChildProcess;
  exited: Promise<void>;
}

/** The etcd version line (`etcd Version: 3.4.23`), or undefined if there is no etcd binary. */
export function etcdVersion(): string | undefined {
  const probe = spawnSync(ETCD_BINARY, ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return undefined;
  return /etcd Version:\s*(\S+)/.exec(probe.stdout)?.[1] ?? probe.stdout.split('\n')[0].trim();
}

export class EtcdCluster {
  private constructor(
    private readonly members: Member[],
    readonly dataDir: string,
  ) {}

  /** Client endpoints as HOST:PORT, one per member. */
  get endpoints(): string[] {
    return this.members.map((m) => m.clientUrl.replace('http://', ''));
  }

  get pids(): number[] {
    return this.members.map((m) => m.child.pid ?? 0).filter((pid) => pid > 0);
  }

  /** Starts the members under `dataDir` (each logs to dataDir/NAME.log) and waits until all are healthy. */
  static async start(dataDir: string, options: { members: number; readyTimeoutMs?: number }): Promise<EtcdCluster> {
    const count = options.members;
    if (!(Number.isInteger(count) && count >= 1 && count <= 7)) throw new Error(`an etcd cluster has 1 to 7 members, got ${count}`);
    mkdirSync(dataDir, { recursive: true });
    const ports = await freePorts(count * 2);
    const names = Array.from({ length: count }, (_, i) => `etcd${i + 1}`);
    const peerUrl = (i: number) => `http://127.0.0.1:${ports[2 * i + 1]}`;
    const initialCluster = names.map((name, i) => `${name}=${peerUrl(i)}`).join(',');
    const members = names.map((name, i): Member => {
      const clientUrl = `http://127.0.0.1:${ports[2 * i]}`;
      const args = [
        `--name=${name}`,
        `--data-dir=${join(dataDir, name)}`,
        `--listen-client-urls=${clientUrl}`,
        `--advertise-client-urls=${clientUrl}`,
        `--listen-peer-urls=${peerUrl(i)}`,
        `--initial-advertise-peer-urls=${peerUrl(i)}`,
        `--initial-cluster=${initialCluster}`,
        '--initial-cluster-state=new',
        `--initial-cluster-token=bench-${process.pid}-${ports[0]}`,
        '--logger=zap',
        '--log-level=warn',
      ];
      // Only our flags: ETCD_* variables in the environment would change the setup.
      const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('ETCD_')));
      const child = spawn(ETCD_BINARY, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
      const log = createWriteStream(join(dataDir, `${name}.log`));
      child.stdout!.pipe(log, { end: false });
      child.stderr!.pipe(log, { end: false });
      const exited = new Promise<void>((resolve) => {
        child.once('exit', () => {
          log.end();
          resolve();
        });
        child.once('error', () => resolve());
      });
      return { name, clientUrl, child, exited };
    });
    const cluster = new EtcdCluster(members, dataDir);
    try {
      await cluster.waitHealthy(options.readyTimeoutMs ?? 30_000);
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  private async waitHealthy(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const pending = new Set(this.members);
    const reasons = new Map<string, string>();
    while (pending.size > 0) {
      for (const member of [...pending]) {
        if (member.child.exitCode !== null || member.child.signalCode !== null) {
          throw new Error(`${member.name} exited during start-up: ${this.logTail(member.name)}`);
        }
        try {
          const response = await fetch(`${member.clientUrl}/health`, { signal: AbortSignal.timeout(1_000) });
          const body = (await response.json()) as { health?: string };
          if (response.status === 200 && body.health === 'true') pending.delete(member);
          else reasons.set(member.name, JSON.stringify(body));
        } catch (error) {
          reasons.set(member.name, (error as Error).message);
        }
      }
      if (pending.size === 0) return;
      if (Date.now() > deadline) {
        throw new Error(`etcd not healthy within ${timeoutMs} ms: ${[...pending].map((m) => `${m.name} (${reasons.get(m.name)})`).join(', ')}`);
      }
      await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS));
    }
  }

  private logTail(name: string): string {
    try {
      return readFileSync(join(this.dataDir, `${name}.log`), 'utf8').split('\n').slice(-10).join('\n');
    } catch {
      return '(no log)';
    }
  }

  /** SIGTERM to every member, SIGKILL to any still running after the grace; resolves when all exited. */
  async stop(graceMs = STOP_GRACE_MS): Promise<void> {
    for (const member of this.members) member.child.kill('SIGTERM');
    const timer = setTimeout(() => this.killNow(), graceMs);
    await Promise.all(this.members.map((m) => m.exited));
    clearTimeout(timer);
  }

  /** SIGKILL to every member, synchronously (for an exit handler). */
  killNow(): void {
    for (const member of this.members) if (member.child.exitCode === null && member.child.signalCode === null) member.child.kill('SIGKILL');
  }
}
