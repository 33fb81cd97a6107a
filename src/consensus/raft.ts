// The Raft consensus core: a pure state machine in the style of etcd-io/raft. Inputs are ticks,
// messages, proposals and read requests; the output is one Ready at a time. It owns no timers,
// sockets or files, and its only randomness is a seeded PRNG.
//
// Durability rule: an entry counts toward a commit quorum only once it is durable on that voter.
// Followers ack through messages in a Ready (sent after the Ready is persisted); the leader counts
// its own copy only after advance() acknowledged the Ready that carried it.

import { assert } from './assert.js';
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
  type Entry,
  type HardState,
  type LogStorage,
  type Message,
  type NodeId,
  type Ready,
  type ReadState,
  type Role,
  type SoftState,
} from './types.js';

export type ProposeResult = { ok: true } | { ok: false; reason: 'no-leader' | 'overloaded' };

export interface ProgressStatus {
  match: number;
  next: number;
  state: ProgressState;
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
  progress?: Record<NodeId, ProgressStatus>;
}

const EMPTY_BYTES = new Uint8Array(0);

type MessageFields = Partial<Message> & Pick<Message, 'type' | 'to'>;

/** What the outstanding Ready handed over, so advance() knows what became durable and applied. */
interface HandedOver {
  lastEntryIndex: number;
  lastEntryTerm: number;
  appliedIndex: number;
  appliedBytes: number;
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
  private readonly peers: readonly NodeId[];
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
    assert(hardState.vote === NONE || this.config.voters.includes(hardState.vote), () => `stored vote ${hardState.vote} is not a voter`);
    const applied = Math.max(this.config.applied, storage.firstIndex() - 1);
    this.log = new RaftLog(storage, hardState.commit, applied);
    this.term = hardState.term;
    this.vote = hardState.vote;
    this.prevHardState = { ...hardState };
    this.random = new SeededRandom(this.config.seed);
    this.peers = this.config.voters.filter((v) => v !== this.config.id);
    this.readIndexQueue = new ReadIndexQueue(this.config.maxPendingReads);
    this.becomeFollower(this.term, NONE);
  }

  // ---- inputs -------------------------------------------------------------------------------

  tick(): void {
    if (this.role === 'leader') this.tickHeartbeat();
    else this.tickElection();
  }

  step(m: Message): void {
    if (!isWellFormed(m) || m.to !== this.config.id || m.from === this.config.id || !this.peers.includes(m.from)) return;
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

  readIndex(context: Uint8Array): boolean {
    assert(context instanceof Uint8Array, 'readIndex takes a Uint8Array context');
    if (this.leader === NONE) return false;
    if (this.role === 'leader') {
      return this.handleReadIndex(this.message({ type: MessageType.ReadIndex, to: this.config.id, from: this.config.id, context }));
    }
    this.send({ type: MessageType.ReadIndex, to: this.leader, context });
    return true;
  }

  // ---- output -------------------------------------------------------------------------------

  hasReady(): boolean {
    if (this.handedOver !== undefined) return false;
    return (
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
    this.uncommittedBytes = Math.max(0, this.uncommittedBytes - handed.appliedBytes);
    if (this.role === 'leader') this.updateSelfProgress();
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
    };
    if (this.role === 'leader') {
      status.progress = {};
      for (const [id, pr] of this.progress) status.progress[id] = { match: pr.match, next: pr.next, state: pr.state };
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

  /** The index a quorum of voters has durably matched. */
  protected quorumMatchIndex(): number {
    return quorumValue(this.config.voters.map((v) => this.progress.get(v)!.match));
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
    const fromLeader = m.type === MessageType.App || m.type === MessageType.Heartbeat;
    this.becomeFollower(m.term, fromLeader ? m.from : NONE);
    return true;
  }

  /** A node that heard from a live leader within an election timeout does not help depose it. */
  private inLeaderLease(): boolean {
    return this.config.checkQuorum && this.leader !== NONE && this.electionElapsedTicks < this.config.electionTicks;
  }

  private answerStaleTerm(m: Message): void {
    const fromStaleLeader = m.type === MessageType.App || m.type === MessageType.Heartbeat;
    if (fromStaleLeader && (this.config.checkQuorum || this.config.preVote)) {
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
    for (const v of this.config.voters) this.progress.set(v, new Progress(next, this.config.maxInflightMsgs));
    const self = this.progress.get(this.config.id)!;
    self.becomeReplicate();
    self.maybeUpdate(this.selfMatchIndex());
    self.next = next;
    self.recentActive = true;
    // An entry of the new term lets the leader commit everything before it (Raft §5.4.2).
    this.appendAsLeader([this.newEntry(EMPTY_BYTES)]);
  }

  // ---- elections ----------------------------------------------------------------------------

  private tickElection(): void {
    this.electionElapsedTicks++;
    if (this.electionElapsedTicks >= this.randomizedElectionTicks) {
      this.electionElapsedTicks = 0;
      this.campaign(this.config.preVote ? 'pre-vote' : 'vote');
    }
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
    for (const peer of this.peers) this.send({ type, to: peer, term: voteTerm, index, logTerm });
  }

  /** Acts on the votes so far; returns the outcome. */
  private tallyVotes(): 'won' | 'lost' | 'pending' {
    const outcome = voteOutcome(this.config.voters.length, this.votes);
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
    if (m.type === MessageType.App || m.type === MessageType.Heartbeat) {
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
      case MessageType.ReadIndexResp:
        this.readStates.push({ index: m.index, context: m.context });
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
      for (const peer of this.peers) this.progress.get(peer)!.recentActive = false;
    }
    if (this.heartbeatElapsedTicks >= this.config.heartbeatTicks) {
      this.heartbeatElapsedTicks = 0;
      this.broadcastHeartbeat(this.readIndexQueue.pendingRound());
    }
  }

  private quorumActive(): boolean {
    const active = this.config.voters.map((v) => (v === this.config.id || this.progress.get(v)!.recentActive ? 1 : 0));
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
        this.handleReadIndex(m);
        break;
      default:
        // App/Heartbeat at our own term cannot come from a legitimate leader; stale responses are moot.
        break;
    }
  }

  private handleForwardedProposal(m: Message): void {
    const bytes = m.entries.reduce((sum, e) => sum + entryBytes(e), 0);
    if (m.entries.length === 0 || !this.withinUncommittedLimit(bytes)) return;
    this.appendAsLeader(m.entries.map((e) => this.newEntry(e.data, e.type)));
  }

  private handleAppendResponse(m: Message): void {
    const pr = this.progress.get(m.from)!;
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
    if (pr.state === 'probe') pr.becomeReplicate();
    else pr.inflights.freeLE(m.index);
    if (this.maybeCommit()) this.broadcastAppend();
    else if (wasPaused) this.sendAppend(m.from, true);
    while (this.sendAppend(m.from, false)) {
      // fill the in-flight window; sendAppend stops when it is full or nothing is left
    }
  }

  private handleHeartbeatResponse(m: Message): void {
    const pr = this.progress.get(m.from)!;
    pr.recentActive = true;
    pr.probeSent = false;
    if (pr.state === 'replicate' && pr.inflights.full()) pr.inflights.freeFirstOne();
    if (pr.match < this.log.lastIndex()) this.sendAppend(m.from, true);
    const round = decodeRound(m.context);
    if (round === 0) return;
    this.readIndexQueue.recvAck(m.from, round);
    for (const read of this.readIndexQueue.release(this.config.id, this.config.voters)) {
      this.answerRead(read.from, read.index, read.context);
    }
  }

  /** Returns false when the request is refused (too many reads pending). */
  private handleReadIndex(m: Message): boolean {
    if (this.config.voters.length === 1) {
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
    for (const peer of this.peers) this.sendAppend(peer, true);
  }

  private broadcastHeartbeat(round: number): void {
    const context = round === 0 ? EMPTY_BYTES : encodeRound(round);
    for (const peer of this.peers) {
      const commit = Math.min(this.progress.get(peer)!.match, this.log.committed);
      this.send({ type: MessageType.Heartbeat, to: peer, commit, context });
    }
  }

  /** Sends the next App to a follower if its progress allows; returns whether one was sent. */
  private sendAppend(to: NodeId, sendIfEmpty: boolean): boolean {
    const pr = this.progress.get(to)!;
    if (pr.isPaused()) return false;
    const prevIndex = pr.next - 1;
    const prevTerm = this.log.term(prevIndex);
    // Without snapshots a compacted prefix cannot be sent; MemoryLogStorage never compacts.
    if (prevTerm === undefined) return false;
    const lastIndex = this.log.lastIndex();
    const entries = pr.next <= lastIndex ? this.log.slice(pr.next, lastIndex + 1, this.config.maxBytesPerMsg) : [];
    if (entries.length === 0 && !sendIfEmpty) return false;
    this.send({ type: MessageType.App, to, index: prevIndex, logTerm: prevTerm, entries, commit: this.log.committed });
    if (entries.length > 0) pr.sentEntries(entries[entries.length - 1]!.index);
    else if (pr.state === 'probe') pr.probeSent = true;
    return true;
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

  /** Queues a message for the next Ready; Prop and ReadIndex carry no term, the rest ours unless set. */
  private send(fields: MessageFields): void {
    assert(fields.to !== this.config.id && fields.to !== NONE, () => `message ${MessageType[fields.type]} to self or nobody`);
    const termless = fields.type === MessageType.Prop || fields.type === MessageType.ReadIndex;
    this.messages.push(this.message({ term: termless ? 0 : this.term, ...fields }));
  }

  private softState(): SoftState {
    return { leader: this.leader, role: this.role };
  }

  private hardState(): HardState {
    return { term: this.term, vote: this.vote, commit: this.log.committed };
  }
}

function sameSoftState(a: SoftState, b: SoftState): boolean {
  return a.leader === b.leader && a.role === b.role;
}

function sameHardState(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}
