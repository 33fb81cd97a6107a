import type { NodeInfo__Output } from '../gen/quorumkv/internal/v1/NodeInfo.js';

// Which compute nodes are alive, as they report it: each renews its entry every second or so,
// and an entry not renewed within the TTL disappears. This is discovery, not replicated state:
// every storage member keeps its own copy (nodes report to all of them), by its own clock.

export const NODE_TTL_MS = 5_000;
const MAX_NODES = 1_024;

export class NodeRegistry {
  private readonly nodes = new Map<string, { info: NodeInfo__Output; expiresAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Records or renews a node; false if the registry is full of other live nodes. */
  register(info: NodeInfo__Output): boolean {
    this.expire();
    if (!this.nodes.has(info.id) && this.nodes.size >= MAX_NODES) return false;
    this.nodes.set(info.id, { info, expiresAt: this.now() + NODE_TTL_MS });
    return true;
  }

  list(): NodeInfo__Output[] {
    this.expire();
    return [...this.nodes.values()].map((n) => n.info).sort((a, b) => a.id.localeCompare(b.id));
  }

  private expire(): void {
    const now = this.now();
    for (const [id, node] of this.nodes) if (node.expiresAt <= now) this.nodes.delete(id);
  }
}
