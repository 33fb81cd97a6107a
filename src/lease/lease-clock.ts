import type { LeaseRecord } from '../mvcc/lease-table.js';

// The storage leader's clock of lease expiry, in memory only, as etcd's lessor: the replicated
// state knows which leases exist and their granted TTL; only the leader knows when each expires.
// A new leader starts every lease at its full TTL (etcd's Promote), so a lease never expires
// early because leadership moved; renewals move the deadline here and never touch the log.
// Time is an argument, never read here, so tests can drive it.

interface Deadline {
  ttlSeconds: number;
  expiresAtMs: number;
  /** A revocation of this lease was proposed; it is not proposed again before this time. */
  revokingUntilMs: number;
}

export class LeaseClock {
  private readonly deadlines = new Map<number, Deadline>();

  /** Forgets every deadline: this member no longer leads. */
  clear(): void {
    this.deadlines.clear();
  }

  get size(): number {
    return this.deadlines.size;
  }

  /** Starts (or restarts) the lease at its full TTL. */
  start(lease: LeaseRecord, nowMs: number): void {
    this.deadlines.set(lease.id, { ttlSeconds: lease.ttl, expiresAtMs: nowMs + lease.ttl * 1000, revokingUntilMs: 0 });
  }

  /** Starts a lease that has no deadline yet (one a new leader finds in its state). */
  startIfUnknown(lease: LeaseRecord, nowMs: number): void {
    if (!this.deadlines.has(lease.id)) this.start(lease, nowMs);
  }

  forget(id: number): void {
    this.deadlines.delete(id);
  }

  /**
   * Renews the lease to its full TTL and answers the TTL, or 0 when it has expired by this clock
   * (etcd answers an expired lease as not found, even before its revocation is applied).
   */
  renew(lease: LeaseRecord, nowMs: number): number {
    const deadline = this.deadlines.get(lease.id);
    if (deadline !== undefined && deadline.expiresAtMs <= nowMs) return 0;
    this.start(lease, nowMs);
    return lease.ttl;
  }

  /** Milliseconds left (0 once expired), or undefined for a lease this clock does not know. */
  remainingMs(id: number, nowMs: number): number | undefined {
    const deadline = this.deadlines.get(id);
    return deadline === undefined ? undefined : Math.max(0, deadline.expiresAtMs - nowMs);
  }

  /**
   * Up to `max` expired leases whose revocation is not in flight, earliest deadline first (then
   * lowest id), each marked in flight until `retryAtMs`.
   */
  takeExpired(nowMs: number, max: number, retryAtMs: number): number[] {
    const due: Array<[number, Deadline]> = [];
    for (const entry of this.deadlines) {
      if (entry[1].expiresAtMs <= nowMs && entry[1].revokingUntilMs <= nowMs) due.push(entry);
    }
    due.sort((a, b) => a[1].expiresAtMs - b[1].expiresAtMs || a[0] - b[0]);
    const taken = due.slice(0, max);
    for (const [, deadline] of taken) deadline.revokingUntilMs = retryAtMs;
    return taken.map(([id]) => id);
  }
}
