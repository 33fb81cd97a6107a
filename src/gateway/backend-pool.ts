import { HealthClient } from '../rpc/health-client.js';
import { READS_SERVICE } from '../rpc/server.js';
import { COMPUTE_ROLES } from '../security/roles.js';
import { peerChannelCredentials } from '../security/transport-security.js';
import { H2Channel } from './h2-channel.js';

// The compute nodes of one kind (writers or readers) a gateway forwards to. Each is health-checked
// with grpc.health.v1; picks are power of two choices on outstanding requests among the healthy
// ones, so a slow or hung node collects fewer new requests while health checks catch up with it.
// A node that is not healthy may still serve reads that need no storage leader (READS_SERVICE):
// such reads go to it when no healthy node is left. Only nodes that fail the first check are
// asked the second.
// Membership changes at run time: discovery adds nodes and drains those that leave or vanish.

export const HEALTH_INTERVAL_MS = 300;
export const HEALTH_TIMEOUT_MS = 300;

export class Backend {
  readonly channel: H2Channel;
  readonly health: HealthClient;
  outstanding = 0;
  healthy = false;
  /** Serves reads that need no storage leader (implied by healthy). */
  readsHealthy = false;
  /** Leaving or no longer listed: takes no new requests; closed once idle. */
  draining = false;
  private readonly notReadyListeners = new Set<() => void>();

  constructor(
    readonly id: string,
    readonly address: string,
  ) {
    this.channel = new H2Channel(address, COMPUTE_ROLES);
    this.health = new HealthClient(address, peerChannelCredentials(COMPUTE_ROLES));
  }

  /**
   * Calls `listener` once if this node says it is not ready before the returned function is
   * called: a writer cut off from storage says so within about 600 ms, and a call waiting on it
   * is better sent to another writer (the gateway's request id keeps it applied once).
   */
  onNotReady(listener: () => void): () => void {
    this.notReadyListeners.add(listener);
    return () => this.notReadyListeners.delete(listener);
  }

  /** The node answered its health check with NOT_SERVING. */
  saidNotReady(): void {
    const listeners = [...this.notReadyListeners];
    this.notReadyListeners.clear();
    for (const listener of listeners) listener();
  }

  close(): void {
    this.channel.close();
    this.health.close();
  }
}

export class BackendPool {
  private members: Backend[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly kind: 'writer' | 'reader',
    private readonly onHealth: (backend: Backend) => void = () => {},
    private readonly random: () => number = Math.random,
  ) {}

  get backends(): readonly Backend[] {
    return this.members;
  }

  get healthyCount(): number {
    return this.members.filter((b) => b.healthy && !b.draining).length;
  }

  start(): void {
    this.timer = setInterval(() => void this.checkAll(), HEALTH_INTERVAL_MS);
  }

  /**
   * Makes the pool match `wanted` (id → address): new nodes are added and checked at once; nodes
   * not wanted any more drain: no new requests, closed when their last one ends.
   */
  async update(wanted: ReadonlyMap<string, string>): Promise<void> {
    const added: Backend[] = [];
    for (const [id, address] of wanted) {
      const existing = this.members.find((b) => b.id === id && b.address === address && !b.draining);
      if (!existing) {
        const backend = new Backend(id, address);
        added.push(backend);
        this.members.push(backend);
      }
    }
    for (const backend of this.members) {
      if (wanted.get(backend.id) !== backend.address) backend.draining = true;
    }
    this.closeIdleDrained();
    await Promise.all(added.map((b) => this.check(b)));
  }

  /**
   * A healthy backend not in `exclude`, preferring fewer outstanding requests; undefined if none.
   * `readsOnly`: among those that serve reads needing no leader but are not healthy instead.
   */
  pick(exclude: ReadonlySet<Backend> = new Set(), readsOnly = false): Backend | undefined {
    const usable = (b: Backend) => (readsOnly ? b.readsHealthy && !b.healthy : b.healthy);
    const candidates = this.members.filter((b) => usable(b) && !b.draining && !exclude.has(b));
    if (candidates.length <= 1) return candidates[0];
    const a = candidates[Math.floor(this.random() * candidates.length)];
    let b = candidates[Math.floor(this.random() * (candidates.length - 1))];
    if (b === a) b = candidates[candidates.length - 1];
    return a.outstanding <= b.outstanding ? a : b;
  }

  /** A call failed in a way that suggests the backend is gone: skip it until it passes a check. */
  markDown(backend: Backend): void {
    backend.healthy = false;
    backend.readsHealthy = false;
    this.onHealth(backend);
  }

  /** Call when a request to `backend` ends. */
  release(backend: Backend): void {
    backend.outstanding--;
    if (backend.draining && backend.outstanding === 0) this.closeIdleDrained();
  }

  stop(): void {
    clearInterval(this.timer);
    for (const backend of this.members) backend.close();
    this.members = [];
  }

  private closeIdleDrained(): void {
    for (const backend of this.members.filter((b) => b.draining && b.outstanding === 0)) backend.close();
    this.members = this.members.filter((b) => !b.draining || b.outstanding > 0);
  }

  private async checkAll(): Promise<void> {
    await Promise.all(this.members.map((b) => this.check(b)));
  }

  private async check(backend: Backend): Promise<void> {
    if (backend.draining) return;
    const status = await backend.health.status(HEALTH_TIMEOUT_MS);
    backend.healthy = status === 'serving';
    backend.readsHealthy = backend.healthy || (await backend.health.check(HEALTH_TIMEOUT_MS, READS_SERVICE));
    // Only what the node says counts here: a check that timed out on a busy machine moves nothing.
    if (status === 'not-serving') backend.saidNotReady();
    this.onHealth(backend);
  }
}
