// A deterministic discrete-event simulator of one Raft group. One integer seed reproduces one
// whole run: ticks, message loss/delay/duplication/reordering, partitions, crashes that lose
// unsynced writes, restarts, and a client workload. Invariants are checked after every event.
//
// Scenarios add to that: 'snapshot' has nodes snapshot their applied state and compact their logs
// now and then, so a node that was down or cut off long enough must catch up from a snapshot;
// 'membership' has an operator add learners, promote them and remove voters (the leader too),
// one change at a time, under the same faults; 'full' does both.
//
// Each node runs the storage member's own raft glue: its Ready driver (ready-driver.ts) over its
// durable log (durable-log.ts, raft-log-store.ts), and its own snapshots (local-snapshot.ts), on
// an in-memory LevelDB that loses on a crash what LevelDB loses on a power cut
// (power-loss-level.ts). A synced write takes simulated time; a crash during it may keep it or not.
// A restarted node is a new RaftNode on what its disk kept: its state machine is volatile and is
// rebuilt from its latest snapshot (if any) and the log.
// The state machine is a hash chain over the applied entries, so a snapshot carries a state that
// the checker can compare with every other node's at the same index.

import type { RaftOptions } from '../../src/consensus/config.js';
import { SeededRandom } from '../../src/consensus/random.js';
import { RaftNode } from '../../src/consensus/raft.js';
import type { ConfChange } from '../../src/consensus/conf-change.js';
import { MessageType, type Entry, type LogStorage, type Message, type NodeId, type Ready, type Snapshot } from '../../src/consensus/types.js';
import { DurableLog } from '../../src/storage/durable-log.js';
import { snapshotApplied } from '../../src/storage/local-snapshot.js';
import { RaftLogStore } from '../../src/storage/raft-log-store.js';
import { ReadyDriver, type ReadyHooks } from '../../src/storage/ready-driver.js';
import { PowerLossLevel } from '../support/power-loss-level.js';
import { EventQueue } from './event-queue.js';
import { hashEntry, InvariantChecker, InvariantViolation, type LeaderView, type TermLookup } from './invariants.js';
import { describePartition, Network } from './network.js';

/** Simulated time units per Raft tick. */
export const UNITS_PER_TICK = 10;

export type NodeFactory = (options: RaftOptions, storage: LogStorage) => RaftNode;

export const SCENARIOS = ['base', 'snapshot', 'membership', 'full'] as const;
export type Scenario = (typeof SCENARIOS)[number];

/** Spreads seeds over the scenarios (and, with seed % 3 choosing the size, over sizes too). */
export function scenarioForSeed(seed: number, forced?: Scenario): Scenario {
  return forced ?? SCENARIOS[Math.floor(Math.abs(seed) / 3) % SCENARIOS.length]!;
}

/** Nodes a membership run may add, beyond the bootstrap voters. */
const SPARE_NODES = 3;
/** Turns the nodes' storage glue may take to finish or block on an fsync after one event. */
const SETTLE_TURNS = 10_000;
const YIELD_EVERY_EVENTS = 2_000;
const BUFFERS = { keyEncoding: 'buffer', valueEncoding: 'buffer' } as const;

export interface SimOptions {
  seed: number;
  /** Bootstrap voters. */
  voters: number;
  /** Default 'base'. */
  scenario?: Scenario;
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
  compactions: number;
  snapshotsSent: number;
  snapshotsInstalled: number;
  /** ConfChange entries committed (as first applied). */
  confChanges: number;
  /** Removals of the node that was leader, accepted for proposal. */
  leaderRemovals: number;
}

export interface SimResult {
  seed: number;
  voters: number;
  scenario: Scenario;
  ok: boolean;
  violation?: { invariant: string; detail: string };
  recentEvents: string[];
  stats: SimStats;
}

type SimEvent =
  | { kind: 'tick'; node: number; incarnation: number }
  | { kind: 'deliver'; message: Message; payload?: SnapState }
  | { kind: 'snap-report'; node: number; incarnation: number; to: NodeId; ok: boolean }
  | { kind: 'compact' }
  | { kind: 'membership' }
  | { kind: 'fsync'; node: number; incarnation: number }
  | { kind: 'client' }
  | { kind: 'fault' }
  | { kind: 'restart'; node: number }
  | { kind: 'quiet' }
  | { kind: 'final-propose' };

/** The simulated application state: a hash chain over the applied entries. */
interface SnapState {
  hash: number;
  hasFinal: boolean;
}

interface SimNode {
  id: NodeId;
  index: number;
  /** The node's LevelDB: what a crash leaves of it is what the next start finds. */
  disk: PowerLossLevel | undefined;
  /** The log as the core last saw it, kept while the node is down: what the checker counts as durable. */
  view: LogStorage | undefined;
  log: DurableLog | undefined;
  driver: ReadyDriver | undefined;
  raft: RaftNode | undefined;
  incarnation: number;
  /** Synced writes waiting for their simulated fsync, oldest first. */
  fsyncs: Array<{ done: () => void; fail: (error: Error) => void }>;
  appliedIndex: number;
  state: SnapState;
  /** The application's durable copy of its state at each snapshot index the log may hold. */
  snapshotStates: Map<number, SnapState>;
  /** A snapshot and compaction was asked for: taken between Readies, as the storage member does. */
  compactWanted: boolean;
  /** Its Ready driver ran since the node was last observed. */
  driven: boolean;
  /** A snapshot streamed in from the leader, waiting for the core to accept it. */
  staged: { index: number; state: SnapState } | undefined;
  /** Started at least once (spare nodes start when first added). */
  started: boolean;
  /** Once removed from the configuration, never added again. */
  removed: boolean;
}

const INITIAL_STATE: SnapState = { hash: 0, hasFinal: false };

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function defaultNodeFactory(options: RaftOptions, storage: LogStorage): RaftNode {
  return new RaftNode(options, storage);
}

export class Simulation {
  private readonly random: SeededRandom;
  private readonly queue = new EventQueue<SimEvent>();
  private readonly nodes: SimNode[];
  /** Each node's durable log, as its disk holds it. */
  private readonly durableLogs: Map<NodeId, TermLookup>;
  private readonly ids: NodeId[];
  private readonly bootstrap: NodeId[];
  private readonly network: Network;
  private readonly checker: InvariantChecker;
  private readonly scenario: Scenario;
  private readonly snapshots: boolean;
  private readonly membership: boolean;
  private readonly createNode: NodeFactory;
  private readonly faultTicks: number;
  private readonly quietTicks: number;
  /** Recent events, formatted only when a report needs them. */
  private readonly recent: { timeUnits: number; describe: () => string }[] = [];
  private readonly recentLimit: number;
  private readonly raftTuning: Pick<RaftOptions, 'maxInflightMsgs' | 'maxBytesPerMsg'>;
  private readonly fsyncMaxUnits: number;
  /** How often a LevelDB write starts a new log file (power-loss-level.ts). */
  private readonly rotateChance: number;
  /** What the storage glue of a live node reported as fatal. */
  private failure: InvariantViolation | undefined;
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
    compactions: 0,
    snapshotsSent: 0,
    snapshotsInstalled: 0,
    confChanges: 0,
    leaderRemovals: 0,
  };

  constructor(private readonly options: SimOptions) {
    this.random = new SeededRandom(options.seed);
    this.scenario = options.scenario ?? 'base';
    this.snapshots = this.scenario === 'snapshot' || this.scenario === 'full';
    this.membership = this.scenario === 'membership' || this.scenario === 'full';
    const spares = this.membership ? SPARE_NODES : 0;
    this.ids = Array.from({ length: options.voters + spares }, (_, i) => `n${i + 1}`);
    this.bootstrap = this.ids.slice(0, options.voters);
    this.checker = new InvariantChecker(this.bootstrap);
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
    this.rotateChance = this.random.pick([0, 0.05, 0.3]);
    this.raftTuning = {
      // Small windows and messages exercise probing and batching; large ones the defaults.
      maxInflightMsgs: this.random.pick([2, 8, 256]),
      maxBytesPerMsg: this.random.pick([32, 256, 1 << 20]),
    };
    this.nodes = this.ids.map((id, index) => ({
      id,
      index,
      disk: undefined,
      view: undefined,
      log: undefined,
      driver: undefined,
      raft: undefined,
      incarnation: 0,
      fsyncs: [],
      appliedIndex: 0,
      state: INITIAL_STATE,
      snapshotStates: new Map(),
      compactWanted: false,
      driven: false,
      staged: undefined,
      started: false,
      removed: false,
    }));
    this.durableLogs = new Map(this.nodes.map((n) => [n.id, (i: number) => (n.view === undefined ? undefined : durableTerm(n.view, i, this.checker))]));
  }

  async run(): Promise<SimResult> {
    try {
      for (const node of this.nodes) node.disk = await PowerLossLevel.open(this.random, this.rotateChance, () => this.fsync(node));
      for (const node of this.nodes) if (this.bootstrap.includes(node.id)) await this.start(node);
      await this.settle();
      this.queue.push(this.random.between(1, 5 * UNITS_PER_TICK), { kind: 'client' });
      if (this.snapshots) this.queue.push(this.random.between(10, 40) * UNITS_PER_TICK, { kind: 'compact' });
      if (this.membership) this.queue.push(this.random.between(20, 60) * UNITS_PER_TICK, { kind: 'membership' });
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
        // Now and then the event loop gets a turn (a test runner's messages), which changes nothing here.
        if (this.stats.events % YIELD_EVERY_EVENTS === 0) await new Promise((resolve) => setImmediate(resolve));
        await this.handle(next.event);
        await this.settle();
        for (const node of this.nodes) if (node.driven && node.raft !== undefined) this.observe(node, node.raft);
      }
      return this.result();
    } catch (error) {
      return this.result(error);
    } finally {
      for (const node of this.nodes) {
        node.incarnation++;
        const stopped = node.driver?.stop();
        for (const pending of node.fsyncs.splice(0)) pending.fail(new Error('the run is over'));
        await stopped;
        await node.disk?.close();
      }
    }
  }

  /** Lets every node's storage glue run until it is idle or waits for an fsync. */
  private async settle(): Promise<void> {
    for (let turns = 0; ; turns++) {
      if (this.failure !== undefined) throw this.failure;
      if (this.nodes.every((n) => n.driver === undefined || !n.driver.busy || n.fsyncs.length > 0)) return;
      if (turns === SETTLE_TURNS) throw new InvariantViolation('storage-glue', `a node's Ready driver neither finished nor waited for an fsync within ${SETTLE_TURNS} turns`);
      // LevelDB in memory finishes its work in process.nextTick callbacks: one turn of those at a time.
      await new Promise((resolve) => process.nextTick(resolve));
    }
  }

  /** A synced write of `node`'s disk: over after a simulated delay, or failed by a crash before. */
  private fsync(node: SimNode): Promise<void> {
    return new Promise((done, fail) => {
      node.fsyncs.push({ done, fail });
      this.queue.push(this.now + this.random.between(1, this.fsyncMaxUnits), { kind: 'fsync', node: node.index, incarnation: node.incarnation });
    });
  }

  // ---- events ------------------------------------------------------------------------------

  private async handle(event: SimEvent): Promise<void> {
    switch (event.kind) {
      case 'tick':
        return this.onTick(event.node, event.incarnation);
      case 'deliver':
        return this.onDeliver(event.message, event.payload);
      case 'snap-report':
        return this.onSnapReport(event.node, event.incarnation, event.to, event.ok);
      case 'compact':
        return this.onCompact();
      case 'membership':
        return await this.onMembership();
      case 'fsync':
        return this.onFsync(event.node, event.incarnation);
      case 'client':
        return this.onClient();
      case 'fault':
        return await this.onFault();
      case 'restart':
        return await this.onRestart(event.node);
      case 'quiet':
        return await this.onQuiet();
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

  private onDeliver(m: Message, payload: SnapState | undefined): void {
    const node = this.nodes[this.ids.indexOf(m.to)]!;
    if (node.raft === undefined || !this.network.connected(m.from, m.to)) {
      if (m.type === MessageType.Snap) this.reportSnapshot(m, false);
      return;
    }
    this.record(() => `deliver ${describeMessage(m)}`);
    this.stats.messagesDelivered++;
    if (m.type === MessageType.Snap) {
      // The state arrived in full: stage it, then hand the core the metadata.
      node.staged = { index: m.index, state: payload! };
      this.reportSnapshot(m, true);
    }
    node.raft.step(m);
    this.afterStep(node);
  }

  /** The sender learns how its snapshot transfer went, a little later. */
  private reportSnapshot(m: Message, ok: boolean): void {
    const sender = this.nodes[this.ids.indexOf(m.from)]!;
    const at = this.now + this.random.between(1, 3 * UNITS_PER_TICK);
    this.queue.push(at, { kind: 'snap-report', node: sender.index, incarnation: sender.incarnation, to: m.to, ok });
  }

  private onSnapReport(index: number, incarnation: number, to: NodeId, ok: boolean): void {
    const node = this.nodes[index]!;
    if (node.raft === undefined || node.incarnation !== incarnation) return;
    this.record(() => `${node.id} snapshot to ${to}: ${ok ? 'delivered' : 'failed'}`);
    node.raft.reportSnapshot(to, ok);
    this.afterStep(node);
  }

  private onFsync(index: number, incarnation: number): void {
    const node = this.nodes[index]!;
    if (node.raft === undefined || node.incarnation !== incarnation) return;
    node.fsyncs.shift()?.done();
    node.driven = true;
  }

  /** What the storage member's Ready driver asks of it, here for one incarnation of `node`. */
  private hooksFor(node: SimNode, incarnation: number): ReadyHooks {
    const live = () => node.incarnation === incarnation;
    return {
      onSoftState: () => {},
      installSnapshot: async (snapshot) => {
        if (live()) await this.installSnapshot(node, snapshot);
      },
      sendSnapshots: (messages) => {
        if (live()) for (const m of messages) this.sendSnapshot(m);
      },
      send: (messages) => {
        if (live()) for (const m of messages) this.send(m);
      },
      saved: () => {},
      apply: async (entries) => {
        if (live()) this.apply(node, entries);
      },
      // Read states are checked as the Ready is taken (checkReady).
      onReadStates: () => {},
      afterAdvance: async () => {
        if (!live()) return;
        const status = node.raft!.status();
        this.checker.configSeen(node.id, status.applied, status.config);
      },
      betweenReadies: async () => {
        if (!live() || !node.compactWanted) return;
        node.compactWanted = false;
        await this.compact(node);
      },
      // A check that failed inside the driver's loop (on a Ready, an apply, an install) ends the run as itself.
      fatal: (where, error) => {
        if (!live()) return;
        this.failure ??= error instanceof InvariantViolation ? error : new InvariantViolation('storage-glue', `${node.id} ${where}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      },
    };
  }

  private async installSnapshot(node: SimNode, snapshot: Snapshot): Promise<void> {
    const { metadata } = snapshot;
    const staged = node.staged;
    if (staged === undefined || staged.index !== metadata.index) {
      throw new InvariantViolation('snapshot-install', `${node.id} was told to install a snapshot at ${metadata.index} it never received`);
    }
    node.staged = undefined;
    this.checker.snapshotInstalled(node.id, metadata, staged.state.hash);
    // The application's state is durable before the log records the snapshot, as the storage member's is.
    node.snapshotStates.set(metadata.index, staged.state);
    await node.log!.applySnapshot(snapshot);
    this.dropOlderSnapshotStates(node);
    node.state = staged.state;
    node.appliedIndex = metadata.index;
    this.stats.snapshotsInstalled++;
    this.record(() => `${node.id} installed snapshot at ${metadata.index} (term ${metadata.term})`);
    this.checkDone();
  }

  private apply(node: SimNode, committed: Entry[]): void {
    const durableCommit = node.log!.coreView.initialState().commit;
    for (const e of committed) {
      const hash = hashEntry(node.state.hash, e);
      if (this.checker.applied(node.id, e, node.appliedIndex + 1, durableCommit, hash)) this.stats.confChanges++;
      const hasFinal = node.state.hasFinal || (e.data.byteLength > 0 && decoder.decode(e.data) === this.finalValue);
      node.state = { hash, hasFinal };
      node.appliedIndex = e.index;
    }
    this.checkDone();
  }

  /** Done once every member of the committed configuration has applied the final value. */
  private checkDone(): void {
    if (!this.quiet) return;
    const conf = this.checker.latestConfig;
    const members = [...conf.voters, ...conf.learners];
    if (members.every((id) => this.nodes[this.ids.indexOf(id)]!.state.hasFinal)) this.done = true;
  }

  private onClient(): void {
    if (this.quiet) return;
    const live = this.nodes.filter((n) => n.raft !== undefined && !n.removed);
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
    const accepted = node.raft!.readIndex(encoder.encode(context)).ok;
    if (!accepted) this.checker.readRefused(context);
    this.record(() => `client read ${context} at ${node.id}: ${accepted ? 'accepted' : 'refused'}`);
  }

  private async onFault(): Promise<void> {
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
      await this.crash(this.random.pick(this.nodes.filter((n) => n.started)));
    }
    this.queue.push(this.now + this.random.between(10, 50) * UNITS_PER_TICK, { kind: 'fault' });
  }

  private async crash(node: SimNode): Promise<void> {
    if (node.raft === undefined) return;
    const driver = node.driver!;
    node.raft = undefined;
    node.driver = undefined;
    node.log = undefined;
    node.incarnation++;
    node.staged = undefined;
    node.compactWanted = false;
    // The write in flight fails and the old incarnation's Ready loop ends; the disk keeps what a power cut would.
    const stopped = driver.stop();
    for (const pending of node.fsyncs.splice(0)) pending.fail(new Error('crashed'));
    await stopped;
    node.disk = await node.disk!.crash();
    this.stats.crashes++;
    this.record(() => `${node.id} crashed (what was not synced may be lost)`);
    this.queue.push(this.now + this.random.between(5, 60) * UNITS_PER_TICK, { kind: 'restart', node: node.index });
  }

  private async onRestart(index: number): Promise<void> {
    const node = this.nodes[index]!;
    if (node.raft !== undefined) return;
    await this.start(node);
  }

  private async start(node: SimNode): Promise<void> {
    const seed = (this.options.seed * 7919 + node.index * 104729 + node.incarnation * 31) | 0;
    const store = await RaftLogStore.open(node.disk!.sublevel<Buffer, Buffer>('raft', BUFFERS));
    const stored = await store.load();
    // The state machine restarts from the snapshot the log kept, or from scratch.
    const snapshotIndex = stored.snapshot.index;
    const state = snapshotIndex === 0 ? INITIAL_STATE : node.snapshotStates.get(snapshotIndex);
    if (state === undefined) throw new InvariantViolation('snapshot-state', `${node.id} restarted on a snapshot at ${snapshotIndex} whose state was never made durable`);
    node.state = state;
    node.appliedIndex = snapshotIndex;
    node.started = true;
    const joining = !this.bootstrap.includes(node.id);
    const options: RaftOptions = { id: node.id, voters: this.bootstrap, joining, seed, applied: node.appliedIndex, ...this.raftTuning };
    const log = new DurableLog(store, stored);
    const raft = this.createNode(options, log.coreView);
    // Each Ready is checked as the driver takes it.
    const ready = raft.ready.bind(raft);
    raft.ready = () => {
      const rd = ready();
      this.checkReady(node, raft, rd);
      return rd;
    };
    node.log = log;
    node.view = log.coreView;
    node.raft = raft;
    node.driver = new ReadyDriver(raft, log, this.hooksFor(node, node.incarnation));
    this.checker.nodeRestarted(node.id, log.coreView.initialState().commit);
    const durableLastIndex = log.lastIndex();
    const incarnation = node.incarnation;
    this.record(() => `${node.id} started (incarnation ${incarnation}, durable last index ${durableLastIndex})`);
    const firstTick = this.now + this.random.between(1, UNITS_PER_TICK);
    this.queue.push(firstTick, { kind: 'tick', node: node.index, incarnation: node.incarnation });
    this.afterStep(node);
  }

  private async onQuiet(): Promise<void> {
    this.quiet = true;
    this.network.heal();
    this.network.profile = { ...this.network.profile, dropRate: 0, duplicateRate: 0 };
    this.record(() => 'quiet phase: healed, no loss, restarting crashed nodes');
    for (const node of this.nodes) if (node.raft === undefined && node.started) await this.start(node);
    this.queue.push(this.now + UNITS_PER_TICK, { kind: 'final-propose' });
  }

  /** Proposes the final value at the current leader until every member has applied it. */
  private onFinalPropose(): void {
    const leader = this.currentLeader();
    if (leader !== undefined && !leader.state.hasFinal) {
      leader.raft!.propose([encoder.encode(this.finalValue)]);
      this.record(() => `final proposal at leader ${leader.id}`);
      this.afterStep(leader);
    }
    this.queue.push(this.now + 30 * UNITS_PER_TICK, { kind: 'final-propose' });
  }

  /** The leader of the highest term among live nodes. */
  private currentLeader(): SimNode | undefined {
    let best: SimNode | undefined;
    for (const n of this.nodes) {
      const s = n.raft?.status();
      if (s?.role === 'leader' && (best === undefined || s.term > best.raft!.status().term)) best = n;
    }
    return best;
  }

  // ---- snapshots and membership ---------------------------------------------------------------

  /** A random live node snapshots its applied state and compacts its log behind it. */
  private onCompact(): void {
    if (this.quiet) return;
    const candidates = this.nodes.filter((n) => n.raft !== undefined);
    if (candidates.length > 0) {
      const node = this.random.pick(candidates);
      node.compactWanted = true;
      node.driven = true;
      node.driver!.schedule();
    }
    this.queue.push(this.now + this.random.between(5, 30) * UNITS_PER_TICK, { kind: 'compact' });
  }

  private async compact(node: SimNode): Promise<void> {
    const log = node.log!;
    const applied = node.appliedIndex;
    if (applied <= log.snapshotMetadata().index || applied < log.firstIndex()) return;
    // The application's state is durable before the log records a snapshot of it.
    node.snapshotStates.set(applied, node.state);
    const keep = this.random.pick([0, 0, 2, 10]);
    // Between advance() and the next ready(), the core's configuration is the one at `applied`.
    await snapshotApplied(log, applied, node.raft!.confState(), keep);
    this.dropOlderSnapshotStates(node);
    this.stats.compactions++;
    this.record(() => `${node.id} snapshot at ${applied}, log compacted to ${log.firstIndex() - 1}`);
  }

  /** States of snapshots older than the log's are never started from again. */
  private dropOlderSnapshotStates(node: SimNode): void {
    const kept = node.log!.snapshotMetadata().index;
    for (const index of node.snapshotStates.keys()) if (index < kept) node.snapshotStates.delete(index);
  }

  /** One membership change, as an operator would make it: add, promote, or remove. */
  private async onMembership(): Promise<void> {
    if (this.quiet) return;
    this.queue.push(this.now + this.random.between(30, 90) * UNITS_PER_TICK, { kind: 'membership' });
    const leader = this.currentLeader();
    if (leader === undefined) return;
    const cc = this.nextConfChange(leader.raft!.confState());
    if (cc === undefined) return;
    const target = this.nodes[this.ids.indexOf(cc.node)]!;
    if (cc.type === 'add-learner' && !target.started) await this.start(target);
    if (cc.type === 'remove-node') target.removed = true;
    // Sometimes through a follower, which forwards it.
    const live = this.nodes.filter((n) => n.raft !== undefined && !n.removed);
    const via = this.random.chance(0.3) && live.length > 0 ? this.random.pick(live) : leader;
    const result = via.raft!.proposeConfChange(cc);
    if (result.ok && cc.type === 'remove-node' && cc.node === leader.id) this.stats.leaderRemovals++;
    this.record(() => `operator ${cc.type} ${cc.node} at ${via.id}: ${result.ok ? 'ok' : `${result.reason} (${result.detail})`}`);
    this.afterStep(via);
  }

  private nextConfChange(conf: { voters: NodeId[]; learners: NodeId[] }): ConfChange | undefined {
    const learner = conf.learners[0];
    if (learner !== undefined) return { type: 'promote-learner', node: learner };
    if (conf.voters.length > this.bootstrap.length || (conf.voters.length > 3 && this.random.chance(0.3))) {
      return { type: 'remove-node', node: this.random.pick(conf.voters) };
    }
    const spare = this.nodes.find((n) => !n.removed && !conf.voters.includes(n.id) && !this.bootstrap.includes(n.id));
    return spare === undefined ? undefined : { type: 'add-learner', node: spare.id, context: `addr-${spare.id}` };
  }

  // ---- plumbing ----------------------------------------------------------------------------

  private send(m: Message): void {
    if (m.type === MessageType.Snap) {
      this.sendSnapshot(m);
      return;
    }
    for (const delay of this.network.delaysFor(this.random)) {
      this.queue.push(this.now + delay, { kind: 'deliver', message: m });
    }
  }

  /** The application streams its snapshot state along with the core's Snap message. */
  private sendSnapshot(m: Message): void {
    const sender = this.nodes[this.ids.indexOf(m.from)]!;
    const metadata = sender.log!.snapshotMetadata();
    const state = sender.snapshotStates.get(m.index);
    if (state === undefined || metadata.index !== m.index || metadata.term !== m.logTerm) {
      throw new InvariantViolation('snapshot-send', `${m.from} sent a snapshot at ${m.index} that its storage does not hold`);
    }
    this.stats.snapshotsSent++;
    const delays = this.network.delaysFor(this.random);
    if (delays.length === 0) {
      this.reportSnapshot(m, false);
      return;
    }
    // A stream takes longer than a message; it is never duplicated.
    this.queue.push(this.now + delays[0]! + this.random.between(0, 5 * UNITS_PER_TICK), { kind: 'deliver', message: m, payload: state });
  }

  /** Observes the node after any input, checks invariants, and lets its Ready driver run. */
  private afterStep(node: SimNode): void {
    const raft = node.raft;
    if (raft === undefined) return;
    this.observe(node, raft);
    node.driven = true;
    node.driver!.schedule();
  }

  private observe(node: SimNode, raft: RaftNode): void {
    node.driven = false;
    const status = raft.status();
    this.checker.statusSeen(node.id, status.applied, status.commit, status.lastIndex);
    const termAt = (i: number): number | undefined => raft.termAt(i);
    if (status.role === 'leader') {
      this.checker.leaderSeen({ id: node.id, term: status.term, termAt, firstIndex: status.firstIndex, voters: status.config.voters });
      this.stats.leaderTerms = this.checker.termsWithLeader;
    }
    if (status.commit > 0) this.checker.commitSeen(node.id, status.commit, termAt, status.firstIndex, this.leaders(), this.durableLogs);
    this.stats.commitIndex = this.checker.maxCommitIndex;
  }

  private leaders(): LeaderView[] {
    const out: LeaderView[] = [];
    for (const n of this.nodes) {
      const raft = n.raft;
      if (raft === undefined || !raft.isLeader()) continue;
      const s = raft.status();
      out.push({ id: n.id, term: s.term, termAt: (i) => raft.termAt(i), firstIndex: s.firstIndex, voters: s.config.voters });
    }
    return out;
  }


  private checkReady(node: SimNode, raft: RaftNode, rd: Ready): void {
    this.record(() => `${node.id} ready: ${rd.entries.length} entries${rd.hardState ? ` hs=${JSON.stringify(rd.hardState)}` : ''}, sends ${rd.messages.length}, applies ${rd.committedEntries.length}`);
    for (const m of rd.messages) {
      if (m.to === node.id) throw new InvariantViolation('no-self-messages', `${node.id} put a ${MessageType[m.type]} to itself in a Ready`);
    }
    this.checker.entriesAppended(node.id, rd.entries, (i) => raft.termAt(i));
    for (const rs of rd.readStates) {
      if (rs.overloaded) {
        this.checker.readRefused(decoder.decode(rs.context));
        continue;
      }
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
      const conf = s ? ` voters=[${s.config.voters.join(',')}] learners=[${s.config.learners.join(',')}] first=${s.firstIndex}` : '';
      return s ? `${n.id}:${s.role}@${s.term} commit=${s.commit} applied=${n.appliedIndex} final=${n.state.hasFinal}${conf}` : `${n.id}:${n.started ? 'down' : 'not started'}`;
    });
    return `no leader committed a proposal on every node within ${this.quietTicks} quiet ticks; ${states.join('; ')}`;
  }

  private result(error?: unknown): SimResult {
    const recentEvents = this.recent.map((e) => formatEvent(e.timeUnits, e.describe));
    const base = { seed: this.options.seed, voters: this.options.voters, scenario: this.scenario, recentEvents, stats: { ...this.stats } };
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
  else if (m.type === MessageType.Snap) parts.push(`snapshot=(${m.index},t${m.logTerm}) ${new TextDecoder().decode(m.context)}`);
  return parts.join(' ');
}

export function simulate(options: SimOptions): Promise<SimResult> {
  return new Simulation(options).run();
}

export function replayCommand(result: Pick<SimResult, 'seed' | 'voters' | 'scenario'>): string {
  return `npm run build && npm run sim -- --seed ${result.seed} --voters ${result.voters} --scenario ${result.scenario} --verbose`;
}

/** What a node's disk holds at an index: compacted entries are committed (and in its snapshot). */
function durableTerm(storage: LogStorage, index: number, checker: InvariantChecker): number | undefined {
  if (index > storage.lastIndex()) return undefined;
  if (index < storage.firstIndex() - 1) return checker.committedTermAt(index);
  return storage.term(index);
}

export function formatFailure(result: SimResult): string {
  if (result.ok || result.violation === undefined) return '';
  return [
    `FAILED seed=${result.seed} voters=${result.voters} scenario=${result.scenario}`,
    `invariant: ${result.violation.invariant}`,
    `detail: ${result.violation.detail}`,
    `last ${result.recentEvents.length} events:`,
    ...result.recentEvents.map((e) => `  ${e}`),
    `replay: ${replayCommand(result)}`,
  ].join('\n');
}
