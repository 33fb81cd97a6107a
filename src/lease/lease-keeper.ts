import { NotLeaderError } from '../errors.js';
import type { LeaseKeepAliveResponse } from '../gen/quorumkv/v1/LeaseKeepAliveResponse.js';
import type { LeaseLeasesResponse } from '../gen/quorumkv/v1/LeaseLeasesResponse.js';
import type { LeaseTimeToLiveResponse } from '../gen/quorumkv/v1/LeaseTimeToLiveResponse.js';
import type { ResponseHeader } from '../gen/quorumkv/v1/ResponseHeader.js';
import type { TxnRequest__Output } from '../gen/quorumkv/v1/TxnRequest.js';
import { log } from '../observability/log.js';
import type { LeaseRecord } from '../mvcc/lease-table.js';
import type { TxnOutcome } from '../mvcc/mvcc-store.js';
import { LeaseClock } from './lease-clock.js';

// A storage member's side of leases. On the leader it keeps the expiry clock, proposes the
// revocation of each lease that expires (one log entry each, which deletes all its keys at one
// revision), and answers renewals, which stay off the log. On a follower it refuses those calls
// with NotLeaderError, so compute nodes take them to the leader.

/** How often the leader looks for expired leases. */
export const EXPIRY_CHECK_MS = 100;
/** At most this many expiry revocations are in flight at once. */
export const MAX_EXPIRIES_IN_FLIGHT = 64;
/** A proposed expiry that has not applied by then is proposed again. */
const EXPIRY_RETRY_MS = 3_000;
/** TimeToLive lists at most this many keys of a lease. */
export const MAX_LEASE_KEYS_LISTED = 10_000;

/** The member the keeper works for. */
export interface LeaseHost {
  isLeader(): boolean;
  /**
   * The consensus core leads at this very moment (isLeader follows it a Ready later). A member
   * that resumes after a pause may still think it leads while its core has already stepped down
   * and would forward a proposal to the new leader, which must not receive an expiry decided by
   * the old leader's clock: the new one restarted every TTL in full.
   */
  leadsNow(): boolean;
  leaderHint(): string;
  header(): ResponseHeader;
  /** The applied state's leases (it may be replaced, by a snapshot: always asked afresh). */
  state(): {
    lease(id: number): Promise<LeaseRecord | null>;
    leases(): Promise<LeaseRecord[]>;
    leaseKeys(id: number, limit: number): Promise<Buffer[]>;
  };
  /** Proposes one log entry of these transactions; resolves once applied here. */
  propose(txns: TxnRequest__Output[]): Promise<unknown>;
  /**
   * Resolves once this member, confirmed as leader (ReadIndex), has applied everything committed
   * before the call: a grant acknowledged before a renewal was sent is then seen by the renewal,
   * even on a leader elected since, whose apply may lag its log.
   */
  caughtUp(): Promise<void>;
}

export class LeaseKeeper {
  private readonly clock = new LeaseClock();
  private leading = false;
  private timer: NodeJS.Timeout | undefined;
  private inFlight = 0;
  /** While a new leader lists its leases: those revoked meanwhile, which it must not start. */
  private revokedWhileListing: Set<number> | undefined;

  constructor(
    private readonly host: LeaseHost,
    private readonly now: () => number = Date.now,
  ) {}

  /** Leadership changed (or was confirmed). A new leader gives every lease its full TTL again. */
  onLeadership(isLeader: boolean): void {
    if (isLeader === this.leading) return;
    this.leading = isLeader;
    this.clock.clear();
    clearInterval(this.timer);
    this.timer = undefined;
    if (!isLeader) return;
    this.timer = setInterval(() => this.proposeExpired(), EXPIRY_CHECK_MS);
    this.timer.unref();
    void this.startAll();
  }

  /** What applied entries granted and revoked; only the leader keeps deadlines. */
  onApplied(outcomes: TxnOutcome[][]): void {
    if (!this.leading) return;
    const nowMs = this.now();
    for (const outcome of outcomes.flat()) {
      const effects = outcome.leaseEffects;
      if (effects === undefined) continue;
      for (const id of effects.revoked) {
        this.clock.forget(id);
        this.revokedWhileListing?.add(id);
      }
      for (const lease of effects.granted) {
        this.clock.start(lease, nowMs);
        this.revokedWhileListing?.delete(lease.id);
      }
    }
  }

  /** Renews a lease to its full TTL (ttl 0: no such lease, or expired). Leader only. */
  async renew(id: number): Promise<LeaseKeepAliveResponse> {
    this.mustLead('renew a lease');
    await this.host.caughtUp();
    const lease = await this.host.state().lease(id);
    this.mustLead('renew a lease');
    const ttl = lease === null ? 0 : this.clock.renew(lease, this.now());
    return { header: this.host.header(), id, ttl };
  }

  /** The lease's remaining TTL by this leader's clock (-1: no such lease), and its keys if asked. */
  async timeToLive(id: number, keys: boolean): Promise<LeaseTimeToLiveResponse> {
    this.mustLead('tell a lease\'s time to live');
    await this.host.caughtUp();
    const lease = await this.host.state().lease(id);
    if (lease === null) return { header: this.host.header(), id, ttl: -1, grantedTtl: 0, keys: [] };
    const remainingMs = this.clock.remainingMs(id, this.now()) ?? lease.ttl * 1000;
    const listed = keys ? await this.host.state().leaseKeys(id, MAX_LEASE_KEYS_LISTED) : [];
    // etcd truncates: a lease just granted 10 s reports 9.
    return { header: this.host.header(), id, ttl: Math.floor(remainingMs / 1000), grantedTtl: lease.ttl, keys: listed };
  }

  async list(): Promise<LeaseLeasesResponse> {
    this.mustLead('list leases');
    await this.host.caughtUp();
    const leases = await this.host.state().leases();
    return { header: this.host.header(), leases: leases.map(({ id }) => ({ id })) };
  }

  stop(): void {
    this.onLeadership(false);
  }

  /** A new leader: every lease in its state starts at its full TTL. */
  private async startAll(): Promise<void> {
    const revoked = new Set<number>();
    this.revokedWhileListing = revoked;
    try {
      const leases = await this.host.state().leases();
      if (!this.leading || this.revokedWhileListing !== revoked) return;
      const nowMs = this.now();
      for (const lease of leases) if (!revoked.has(lease.id)) this.clock.startIfUnknown(lease, nowMs);
      log.info({ leases: leases.length }, 'leading: every lease restarts at its full TTL');
    } catch (error) {
      log.error({ err: error }, 'could not list the leases to start their TTLs; they start when next renewed');
    } finally {
      if (this.revokedWhileListing === revoked) this.revokedWhileListing = undefined;
    }
  }

  /** Proposes the revocation of each expired lease, one log entry each (every EXPIRY_CHECK_MS while leading). */
  proposeExpired(): void {
    if (!this.leading || !this.host.leadsNow()) return;
    const nowMs = this.now();
    const room = MAX_EXPIRIES_IN_FLIGHT - this.inFlight;
    if (room <= 0) return;
    for (const id of this.clock.takeExpired(nowMs, room, nowMs + EXPIRY_RETRY_MS)) {
      this.inFlight++;
      const revoke: TxnRequest__Output = {
        compare: [],
        success: [{ request: 'requestLeaseRevoke', requestLeaseRevoke: { id, requestId: '' } }],
        failure: [],
        requestId: '',
        readRevision: 0,
        readSet: [],
      };
      this.host
        .propose([revoke])
        .catch((error: unknown) => log.info({ err: error, lease: id }, 'the revocation of an expired lease did not commit; it is proposed again'))
        .finally(() => this.inFlight--);
    }
  }

  private mustLead(what: string): void {
    if (!this.leading || !this.host.isLeader()) {
      throw new NotLeaderError(`only the storage leader can ${what}; this member is not it`, this.host.leaderHint());
    }
  }
}
