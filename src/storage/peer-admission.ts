import { MessageType, type Message } from '../consensus/types.js';
import type { IncarnationVerdict, Incarnations } from './incarnations.js';

// Whether a peer's message counts, from what this member knows of the peer's incarnation, and
// what a member learns of incarnations from its leader (incarnations.ts has the reasoning). The
// decision is a pure function, so every case is tested on its own; PeerAdmission is the storage
// member's glue around it.

/** Most incarnations a leader's batch may vouch for: more members than a Raft group has. */
export const MAX_VOUCHED_INCARNATIONS = 64;
/** Most incarnation warnings remembered as logged; past it they may be logged again. */
const MAX_WARNED = 1_024;

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

/** What PeerAdmission needs of its storage member. */
export interface AdmissionHost {
  /** Whether `id` is in the address book. */
  listed(id: string): boolean;
  leading(): boolean;
  /** The log is empty (incarnations.ts: a member that took part in nothing yet). */
  fresh(): boolean;
  /** A message was not counted, for the reason given. */
  refused(reason: 'stale' | 'unvouched'): void;
  /** The number of peers whose incarnation is known changed. */
  knownChanged(count: number): void;
  warn(fields: Record<string, unknown>, message: string): void;
  /** Recording an incarnation failed: going on could count a wiped peer after a restart. */
  fatal(where: string, error: unknown): void;
}

export class PeerAdmission {
  /** Warnings already logged (kind/peer/incarnation), so each is logged once. */
  private readonly warned = new Set<string>();

  constructor(
    private readonly self: string,
    private readonly incarnations: Incarnations,
    private readonly host: AdmissionHost,
  ) {}

  /** What this member vouches for with its appends and heartbeats: the incarnations it knows, while it leads. */
  vouched(): Readonly<Record<string, string>> | undefined {
    return this.host.leading() ? this.incarnations.known() : undefined;
  }

  /** Whether `message`, from a sender at `incarnation`, counts; starts recording a first incarnation. */
  admits(message: Message, incarnation: string): boolean {
    const from = message.from;
    const verdict = admission({
      verdict: this.incarnations.verdict(from, incarnation),
      listed: this.host.listed(from),
      leading: this.host.leading(),
      fresh: this.host.fresh(),
      fromLeader: isLeaderReplication(message),
    });
    switch (verdict) {
      case 'admit':
        return true;
      case 'pin':
        this.learn([[from, incarnation]]);
        return false;
      case 'unvouched':
        this.warnOnce(
          `unvouched/${from}/${incarnation}`,
          { peer: from, incarnation },
          `storage member ${from} is not counted: this member never learned its incarnation, so cannot tell whether it lost its disk; it counts once a leader vouches for it`,
        );
        this.host.refused('unvouched');
        return false;
      case 'stale':
        this.warnOnce(
          `stale/${from}/${incarnation}`,
          { peer: from, incarnation, known: this.incarnations.of(from) },
          `storage member ${from} came back with a new data directory: its messages are ignored (it may have lost votes and entries) until it is removed and added again (quorumkv members remove ${from}, then add it)`,
        );
        this.host.refused('stale');
        return false;
    }
  }

  /** Records the incarnations that `leader`, whose append or heartbeat was admitted, vouches for. */
  learnVouched(leader: string, known: Readonly<Record<string, string>>): void {
    const entries = Object.entries(known);
    if (entries.length > MAX_VOUCHED_INCARNATIONS) {
      this.warnOnce(`too-many/${leader}`, { leader, count: entries.length }, `the leader ${leader} vouched for ${entries.length} incarnations, over the ${MAX_VOUCHED_INCARNATIONS} a member takes; ignored`);
      return;
    }
    const learned: Array<[string, string]> = [];
    for (const [peer, incarnation] of entries) {
      if (peer === this.self) {
        if (incarnation !== this.incarnations.own) {
          this.warnOnce(
            `self/${incarnation}`,
            { leader, incarnation, own: this.incarnations.own },
            `the leader ${leader} knows this member by another data directory: this one is new, so the other members do not count it until it is removed and added again`,
          );
        }
        continue;
      }
      if (!this.host.listed(peer)) continue;
      const verdict = this.incarnations.verdict(peer, incarnation);
      if (verdict === 'new') learned.push([peer, incarnation]);
      else if (verdict === 'stale') {
        this.warnOnce(
          `disagree/${peer}/${incarnation}`,
          { leader, peer, incarnation, known: this.incarnations.of(peer) },
          `the leader ${leader} knows storage member ${peer} by another incarnation than this member does; this member keeps the one it learned first`,
        );
      }
    }
    if (learned.length > 0) this.learn(learned);
  }

  /** Forgets a removed peer's incarnation (it may be added again with a new one). */
  async forget(peer: string): Promise<void> {
    await this.incarnations.forget(peer);
    this.host.knownChanged(this.incarnations.count);
  }

  /** Records first incarnations; they count at once, and are written in the background (incarnations.ts). */
  private learn(learned: Array<[string, string]>): void {
    this.incarnations.learn(learned).then(
      () => this.host.knownChanged(this.incarnations.count),
      (error: unknown) => this.host.fatal('recording a peer incarnation', error),
    );
  }

  private warnOnce(key: string, fields: Record<string, unknown>, message: string): void {
    if (this.warned.has(key)) return;
    if (this.warned.size >= MAX_WARNED) this.warned.clear();
    this.warned.add(key);
    this.host.warn(fields, message);
  }
}
