// The simulated network: per-run loss, duplication and delay (which also reorders), and
// partitions expressed as sides. Two nodes talk when they are on the same side, or when either
// is a bridge (side BRIDGE sees everyone).

import type { SeededRandom } from '../../src/consensus/random.js';
import type { NodeId } from '../../src/consensus/types.js';

export const BRIDGE = -1;

export interface NetworkProfile {
  dropRate: number;
  duplicateRate: number;
  minDelayUnits: number;
  maxDelayUnits: number;
}

export type Partition =
  | { kind: 'none' }
  | { kind: 'isolate'; node: NodeId }
  | { kind: 'split'; minority: NodeId[] }
  | { kind: 'bridge'; bridge: NodeId; left: NodeId[] };

export class Network {
  private readonly sides = new Map<NodeId, number>();
  partition: Partition = { kind: 'none' };

  constructor(
    private readonly nodes: readonly NodeId[],
    public profile: NetworkProfile,
  ) {
    this.heal();
  }

  connected(a: NodeId, b: NodeId): boolean {
    const sa = this.sides.get(a)!;
    const sb = this.sides.get(b)!;
    return sa === sb || sa === BRIDGE || sb === BRIDGE;
  }

  heal(): void {
    for (const n of this.nodes) this.sides.set(n, 0);
    this.partition = { kind: 'none' };
  }

  apply(partition: Partition): void {
    this.heal();
    this.partition = partition;
    if (partition.kind === 'isolate') this.sides.set(partition.node, 1);
    if (partition.kind === 'split') for (const n of partition.minority) this.sides.set(n, 1);
    if (partition.kind === 'bridge') {
      for (const n of partition.left) this.sides.set(n, 1);
      this.sides.set(partition.bridge, BRIDGE);
    }
  }

  /** A random partition of one of the shapes the simulator exercises. */
  randomPartition(random: SeededRandom): Partition {
    const shuffled = shuffle(random, this.nodes);
    const shape = random.nextInt(3);
    if (shape === 0) return { kind: 'isolate', node: shuffled[0]! };
    if (shape === 1) {
      const minoritySize = random.between(1, Math.floor(this.nodes.length / 2));
      return { kind: 'split', minority: shuffled.slice(0, minoritySize) };
    }
    const rest = shuffled.slice(1);
    return { kind: 'bridge', bridge: shuffled[0]!, left: rest.slice(0, Math.floor(rest.length / 2)) };
  }

  /** Delivery delays for one send: empty when dropped, two when duplicated. */
  delaysFor(random: SeededRandom): number[] {
    if (random.chance(this.profile.dropRate)) return [];
    const delay = (): number => random.between(this.profile.minDelayUnits, this.profile.maxDelayUnits);
    return random.chance(this.profile.duplicateRate) ? [delay(), delay()] : [delay()];
  }
}

export function describePartition(p: Partition): string {
  switch (p.kind) {
    case 'none':
      return 'healed';
    case 'isolate':
      return `isolate ${p.node}`;
    case 'split':
      return `split minority [${p.minority.join(',')}]`;
    case 'bridge':
      return `bridge ${p.bridge} between [${p.left.join(',')}] and the rest`;
  }
}

function shuffle<T>(random: SeededRandom, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = random.nextInt(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
