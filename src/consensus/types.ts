// The vocabulary of the consensus core. Everything here is plain data: the core turns inputs
// (ticks, messages, proposals, read requests) into one Ready record and owns no I/O.

export type NodeId = string;

/** No node: used for "no vote" and "no known leader". */
export const NONE: NodeId = '';

export enum EntryType {
  /** Application data (an encoded log batch), or empty: the no-op a new leader appends. */
  Normal = 0,
  /** Reserved for membership changes. */
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

/** A linearizable read may be served once the local applied index reaches `index`. */
export interface ReadState {
  index: number;
  context: Uint8Array;
}

/**
 * The output of the core. The caller must, in order: persist `hardState` and `entries`
 * (durably: fsync), then send `messages`, then apply `committedEntries`, then call `advance()`.
 */
export interface Ready {
  softState?: SoftState;
  hardState?: HardState;
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
  firstIndex(): number;
  lastIndex(): number;
  /** Term of the entry at `index`; index firstIndex()-1 must also be answered (0 for index 0). */
  term(index: number): number;
  /** Entries in [lo, hi), at least one if lo < hi, stopping once their data exceeds maxBytes. */
  entries(lo: number, hi: number, maxBytes: number): Entry[];
}

/** How a driver hands messages to the network. Delivery is best-effort: Raft tolerates loss. */
export interface Transport {
  send(messages: Message[]): void;
}
