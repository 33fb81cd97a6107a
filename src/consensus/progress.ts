// What a leader knows about one follower's log (etcd's Progress): probe sends one message at a
// time until the follower's match is found; replicate streams optimistically within a window;
// snapshot waits while the application streams a snapshot (the follower's next entry was compacted).

import { assert } from './assert.js';
import { Inflights } from './inflights.js';

export type ProgressState = 'probe' | 'replicate' | 'snapshot';

export class Progress {
  match = 0;
  next: number;
  state: ProgressState = 'probe';
  /** Probe: a message is out and unanswered, so do not send another until a response or heartbeat. */
  probeSent = false;
  /** Snapshot: the index of the snapshot being sent (0 otherwise). */
  pendingSnapshot = 0;
  /** Heard from within the current check-quorum period. */
  recentActive = false;
  readonly inflights: Inflights;

  constructor(next: number, maxInflightMsgs: number) {
    assert(next >= 1, 'progress next must be >= 1');
    this.next = next;
    this.inflights = new Inflights(maxInflightMsgs);
  }

  becomeProbe(): void {
    // After a snapshot, the follower has at least its index, unless the transfer failed.
    this.next = this.state === 'snapshot' ? Math.max(this.match + 1, this.pendingSnapshot + 1) : this.match + 1;
    this.state = 'probe';
    this.pendingSnapshot = 0;
    this.probeSent = false;
    this.inflights.reset();
  }

  becomeSnapshot(snapshotIndex: number): void {
    assert(snapshotIndex > this.match, 'a snapshot for a follower must pass its match');
    this.state = 'snapshot';
    this.pendingSnapshot = snapshotIndex;
    this.probeSent = false;
    this.inflights.reset();
  }

  becomeReplicate(): void {
    this.state = 'replicate';
    this.pendingSnapshot = 0;
    this.next = this.match + 1;
    this.probeSent = false;
    this.inflights.reset();
  }

  isPaused(): boolean {
    if (this.state === 'snapshot') return true;
    return this.state === 'probe' ? this.probeSent : this.inflights.full();
  }

  /** An ack up to index n. Returns whether match moved. */
  maybeUpdate(n: number): boolean {
    const updated = n > this.match;
    if (updated) {
      this.match = n;
      this.probeSent = false;
    }
    this.next = Math.max(this.next, n + 1);
    return updated;
  }

  /**
   * A rejection of the App whose previous index was `rejected`; `matchHint` is the highest index
   * that may match. Returns false when the rejection is stale.
   */
  maybeDecrTo(rejected: number, matchHint: number): boolean {
    if (this.state === 'snapshot') return false; // a reject from before the snapshot was sent
    if (this.state === 'replicate') {
      if (rejected <= this.match) return false;
      this.next = this.match + 1;
      return true;
    }
    if (this.next - 1 !== rejected) return false;
    this.next = Math.max(Math.min(rejected, matchHint + 1), this.match + 1);
    this.probeSent = false;
    return true;
  }

  /** Records that entries up to lastIndex were sent. */
  sentEntries(lastIndex: number): void {
    if (this.state === 'replicate') {
      this.next = lastIndex + 1;
      this.inflights.add(lastIndex);
    } else {
      this.probeSent = true;
    }
  }
}
