import { afterEach, describe, expect, it } from 'vitest';
import { NotLeaderError } from '../../src/errors.js';
import type { TxnRequest__Output } from '../../src/gen/quorumkv/v1/TxnRequest.js';
import { LeaseClock } from '../../src/lease/lease-clock.js';
import { LeaseKeeper, MAX_EXPIRIES_IN_FLIGHT, type LeaseHost } from '../../src/lease/lease-keeper.js';
import type { LeaseRecord } from '../../src/mvcc/lease-table.js';

// The storage leader's lease clock, driven by a fake time: deadlines, renewals, what a new
// leader does with the leases it finds, and the expiry proposals it makes.

describe('the lease clock', () => {
  it('expires a lease a full TTL after it starts or is renewed, and not before', () => {
    const clock = new LeaseClock();
    clock.start({ id: 1, ttl: 10 }, 0);
    expect(clock.takeExpired(9_999, 10, 20_000)).toEqual([]);
    expect(clock.renew({ id: 1, ttl: 10 }, 5_000)).toBe(10);
    expect(clock.remainingMs(1, 6_000)).toBe(9_000);
    expect(clock.takeExpired(14_999, 10, 20_000)).toEqual([]);
    expect(clock.takeExpired(15_000, 10, 20_000)).toEqual([1]);
  });

  it('refuses to renew a lease that has expired by its clock, even before the revocation applies', () => {
    const clock = new LeaseClock();
    clock.start({ id: 1, ttl: 2 }, 0);
    expect(clock.renew({ id: 1, ttl: 2 }, 2_000)).toBe(0);
  });

  it('hands out each expired lease once while its revocation is in flight, earliest first, then again after the retry time', () => {
    const clock = new LeaseClock();
    clock.start({ id: 7, ttl: 2 }, 0);
    clock.start({ id: 3, ttl: 1 }, 0);
    clock.start({ id: 5, ttl: 2 }, 0);
    expect(clock.takeExpired(2_000, 2, 5_000)).toEqual([3, 5]);
    expect(clock.takeExpired(2_100, 10, 5_000)).toEqual([7]);
    expect(clock.takeExpired(4_999, 10, 9_000)).toEqual([]);
    expect(clock.takeExpired(5_000, 10, 9_000)).toEqual([3, 5, 7]);
  });
});

/** A member whose leases are `leases` and whose proposals are recorded. */
function fakeHost(leases: LeaseRecord[]) {
  const proposed: TxnRequest__Output[][] = [];
  const host: LeaseHost & { leader: boolean; coreLeads?: boolean } = {
    leader: false,
    isLeader: () => host.leader,
    leadsNow: () => host.coreLeads ?? host.leader,
    leaderHint: () => 's2',
    header: () => ({ clusterId: 1, memberId: 2, revision: 3, raftTerm: 4 }),
    state: () => ({
      lease: async (id) => leases.find((l) => l.id === id) ?? null,
      leases: async () => [...leases],
      leaseKeys: async () => [Buffer.from('k')],
    }),
    propose: async (txns) => {
      proposed.push(txns);
    },
    caughtUp: async () => undefined,
  };
  return { host, proposed };
}

const revokedIds = (proposed: TxnRequest__Output[][]) => proposed.map(([txn]) => txn.success[0].requestLeaseRevoke!.id);
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('the lease keeper of a storage member', () => {
  let keeper: LeaseKeeper | undefined;
  afterEach(() => keeper?.stop());

  it('refuses renewals and time to live on a follower, naming the leader', async () => {
    const { host } = fakeHost([{ id: 1, ttl: 5 }]);
    keeper = new LeaseKeeper(host, () => 0);
    await expect(keeper.renew(1)).rejects.toBeInstanceOf(NotLeaderError);
    await expect(keeper.timeToLive(1, false)).rejects.toMatchObject({ leaderHint: 's2' });
  });

  it('proposes no expiry once its consensus core has stepped down, though its leadership news is a Ready behind', async () => {
    let now = 100_000;
    const { host, proposed } = fakeHost([{ id: 1, ttl: 5 }]);
    keeper = new LeaseKeeper(host, () => now);
    host.leader = true;
    keeper.onLeadership(true);
    await settle();
    // Paused past the lease's TTL; on resuming, the core hears of a newer term and follows first.
    now += 6_000;
    host.coreLeads = false;
    keeper.proposeExpired();
    expect(proposed).toEqual([]);
    host.coreLeads = true;
    keeper.proposeExpired();
    expect(revokedIds(proposed)).toEqual([1]);
  });

  it('a new leader gives every lease in its state its full TTL, whatever was left of it', async () => {
    let now = 100_000;
    const { host, proposed } = fakeHost([{ id: 1, ttl: 5 }, { id: 2, ttl: 60 }]);
    keeper = new LeaseKeeper(host, () => now);
    host.leader = true;
    keeper.onLeadership(true);
    await settle();
    expect((await keeper.timeToLive(1, true)).ttl).toBe(5);
    expect(await keeper.timeToLive(1, true)).toMatchObject({ id: 1, grantedTtl: 5, keys: [Buffer.from('k')] });
    now += 4_999;
    keeper.proposeExpired();
    expect(proposed).toEqual([]);
    now += 1;
    keeper.proposeExpired();
    expect(revokedIds(proposed)).toEqual([1]);
    // Leadership moves away and back: the clock starts over.
    keeper.onLeadership(false);
    keeper.onLeadership(true);
    await settle();
    expect((await keeper.timeToLive(2, false)).ttl).toBe(60);
  });

  it('starts a granted lease when its grant applies and forgets a revoked one; renewals answer the TTL, or 0 when gone', async () => {
    let now = 0;
    const leases: LeaseRecord[] = [];
    const { host, proposed } = fakeHost(leases);
    keeper = new LeaseKeeper(host, () => now);
    host.leader = true;
    keeper.onLeadership(true);
    await settle();
    leases.push({ id: 9, ttl: 3 });
    keeper.onApplied([[{ response: { header: null, succeeded: true, responses: [] }, revision: 1, leaseEffects: { granted: [{ id: 9, ttl: 3 }], revoked: [] } }]]);
    now = 2_000;
    expect((await keeper.renew(9)).ttl).toBe(3);
    now = 4_999;
    keeper.proposeExpired();
    expect(proposed).toEqual([]);
    leases.pop();
    keeper.onApplied([[{ response: { header: null, succeeded: true, responses: [] }, revision: 2, leaseEffects: { granted: [], revoked: [9] } }]]);
    now = 10_000;
    keeper.proposeExpired();
    expect(proposed).toEqual([]);
    expect((await keeper.renew(9)).ttl).toBe(0);
    expect((await keeper.timeToLive(9, false)).ttl).toBe(-1);
  });

  it('renews only once caught up with the log, so a grant acknowledged before the renewal is found', async () => {
    const leases: LeaseRecord[] = [];
    const { host } = fakeHost(leases);
    let catchUp!: () => void;
    host.caughtUp = () => new Promise<void>((resolve) => (catchUp = resolve));
    keeper = new LeaseKeeper(host, () => 0);
    host.leader = true;
    keeper.onLeadership(true);
    const renewal = keeper.renew(4);
    await settle();
    // The grant's entry, committed before the renewal, applies while it waits.
    leases.push({ id: 4, ttl: 8 });
    catchUp();
    expect((await renewal).ttl).toBe(8);
  });

  it('keeps at most MAX_EXPIRIES_IN_FLIGHT revocations in flight', async () => {
    let now = 0;
    const leases = Array.from({ length: MAX_EXPIRIES_IN_FLIGHT + 10 }, (_, i) => ({ id: i + 1, ttl: 2 }));
    const { host } = fakeHost(leases);
    const pending: Array<() => void> = [];
    host.propose = () => new Promise<void>((resolve) => pending.push(resolve));
    keeper = new LeaseKeeper(host, () => now);
    host.leader = true;
    keeper.onLeadership(true);
    await settle();
    now = 2_000;
    keeper.proposeExpired();
    expect(pending).toHaveLength(MAX_EXPIRIES_IN_FLIGHT);
    keeper.proposeExpired();
    expect(pending).toHaveLength(MAX_EXPIRIES_IN_FLIGHT);
    pending.splice(0, 5).forEach((resolve) => resolve());
    await settle();
    keeper.proposeExpired();
    expect(pending).toHaveLength(MAX_EXPIRIES_IN_FLIGHT);
  });
});
