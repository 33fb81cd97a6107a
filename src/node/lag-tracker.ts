import type { MemberStatus__Output } from '../gen/quorumkv/v1/MemberStatus.js';
import type { WatchResponse__Output } from '../gen/quorumkv/v1/WatchResponse.js';
import type { StorageRouter } from './storage-router.js';

// How far a reader is behind the log: it follows its home storage member's progress (the
// revision that member has applied), and watches the revision the leader reports. Lag in
// revisions is the difference; lag in milliseconds is how long ago the leader first reported
// the oldest revision this reader has not reached yet.

const MAX_PENDING_SAMPLES = 1_000;

export class LagTracker {
  followedRevision = 0;
  private leaderRevision = 0;
  /** (revision, first seen at) pairs the leader reported that the reader has not reached. */
  private pending: Array<{ revision: number; seenAt: number }> = [];
  private stream: { cancel(): void } | undefined;
  private stopped = false;

  constructor(private readonly storage: StorageRouter) {}

  start(): void {
    this.follow();
  }

  get lagRevisions(): number {
    return Math.max(0, this.leaderRevision - this.followedRevision);
  }

  get lagMs(): number {
    const oldest = this.pending.find((p) => p.revision > this.followedRevision);
    return oldest ? Date.now() - oldest.seenAt : 0;
  }

  stop(): void {
    this.stopped = true;
    this.stream?.cancel();
  }

  private follow(): void {
    if (this.stopped) return;
    const member = this.storage.homeMember;
    const stream = member.client.follow({ key: Buffer.from([0]), rangeEnd: Buffer.from([0]), startRevision: 0, progressOnly: true });
    this.stream = stream;
    stream.on('data', (response: WatchResponse__Output) => this.reached(response.revision));
    stream.on('error', () => undefined);
    stream.on('close', () => {
      if (this.stopped) return;
      this.storage.moveHome();
      setTimeout(() => this.follow(), 200);
    });
  }

  private reached(revision: number): void {
    this.followedRevision = Math.max(this.followedRevision, revision);
    this.pending = this.pending.filter((p) => p.revision > this.followedRevision);
  }

  /** Takes the leader's revision from the storage members' reports (the node polls them anyway). */
  observe(statuses: MemberStatus__Output[]): void {
    const leader = statuses.find((s) => s.leader && s.healthy);
    if (!leader || leader.revision <= this.leaderRevision) return;
    this.leaderRevision = leader.revision;
    if (leader.revision > this.followedRevision && this.pending.length < MAX_PENDING_SAMPLES) {
      this.pending.push({ revision: leader.revision, seenAt: Date.now() });
    }
  }
}
