// The Raft consensus core: a pure state machine in the style of etcd-io/raft. Inputs are ticks,
// messages, proposals and read requests; the output is one Ready at a time. It owns no timers,
// sockets or files, and its only randomness is a seeded PRNG.
//
// Durability rule: an entry counts toward a commit quorum only once it is durable on that voter.
// Followers ack through messages in a Ready (sent after the Ready is persisted); the leader counts
// its own copy only after advance() acknowledged the Ready that carried it.
//
// Membership: one change at a time (conf-change.ts). A committed ConfChange entry takes effect
// when advance() acknowledges the Ready that handed it out (the application has applied it), so
// the configuration always matches the applied prefix of the log; at restart it is rebuilt from
// the snapshot's configuration and the ConfChange entries up to `applied`. Quorums count voters
// only; learners receive the log but never vote and never count toward a commit.

import { assert } from './assert.js';
import {
  applyConfChangeTo,
  confChangeError,
  decodeConfChange,
  decodeConfState,
  encodeConfChange,
  encodeConfState,
  sameConfState,
  type ConfChange,
} from './conf-change.js';
import { resolveRaftOptions, type RaftConfig, type RaftOptions } from './config.js';
import { entryBytes } from './entry-size.js';
import { isWellFormed } from './message-checks.js';
import { Progress, type ProgressState } from './progress.js';
import { quorumValue, voteOutcome } from './quorum.js';
import { CONFLICTS_WITH_COMMITTED, RaftLog } from './raft-log.js';
import { decodeRound, encodeRound, ReadIndexQueue } from './read-index-queue.js';
import { SeededRandom } from './random.js';
import {
  EntryType,
  MessageType,
  NONE,
  type ConfState,
  type Entry,
  type HardState,
  type LogStorage,
  type Message,
  type NodeId,
  type Ready,
  type ReadState,
  type Role,
  type SnapshotMetadata,
  type SoftState,
} from './types.js';

export type ProposeResult = { ok: true } | { ok: false; reason: 'no-leader' | 'overloaded' };
/** Whether a read-index request was taken; a forwarded one may still come back `overloaded`. */
export type ReadIndexResult = { ok: true } | { ok: false; reason: 'no-leader' | 'overloaded' };

/**
 * A leader appends the change at once; a follower forwards it (and the leader may still drop it:
 * the caller learns the outcome from the committed log, or times out).
 */
export type ConfChangeResult =
  | { ok: true }
  | { ok: false; reason: 'no-leader' | 'overloaded' | 'pending-conf-change' | 'invalid'; detail: string };

export interface ProgressStatus {
  match: number;
  next: number;
  state: ProgressState;
  /** Snapshot state: the index of the snapshot being sent. */
  pendingSnapshot: number;
  learner: boolean;
}

export interface RaftStatus {
  id: NodeId;
  term: number;
  vote: NodeId;
  commit: number;
  applied: number;
  lastIndex: number;
  leader: NodeId;
  role: Role;
  /** The configuration in effect (as of `applied`). */
  config: ConfState;
  /** The first index still in the log (entries before it were compacted into a snapshot). */
  firstIndex: number;
  /** The index of the latest snapshot in storage (0: none). */
  snapshotIndex: number;
  progress?: Record<NodeId, ProgressStatus>;
}

/** The metadata a Snap message carries, or undefined when it is not a well-formed Snap. */
export function snapshotMetadataOf(m: Message): SnapshotMetadata | undefined {
  if (m.type !== MessageType.Snap || m.index < 1 || m.logTerm < 1) return undefined;
  const cs = decodeConfState(m.context);
  return cs === undefined ? undefined : { index: m.index, term: m.logTerm, voters: cs.voters, learners: cs.learners };
}

const EMPTY_BYTES = new Uint8Array(0);

type MessageFields = Partial<Message> & Pick<Message, 'type' | 'to'>;

/** What the outstanding Ready handed over, so advance() knows what became durable and applied. */
interface HandedOver {
  lastEntryIndex: number;
  lastEntryTerm: number;
  appliedIndex: number;
  appliedBytes: number;
  /** ConfChange entries among the committed entries handed out, in order. */
  confChanges: Entry[];
  snapshot: SnapshotMetadata | undefined;
}

export class RaftNode {
  protected readonly config: RaftConfig;
  protected readonly log: RaftLog;
  protected term: number;
  protected vote: NodeId;
  protected leader: NodeId = NONE;
  protected role: Role = 'follower';
  protected readonly progress = new Map<NodeId, Progress>();

  private readonly storage: LogStorage;
  private readonly random: SeededRandom;
  /** The configuration in effect; replaced (never mutated) when a change applies. */
  private conf: ConfState;
  private reportedConf: ConfState;
  /** Leader: the index of the latest ConfChange it appended; no new one until it is applied. */
  private pendingConfIndex = 0;
  private electionElapsedTicks = 0;
  private heartbeatElapsedTicks = 0;
  private randomizedElectionTicks = 0;
  private readonly votes = new Map<NodeId, boolean>();
  private readonly readIndexQueue: ReadIndexQueue;
  /** Read requests that arrived before this leader committed an entry of its own term. */
  private readsAwaitingTermCommit: Message[] = [];
  private uncommittedBytes = 0;
  /** Payload bytes of proposals forwarded to the leader and still waiting in `messages`. */
  private forwardedBytes = 0;
  private messages: Message[] = [];
  private readStates: ReadState[] = [];
  private prevSoftState: SoftState = { leader: NONE, role: 'follower' };
  private prevHardState: HardState;
  private handedOver: HandedOver | undefined;

  constructor(options: RaftOptions, storage: LogStorage) {
    this.config = resolveRaftOptions(options);
    this.storage = storage;
    const hardState = storage.initialState();
    // The application's state is at least the latest snapshot: nothing before it is re-emitted.
    const applied = Math.max(this.config.applied, storage.firstIndex() - 1, storage.snapshot().metadata.index);
    this.log = new RaftLog(storage, hardState.commit, applied);
    this.term = hardState.term;
    this.vote = hardState.vote;
    this.prevHardState = { ...hardState, commit: this.log.committed };
    this.random = new SeededRandom(this.config.seed);
    this.conf = this.restoreConf(applied);
    this.reportedConf = this.conf;
    this.readIndexQueue = new ReadIndexQueue(this.config.maxPendingReads);
    this.becomeFollower(this.term, NONE);
  }

  // ---- inputs -------------------------------------------------------------------------------

  tick(): void {
    if (this.role === 'leader') this.tickHeartbeat();
    else this.tickElection();
  }

  step(m: Message): void {
    // Senders outside our configuration are heard: a node that lags behind a membership change
    // must still hear the leader it does not know yet. Their votes and acks count for nothing.
    if (!isWellFormed(m) || m.to !== this.config.id || m.from === this.config.id || m.from === NONE) return;
    if (m.type === MessageType.Prop && m.term !== 0) {
      // A forwarded proposal from another term was held (its sender paused, or the network slow)
      // across a leader change: its proposer was told its outcome is unknown and may have moved
      // on, so appending it now could apply a write over later acknowledged ones. Dropped; and a
      // proposal never changes this node's term.
      if (m.term !== this.term) return;
      m = { ...m, term: 0 };
    }
    if (m.term > this.term) {
      if (!this.acceptHigherTerm(m)) return;
    } else if (m.term !== 0 && m.term < this.term) {
      this.answerStaleTerm(m);
      return;
    }
    if (m.type === MessageType.Vote || m.type === MessageType.PreVote) {
      this.handleVoteRequest(m);
      return;
    }
    if (this.role === 'leader') this.stepLeader(m);
    else if (this.role === 'follower') this.stepFollower(m);
    else this.stepCandidate(m);
  }

  propose(data: Uint8Array[]): ProposeResult {
    assert(Array.isArray(data) && data.every((d) => d instanceof Uint8Array), 'propose takes a list of Uint8Array');
    const bytes = data.reduce((sum, d) => sum + d.byteLength, 0);
    if (this.role === 'leader') {
      if (!this.withinUncommittedLimit(bytes)) return { ok: false, reason: 'overloaded' };
      if (data.length > 0) this.appendAsLeader(data.map((d) => this.newEntry(d)));
      return { ok: true };
    }
    if (this.leader === NONE) return { ok: false, reason: 'no-leader' };
    if (this.forwardedBytes > 0 && this.forwardedBytes + bytes > this.config.maxUncommittedBytes) {
      return { ok: false, reason: 'overloaded' };
    }
    if (data.length === 0) return { ok: true };
    const entries = data.map((d) => ({ term: 0, index: 0, type: EntryType.Normal, data: d }));
    this.forwardedBytes += bytes;
    this.send({ type: MessageType.Prop, to: this.leader, entries });
    return { ok: true };
  }

  /** Proposes one membership change (see conf-change.ts); refused while another is pending. */
  proposeConfChange(cc: ConfChange): ConfChangeResult {
    const data = encodeConfChange(cc);
    if (decodeConfChange(data) === undefined) return { ok: false, reason: 'invalid', detail: `malformed conf change ${JSON.stringify(cc)}` };
    if (this.role === 'leader') {
      const refusal = this.confChangeRefusal(cc);
      if (refusal !== undefined) return refusal;
      if (!this.withinUncommittedLimit(data.byteLength)) return { ok: false, reason: 'overloaded', detail: 'too many uncommitted bytes' };
      this.appendAsLeader([this.newEntry(data, EntryType.ConfChange)]);
      return { ok: true };
    }
    if (this.leader === NONE) return { ok: false, reason: 'no-leader', detail: 'no leader is known' };
    this.send({ type: MessageType.Prop, to: this.leader, entries: [{ term: 0, index: 0, type: EntryType.ConfChange, data }] });
    return { ok: true };
  }

  /** The application's report on a snapshot it was sending to `to` (see Snapshot in types.ts). */
  reportSnapshot(to: NodeId, ok: boolean): void {
    const pr = this.role === 'leader' ? this.progress.get(to) : undefined;
    if (pr === undefined || pr.state !== 'snapshot') return;
    if (!ok) pr.pendingSnapshot = 0;
    pr.becomeProbe();
    // Wait for the follower's answer (or the next heartbeat response) before probing again.
    pr.probeSent = true;
  }

  /** The configuration in effect: as of the last applied entry once advance() returned. */
  /** The index of a leader's snapshot this node took and wants installed at its next Ready, if any. */
  pendingSnapshotIndex(): number | undefined {
    return this.log.pendingSnapshot?.index;
  }

  confState(): ConfState {
    return { voters: [...this.conf.voters], learners: [...this.conf.learners] };
  }

  readIndex(context: Uint8Array): ReadIndexResult {
    assert(context instanceof Uint8Array, 'readIndex takes a Uint8Array context');
    if (this.leader === NONE) return { ok: false, reason: 'no-leader' };
    if (this.role === 'leader') {
      const taken = this.handleReadIndex(this.message({ type: MessageType.ReadIndex, to: this.config.id, from: this.config.id, context }));
      return taken ? { ok: true } : { ok: false, reason: 'overloaded' };
    }
    this.send({ type: MessageType.ReadIndex, to: this.leader, context });
    return { ok: true };
  }

  // ---- output -------------------------------------------------------------------------------

  hasReady(): boolean {
    if (this.handedOver !== undefined) return false;
    return (
      this.log.pendingSnapshot !== undefined ||
      !sameConfState(this.conf, this.reportedConf) ||
      this.log.hasUnstableEntries() ||
      this.log.hasNextCommittedEntries() ||
      this.messages.length > 0 ||
      this.readStates.length > 0 ||
      !sameSoftState(this.softState(), this.prevSoftState) ||
      !sameHardState(this.hardState(), this.prevHardState)
    );
  }

  ready(): Ready {
    assert(this.handedOver === undefined, 'ready() called again before advance()');
    const entries = this.log.unstableEntries();
    const committedEntries = this.log.nextCommittedEntries(this.config.maxBytesPerMsg);
    const rd: Ready = { entries, committedEntries, messages: this.messages, readStates: this.readStates };
    const pendingSnapshot = this.log.pendingSnapshot;
    if (pendingSnapshot !== undefined) rd.snapshot = { metadata: copyMetadata(pendingSnapshot) };
    if (!sameConfState(this.conf, this.reportedConf)) {
      rd.confState = this.confState();
      this.reportedConf = this.conf;
    }
    const soft = this.softState();
    if (!sameSoftState(soft, this.prevSoftState)) rd.softState = soft;
    const hard = this.hardState();
    if (!sameHardState(hard, this.prevHardState)) rd.hardState = hard;
    this.prevSoftState = soft;
    this.prevHardState = hard;
    this.messages = [];
    this.readStates = [];
    this.forwardedBytes = 0;
    const lastEntry = entries[entries.length - 1];
    const lastApplied = committedEntries[committedEntries.length - 1];
    this.handedOver = {
      lastEntryIndex: lastEntry?.index ?? 0,
      lastEntryTerm: lastEntry?.term ?? 0,
      appliedIndex: lastApplied?.index ?? this.log.applied,
      appliedBytes: committedEntries.reduce((sum, e) => sum + entryBytes(e), 0),
      confChanges: committedEntries.filter((e) => e.type === EntryType.ConfChange),
      snapshot: pendingSnapshot,
    };
    for (const m of rd.messages) assert(m.to !== this.config.id, 'a message to self escaped into Ready');
    return rd;
  }

  advance(): void {
    const handed = this.handedOver;
    assert(handed !== undefined, 'advance() without an outstanding ready()');
    this.handedOver = undefined;
    if (handed.lastEntryIndex > 0) {
      assert(this.storage.lastIndex() >= handed.lastEntryIndex, 'advance() before the Ready entries were appended to storage');
      this.log.stableTo(handed.lastEntryIndex, handed.lastEntryTerm);
    }
    this.log.appliedTo(handed.appliedIndex);
    if (handed.snapshot !== undefined) {
      this.log.snapshotStableTo(handed.snapshot.index);
      this.conf = { voters: [...handed.snapshot.voters], learners: [...handed.snapshot.learners] };
    }
    this.uncommittedBytes = Math.max(0, this.uncommittedBytes - handed.appliedBytes);
    for (const e of handed.confChanges) this.applyConfChangeEntry(e);
    if (this.role === 'leader') this.updateSelfProgress();
  }

  /** The current term, without building a whole status (every response header carries it). */
  currentTerm(): number {
    return this.term;
  }

  /** Leads right now: a proposal made now is appended here, not forwarded to another member. */
  isLeader(): boolean {
    return this.role === 'leader';
  }

  /** The highest index known to be committed, without building a whole status. */
  committedIndex(): number {
    return this.log.committed;
  }

  status(): RaftStatus {
    const status: RaftStatus = {
      id: this.config.id,
      term: this.term,
      vote: this.vote,
      commit: this.log.committed,
      applied: this.log.applied,
      lastIndex: this.log.lastIndex(),
      leader: this.leader,
      role: this.role,
      config: this.confState(),
      firstIndex: this.log.firstIndex(),
      snapshotIndex: this.storage.snapshot().metadata.index,
    };
    if (this.role === 'leader') {
      status.progress = {};
      for (const [id, pr] of this.progress) {
        const learner = this.conf.learners.includes(id);
        status.progress[id] = { match: pr.match, next: pr.next, state: pr.state, pendingSnapshot: pr.pendingSnapshot, learner };
      }
    }
    return status;
  }

  /** Term of the entry at index in this node's log (unstable part included); for inspection. */
  termAt(index: number): number | undefined {
    return this.log.term(index);
  }

  // ---- hooks a test may override to build a deliberately broken node -----------------------

  /** How far the leader's own log counts toward a commit quorum: only what is durable. */
  protected selfMatchIndex(): number {
    return this.log.durableLastIndex();
  }

  /** The nodes whose votes and acks count toward a quorum: the voters, never the learners. */
  protected quorumVoters(): readonly NodeId[] {
    return this.conf.voters;
  }

  /** The index a quorum of voters has durably matched. */
  protected quorumMatchIndex(): number {
    return quorumValue(this.quorumVoters().map((v) => this.progress.get(v)?.match ?? 0));
  }

  /** Whether this node may vote for the sender in the current term (log freshness aside). */
  protected canGrantVote(m: Message): boolean {
    return (
      this.vote === m.from ||
      (this.vote === NONE && this.leader === NONE) ||
      (m.type === MessageType.PreVote && m.term > this.term)
    );
  }

  // ---- term rules ---------------------------------------------------------------------------

  /** Returns false when the message must be ignored (a vote request during a leader lease). */
  private acceptHigherTerm(m: Message): boolean {
    const isVoteRequest = m.type === MessageType.Vote || m.type === MessageType.PreVote;
    if (isVoteRequest && this.inLeaderLease()) return false;
    if (m.type === MessageType.PreVote) return true;
    if (m.type === MessageType.PreVoteResp && !m.reject) return true;
    this.becomeFollower(m.term, isFromLeader(m) ? m.from : NONE);
    return true;
  }

  /** A node that heard from a live leader within an election timeout does not help depose it. */
  private inLeaderLease(): boolean {
    return this.config.checkQuorum && this.leader !== NONE && this.electionElapsedTicks < this.config.electionTicks;
  }

  private answerStaleTerm(m: Message): void {
    if (isFromLeader(m) && (this.config.checkQuorum || this.config.preVote)) {
      // Tell a deposed leader the current term, or it would never step down.
      this.send({ type: MessageType.AppResp, to: m.from });
    } else if (m.type === MessageType.PreVote) {
      this.send({ type: MessageType.PreVoteResp, to: m.from, reject: true });
    }
  }

  private handleVoteRequest(m: Message): void {
    const responseType = m.type === MessageType.Vote ? MessageType.VoteResp : MessageType.PreVoteResp;
    if (this.canGrantVote(m) && this.log.isUpToDate(m.index, m.logTerm)) {
      this.send({ type: responseType, to: m.from, term: m.term });
      if (m.type === MessageType.Vote) {
        this.electionElapsedTicks = 0;
        this.vote = m.from;
      }
    } else {
      this.send({ type: responseType, to: m.from, reject: true });
    }
  }

  // ---- role transitions ---------------------------------------------------------------------

  private reset(term: number): void {
    if (this.term !== term) {
      assert(term > this.term, () => `term must not decrease (${this.term} -> ${term})`);
      this.term = term;
      this.vote = NONE;
    }
    this.leader = NONE;
    this.electionElapsedTicks = 0;
    this.heartbeatElapsedTicks = 0;
    this.randomizedElectionTicks = this.config.electionTicks + this.random.nextInt(this.config.electionTicks);
    this.votes.clear();
    this.progress.clear();
    this.readIndexQueue.reset();
    this.readsAwaitingTermCommit = [];
    this.uncommittedBytes = 0;
  }

  private becomeFollower(term: number, leader: NodeId): void {
    this.reset(term);
    this.role = 'follower';
    this.leader = leader;
  }

  private becomePreCandidate(): void {
    assert(this.role !== 'leader', 'a leader cannot become a pre-candidate');
    // Term and vote stay: a pre-vote must not disrupt the cluster if it fails.
    this.votes.clear();
    this.leader = NONE;
    this.role = 'precandidate';
  }

  private becomeCandidate(): void {
    assert(this.role !== 'leader', 'a leader cannot become a candidate');
    this.reset(this.term + 1);
    this.vote = this.config.id;
    this.role = 'candidate';
  }

  private becomeLeader(): void {
    assert(this.role === 'candidate', 'only a candidate can become leader');
    this.reset(this.term);
    this.role = 'leader';
    this.leader = this.config.id;
    const next = this.log.lastIndex() + 1;
    for (const id of this.members()) this.progress.set(id, new Progress(next, this.config.maxInflightMsgs));
    const self = this.progress.get(this.config.id)!;
    self.becomeReplicate();
    self.maybeUpdate(this.selfMatchIndex());
    self.next = next;
    self.recentActive = true;
    // An entry of the new term lets the leader commit everything before it (Raft §5.4.2).
    this.appendAsLeader([this.newEntry(EMPTY_BYTES)]);
    // A change may already sit unapplied in the log, and a new leader must commit an entry of its
    // own term before changing the configuration (the fix to single-server changes in Raft §4.1):
    // both hold once everything up to here is applied.
    this.pendingConfIndex = this.log.lastIndex();
  }

  // ---- elections ----------------------------------------------------------------------------

  private tickElection(): void {
    this.electionElapsedTicks++;
    if (this.electionElapsedTicks >= this.randomizedElectionTicks) {
      this.electionElapsedTicks = 0;
      if (this.promotable()) this.campaign(this.config.preVote ? 'pre-vote' : 'vote');
    }
  }

  /**
   * Only a voter campaigns, and only once it has applied every committed change it knows of: with
   * an older configuration it could win with a quorum that the current one does not overlap.
   */
  private promotable(): boolean {
    if (!this.conf.voters.includes(this.config.id) || this.log.pendingSnapshot !== undefined) return false;
    const { applied, committed } = this.log;
    if (committed <= applied) return true;
    return !this.log.slice(applied + 1, committed + 1, Number.MAX_SAFE_INTEGER).some((e) => e.type === EntryType.ConfChange);
  }

  private campaign(kind: 'pre-vote' | 'vote'): void {
    if (kind === 'pre-vote') this.becomePreCandidate();
    else this.becomeCandidate();
    const voteTerm = kind === 'pre-vote' ? this.term + 1 : this.term;
    const type = kind === 'pre-vote' ? MessageType.PreVote : MessageType.Vote;
    this.votes.set(this.config.id, true);
    if (this.tallyVotes() !== 'pending') return;
    const index = this.log.lastIndex();
    const logTerm = this.log.lastTerm();
    for (const peer of this.conf.voters) if (peer !== this.config.id) this.send({ type, to: peer, term: voteTerm, index, logTerm });
  }

  /** Acts on the votes so far; returns the outcome. */
  private tallyVotes(): 'won' | 'lost' | 'pending' {
    const voters = this.quorumVoters();
    const counted = new Map([...this.votes].filter(([id]) => voters.includes(id)));
    const outcome = voteOutcome(voters.length, counted);
    if (outcome === 'won') {
      if (this.role === 'precandidate') {
        this.campaign('vote');
      } else {
        this.becomeLeader();
        this.broadcastAppend();
      }
    } else if (outcome === 'lost') {
      this.becomeFollower(this.term, NONE);
    }
    return outcome;
  }

  private stepCandidate(m: Message): void {
    const expected = this.role === 'precandidate' ? MessageType.PreVoteResp : MessageType.VoteResp;
    if (isFromLeader(m)) {
      // A leader exists for this term.
      this.becomeFollower(this.term, m.from);
      this.stepFollower(m);
    } else if (m.type === expected) {
      if (!this.votes.has(m.from)) this.votes.set(m.from, !m.reject);
      this.tallyVotes();
    }
  }

  // ---- follower -----------------------------------------------------------------------------

  private stepFollower(m: Message): void {
    switch (m.type) {
      case MessageType.App:
        this.electionElapsedTicks = 0;
        this.leader = m.from;
        this.handleAppend(m);
        break;
      case MessageType.Heartbeat:
        this.electionElapsedTicks = 0;
        this.leader = m.from;
        this.handleHeartbeat(m);
        break;
      case MessageType.Snap:
        this.electionElapsedTicks = 0;
        this.leader = m.from;
        this.handleSnapshot(m);
        break;
      case MessageType.ReadIndexResp:
        this.readStates.push(m.reject ? { index: 0, context: m.context, overloaded: true } : { index: m.index, context: m.context });
        break;
      default:
        // Props and reads from other followers are not relayed: the sender retries elsewhere.
        break;
    }
  }

  private handleAppend(m: Message): void {
    if (m.index < this.log.committed) {
      this.send({ type: MessageType.AppResp, to: m.from, index: this.log.committed });
      return;
    }
    const lastNewIndex = this.log.maybeAppend(m.index, m.logTerm, m.commit, m.entries);
    if (lastNewIndex === CONFLICTS_WITH_COMMITTED) return;
    if (lastNewIndex !== undefined) {
      this.send({ type: MessageType.AppResp, to: m.from, index: lastNewIndex });
      return;
    }
    const hintIndex = this.log.findConflictByTerm(m.index, m.logTerm);
    const hintTerm = this.log.term(hintIndex) ?? 0;
    this.send({ type: MessageType.AppResp, to: m.from, index: m.index, reject: true, rejectHint: hintIndex, logTerm: hintTerm });
  }

  private handleSnapshot(m: Message): void {
    const meta = snapshotMetadataOf(m);
    if (meta === undefined) return;
    if (meta.index <= this.log.committed) {
      // Stale, or we already have it: tell the leader how far we are.
      this.send({ type: MessageType.AppResp, to: m.from, index: this.log.committed });
      return;
    }
    if (this.log.matchTerm(meta.index, meta.term)) {
      // Our log already holds the snapshot's last entry: it is committed, nothing to install.
      this.log.commitTo(meta.index);
      this.send({ type: MessageType.AppResp, to: m.from, index: this.log.committed });
      return;
    }
    // The snapshot's configuration takes effect with it, once advance() says it is installed.
    this.log.restore(meta);
    this.send({ type: MessageType.AppResp, to: m.from, index: this.log.lastIndex() });
  }

  private handleHeartbeat(m: Message): void {
    // The leader sends min(match, commit), so this never passes our log; clamp a bad peer anyway.
    this.log.commitTo(Math.min(m.commit, this.log.lastIndex()));
    this.send({ type: MessageType.HeartbeatResp, to: m.from, context: m.context });
  }

  // ---- leader -------------------------------------------------------------------------------

  private tickHeartbeat(): void {
    this.heartbeatElapsedTicks++;
    this.electionElapsedTicks++;
    if (this.electionElapsedTicks >= this.config.electionTicks) {
      this.electionElapsedTicks = 0;
      if (this.config.checkQuorum && !this.quorumActive()) {
        this.becomeFollower(this.term, NONE);
        return;
      }
      for (const [id, pr] of this.progress) if (id !== this.config.id) pr.recentActive = false;
    }
    if (this.heartbeatElapsedTicks >= this.config.heartbeatTicks) {
      this.heartbeatElapsedTicks = 0;
      this.broadcastHeartbeat(this.readIndexQueue.pendingRound());
    }
  }

  private quorumActive(): boolean {
    const active = this.quorumVoters().map((v) => (v === this.config.id || this.progress.get(v)?.recentActive === true ? 1 : 0));
    return quorumValue(active) === 1;
  }

  private stepLeader(m: Message): void {
    switch (m.type) {
      case MessageType.Prop:
        this.handleForwardedProposal(m);
        break;
      case MessageType.AppResp:
        this.handleAppendResponse(m);
        break;
      case MessageType.HeartbeatResp:
        this.handleHeartbeatResponse(m);
        break;
      case MessageType.ReadIndex:
        // A full queue says so, rather than leave the follower's reader to time out.
        if (!this.handleReadIndex(m)) this.send({ type: MessageType.ReadIndexResp, to: m.from, reject: true, context: m.context });
        break;
      default:
        // App/Heartbeat at our own term cannot come from a legitimate leader; stale responses are moot.
        break;
    }
  }

  private handleForwardedProposal(m: Message): void {
    // At most one change per batch, and only one the leader would accept itself.
    let confChangeTaken = false;
    const accepted = m.entries.filter((e) => {
      if (e.type !== EntryType.ConfChange) return true;
      const cc = decodeConfChange(e.data);
      if (confChangeTaken || cc === undefined || this.confChangeRefusal(cc) !== undefined) return false;
      confChangeTaken = true;
      return true;
    });
    const bytes = accepted.reduce((sum, e) => sum + entryBytes(e), 0);
    if (accepted.length === 0 || !this.withinUncommittedLimit(bytes)) return;
    this.appendAsLeader(accepted.map((e) => this.newEntry(e.data, e.type)));
  }

  private confChangeRefusal(cc: ConfChange): ConfChangeResult | undefined {
    if (this.pendingConfIndex > this.log.applied) {
      return { ok: false, reason: 'pending-conf-change', detail: `an earlier membership change (up to index ${this.pendingConfIndex}) is not applied yet; retry once it is` };
    }
    const error = confChangeError(this.conf, cc);
    return error === undefined ? undefined : { ok: false, reason: 'invalid', detail: error };
  }

  private handleAppendResponse(m: Message): void {
    const pr = this.progress.get(m.from);
    if (pr === undefined) return; // not a member of our configuration
    pr.recentActive = true;
    if (m.reject) {
      const hint = m.logTerm > 0 ? this.log.findConflictByTerm(m.rejectHint, m.logTerm) : m.rejectHint;
      if (pr.maybeDecrTo(m.index, hint)) {
        if (pr.state === 'replicate') pr.becomeProbe();
        this.sendAppend(m.from, true);
      }
      return;
    }
    if (m.index > this.log.lastIndex()) return; // claims entries we never had: a bad peer
    const wasPaused = pr.isPaused();
    if (!pr.maybeUpdate(m.index)) return;
    if (pr.state === 'probe') {
      pr.becomeReplicate();
    } else if (pr.state === 'snapshot') {
      if (pr.match + 1 < this.log.firstIndex()) return; // still behind the log: wait for the report
      pr.becomeProbe();
      pr.becomeReplicate();
    } else {
      pr.inflights.freeLE(m.index);
    }
    if (this.maybeCommit()) this.broadcastAppend();
    else if (wasPaused) this.sendAppend(m.from, true);
    while (this.sendAppend(m.from, false)) {
      // fill the in-flight window; sendAppend stops when it is full or nothing is left
    }
  }

  private handleHeartbeatResponse(m: Message): void {
    const pr = this.progress.get(m.from);
    if (pr === undefined) return;
    pr.recentActive = true;
    pr.probeSent = false;
    if (pr.state === 'replicate' && pr.inflights.full()) pr.inflights.freeFirstOne();
    if (pr.match < this.log.lastIndex()) this.sendAppend(m.from, true);
    const round = decodeRound(m.context);
    if (round === 0) return;
    this.readIndexQueue.recvAck(m.from, round);
    this.releaseConfirmedReads();
  }

  private releaseConfirmedReads(): void {
    for (const read of this.readIndexQueue.release(this.config.id, this.quorumVoters())) {
      this.answerRead(read.from, read.index, read.context);
    }
  }

  /** Returns false when the request is refused (too many reads pending). */
  private handleReadIndex(m: Message): boolean {
    const voters = this.quorumVoters();
    if (voters.length === 1 && voters[0] === this.config.id) {
      this.answerRead(m.from, this.log.committed, m.context);
      return true;
    }
    if (!this.committedInCurrentTerm()) {
      // Until then our commit index may lag what earlier leaders committed.
      if (this.readsAwaitingTermCommit.length >= this.config.maxPendingReads) return false;
      this.readsAwaitingTermCommit.push(m);
      return true;
    }
    if (this.readIndexQueue.full()) return false;
    const round = this.readIndexQueue.add(this.log.committed, m.from, m.context);
    this.readIndexQueue.recvAck(this.config.id, round);
    this.broadcastHeartbeat(round);
    return true;
  }

  private answerRead(from: NodeId, index: number, context: Uint8Array): void {
    if (from === this.config.id) this.readStates.push({ index, context });
    else this.send({ type: MessageType.ReadIndexResp, to: from, index, context });
  }

  private committedInCurrentTerm(): boolean {
    return this.log.term(this.log.committed) === this.term;
  }

  private withinUncommittedLimit(bytes: number): boolean {
    // An empty pipeline accepts one oversized batch, or such a batch could never be proposed.
    return this.uncommittedBytes === 0 || this.uncommittedBytes + bytes <= this.config.maxUncommittedBytes;
  }

  private newEntry(data: Uint8Array, type: EntryType = EntryType.Normal): Entry {
    return { term: this.term, index: 0, type, data };
  }

  private appendAsLeader(entries: Entry[]): void {
    assert(this.role === 'leader', 'only a leader appends its own entries');
    let index = this.log.lastIndex();
    for (const e of entries) {
      e.index = ++index;
      e.term = this.term;
      this.uncommittedBytes += entryBytes(e);
    }
    this.log.append(entries);
    for (const e of entries) if (e.type === EntryType.ConfChange) this.pendingConfIndex = e.index;
    this.progress.get(this.config.id)!.next = index + 1;
    this.updateSelfProgress();
    this.broadcastAppend();
  }

  /** Counts the leader's own durable log toward the quorum. */
  private updateSelfProgress(): void {
    const self = this.progress.get(this.config.id)!;
    if (self.maybeUpdate(this.selfMatchIndex()) && this.maybeCommit()) this.broadcastAppend();
  }

  /** Commits by counting only entries of the current term (Raft §5.4.2). */
  private maybeCommit(): boolean {
    const index = this.quorumMatchIndex();
    if (index <= this.log.committed || this.log.term(index) !== this.term) return false;
    const firstInTerm = !this.committedInCurrentTerm();
    this.log.commitTo(index);
    if (firstInTerm) this.releaseReadsAwaitingTermCommit();
    return true;
  }

  private releaseReadsAwaitingTermCommit(): void {
    const waiting = this.readsAwaitingTermCommit;
    this.readsAwaitingTermCommit = [];
    for (const m of waiting) this.handleReadIndex(m);
  }

  private broadcastAppend(): void {
    for (const peer of this.progress.keys()) if (peer !== this.config.id) this.sendAppend(peer, true);
  }

  private broadcastHeartbeat(round: number): void {
    const context = round === 0 ? EMPTY_BYTES : encodeRound(round);
    for (const [peer, pr] of this.progress) {
      if (peer === this.config.id) continue;
      const commit = Math.min(pr.match, this.log.committed);
      this.send({ type: MessageType.Heartbeat, to: peer, commit, context });
    }
  }

  /** Sends the next App to a follower if its progress allows; returns whether one was sent. */
  private sendAppend(to: NodeId, sendIfEmpty: boolean): boolean {
    const pr = this.progress.get(to)!;
    if (pr.isPaused()) return false;
    const prevIndex = pr.next - 1;
    const prevTerm = this.log.term(prevIndex);
    if (prevTerm === undefined) return this.sendSnapshot(to, pr); // the follower needs compacted entries
    const lastIndex = this.log.lastIndex();
    const entries = pr.next <= lastIndex ? this.log.slice(pr.next, lastIndex + 1, this.config.maxBytesPerMsg) : [];
    if (entries.length === 0 && !sendIfEmpty) return false;
    this.send({ type: MessageType.App, to, index: prevIndex, logTerm: prevTerm, entries, commit: this.log.committed });
    if (entries.length > 0) pr.sentEntries(entries[entries.length - 1]!.index);
    else if (pr.state === 'probe') pr.probeSent = true;
    return true;
  }

  /** Sends the storage's latest snapshot; the application streams its state (see Snapshot). */
  private sendSnapshot(to: NodeId, pr: Progress): boolean {
    const meta = this.storage.snapshot().metadata;
    assert(meta.index >= this.log.firstIndex() - 1 || this.log.pendingSnapshot !== undefined, () => `log compacted to ${this.log.firstIndex() - 1} behind the latest snapshot ${meta.index}`);
    if (meta.index <= pr.match) return false;
    pr.becomeSnapshot(meta.index);
    const context = encodeConfState(meta);
    this.send({ type: MessageType.Snap, to, index: meta.index, logTerm: meta.term, context, commit: this.log.committed });
    return true;
  }

  // ---- membership ---------------------------------------------------------------------------

  /** Every member of the configuration: voters, then learners. */
  private members(): NodeId[] {
    return [...this.conf.voters, ...this.conf.learners];
  }

  /** The configuration as of `applied`: the snapshot's (or the bootstrap one) plus later changes. */
  private restoreConf(applied: number): ConfState {
    const snap = this.storage.snapshot().metadata;
    let conf: ConfState =
      snap.index > 0 ? { voters: [...snap.voters], learners: [...snap.learners] } : { voters: [...this.config.voters], learners: [...this.config.learners] };
    assert(snap.index <= applied, () => `applied ${applied} is behind the latest snapshot ${snap.index}`);
    for (let lo = snap.index + 1; lo <= applied; ) {
      const batch = this.storage.entries(lo, applied + 1, this.config.maxBytesPerMsg);
      for (const e of batch) if (e.type === EntryType.ConfChange) conf = nextConf(conf, e);
      lo += batch.length;
    }
    return conf;
  }

  /** A committed change the application has applied now takes effect here. */
  private applyConfChangeEntry(e: Entry): void {
    const before = this.conf;
    this.conf = nextConf(before, e);
    if (this.conf === before || this.role !== 'leader') return;
    const members = this.members();
    for (const id of [...this.progress.keys()]) if (!members.includes(id)) this.progress.delete(id);
    const added = members.filter((id) => !this.progress.has(id));
    for (const id of added) this.progress.set(id, new Progress(this.log.lastIndex() + 1, this.config.maxInflightMsgs));
    if (!this.conf.voters.includes(this.config.id)) {
      // Removed: tell the others how far the log is committed, then step down.
      this.broadcastAppend();
      this.becomeFollower(this.term, NONE);
      return;
    }
    for (const id of added) this.sendAppend(id, true);
    // A smaller quorum may commit, or confirm reads, right away.
    if (this.maybeCommit()) this.broadcastAppend();
    this.releaseConfirmedReads();
  }

  // ---- plumbing -----------------------------------------------------------------------------

  private message(fields: MessageFields): Message {
    return {
      from: this.config.id,
      term: 0,
      logTerm: 0,
      index: 0,
      entries: [],
      commit: 0,
      reject: false,
      rejectHint: 0,
      context: EMPTY_BYTES,
      ...fields,
    };
  }

  /** Queues a message for the next Ready; ReadIndex carries no term, the rest ours unless set. */
  private send(fields: MessageFields): void {
    assert(fields.to !== this.config.id && fields.to !== NONE, () => `message ${MessageType[fields.type]} to self or nobody`);
    const termless = fields.type === MessageType.ReadIndex;
    this.messages.push(this.message({ term: termless ? 0 : this.term, ...fields }));
  }

  private softState(): SoftState {
    return { leader: this.leader, role: this.role };
  }

  private hardState(): HardState {
    return { term: this.term, vote: this.vote, commit: this.log.committed };
  }
}

function isFromLeader(m: Message): boolean {
  return m.type === MessageType.App || m.type === MessageType.Heartbeat || m.type === MessageType.Snap;
}

/**
 * The configuration after a committed ConfChange entry. A malformed or inapplicable change (which
 * a correct leader never appends) changes nothing, identically on every node.
 */
function nextConf(conf: ConfState, e: Entry): ConfState {
  const cc = decodeConfChange(e.data);
  if (cc === undefined || confChangeError(conf, cc) !== undefined) return conf;
  return applyConfChangeTo(conf, cc);
}

function copyMetadata(m: SnapshotMetadata): SnapshotMetadata {
  return { index: m.index, term: m.term, voters: [...m.voters], learners: [...m.learners] };
}

function sameSoftState(a: SoftState, b: SoftState): boolean {
  return a.leader === b.leader && a.role === b.role;
}

function sameHardState(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}
