import { MessageType, type Message } from '../consensus/types.js';
import type { IncarnationVerdict } from './incarnations.js';

// Whether a peer's message counts, from what this member knows of the peer's incarnation
// (incarnations.ts has the reasoning). A pure function, so every case is tested on its own.

/**
 * - `admit`: step it.
 * - `pin`: the first incarnation heard from the peer, from a source that may vouch for it: record
 *   it and drop this message (Raft sends again).
 * - `stale`: the peer came back with a new data directory: drop.
 * - `unvouched`: nothing this member trusts has told it the peer's incarnation: drop, so that a
 *   follower never counts the vote of a peer that may have lost its disk since.
 */
export type Admission = 'admit' | 'pin' | 'stale' | 'unvouched';

export interface AdmissionInput {
  /** What this member knows of the sender's incarnation. */
  verdict: IncarnationVerdict;
  /** The sender is in this member's address book (a member it knows of). */
  listed: boolean;
  /** This member is the leader. */
  leading: boolean;
  /** This member's log is empty: it has taken part in nothing, not even a first leader's term. */
  fresh: boolean;
  /** The message is a leader's append or heartbeat. */
  fromLeader: boolean;
}

export function admission(input: AdmissionInput): Admission {
  switch (input.verdict) {
    case 'known':
      return 'admit';
    case 'stale':
      return 'stale';
    case 'new':
      // A member this one does not know of yet (a joining member learns the book from the leader's
      // snapshot) is let through unrecorded: membership decides who counts.
      if (!input.listed) return 'admit';
      return input.leading || input.fresh || input.fromLeader ? 'pin' : 'unvouched';
  }
}

/** A leader's appends and heartbeats: they carry the incarnations it knows (MessageBatch.known_incarnations). */
export function isLeaderReplication(message: Message): boolean {
  return message.type === MessageType.App || message.type === MessageType.Heartbeat;
}
