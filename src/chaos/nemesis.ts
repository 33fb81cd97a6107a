/**
 * The nemesis: carries out a fault schedule on a running cluster (signals to processes, modes of
 * the proxies between them), one fault at a time, and heals everything on demand.
 */
import { writeFileSync } from 'node:fs';
import type { QuorumkvClient } from '../client/index.js';
import { FAILPOINTS } from '../failpoints.js';
import type { LocalCluster } from '../up/local-cluster.js';
import { delayMode, PASS } from './fault-proxy.js';
import type { ProxyMesh } from './proxy-mesh.js';
import { SeededRandom } from './random.js';
import { faultName, type ScheduledFault } from './schedule.js';

export const RESTART_READY_TIMEOUT_MS = 30_000;
const STATUS_TIMEOUT_MS = 2_000;

export interface FaultEvent {
  index: number;
  kind: string;
  variant: string;
  /** Who it hit, in words (e.g. "s2 (leader)", "s1 | s2,s3"). */
  target: string;
  plannedMs: number;
  /** Ms from the start of the run. */
  startMs: number;
  /** When the fault was lifted (a killed process restarted, a partition healed). */
  endMs: number | null;
  /** For kills and crashes: when the restarted process was ready again. */
  readyMs?: number | null;
  /** For crashes: the failpoint armed, and when the member crashed there (null: it never reached it and was killed at the heal). */
  failpoint?: string;
  crashedMs?: number | null;
  error?: string;
}

export interface NemesisContext {
  cluster: LocalCluster;
  mesh: ProxyMesh;
  /** A client that asks the cluster for its status (storage leader). */
  control: QuorumkvClient;
  now: () => number;
  log: (line: string) => void;
  /** The file a storage member re-arms its failpoints from on SIGUSR2 (crash faults need one). */
  failpointControl?: (name: string) => string;
}

export class Nemesis {
  readonly events: FaultEvent[] = [];
  private current: FaultEvent | undefined;
  private readonly paused = new Set<string>();

  constructor(private readonly ctx: NemesisContext) {}

  /** The fault in force now, in words, for the progress line. */
  get inForce(): string {
    const e = this.current;
    return e === undefined ? 'none' : `${e.kind}:${e.variant} ${e.target}`;
  }

  /** Runs `schedule` until it ends or `signal` aborts; every fault is lifted before it returns. */
  async run(schedule: readonly ScheduledFault[], signal: AbortSignal): Promise<void> {
    for (const fault of schedule) {
      await sleepUntil(this.ctx.now, fault.atMs, signal);
      if (signal.aborted) return;
      await this.carryOut(fault, signal);
    }
  }

  /** Lifts every fault: heals the network, resumes paused processes, restarts dead ones. */
  async healAll(readyTimeoutMs = RESTART_READY_TIMEOUT_MS): Promise<string[]> {
    const { cluster, mesh } = this.ctx;
    mesh.heal();
    mesh.setBaseMode(PASS);
    for (const name of this.paused) if (cluster.isRunning(name)) await cluster.signal(name, 'SIGCONT');
    this.paused.clear();
    const restarted = cluster.names.filter((n) => !cluster.isRunning(n));
    cluster.startAll();
    await cluster.waitReady(cluster.names, readyTimeoutMs);
    return restarted;
  }

  private async carryOut(fault: ScheduledFault, signal: AbortSignal): Promise<void> {
    const random = new SeededRandom(fault.seed);
    const event: FaultEvent = { index: fault.index, kind: fault.kind, variant: fault.variant, target: '?', plannedMs: fault.atMs, startMs: this.ctx.now(), endMs: null };
    this.events.push(event);
    this.current = event;
    try {
      const lift = await this.apply(fault, random, event);
      event.startMs = this.ctx.now();
      this.ctx.log(`fault #${fault.index} ${faultName(fault)} on ${event.target} for ${fault.holdMs} ms`);
      await sleepUntil(this.ctx.now, event.startMs + fault.holdMs, signal);
      await lift();
      event.endMs = this.ctx.now();
    } catch (error) {
      event.error = (error as Error).message;
      event.endMs ??= this.ctx.now();
      this.ctx.log(`fault #${fault.index} ${faultName(fault)}: ${event.error}`);
    } finally {
      this.current = undefined;
    }
  }

  /** Applies one fault; resolves with the function that lifts it. */
  private async apply(fault: ScheduledFault, random: SeededRandom, event: FaultEvent): Promise<() => Promise<void>> {
    const { cluster, mesh, now } = this.ctx;
    const topology = cluster.topology;
    const storage = topology.storage.map((s) => s.id);
    switch (fault.kind) {
      case 'kill': {
        const name = await this.pickProcess(fault.variant, random, event);
        await cluster.signal(name, 'SIGKILL');
        return () => this.restart(name, event);
      }
      case 'crash': {
        const name = await this.pickProcess(fault.variant, random, event);
        const control = this.ctx.failpointControl?.(name);
        if (control === undefined) throw new Error('crash faults need storage members started with a failpoint control file');
        const point = random.pick(FAILPOINTS);
        event.failpoint = point;
        event.crashedMs = null;
        const crash = cluster.expectExit(name);
        let healing = false;
        void crash.exited.then(() => {
          if (!healing) event.crashedMs = now();
        });
        writeFileSync(control, `${point}=1*crash`);
        await cluster.signal(name, 'SIGUSR2');
        event.target = `${event.target} at ${point}`;
        return async () => {
          healing = true;
          // A point the member did not reach: it is killed instead, wherever it was.
          if (cluster.isRunning(name)) await cluster.signal(name, 'SIGKILL');
          await crash.exited;
          event.target += event.crashedMs === null ? ' (not reached: killed)' : ' (crashed there)';
          writeFileSync(control, '');
          await this.restart(name, event);
        };
      }
      case 'pause': {
        const name = await this.pickProcess(fault.variant, random, event);
        this.paused.add(name);
        await cluster.signal(name, 'SIGSTOP');
        return async () => {
          this.paused.delete(name);
          if (cluster.isRunning(name)) await cluster.signal(name, 'SIGCONT');
        };
      }
      case 'partition': {
        // Whom an isolation hits decides what it should cost (docs/CHAOS.md), so it is recorded.
        const leader = fault.variant === 'isolate-storage' ? await this.storageLeader() : undefined;
        event.target = this.partition(fault.variant, random, storage, leader);
        return async () => mesh.heal();
      }
      case 'latency': {
        const meanMs = random.int(20, 150);
        const jitterMs = Math.round(meanMs / 2);
        if (fault.variant === 'all') mesh.setBaseMode(delayMode(meanMs, jitterMs));
        else for (const [from, to] of mesh.links()) if (storage.includes(from) && storage.includes(to)) mesh.proxy(from, to).setMode(delayMode(meanMs, jitterMs));
        event.target = `${fault.variant === 'all' ? 'every link' : 'storage links'}: ${meanMs}±${jitterMs} ms`;
        return async () => mesh.setBaseMode(PASS);
      }
    }
  }

  private async restart(name: string, event: FaultEvent): Promise<void> {
    this.ctx.cluster.startAll([name]);
    try {
      await this.ctx.cluster.waitReady([name], RESTART_READY_TIMEOUT_MS);
      event.readyMs = this.ctx.now();
    } catch (error) {
      event.readyMs = null;
      throw error;
    }
  }

  private partition(variant: string, random: SeededRandom, storage: string[], leader: string | undefined): string {
    const { mesh, cluster } = this.ctx;
    const shuffled = shuffle(storage, random);
    switch (variant) {
      case 'isolate-storage': {
        const node = shuffled[0];
        mesh.isolate(node);
        return `${node} isolated${leader === undefined ? '' : node === leader ? ' (leader)' : ' (follower)'}`;
      }
      case 'split': {
        const minority = shuffled.slice(0, Math.floor((storage.length - 1) / 2) || 1);
        const majority = shuffled.slice(minority.length);
        mesh.split(minority, majority);
        return `${minority.join(',')} | ${majority.join(',')}`;
      }
      case 'bridge': {
        const [node, ...rest] = shuffled;
        const half = Math.ceil(rest.length / 2);
        mesh.bridge(node, rest.slice(0, half), rest.slice(half));
        return `${rest.slice(0, half).join(',')} <${node}> ${rest.slice(half).join(',')}`;
      }
      case 'ring':
        mesh.ring(...shuffled);
        return `majorities ring ${shuffled.join('-')}`;
      case 'writer-storage': {
        const writer = random.pick(cluster.topology.writers.map((w) => w.id));
        mesh.split([writer], storage);
        return `${writer} | storage`;
      }
      case 'gateway-writer': {
        const writer = random.pick(cluster.topology.writers.map((w) => w.id));
        mesh.split([cluster.topology.gateway.id], [writer]);
        return `${cluster.topology.gateway.id} | ${writer}`;
      }
    }
    throw new RangeError(`unknown partition ${variant}`);
  }

  private async pickProcess(variant: string, random: SeededRandom, event: FaultEvent): Promise<string> {
    const { cluster } = this.ctx;
    const topology = cluster.topology;
    const running = (names: string[]) => names.filter((n) => cluster.isRunning(n));
    let name: string;
    if (variant === 'storage-leader' || variant === 'storage-follower') {
      const storage = running(topology.storage.map((s) => s.id));
      const leader = await this.storageLeader();
      if (variant === 'storage-leader') {
        name = leader !== undefined && storage.includes(leader) ? leader : random.pick(storage);
        event.target = `${name}${name === leader ? ' (leader)' : ' (leader unknown)'}`;
      } else {
        const followers = storage.filter((s) => s !== leader);
        name = random.pick(followers.length > 0 ? followers : storage);
        event.target = `${name} (follower${leader === undefined ? '?' : ''})`;
      }
      return name;
    }
    const pool = variant === 'writer' ? topology.writers : variant === 'reader' ? topology.readers : [topology.gateway];
    name = random.pick(running(pool.map((p) => p.id)));
    event.target = name;
    return name;
  }

  private async storageLeader(): Promise<string | undefined> {
    try {
      const status = await withTimeout(this.ctx.control.status(), STATUS_TIMEOUT_MS);
      const leaders = status.members.filter((m) => m.role === 'storage' && m.leader && m.healthy);
      return leaders.length === 1 ? leaders[0].id : undefined;
    } catch {
      return undefined;
    }
  }
}

function shuffle<T>(items: readonly T[], random: SeededRandom): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]);
}

/** Sleeps until `now()` reaches `targetMs` or `signal` aborts. */
export function sleepUntil(now: () => number, targetMs: number, signal: AbortSignal): Promise<void> {
  const ms = targetMs - now();
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
