// The vocabulary of the consensus core. Everything here is plain data: the core turns inputs
// (ticks, messages, proposals, read requests) into one Ready record and owns no I/O.

export type NodeId = string;

/** No node: used for "no vote" and "no known leader". */
export const NONE: NodeId = '';

export enum EntryType {
  /** Application data (an encoded log batch), or empty: the no-op a new leader appends. */
  Normal = 0,
  /** A membership change: `data` is an encoded ConfChange (see conf-change.ts). */
  ConfChange = 1,
}

export interface Entry {
  term: number;
  index: number;
  type: EntryType;
  data: Uint8Array;
}

/** What must be durable before any message that depends on it is sent. */
export interface HardState {
  term: number;
  vote: NodeId;
  commit: number;
}

export enum MessageType {
  /** Leader → follower: entries to append (possibly none: a probe). */
  App = 0,
  AppResp = 1,
  Vote = 2,
  VoteResp = 3,
  PreVote = 4,
  PreVoteResp = 5,
  /** Leader → follower: liveness and commit index; `context` carries read-index rounds. */
  Heartbeat = 6,
  HeartbeatResp = 7,
  /** Follower → leader: forwarded proposals (in `entries`). */
  Prop = 8,
  /** Follower → leader: a read-index request (`context` identifies it). */
  ReadIndex = 9,
  ReadIndexResp = 10,
  /**
   * Leader → follower: install a snapshot. Carries metadata only, in existing fields so the wire
   * format needs nothing new: `index` and `logTerm` are the snapshot's index and term, `context`
   * is the encoded ConfState (encodeConfState); `commit` is the leader's commit index. Read it with
   * snapshotMetadataOf(m). The state itself travels outside the core (see Snapshot).
   */
  Snap = 11,
}

export interface Message {
  type: MessageType;
  from: NodeId;
  to: NodeId;
  term: number;
  /** App: term of the entry at `index`. Vote/PreVote: term of the candidate's last entry. */
  logTerm: number;
  /** App: index preceding `entries`. AppResp: highest index matched (or rejected). Vote: last index. ReadIndexResp: the read index. */
  index: number;
  entries: Entry[];
  commit: number;
  reject: boolean;
  /** AppResp with reject: the follower's last index, so the leader can back off quickly. */
  rejectHint: number;
  context: Uint8Array;
}

export type Role = 'follower' | 'precandidate' | 'candidate' | 'leader';

export interface SoftState {
  leader: NodeId;
  role: Role;
}

/** A configuration: who votes and who only receives the log. A node is in at most one list. */
export interface ConfState {
  voters: NodeId[];
  learners: NodeId[];
}

export interface SnapshotMetadata {
  /** The last log index the snapshot covers (0: no snapshot). */
  index: number;
  /** The term of the entry at `index`. */
  term: number;
  /** The configuration in effect once every entry up to `index` is applied. */
  voters: NodeId[];
  learners: NodeId[];
}

/**
 * A snapshot of the applied state at `metadata.index`. The core only ever handles metadata; `data`
 * is optional and the core never reads it, so an application may stream its state (e.g. a LevelDB
 * snapshot, in bounded chunks) outside the core. The contract, for an application that streams:
 *
 * Taking one (any node): once every entry up to index i is applied and durable in the application's
 *   state, and between advance() and the next ready(), record `{ index: i, term: term(i),
 *   ...raft.confState() }` with MemoryLogStorage.createSnapshot(); the log may then be compacted up
 *   to i (MemoryLogStorage.compact). The application must keep that state readable until a newer
 *   snapshot replaces it, because the leader may send it to a follower.
 * Sending (leader): a Ready may carry a Message of type Snap to a follower whose next entry was
 *   compacted. Its metadata is storage.snapshot().metadata at that moment. The application streams
 *   the state at that index to the follower (with flow control), delivers the Snap message itself
 *   after the last chunk, and calls raft.reportSnapshot(to, true) when the follower has it, or
 *   raft.reportSnapshot(to, false) on any failure. Until then the core sends that follower nothing
 *   but heartbeats. Failure makes the leader probe (and, if still needed, send a snapshot) again.
 * Receiving (follower): stage the streamed state without touching the applied state, then call
 *   raft.step(snapMessage). If the core accepts it, the next Ready carries `snapshot` with the same
 *   metadata: the application must, before sending that Ready's messages, make the staged state its
 *   applied state (applied index = metadata.index), persist the metadata (it holds the config), call
 *   MemoryLogStorage.applySnapshot(), then persist hardState/entries as usual. If no such Ready
 *   comes (the snapshot was stale: the follower already had that much), discard the staged state.
 */
export interface Snapshot {
  metadata: SnapshotMetadata;
  data?: Uint8Array;
}

/** A linearizable read may be served once the local applied index reaches `index`. */
export interface ReadState {
  index: number;
  context: Uint8Array;
  /** The leader's read queue was full: the read was not confirmed (`index` is 0); retry later. */
  overloaded?: boolean;
}

/**
 * The output of the core. The caller must, in order: install and persist `snapshot` (if any: see
 * Snapshot), persist `hardState` and `entries` (durably: fsync), then send `messages`, then apply
 * `committedEntries`, then call `advance()`.
 */
export interface Ready {
  softState?: SoftState;
  hardState?: HardState;
  /** A snapshot from the leader to install before anything else in this Ready (followers only). */
  snapshot?: Snapshot;
  /**
   * The configuration, present when it changed since the last Ready. A committed ConfChange entry
   * takes effect when advance() acknowledges the Ready whose committedEntries carried it (the
   * application has applied it by then, and may decode its context, e.g. a new member's address),
   * and an installed snapshot's configuration likewise; the next Ready then reports it here. For
   * the application's peer list and status: the core rebuilds it at restart by itself.
   */
  confState?: ConfState;
  entries: Entry[];
  committedEntries: Entry[];
  messages: Message[];
  readStates: ReadState[];
}

/**
 * The core's read-only view of the durable log. The caller appends to it after it has persisted
 * the entries of a Ready, before calling advance(). Indices start at 1; index 0 has term 0.
 */
export interface LogStorage {
  initialState(): HardState;
  /**
   * The latest snapshot (metadata; data optional). Index 0 when there is none: the configuration is
   * then the bootstrap one from RaftOptions. firstIndex() - 1 is at most the snapshot's index.
   */
  snapshot(): Snapshot;
  /** The first index still in the log: entries before it were compacted (1 if never). */
  firstIndex(): number;
  lastIndex(): number;
  /** Term of the entry at `index`; index firstIndex()-1 must also be answered (0 for index 0). */
  term(index: number): number;
  /**
   * Entries in [lo, hi), at least one if lo < hi, stopping once their data exceeds maxBytes.
   * lo < firstIndex() throws CompactedError.
   */
  entries(lo: number, hi: number, maxBytes: number): Entry[];
}

/** How a driver hands messages to the network. Delivery is best-effort: Raft tolerates loss. */
export interface Transport {
  send(messages: Message[]): void;
}
