/**
 * One fault proxy per directed link between named processes, and partitions applied to all of
 * them at once. The cluster wiring asks `addressFor(from, to)` for the address `from` must dial to
 * reach `to`.
 */
import type { Socket } from 'node:net';
import { FaultProxy, PASS, DROP, type FaultMode } from './fault-proxy.js';
import { blockedLinks, linkId, type Link, type PartitionSpec } from './partitions.js';

export interface MeshProcess {
  name: string;
  /** The real HOST:PORT it listens on; absent for processes that only dial (a test client). */
  address?: string;
}

export interface ProxyMeshOptions {
  /** The links to proxy; by default every ordered pair (from, to) where `to` has an address. */
  links?: readonly Link[];
  /** What a blocked link does: `drop` (silent partition, the default) or `cut` (connections reset). */
  blockMode?: FaultMode;
  /** Passed to every proxy. */
  maxQueuedBytes?: number;
  random?: () => number;
  /**
   * The process that opened an accepted connection, when it can be told (socket-owner.ts). A link's
   * address can leak to another process (storage members adopt the leader's address book), so a
   * connection is judged by who dialed it, not by which proxy it reached.
   */
  ownerOf?: (socket: Socket) => string | undefined;
  /** The links whose connections `ownerOf` is asked about (every link by default): a lookup costs a scan of /proc. */
  ownerLinks?: (link: Link) => boolean;
}

export class ProxyMesh {
  private readonly names: string[];
  private readonly proxies = new Map<string, { link: Link; proxy: FaultProxy }>();
  private readonly blockMode: FaultMode;
  private baseMode: FaultMode = PASS;
  private spec: PartitionSpec = { kind: 'none' };
  private blocked = new Set<string>();
  /** Connections whose dialer could not be told, and those carried on their dialer's link rather than the one they reached. */
  private unknownDialers = 0;
  private rerouted = 0;

  constructor(processes: readonly MeshProcess[], options: ProxyMeshOptions = {}) {
    this.names = processes.map((p) => p.name);
    if (new Set(this.names).size !== this.names.length) throw new RangeError(`proxy mesh: process names repeat: ${this.names.join(', ')}`);
    const addresses = new Map(processes.map((p) => [p.name, p.address]));
    const links = options.links ?? processes.flatMap((from) => processes.filter((to) => to !== from && to.address !== undefined).map((to) => [from.name, to.name] as const));
    this.blockMode = options.blockMode ?? DROP;
    for (const [from, to] of links) {
      const target = addresses.get(to);
      if (!addresses.has(from)) throw new RangeError(`proxy mesh: link from unknown process ${JSON.stringify(from)}`);
      if (target === undefined) throw new RangeError(`proxy mesh: link to ${JSON.stringify(to)}, which is unknown or has no address`);
      if (from === to) throw new RangeError(`proxy mesh: a link from ${JSON.stringify(from)} to itself`);
      const asked = options.ownerOf !== undefined && (options.ownerLinks?.([from, to]) ?? true);
      const route = asked ? (socket: Socket) => this.proxyOfOwner(options.ownerOf!(socket), from, to) : undefined;
      const proxy = new FaultProxy({ target, name: `proxy ${linkId(from, to)}`, maxQueuedBytes: options.maxQueuedBytes, random: options.random, route });
      this.proxies.set(linkId(from, to), { link: [from, to], proxy });
    }
  }

  async start(): Promise<void> {
    await Promise.all([...this.proxies.values()].map(({ proxy }) => proxy.start()));
  }

  async stop(): Promise<void> {
    await Promise.all([...this.proxies.values()].map(({ proxy }) => proxy.stop()));
  }

  /** The HOST:PORT `from` must dial to reach `to` through the mesh. */
  addressFor(from: string, to: string): string {
    return this.proxy(from, to).address;
  }

  proxy(from: string, to: string): FaultProxy {
    const entry = this.proxies.get(linkId(from, to));
    if (entry === undefined) throw new RangeError(`proxy mesh: no link ${linkId(from, to)}`);
    return entry.proxy;
  }

  links(): Link[] {
    return [...this.proxies.values()].map((e) => e.link);
  }

  /** The links the current partition blocks. */
  blockedLinks(): Link[] {
    return this.links().filter(([from, to]) => this.blocked.has(linkId(from, to)));
  }

  get partition(): PartitionSpec {
    return this.spec;
  }

  /** Applies `spec` in place of the current partition; returns the links it blocks. */
  apply(spec: PartitionSpec): Link[] {
    const blocked = blockedLinks(spec, this.names, this.links());
    this.spec = spec;
    this.blocked = new Set(blocked.map(([from, to]) => linkId(from, to)));
    this.refresh();
    return blocked;
  }

  isolate(node: string): Link[] {
    return this.apply({ kind: 'isolate', node });
  }

  split(groupA: string[], groupB: string[]): Link[] {
    return this.apply({ kind: 'split', groups: [groupA, groupB] });
  }

  bridge(node: string, halfA: string[], halfB: string[]): Link[] {
    return this.apply({ kind: 'bridge', node, halves: [halfA, halfB] });
  }

  /** A majorities ring over `nodes` (every process when none are given). */
  ring(...nodes: string[]): Link[] {
    return this.apply({ kind: 'ring', nodes });
  }

  heal(): void {
    this.apply({ kind: 'none' });
  }

  /** The mode of every link that is not blocked (for example a delay on the whole network). */
  setBaseMode(mode: FaultMode): void {
    this.baseMode = mode;
    this.refresh();
  }

  /** One line for a log: open connections over all proxies, and the links not in `pass`. */
  describe(): string {
    let open = 0;
    const faulty: string[] = [];
    for (const [id, { proxy }] of this.proxies) {
      open += proxy.stats().open;
      if (proxy.mode.kind !== 'pass') faulty.push(`${id} ${proxy.mode.kind}`);
    }
    const links = faulty.length === 0 ? 'all pass' : faulty.length <= 6 ? faulty.join(', ') : `${faulty.length} of ${this.proxies.size} links not passing`;
    const dialers = this.unknownDialers > 0 || this.rerouted > 0 ? `; ${this.rerouted} rerouted to their dialer's link, ${this.unknownDialers} of unknown dialer` : '';
    return `proxies: ${open} open, ${links}${dialers}`;
  }

  /** The proxy of the link from `owner` to `to`, if `owner` is known and is not `from`. */
  private proxyOfOwner(owner: string | undefined, from: string, to: string): FaultProxy | undefined {
    if (owner === undefined) this.unknownDialers++;
    if (owner === undefined || owner === from) return undefined;
    this.rerouted++;
    return this.proxies.get(linkId(owner, to))?.proxy;
  }

  private refresh(): void {
    for (const [id, { proxy }] of this.proxies) proxy.setMode(this.blocked.has(id) ? this.blockMode : this.baseMode);
  }
}
