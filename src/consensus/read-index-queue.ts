// Read-index requests a leader holds until a quorum confirms it is still leader. Each request gets
// a round number that heartbeats carry; a follower's ack of round r confirms every request with a
// round <= r, because that heartbeat left after those requests arrived.

import { assert } from './assert.js';
import { quorumValue } from './quorum.js';
import type { NodeId } from './types.js';

export interface PendingRead {
  round: number;
  /** The leader's commit index when the request arrived: the read index if confirmed. */
  index: number;
  from: NodeId;
  context: Uint8Array;
}

export class ReadIndexQueue {
  private reads: PendingRead[] = [];
  private readonly ackedRounds = new Map<NodeId, number>();
  private lastRound = 0;

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.reads.length;
  }

  full(): boolean {
    return this.reads.length >= this.capacity;
  }

  /** Queues a request and returns the round its heartbeat must carry. */
  add(index: number, from: NodeId, context: Uint8Array): number {
    assert(!this.full(), 'read-index queue is full');
    this.lastRound++;
    this.reads.push({ round: this.lastRound, index, from, context });
    return this.lastRound;
  }

  /** The round to put on heartbeats, or 0 when nothing waits. */
  pendingRound(): number {
    return this.reads.length === 0 ? 0 : this.lastRound;
  }

  recvAck(from: NodeId, round: number): void {
    if (round > (this.ackedRounds.get(from) ?? 0)) this.ackedRounds.set(from, round);
  }

  /** Removes and returns, oldest first, every request a quorum has confirmed. */
  release(self: NodeId, voters: readonly NodeId[]): PendingRead[] {
    if (this.reads.length === 0) return [];
    const rounds = voters.map((v) => (v === self ? this.lastRound : (this.ackedRounds.get(v) ?? 0)));
    const confirmedRound = quorumValue(rounds);
    let count = 0;
    while (count < this.reads.length && this.reads[count]!.round <= confirmedRound) count++;
    return count === 0 ? [] : this.reads.splice(0, count);
  }

  reset(): void {
    this.reads = [];
    this.ackedRounds.clear();
  }
}

/** Rounds travel as 8 big-endian bytes in a heartbeat's context. */
export function encodeRound(round: number): Uint8Array {
  assert(Number.isSafeInteger(round) && round >= 0, 'round must be a safe non-negative integer');
  const bytes = new Uint8Array(8);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, Math.floor(round / 0x1_0000_0000));
  view.setUint32(4, round >>> 0);
  return bytes;
}

/** The round in a heartbeat(-response) context, or 0 when there is none or it is malformed. */
export function decodeRound(context: Uint8Array): number {
  if (context.byteLength !== 8) return 0;
  const view = new DataView(context.buffer, context.byteOffset, 8);
  return view.getUint32(0) * 0x1_0000_0000 + view.getUint32(4);
}
