// A deterministic discrete-event simulator of one Raft group. One integer seed reproduces one
// whole run: ticks, message loss/delay/duplication/reordering, partitions, crashes that lose
// unsynced writes, restarts, and a client workload. Invariants are checked after every event.
//
// Scenarios add to that: 'snapshot' has nodes snapshot their applied state and compact their logs
// now and then, so a node that was down or cut off long enough must catch up from a snapshot;
// 'membership' has an operator add learners, promote them and remove voters (the leader too),
// one change at a time, under the same faults; 'full' does both.
//
// Each node runs the storage member's own glue: its start-up recovery (member-storage.ts), its
// Ready driver (ready-driver.ts) over its durable log (durable-log.ts), its applier over the MVCC
// state (applier.ts), and its snapshots (member-snapshots.ts: local ones, and the leader's state
// streamed in chunks, staged, and installed), on an in-memory LevelDB that loses on a crash what
// LevelDB loses on a power cut (power-loss-level.ts). A synced write takes simulated time; a crash
// during it may keep it or not. A restarted node starts from what its disk kept, as a storage
// member does. Every proposal is a put in a log batch.
// Beside the real state, the checker keeps a hash chain over the entries each node applied, so it
// can compare every node's history at each index; the real states must agree with each other on
// the revision at each index, and on their hash at the end.

import type { RaftOptions } from '../../src/consensus/config.js';
import { SeededRandom } from '../../src/consensus/random.js';
import { RaftNode } from '../../src/consensus/raft.js';
import type { ConfChange } from '../../src/consensus/conf-change.js';
import { EntryType, MessageType, type Entry, type LogStorage, type Message, type NodeId, type Ready, type Snapshot } from '../../src/consensus/types.js';
import type { SnapshotChunk__Output } from '../../src/gen/quorumkv/internal/v1/SnapshotChunk.js';
import { log } from '../../src/observability/log.js';
import { Metrics } from '../../src/observability/metrics.js';
import { Applier, logBatchCodec } from '../../src/storage/applier.js';
import type { DurableLog } from '../../src/storage/durable-log.js';
import type { PeerTransport } from '../../src/storage/membership.js';
import { MemberSnapshots } from '../../src/storage/member-snapshots.js';
import { openMemberStorage } from '../../src/storage/member-storage.js';
import { ProposalTracker } from '../../src/storage/proposal-tracker.js';
import { toWire } from '../../src/storage/raft-transport.js';
import { ReadyDriver, type ReadyHooks } from '../../src/storage/ready-driver.js';
import { ChunkBuilder } from '../../src/storage/snapshot-chunks.js';
import type { Timers } from '../../src/storage/snapshot-receiver.js';
import type { SnapshotSource, SnapshotTransport } from '../../src/storage/snapshot-sender.js';
import { PowerLossLevel } from '../support/power-loss-level.js';
import { EventQueue } from './event-queue.js';
import { hashEntry, InvariantChecker, InvariantViolation, type LeaderView, type TermLookup } from './invariants.js';
import { describePartition, Network } from './network.js';

/** Simulated time units per Raft tick. */
export const UNITS_PER_TICK = 10;

export type NodeFactory = (options: RaftOptions, storage: LogStorage) => RaftNode;

/**
 * Storage glue done wrong, to show the simulator catches it: a snapshot stream that reads the
 * leader's state as it is when the stream is read rather than when it was sent, and a member that
 * never takes a committed membership change into the configuration its snapshots carry.
 */
export type GlueDefect = 'snapshot-reads-live-state' | 'forgets-applied-conf';

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
/** Simulated time units per millisecond of the storage member's own timeouts (a 50 ms tick). */
const UNITS_PER_MS = UNITS_PER_TICK / 50;
const SIM_CLUSTER = 'sim';
/** Keys the workload writes: few, so values are overwritten and history builds up. */
const WORKLOAD_KEYS = 7;

// Runs print what fails, not what the storage glue logs on the way.
if (process.env.QUORUMKV_LOG_LEVEL === undefined) log.level = 'silent';

let simMetrics: Metrics | undefined;
/** One metrics sink for every node of every run: the glue writes to it, nothing reads it. */
function metrics(): Metrics {
  simMetrics ??= new Metrics('storage', 'sim');
  return simMetrics;
}

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
  /** A deliberate defect in the storage glue around the core (defects.ts). */
  glueDefect?: GlueDefect;
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
  | { kind: 'deliver'; message: Message; chunks?: AsyncIterable<SnapshotChunk__Output> }
  | { kind: 'snap-report'; node: number; incarnation: number; to: NodeId; ok: boolean }
  | { kind: 'timer'; node: number; incarnation: number; timer: SimTimer }
  | { kind: 'compact' }
  | { kind: 'membership' }
  | { kind: 'fsync'; node: number; incarnation: number }
  | { kind: 'client' }
  | { kind: 'fault' }
  | { kind: 'restart'; node: number }
  | { kind: 'quiet' }
  | { kind: 'final-propose' };

/** What the checker follows of a node's applied state: a hash chain over the applied entries. */
interface SnapState {
  hash: number;
  hasFinal: boolean;
}

/** A storage member's timeout, on the simulated clock. */
interface SimTimer {
  callback: () => void;
  cancelled: boolean;
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
  applier: Applier | undefined;
  snapshots: MemberSnapshots | undefined;
  /** Tells this incarnation's snapshot sender how a transfer went. */
  reportSnapshot: ((to: NodeId, ok: boolean) => void) | undefined;
  incarnation: number;
  /** Synced writes waiting for their simulated fsync, oldest first. */
  fsyncs: Array<{ done: () => void; fail: (error: Error) => void }>;
  appliedIndex: number;
  state: SnapState;
  /** Its Ready driver ran since the node was last observed. */
  driven: boolean;
  /** Between the power cut and the disk a restart finds. */
  crashing: boolean;
  /** Opening its storage at start, before it takes part. */
  recovering: boolean;
  /** Started at least once (spare nodes start when first added). */
  started: boolean;
  /** Once removed from the configuration, never added again. */
  removed: boolean;
}

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
  /** The batch whose apply everywhere ends a run. */
  private readonly finalData: Buffer;
  /** The first index the final batch was applied at. */
  private finalIndex: number | undefined;
  /** The real state's revision after each index, as the first node to reach it had it. */
  private readonly revisionAt = new Map<number, number>();
  /** Snapshot transfers still streaming chunks: the glue is busy until they are staged or refused. */
  private streaming = 0;
  private readonly snapshotEntries: number;
  private readonly logTailEntries: number;
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
    // Applies are synced, as the storage member's are: a learner added late catches up one fsync at a time.
    this.quietTicks = options.quietTicks ?? 600;
    this.recentLimit = options.recentEvents ?? 40;
    this.finalData = putBatch('final', `final-${options.seed}`);
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
    // Local snapshots as the storage member takes them: every so many applied entries, a tail kept.
    this.snapshotEntries = this.snapshots ? this.random.pick([8, 32, 128]) : Number.MAX_SAFE_INTEGER;
    this.logTailEntries = this.random.pick([0, 2, 10]);
    this.nodes = this.ids.map((id, index) => ({
      id,
      index,
      disk: undefined,
      view: undefined,
      log: undefined,
      driver: undefined,
      raft: undefined,
      applier: undefined,
      snapshots: undefined,
      reportSnapshot: undefined,
      incarnation: 0,
      fsyncs: [],
      appliedIndex: 0,
      state: { hash: 0, hasFinal: false },
      driven: false,
      crashing: false,
      recovering: false,
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
      await this.checkStatesAgree();
      return this.result();
    } catch (error) {
      return this.result(error);
    } finally {
      for (const node of this.nodes) {
        node.incarnation++;
        node.snapshots?.stopReceiving();
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
      if (this.streaming === 0 && this.nodes.every((n) => n.driver === undefined || !n.driver.busy || n.fsyncs.length > 0)) return;
      if (turns === SETTLE_TURNS) throw new InvariantViolation('storage-glue', `a node's Ready driver or snapshot transfer neither finished nor waited for an fsync within ${SETTLE_TURNS} turns`);
      // LevelDB in memory finishes its work in process.nextTick callbacks: one turn of those at a time.
      await new Promise((resolve) => process.nextTick(resolve));
    }
  }

  /** A synced write of `node`'s disk: over after a simulated delay, or failed by a crash before. */
  private fsync(node: SimNode): Promise<void> {
    // The power is already off: a write the dying incarnation still makes is never synced.
    if (node.crashing) return Promise.reject(new Error('crashed'));
    // Recovery at start is over before the node takes part: the event loop waits for it.
    if (node.recovering) return Promise.resolve();
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
        return this.onDeliver(event.message, event.chunks);
      case 'snap-report':
        return this.onSnapReport(event.node, event.incarnation, event.to, event.ok);
      case 'compact':
        return this.onCompact();
      case 'membership':
        return await this.onMembership();
      case 'timer':
        return this.onTimer(event.node, event.incarnation, event.timer);
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

  private onDeliver(m: Message, chunks: AsyncIterable<SnapshotChunk__Output> | undefined): void {
    const node = this.nodes[this.ids.indexOf(m.to)]!;
    if (node.raft === undefined || !this.network.connected(m.from, m.to)) {
      if (chunks !== undefined) this.reportSnapshot(m, false);
      return;
    }
    this.record(() => `deliver ${describeMessage(m)}`);
    this.stats.messagesDelivered++;
    if (chunks !== undefined) {
      // The stream reaches the follower's receiver, which stages it and offers it to the core.
      this.streaming++;
      let counted = true;
      const streamed = () => {
        if (counted) this.streaming--;
        counted = false;
      };
      node.snapshots!.receive(staged(chunks, streamed)).then(
        (result) => {
          streamed();
          this.record(() => `${m.to} snapshot from ${m.from} at ${m.index}: ${result.installed ? 'installed' : result.reason}`);
          this.reportSnapshot(m, result.installed);
        },
        (error: unknown) => {
          streamed();
          // Its disk went away with a crash; anything else is the glue failing.
          if (node.raft !== undefined && !(error instanceof Error && /closed|not open/i.test(error.message))) {
            this.failure ??= new InvariantViolation('snapshot-receive', `${m.to}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
          }
          this.reportSnapshot(m, false);
        },
      );
      return;
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
    node.reportSnapshot!(to, ok);
  }

  private onTimer(index: number, incarnation: number, timer: SimTimer): void {
    const node = this.nodes[index]!;
    if (timer.cancelled || node.raft === undefined || node.incarnation !== incarnation) return;
    timer.callback();
  }

  /** A storage member's timers, for one incarnation of `node`, on the simulated clock. */
  private timersFor(node: SimNode, incarnation: number): Timers {
    return {
      setTimeout: (callback, ms) => {
        const timer: SimTimer = { callback, cancelled: false };
        this.queue.push(this.now + Math.max(1, Math.round(ms * UNITS_PER_MS)), { kind: 'timer', node: node.index, incarnation, timer });
        return timer;
      },
      clearTimeout: (handle) => {
        if (handle) (handle as SimTimer).cancelled = true;
      },
    };
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
        if (live()) node.snapshots!.send(messages);
      },
      send: (messages) => {
        if (live()) for (const m of messages) this.send(m);
      },
      saved: () => {},
      apply: async (entries) => {
        if (live()) await this.apply(node, entries);
      },
      // Read states are checked as the Ready is taken (checkReady).
      onReadStates: () => {},
      afterAdvance: async (ready) => {
        if (!live()) return;
        const status = node.raft!.status();
        this.checker.configSeen(node.id, status.applied, status.config);
        const confChanged = ready.committedEntries.some((e) => e.type === EntryType.ConfChange);
        if (confChanged && this.options.glueDefect !== 'forgets-applied-conf') node.applier!.confApplied(node.raft!.confState());
        await this.counted(node, () => node.snapshots!.takeIfDue());
      },
      betweenReadies: async () => {
        if (live()) await this.counted(node, () => node.snapshots!.takeRequested());
      },
      // A check that failed inside the driver's loop (on a Ready, an apply, an install) ends the run as itself.
      fatal: (where, error) => {
        if (!live()) return;
        this.failure ??= error instanceof InvariantViolation ? error : new InvariantViolation('storage-glue', `${node.id} ${where}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      },
    };
  }

  /** Runs a step that may record a local snapshot, and counts it if it did. */
  private async counted(node: SimNode, step: () => Promise<void>): Promise<void> {
    const log = node.log!;
    const before = log.snapshotMetadata().index;
    await step();
    if (log.snapshotMetadata().index === before) return;
    this.stats.compactions++;
    this.record(() => `${node.id} snapshot at ${log.snapshotMetadata().index}, log compacted to ${log.firstIndex() - 1}`);
  }

  private async installSnapshot(node: SimNode, snapshot: Snapshot): Promise<void> {
    const { metadata } = snapshot;
    this.checker.snapshotInstalled(node.id, metadata, this.checker.appliedHashAt(metadata.index) ?? Number.NaN);
    await node.snapshots!.install(snapshot);
    this.checkRevision(node, metadata.index, 'installed a snapshot');
    node.appliedIndex = metadata.index;
    node.state = this.stateAt(metadata.index);
    this.stats.snapshotsInstalled++;
    this.record(() => `${node.id} installed snapshot at ${metadata.index} (term ${metadata.term})`);
    this.checkDone();
  }

  private async apply(node: SimNode, committed: Entry[]): Promise<void> {
    const durableCommit = node.log!.coreView.initialState().commit;
    let hash = node.state.hash;
    let expected = node.appliedIndex + 1;
    for (const e of committed) {
      hash = hashEntry(hash, e);
      if (this.checker.applied(node.id, e, expected++, durableCommit, hash)) this.stats.confChanges++;
      if (this.finalIndex === undefined && this.finalData.equals(e.data)) this.finalIndex = e.index;
    }
    await node.applier!.apply(committed);
    const last = committed[committed.length - 1];
    if (last === undefined) return;
    this.checkRevision(node, last.index, `applied up to ${last.index}`);
    node.appliedIndex = last.index;
    node.state = this.stateAt(last.index);
    this.checkDone();
  }

  /** What the checker knows of the state after `index`. */
  private stateAt(index: number): SnapState {
    return { hash: this.checker.appliedHashAt(index) ?? Number.NaN, hasFinal: this.finalIndex !== undefined && index >= this.finalIndex };
  }

  /** The real state after `index` has the revision every other node's had there. */
  private checkRevision(node: SimNode, index: number, what: string): void {
    const state = node.applier!.state;
    if (state.appliedIndex !== index) throw new InvariantViolation('state-applied-index', `${node.id} ${what}, but its state is at index ${state.appliedIndex}`);
    const expected = this.revisionAt.get(index);
    if (expected === undefined) this.revisionAt.set(index, state.revision);
    else if (expected !== state.revision) {
      throw new InvariantViolation('state-machine-safety', `${node.id} ${what}: its state is at revision ${state.revision}, another node's was at ${expected} there`);
    }
  }

  /** At the end, the states of every member hash alike at the revision all of them reached. */
  private async checkStatesAgree(): Promise<void> {
    const conf = this.checker.latestConfig;
    const members = [...conf.voters, ...conf.learners].map((id) => this.nodes[this.ids.indexOf(id)]!);
    const revision = Math.min(...members.map((n) => n.applier!.state.revision));
    const hashes = await Promise.all(members.map(async (n) => ({ id: n.id, hash: (await n.applier!.state.hashAt(revision)).hash })));
    if (new Set(hashes.map((h) => String(h.hash))).size > 1) {
      throw new InvariantViolation('state-machine-safety', `the members' states differ at revision ${revision}: ${hashes.map((h) => `${h.id}=${String(h.hash)}`).join(', ')}`);
    }
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
    const result = node.raft!.propose(values.map((v) => putBatch(`k${this.proposalCounter % WORKLOAD_KEYS}`, v)));
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
    node.crashing = true;
    node.snapshots!.stopReceiving();
    // The write in flight fails and the old incarnation's Ready loop ends; the disk keeps what a power cut would.
    const stopped = driver.stop();
    for (const pending of node.fsyncs.splice(0)) pending.fail(new Error('crashed'));
    await stopped;
    node.disk = await node.disk!.crash();
    node.crashing = false;
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
    const incarnation = node.incarnation;
    const live = () => node.incarnation === incarnation;
    // What a storage member does at start: the log, the address book and the state as the disk kept them.
    node.recovering = true;
    const { log, addresses, slots, state } = await openMemberStorage(node.disk!, new Map(this.ids.map((id) => [id, `addr-${id}`])), {});
    node.recovering = false;
    if (state.appliedIndex < log.snapshotMetadata().index) {
      throw new InvariantViolation('snapshot-state', `${node.id} restarted on a snapshot at ${log.snapshotMetadata().index} with its state at ${state.appliedIndex}: the log dropped entries the state never kept`);
    }
    node.appliedIndex = state.appliedIndex;
    node.state = this.stateAt(state.appliedIndex);
    node.started = true;
    const joining = !this.bootstrap.includes(node.id);
    const options: RaftOptions = { id: node.id, voters: this.bootstrap, joining, seed, applied: node.appliedIndex, ...this.raftTuning };
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
    const fatal = (where: string, error: unknown): never => {
      throw error instanceof InvariantViolation ? error : new InvariantViolation('storage-glue', `${node.id} ${where}: ${String(error)}`);
    };
    node.applier = new Applier(state, raft.confState(), new ProposalTracker(node.id, 1_000, 1), metrics(), { applyConfChange: async () => {}, applied: () => {}, fatal });
    node.snapshots = new MemberSnapshots(
      { cluster: SIM_CLUSTER, id: node.id, listen: `addr-${node.id}`, snapshotEntries: this.snapshotEntries, logTailEntries: this.logTailEntries, mvccLimits: {} },
      raft,
      log,
      slots,
      node.applier,
      addresses,
      NO_PEER_TRANSPORT,
      metrics(),
      {
        schedule: () => {
          if (live()) this.afterStep(node);
        },
        stopped: () => !live(),
        snapshotTaken: () => {},
        snapshotTransport: (report) => {
          node.reportSnapshot = report;
          return this.snapshotTransportFrom(node);
        },
        timers: this.timersFor(node, incarnation),
      },
    );
    node.driver = new ReadyDriver(raft, log, this.hooksFor(node, incarnation));
    this.checker.nodeRestarted(node.id, log.coreView.initialState().commit);
    const durableLastIndex = log.lastIndex();
    this.record(() => `${node.id} started (incarnation ${incarnation}, applied ${state.appliedIndex}, durable last index ${durableLastIndex})`);
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
      leader.raft!.propose([this.finalData]);
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

  /** A random live node snapshots its applied state and compacts its whole log behind it. */
  private onCompact(): void {
    if (this.quiet) return;
    const candidates = this.nodes.filter((n) => n.raft !== undefined);
    if (candidates.length > 0) {
      const node = this.random.pick(candidates);
      // Taken between Readies, as membership's requests are; a crash first leaves it untaken.
      void node.snapshots!.request();
      node.driven = true;
    }
    this.queue.push(this.now + this.random.between(5, 30) * UNITS_PER_TICK, { kind: 'compact' });
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
    for (const delay of this.network.delaysFor(this.random)) {
      this.queue.push(this.now + delay, { kind: 'deliver', message: m });
    }
  }

  /** The snapshot transport of `sender`: the stream reaches the follower as one delivery, later. */
  private snapshotTransportFrom(sender: SimNode): SnapshotTransport {
    return {
      send: (m: Message, _address: string | undefined, source: SnapshotSource) => {
        this.stats.snapshotsSent++;
        this.record(() => `${sender.id} streams ${describeMessage(m)}`);
        const delays = this.network.delaysFor(this.random);
        if (delays.length === 0) {
          this.reportSnapshot(m, false);
          return;
        }
        // A stream takes longer than a message; it is never duplicated.
        this.queue.push(this.now + delays[0]! + this.random.between(0, 5 * UNITS_PER_TICK), { kind: 'deliver', message: m, chunks: chunksOf(m, source, this.options.glueDefect === 'snapshot-reads-live-state') });
      },
      close: () => {},
    };
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

/** A log batch of one put, as a writer proposes it. */
function putBatch(key: string, value: string): Buffer {
  const put = { requestPut: { key: Buffer.from(key), value: Buffer.from(value) } };
  return Buffer.from(logBatchCodec.encode({ proposalId: Buffer.alloc(0), txns: [{ success: [put] }] }));
}

/** The simulator has no peer addresses to change. */
const NO_PEER_TRANSPORT: PeerTransport = { send: () => {}, setPeers: () => {}, setIncarnation: () => {}, setKnownIncarnations: () => {} };

/**
 * The chunks the gRPC sender would stream (snapshot-sender.ts), small so a transfer takes many.
 * The iterator opens now, as the sender's does, so the stream carries the state at the send.
 */
function chunksOf(message: Message, source: SnapshotSource, readsLiveState = false): AsyncIterable<SnapshotChunk__Output> {
  const open = () => source.state.iterator({ keyEncoding: 'buffer', valueEncoding: 'buffer' });
  const opened = readsLiveState ? undefined : open();
  async function* stream(): AsyncGenerator<SnapshotChunk__Output> {
    const iterator = opened ?? open();
    const chunk = (pairs: Array<{ key?: unknown; value?: unknown; more?: boolean }>, last: boolean): SnapshotChunk__Output => ({
      cluster: '',
      message: null,
      addresses: {},
      pairs: pairs.map((p) => ({ key: p.key as Buffer, value: p.value as Buffer, more: p.more ?? false })),
      last,
    });
    try {
      yield { ...chunk([], false), cluster: source.cluster, message: toWire(message) as SnapshotChunk__Output['message'], addresses: source.addresses };
      const builder = new ChunkBuilder({ pairs: 16, bytes: 1024 });
      for (let batch = await iterator.nextv(32); batch.length > 0; batch = await iterator.nextv(32)) {
        for (const [key, value] of batch) for (const pairs of builder.add(key, value)) yield chunk(pairs, false);
      }
      yield chunk(builder.finish() ?? [], true);
    } finally {
      await iterator.close();
    }
  }
  return stream();
}

/** Counts a transfer as streaming until its chunks run out or its receiver stops asking. */
async function* staged(chunks: AsyncIterable<SnapshotChunk__Output>, streamed: () => void): AsyncGenerator<SnapshotChunk__Output> {
  try {
    yield* chunks;
  } finally {
    streamed();
  }
}
