/**
 * Network partitions as data: a spec names a shape (isolate, split, bridge, majorities ring) and
 * `blockedLinks` turns it into the directed links that stop carrying traffic. A link `from -> to`
 * stands for the connections `from` opens to `to`; blocking it silences both directions of those
 * connections, so "from can no longer reach to".
 */

export type PartitionSpec =
  | { kind: 'none' }
  /** Cuts `node` off from every other process, both ways. */
  | { kind: 'isolate'; node: string }
  /** No process of one group reaches a process of the other; processes in neither are untouched. */
  | { kind: 'split'; groups: [string[], string[]] }
  /** Two halves that cannot reach each other, and `node`, which reaches both. */
  | { kind: 'bridge'; node: string; halves: [string[], string[]] }
  /**
   * Every node reaches a majority of `nodes` (counting itself), and no two nodes reach the same
   * majority: each reaches its ring neighbours on both sides up to a distance, plus, when a
   * majority needs one more, its next neighbour clockwise.
   */
  | { kind: 'ring'; nodes: string[] };

export type Link = readonly [from: string, to: string];

export function linkId(from: string, to: string): string {
  return `${from}->${to}`;
}

/** The links of `links` that `spec` blocks. Throws on names not in `names` or overlapping groups. */
export function blockedLinks(spec: PartitionSpec, names: readonly string[], links: readonly Link[]): Link[] {
  const known = new Set(names);
  const check = (name: string) => {
    if (!known.has(name)) throw new RangeError(`partition: unknown process ${JSON.stringify(name)} (known: ${names.join(', ')})`);
  };
  const blocked = blockPredicate(spec, names, check);
  return links.filter(([from, to]) => from !== to && blocked(from, to));
}

function blockPredicate(spec: PartitionSpec, names: readonly string[], check: (name: string) => void): (from: string, to: string) => boolean {
  switch (spec.kind) {
    case 'none':
      return () => false;
    case 'isolate':
      check(spec.node);
      return (from, to) => from === spec.node || to === spec.node;
    case 'split': {
      const side = sides(spec.groups, check);
      return (from, to) => side.has(from) && side.has(to) && side.get(from) !== side.get(to);
    }
    case 'bridge': {
      check(spec.node);
      const side = sides(spec.halves, check);
      if (side.has(spec.node)) throw new RangeError(`partition: the bridge ${JSON.stringify(spec.node)} must not be in either half`);
      return (from, to) => side.has(from) && side.has(to) && side.get(from) !== side.get(to);
    }
    case 'ring':
      return ringPredicate(spec.nodes.length === 0 ? names : spec.nodes, check);
  }
}

function sides(groups: readonly [string[], string[]], check: (name: string) => void): Map<string, 0 | 1> {
  const side = new Map<string, 0 | 1>();
  groups.forEach((group, index) => {
    if (group.length === 0) throw new RangeError('partition: a group is empty');
    for (const name of group) {
      check(name);
      if (side.has(name)) throw new RangeError(`partition: ${JSON.stringify(name)} is in both groups`);
      side.set(name, index as 0 | 1);
    }
  });
  return side;
}

function ringPredicate(nodes: readonly string[], check: (name: string) => void): (from: string, to: string) => boolean {
  nodes.forEach(check);
  if (new Set(nodes).size !== nodes.length) throw new RangeError(`partition: ring nodes repeat: ${nodes.join(', ')}`);
  if (nodes.length < 3) throw new RangeError(`partition: a majorities ring needs at least 3 nodes, got ${nodes.length}`);
  const reach = ringReach(nodes.length);
  const position = new Map(nodes.map((name, i) => [name, i]));
  return (from, to) => {
    const i = position.get(from);
    const j = position.get(to);
    if (i === undefined || j === undefined) return false;
    return !reach[i].has(j);
  };
}

/** For each ring position, the positions it reaches (itself included): a majority, different for each. */
export function ringReach(n: number): Array<Set<number>> {
  const majority = Math.floor(n / 2) + 1;
  const others = majority - 1;
  const both = Math.floor(others / 2);
  const extraClockwise = others % 2 === 1;
  return Array.from({ length: n }, (_, i) => {
    const reached = new Set<number>([i]);
    for (let d = 1; d <= both; d++) {
      reached.add((i + d) % n);
      reached.add((i - d + n) % n);
    }
    if (extraClockwise) reached.add((i + both + 1) % n);
    return reached;
  });
}
