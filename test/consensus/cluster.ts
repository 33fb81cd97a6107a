// A scripted, synchronous test harness in the style of etcd's rafttest: nodes persist each Ready
// at once, and messages move only when the test delivers them.

import type { RaftOptions } from '../../src/consensus/config.js';
import { MemoryLogStorage } from '../../src/consensus/memory-storage.js';
import { RaftNode } from '../../src/consensus/raft.js';
import { EntryType, type Entry, type HardState, type Message, type NodeId, type Ready, type ReadState } from '../../src/consensus/types.js';

export const encode = (s: string): Uint8Array => new TextEncoder().encode(s);
export const decode = (b: Uint8Array): string => new TextDecoder().decode(b);

export function entry(index: number, term: number, data = ''): Entry {
  return { index, term, type: EntryType.Normal, data: encode(data) };
}

export interface TestMember {
  id: NodeId;
  raft: RaftNode;
  storage: MemoryLogStorage;
  applied: Entry[];
  readStates: ReadState[];
}

export class TestCluster {
  readonly members = new Map<NodeId, TestMember>();
  /** Messages sent and not yet delivered. */
  inFlight: Message[] = [];
  /** Links that drop messages, as "from->to". */
  readonly cut = new Set<string>();
  /** Every message ever sent, for assertions on traffic. */
  readonly sent: Message[] = [];

  constructor(
    readonly ids: NodeId[],
    private readonly overrides: Partial<RaftOptions> = {},
    storages: Partial<Record<NodeId, MemoryLogStorage>> = {},
  ) {
    ids.forEach((id, i) => {
      const storage = storages[id] ?? new MemoryLogStorage();
      const raft = new RaftNode({ id, voters: ids, seed: i + 1, ...overrides }, storage);
      this.members.set(id, { id, raft, storage, applied: [], readStates: [] });
    });
  }

  /** Starts a node outside the bootstrap configuration, to be added as a learner. */
  addNode(id: NodeId, storage = new MemoryLogStorage()): TestMember {
    const raft = new RaftNode({ id, voters: this.ids, joining: true, seed: this.members.size + 1, ...this.overrides }, storage);
    const member = { id, raft, storage, applied: [], readStates: [] };
    this.members.set(id, member);
    return member;
  }

  /** Every node that is currently leader. */
  leaders(): NodeId[] {
    return [...this.members.keys()].filter((id) => this.raft(id).status().role === 'leader');
  }

  get(id: NodeId): TestMember {
    const m = this.members.get(id);
    if (m === undefined) throw new Error(`no member ${id}`);
    return m;
  }

  raft(id: NodeId): RaftNode {
    return this.get(id).raft;
  }

  /** Persists and acknowledges one Ready of a node, queueing its messages. Returns it, if any. */
  persist(id: NodeId): Ready | undefined {
    const m = this.get(id);
    if (!m.raft.hasReady()) return undefined;
    const rd = m.raft.ready();
    this.complete(id, rd);
    return rd;
  }

  /** Carries out a Ready taken earlier (persist, queue messages, apply, advance). */
  complete(id: NodeId, rd: Ready): void {
    const m = this.get(id);
    if (rd.snapshot) m.storage.applySnapshot(rd.snapshot);
    if (rd.hardState) m.storage.setHardState(rd.hardState);
    m.storage.append(rd.entries);
    this.queue(rd.messages);
    m.applied.push(...rd.committedEntries);
    m.readStates.push(...rd.readStates);
    m.raft.advance();
  }

  queue(messages: Message[]): void {
    this.sent.push(...messages);
    this.inFlight.push(...messages);
  }

  /** Delivers every message in flight (dropping cut links); returns how many were delivered. */
  deliverAll(): number {
    const batch = this.inFlight;
    this.inFlight = [];
    let delivered = 0;
    for (const msg of batch) {
      if (this.cut.has(`${msg.from}->${msg.to}`) || !this.members.has(msg.to)) continue;
      this.raft(msg.to).step(msg);
      delivered++;
    }
    return delivered;
  }

  /** Persists and delivers until nothing moves. */
  stabilize(maxRounds = 200): void {
    for (let round = 0; round < maxRounds; round++) {
      let progressed = false;
      for (const id of this.members.keys()) while (this.persist(id) !== undefined) progressed = true;
      if (this.deliverAll() > 0) progressed = true;
      if (!progressed) return;
    }
    throw new Error('cluster did not stabilize');
  }

  /** Ticks one node until it starts a (pre-)campaign, then lets the cluster settle. */
  campaign(id: NodeId): void {
    const raft = this.raft(id);
    for (let i = 0; i < 1000 && raft.status().role === 'follower'; i++) raft.tick();
    this.stabilize();
  }

  isolate(id: NodeId): void {
    for (const other of this.members.keys()) {
      if (other === id) continue;
      this.cut.add(`${id}->${other}`);
      this.cut.add(`${other}->${id}`);
    }
  }

  heal(): void {
    this.cut.clear();
  }

  tickAll(ticks: number): void {
    for (let i = 0; i < ticks; i++) for (const m of this.members.values()) m.raft.tick();
  }

  /** Records a snapshot of `id`'s applied state and compacts its log up to `compactTo` (default: all of it). */
  snapshotAndCompact(id: NodeId, compactTo?: number): number {
    const { raft, storage } = this.get(id);
    const index = raft.status().applied;
    storage.createSnapshot({ metadata: { index, term: storage.term(index), ...raft.confState() } });
    storage.compact(compactTo ?? index);
    return index;
  }

  appliedData(id: NodeId): string[] {
    return this.get(id).applied.filter((e) => e.data.byteLength > 0).map((e) => decode(e.data));
  }
}

export function storageWith(hardState: HardState, terms: number[]): MemoryLogStorage {
  return new MemoryLogStorage(hardState, terms.map((t, i) => entry(i + 1, t, `e${i + 1}t${t}`)));
}
