import type { NodeInfo } from '../gen/quorumkv/internal/v1/NodeInfo.js';
import type { StorageRouter } from './storage-router.js';

// Keeps this compute node listed in every storage member's registry, which is how gateways
// discover nodes. Draining nodes say so, and gateways stop sending them new requests.

const RENEW_MS = 1_000;
const CALL_TIMEOUT_MS = 800;

export class Registration {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly storage: StorageRouter,
    private readonly node: Omit<NodeInfo, 'leaving'>,
  ) {}

  start(): void {
    void this.renew(false);
    this.timer = setInterval(() => void this.renew(false), RENEW_MS);
  }

  /** Announces that this node is leaving; gateways stop routing to it at their next look. */
  async leave(): Promise<void> {
    clearInterval(this.timer);
    await this.renew(true);
  }

  private async renew(leaving: boolean): Promise<void> {
    const deadline = Date.now() + CALL_TIMEOUT_MS;
    await Promise.all(
      this.storage.members.map(
        (member) => new Promise<void>((resolve) => member.client.registerNode({ ...this.node, leaving }, { deadline }, () => resolve())),
      ),
    );
  }
}
