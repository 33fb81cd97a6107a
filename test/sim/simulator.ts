// A deterministic discrete-event simulator of one Raft group. One integer seed reproduces one
// whole run: ticks, message loss/delay/duplication/reordering, partitions, crashes that lose
// unsynced writes, restarts, and a client workload. Invariants are checked after every event.
//
// Each node's "disk" persists one Ready at a time after a simulated fsync delay; only then are
// the Ready's messages sent, its committed entries applied, and advance() called. A crash drops
// the Ready in flight. A restarted node is a new RaftNode on its durable storage with applied = 0:
// its state machine is volatile and is rebuilt by re-applying the committed log.

import type { RaftOptions } from '../../src/consensus/config.js';
import { MemoryLogStorage } from '../../src/consensus/memory-storage.js';
import { SeededRandom } from '../../src/consensus/random.js';
import { RaftNode } from '../../src/consensus/raft.js';
import { MessageType, type Message, type NodeId, type Ready } from '../../src/consensus/types.js';
import { EventQueue } from './event-queue.js';
import { InvariantChecker, InvariantViolation, type LeaderView } from './invariants.js';
import { describePartition, Network } from './network.js';

/** Simulated time units per Raft tick. */
export const UNITS_PER_TICK = 10;

export type NodeFactory = (options: RaftOptions, storage: MemoryLogStorage) => RaftNode;

export interface SimOptions {
  seed: number;
  voters: number;
  /** Ticks of faults and workload before everything heals. */
  faultTicks?: number;
  /** Ticks the healed cluster gets to elect a leader and commit a final proposal everywhere. */
  quietTicks?: number;
  createNode?: NodeFactory;
  /** Events kept for the failure report. */
  recentEvents?: number;
  /** Called with every event as it happens. */
  trace?: (line: string) => void;
}

export interface SimStats {
  events: number;
  ticks: number;
  leaderTerms: number;
  commitIndex: number;
  proposals: number;
  readsAnswered: number;
  crashes: number;
  messagesDelivered: number;
}

export interface SimResult {
  seed: number;
  voters: number;
  ok: boolean;
  violation?: { invariant: string; detail: string };
  recentEvents: string[];
  stats: SimStats;
}

type SimEvent =
  | { kind: 'tick'; node: number; incarnation: number }
  | { kind: 'deliver'; message: Message }
  | { kind: 'persisted'; node: number; incarnation: number }
  | { kind: 'client' }
  | { kind: 'fault' }
  | { kind: 'restart'; node: number }
  | { kind: 'quiet' }
  | { kind: 'final-propose' };

interface SimNode {
  id: NodeId;
  index: number;
  storage: MemoryLogStorage;
  raft: RaftNode | undefined;
  incarnation: number;
  pending: Ready | undefined;
  appliedIndex: number;
  hasFinal: boolean;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function defaultNodeFactory(options: RaftOptions, storage: MemoryLogStorage): RaftNode {
  return new RaftNode(options, storage);
}

export class Simulation {
  private readonly random: SeededRandom;
  private readonly queue = new EventQueue<SimEvent>();
  private readonly nodes: SimNode[];
  /** Each node's durable log, as its disk holds it. */
  private readonly durableLogs: ((index: number) => number | undefined)[];
  private readonly ids: NodeId[];
  private readonly network: Network;
  private readonly checker = new InvariantChecker();
  private readonly createNode: NodeFactory;
  private readonly faultTicks: number;
  private readonly quietTicks: number;
  /** Recent events, formatted only when a report needs them. */
  private readonly recent: { timeUnits: number; describe: () => string }[] = [];
  private readonly recentLimit: number;
  private readonly raftTuning: Pick<RaftOptions, 'maxInflightMsgs' | 'maxBytesPerMsg'>;
  private readonly fsyncMaxUnits: number;
  private now = 0;
  private quiet = false;
  private done = false;
  private proposalCounter = 0;
  private readCounter = 0;
  private readonly finalValue: string;
  private readonly stats: SimStats = {
    events: 0,
    ticks: 0,
    leaderTerms: 0,
    commitIndex: 0,
    proposals: 0,
    readsAnswered: 0,
    crashes: 0,
    messagesDelivered: 0,
  };

  constructor(private readonly options: SimOptions) {
    this.random = new SeededRandom(options.seed);
    this.ids = Array.from({ length: options.voters }, (_, i) => `n${i + 1}`);
    this.createNode = options.createNode ?? defaultNodeFactory;
    this.faultTicks = options.faultTicks ?? 600;
    this.quietTicks = options.quietTicks ?? 300;
    this.recentLimit = options.recentEvents ?? 40;
    this.finalValue = `final-${options.seed}`;
    this.network = new Network(this.ids, {
      dropRate: this.random.pick([0, 0.02, 0.1, 0.2]),
      duplicateRate: this.random.pick([0, 0.02, 0.1]),
      minDelayUnits: 1,
      maxDelayUnits: this.random.pick([5, 15, 40]),
    });
    this.fsyncMaxUnits = this.random.pick([2, 10, 30]);
    this.raftTuning = {
      // Small windows and messages exercise probing and batching; large ones the defaults.
      maxInflightMsgs: this.random.pick([2, 8, 256]),
      maxBytesPerMsg: this.random.pick([32, 256, 1 << 20]),
    };
    this.nodes = this.ids.map((id, index) => ({
      id,
      index,
      storage: new MemoryLogStorage(),
      raft: undefined,
      incarnation: 0,
      pending: undefined,
      appliedIndex: 0,
      hasFinal: false,
    }));
    this.durableLogs = this.nodes.map((n) => (i: number) => (i <= n.storage.lastIndex() ? n.storage.term(i) : undefined));
  }

  run(): SimResult {
    try {
      for (const node of this.nodes) this.start(node);
      this.queue.push(this.random.between(1, 5 * UNITS_PER_TICK), { kind: 'client' });
      this.queue.push(this.random.between(1, 50 * UNITS_PER_TICK), { kind: 'fault' });
      this.queue.push(this.faultTicks * UNITS_PER_TICK, { kind: 'quiet' });
      const endUnits = (this.faultTicks + this.quietTicks) * UNITS_PER_TICK;
      while (!this.done) {
        const next = this.queue.pop();
        if (next === undefined || next.time > endUnits) {
          throw new InvariantViolation('liveness', this.livenessReport());
        }
        this.now = next.time;
        this.stats.events++;
        this.handle(next.event);
      }
      return this.result();
    } catch (error) {
      return this.result(error);
    }
  }

  // ---- events ------------------------------------------------------------------------------

  private handle(event: SimEvent): void {
    switch (event.kind) {
      case 'tick':
        return this.onTick(event.node, event.incarnation);
      case 'deliver':
        return this.onDeliver(event.message);
      case 'persisted':
        return this.onPersisted(event.node, event.incarnation);
      case 'client':
        return this.onClient();
      case 'fault':
        return this.onFault();
      case 'restart':
        return this.onRestart(event.node);
      case 'quiet':
        return this.onQuiet();
      case 'final-propose':
        return this.onFinalPropose();
    }
  }

  private onTick(index: number, incarnation: number): void {
    const node = this.nodes[index]!;
    if (node.raft === undefined || node.incarnation !== incarnation) return;
    this.stats.ticks++;
    node.raft.tick();
    this.afterStep(node);
    this.queue.push(this.now + UNITS_PER_TICK, { kind: 'tick', node: index, incarnation });
  }

  private onDeliver(m: Message): void {
    const node = this.nodes[this.ids.indexOf(m.to)]!;
    if (node.raft === undefined || !this.network.connected(m.from, m.to)) return;
    this.record(() => `deliver ${describeMessage(m)}`);
    this.stats.messagesDelivered++;
    node.raft.step(m);
    this.afterStep(node);
  }

  private onPersisted(index: number, incarnation: number): void {
    const node = this.nodes[index]!;
    if (node.raft === undefined || node.incarnation !== incarnation || node.pending === undefined) return;
    const rd = node.pending;
    node.pending = undefined;
    if (rd.hardState !== undefined) node.storage.setHardState(rd.hardState);
    node.storage.append(rd.entries);
    this.record(() => `${node.id} persisted ${rd.entries.length} entries${rd.hardState ? ` hs=${JSON.stringify(rd.hardState)}` : ''}, sends ${rd.messages.length}, applies ${rd.committedEntries.length}`);
    for (const m of rd.messages) this.send(m);
    this.apply(node, rd);
    node.raft.advance();
    this.afterStep(node);
  }

  private apply(node: SimNode, rd: Ready): void {
    if (rd.committedEntries.length === 0) return;
    const durableCommit = node.storage.initialState().commit;
    for (const e of rd.committedEntries) {
      this.checker.applied(node.id, e, node.appliedIndex + 1, durableCommit);
      node.appliedIndex = e.index;
      if (e.data.byteLength > 0 && decoder.decode(e.data) === this.finalValue) node.hasFinal = true;
    }
    if (this.quiet && this.nodes.every((n) => n.hasFinal)) this.done = true;
  }

  private onClient(): void {
    if (this.quiet) return;
    const live = this.nodes.filter((n) => n.raft !== undefined);
    if (live.length > 0) {
      const node = this.random.pick(live);
      if (this.random.chance(0.7)) this.propose(node);
      else this.read(node);
      this.afterStep(node);
    }
    this.queue.push(this.now + this.random.between(1, 4 * UNITS_PER_TICK), { kind: 'client' });
  }

  private propose(node: SimNode): void {
    const count = this.random.between(1, 3);
    const values = Array.from({ length: count }, () => `v${++this.proposalCounter}`);
    const result = node.raft!.propose(values.map((v) => encoder.encode(v)));
    this.stats.proposals += count;
    this.record(() => `client propose [${values.join(',')}] at ${node.id}: ${result.ok ? 'ok' : result.reason}`);
  }

  private read(node: SimNode): void {
    const context = `r${++this.readCounter}`;
    this.checker.readRequested(context);
    const accepted = node.raft!.readIndex(encoder.encode(context));
    if (!accepted) this.checker.readRefused(context);
    this.record(() => `client read ${context} at ${node.id}: ${accepted ? 'accepted' : 'refused'}`);
  }

  private onFault(): void {
    if (this.quiet) return;
    const roll = this.random.nextInt(10);
    if (roll < 4) {
      const partition = this.network.randomPartition(this.random);
      this.network.apply(partition);
      this.record(() => `partition: ${describePartition(partition)}`);
    } else if (roll < 7) {
      this.network.heal();
      this.record(() => 'partition: healed');
    } else {
      this.crash(this.random.pick(this.nodes));
    }
    this.queue.push(this.now + this.random.between(10, 50) * UNITS_PER_TICK, { kind: 'fault' });
  }

  private crash(node: SimNode): void {
    if (node.raft === undefined) return;
    node.raft = undefined;
    node.pending = undefined;
    node.incarnation++;
    node.appliedIndex = 0;
    node.hasFinal = false;
    this.stats.crashes++;
    this.record(() => `${node.id} crashed (unsynced Ready lost)`);
    this.queue.push(this.now + this.random.between(5, 60) * UNITS_PER_TICK, { kind: 'restart', node: node.index });
  }

  private onRestart(index: number): void {
    const node = this.nodes[index]!;
    if (node.raft !== undefined) return;
    this.start(node);
  }

  private start(node: SimNode): void {
    const seed = (this.options.seed * 7919 + node.index * 104729 + node.incarnation * 31) | 0;
    node.raft = this.createNode({ id: node.id, voters: this.ids, seed, applied: 0, ...this.raftTuning }, node.storage);
    this.checker.nodeRestarted(node.id, node.storage.initialState().commit);
    const durableLastIndex = node.storage.lastIndex();
    const incarnation = node.incarnation;
    this.record(() => `${node.id} started (incarnation ${incarnation}, durable last index ${durableLastIndex})`);
    const firstTick = this.now + this.random.between(1, UNITS_PER_TICK);
    this.queue.push(firstTick, { kind: 'tick', node: node.index, incarnation: node.incarnation });
    this.afterStep(node);
  }

  private onQuiet(): void {
    this.quiet = true;
    this.network.heal();
    this.network.profile = { ...this.network.profile, dropRate: 0, duplicateRate: 0 };
    this.record(() => 'quiet phase: healed, no loss, restarting crashed nodes');
    for (const node of this.nodes) if (node.raft === undefined) this.start(node);
    this.queue.push(this.now + UNITS_PER_TICK, { kind: 'final-propose' });
  }

  /** Proposes the final value at the current leader until every node has applied it. */
  private onFinalPropose(): void {
    const leader = this.nodes.find((n) => n.raft?.status().role === 'leader');
    if (leader !== undefined && !leader.hasFinal) {
      leader.raft!.propose([encoder.encode(this.finalValue)]);
      this.record(() => `final proposal at leader ${leader.id}`);
      this.afterStep(leader);
    }
    this.queue.push(this.now + 30 * UNITS_PER_TICK, { kind: 'final-propose' });
  }

  // ---- plumbing ----------------------------------------------------------------------------

  private send(m: Message): void {
    for (const delay of this.network.delaysFor(this.random)) {
      this.queue.push(this.now + delay, { kind: 'deliver', message: m });
    }
  }

  /** Observes the node after any input, checks invariants, and hands its next Ready to the disk. */
  private afterStep(node: SimNode): void {
    const raft = node.raft;
    if (raft === undefined) return;
    this.observe(node, raft);
    if (node.pending !== undefined || !raft.hasReady()) return;
    const rd = raft.ready();
    this.checkReady(node, raft, rd);
    node.pending = rd;
    const fsyncUnits = this.random.between(1, this.fsyncMaxUnits);
    this.queue.push(this.now + fsyncUnits, { kind: 'persisted', node: node.index, incarnation: node.incarnation });
  }

  private observe(node: SimNode, raft: RaftNode): void {
    const status = raft.status();
    this.checker.statusSeen(node.id, status.applied, status.commit, status.lastIndex);
    const termAt = (i: number): number | undefined => raft.termAt(i);
    if (status.role === 'leader') {
      this.checker.leaderSeen({ id: node.id, term: status.term, termAt });
      this.stats.leaderTerms = this.checker.termsWithLeader;
    }
    if (status.commit > 0) this.checker.commitSeen(node.id, status.commit, termAt, this.leaders(), this.durableLogs);
    this.stats.commitIndex = this.checker.maxCommitIndex;
  }

  private leaders(): LeaderView[] {
    const out: LeaderView[] = [];
    for (const n of this.nodes) {
      const raft = n.raft;
      if (raft === undefined) continue;
      const s = raft.status();
      if (s.role === 'leader') out.push({ id: n.id, term: s.term, termAt: (i) => raft.termAt(i) });
    }
    return out;
  }

  private checkReady(node: SimNode, raft: RaftNode, rd: Ready): void {
    for (const m of rd.messages) {
      if (m.to === node.id) throw new InvariantViolation('no-self-messages', `${node.id} put a ${MessageType[m.type]} to itself in a Ready`);
    }
    this.checker.entriesAppended(node.id, rd.entries, (i) => raft.termAt(i));
    for (const rs of rd.readStates) {
      this.checker.readAnswered(node.id, rs, decoder.decode(rs.context));
      this.stats.readsAnswered++;
    }
  }

  private record(describe: () => string): void {
    if (this.options.trace !== undefined) this.options.trace(formatEvent(this.now, describe));
    if (this.recentLimit === 0) return;
    this.recent.push({ timeUnits: this.now, describe });
    if (this.recent.length > this.recentLimit) this.recent.shift();
  }

  private livenessReport(): string {
    const states = this.nodes.map((n) => {
      const s = n.raft?.status();
      return s ? `${n.id}:${s.role}@${s.term} commit=${s.commit} applied=${n.appliedIndex} final=${n.hasFinal}` : `${n.id}:down`;
    });
    return `no leader committed a proposal on every node within ${this.quietTicks} quiet ticks; ${states.join('; ')}`;
  }

  private result(error?: unknown): SimResult {
    const recentEvents = this.recent.map((e) => formatEvent(e.timeUnits, e.describe));
    const base = { seed: this.options.seed, voters: this.options.voters, recentEvents, stats: { ...this.stats } };
    if (error === undefined) return { ...base, ok: true };
    if (error instanceof InvariantViolation) {
      return { ...base, ok: false, violation: { invariant: error.invariant, detail: error.message } };
    }
    const detail = error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ''}` : String(error);
    return { ...base, ok: false, violation: { invariant: 'core-assertion', detail } };
  }
}

function formatEvent(timeUnits: number, describe: () => string): string {
  return `[t=${(timeUnits / UNITS_PER_TICK).toFixed(1)}] ${describe()}`;
}

export function describeMessage(m: Message): string {
  const parts = [`${MessageType[m.type]} ${m.from}->${m.to} t${m.term}`];
  if (m.type === MessageType.App) parts.push(`prev=(${m.index},t${m.logTerm}) n=${m.entries.length} commit=${m.commit}`);
  else if (m.type === MessageType.AppResp) parts.push(m.reject ? `reject ${m.index} hint=${m.rejectHint}` : `match=${m.index}`);
  else if (m.type === MessageType.Vote || m.type === MessageType.PreVote) parts.push(`last=(${m.index},t${m.logTerm})`);
  else if (m.reject) parts.push('reject');
  else if (m.type === MessageType.Heartbeat) parts.push(`commit=${m.commit}`);
  else if (m.type === MessageType.ReadIndexResp) parts.push(`index=${m.index}`);
  return parts.join(' ');
}

export function simulate(options: SimOptions): SimResult {
  return new Simulation(options).run();
}

export function replayCommand(result: Pick<SimResult, 'seed' | 'voters'>): string {
  return `npm run build && npm run sim -- --seed ${result.seed} --voters ${result.voters} --verbose`;
}

export function formatFailure(result: SimResult): string {
  if (result.ok || result.violation === undefined) return '';
  return [
    `FAILED seed=${result.seed} voters=${result.voters}`,
    `invariant: ${result.violation.invariant}`,
    `detail: ${result.violation.detail}`,
    `last ${result.recentEvents.length} events:`,
    ...result.recentEvents.map((e) => `  ${e}`),
    `replay: ${replayCommand(result)}`,
  ].join('\n');
}
