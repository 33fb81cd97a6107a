import * as grpc from '@grpc/grpc-js';
import { CLIENT_OPTIONS } from '../rpc/client-options.js';
import { HealthClient } from '../rpc/health-client.js';

// The compute nodes a gateway forwards to. Each is health-checked with grpc.health.v1; picks are
// power of two choices on outstanding requests among the healthy ones, so a slow or hung node
// collects fewer new requests while health checks catch up with it.

export const HEALTH_INTERVAL_MS = 500;
export const HEALTH_TIMEOUT_MS = 400;

export class Backend {
  readonly client: grpc.Client;
  readonly health: HealthClient;
  outstanding = 0;
  healthy = false;

  constructor(
    readonly id: string,
    readonly address: string,
  ) {
    this.client = new grpc.Client(address, grpc.credentials.createInsecure(), CLIENT_OPTIONS);
    this.health = new HealthClient(address);
  }
}

export class BackendPool {
  readonly backends: Backend[];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    addresses: ReadonlyMap<string, string>,
    private readonly random: () => number = Math.random,
  ) {
    this.backends = [...addresses].map(([id, address]) => new Backend(id, address));
  }

  async start(): Promise<void> {
    await this.checkAll();
    this.timer = setInterval(() => void this.checkAll(), HEALTH_INTERVAL_MS);
  }

  get healthyCount(): number {
    return this.backends.filter((b) => b.healthy).length;
  }

  /** A healthy backend not in `exclude`, preferring fewer outstanding requests; undefined if none. */
  pick(exclude: ReadonlySet<Backend> = new Set()): Backend | undefined {
    const candidates = this.backends.filter((b) => b.healthy && !exclude.has(b));
    if (candidates.length <= 1) return candidates[0];
    const a = candidates[Math.floor(this.random() * candidates.length)];
    let b = candidates[Math.floor(this.random() * (candidates.length - 1))];
    if (b === a) b = candidates[candidates.length - 1];
    return a.outstanding <= b.outstanding ? a : b;
  }

  /** A backend failed a call in a way that suggests it is gone: stop picking it until it passes a check. */
  markDown(backend: Backend): void {
    backend.healthy = false;
  }

  stop(): void {
    clearInterval(this.timer);
    for (const backend of this.backends) {
      backend.client.close();
      backend.health.close();
    }
  }

  private async checkAll(): Promise<void> {
    await Promise.all(
      this.backends.map(async (backend) => {
        backend.healthy = await backend.health.check(HEALTH_TIMEOUT_MS);
      }),
    );
  }
}
