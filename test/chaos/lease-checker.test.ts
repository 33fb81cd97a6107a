import { describe, expect, it } from 'vitest';
import { checkLeases, earliestExpiry, leaseObservations, type KeyGone, type LeaseObservation } from '../../src/chaos/lease-checker.js';
import type { OpRecord } from '../../src/chaos/history.js';

// Handcrafted histories: one lease of TTL 2 s granted (sent) at 0 ms and renewed (sent) at 1000 ms,
// so it cannot expire before 3000 ms by the leader's clock.
const lease = (extra: Partial<LeaseObservation> = {}): LeaseObservation => ({ id: 7, ttlSeconds: 2, grantCall: 0, renewals: [{ call: 1000, ttlSeconds: 2 }], ...extra });
const deleted = (at: number, revisions: number[] = [50, 50, 50]): KeyGone[] =>
  revisions.map((revision, k) => ({ lease: 7, key: `p/7/k${k}`, at, revision, source: 'watch' as const }));
const settled = { remainingKeys: [], remainingLeases: [] };

describe('checkLeases', () => {
  it('passes when every key of the lease goes at one revision after its last renewal plus the TTL', () => {
    expect(earliestExpiry(lease())).toBe(3000);
    const result = checkLeases({ leases: [lease()], gone: deleted(3100), ...settled, watchedPuts: [0, 1, 2].map((k) => ({ lease: 7, key: `p/7/k${k}` })) });
    expect(result).toMatchObject({ ok: true, leases: 1, renewals: 1, deletionsWatched: 3, expired: 1, closestMarginMs: 100 });
  });

  it('fails when a key is gone before the last acknowledged renewal plus the TTL', () => {
    const result = checkLeases({ leases: [lease()], gone: deleted(2500), ...settled });
    expect(result.ok).toBe(false);
    expect(result.early.count).toBe(3);
    expect(result.early.sample[0]).toMatchObject({ lease: 7, key: 'p/7/k0', at: 2500, earliestExpiry: 3000, source: 'watch' });
  });

  it('allows the clock tolerance, and takes the longest bound of grant and renewals', () => {
    expect(checkLeases({ leases: [lease()], gone: deleted(2990), ...settled }).ok).toBe(true);
    // A renewal answered by a leader before a later one does not shorten the bound.
    const renewedTwice = lease({ renewals: [{ call: 1800, ttlSeconds: 2 }, { call: 1000, ttlSeconds: 2 }] });
    expect(checkLeases({ leases: [renewedTwice], gone: deleted(3500), ...settled }).early.count).toBe(3);
  });

  it('excuses an early disappearance only after a revoke was sent', () => {
    expect(checkLeases({ leases: [lease({ revokeCall: 1500 })], gone: deleted(1600), ...settled }).ok).toBe(true);
    expect(checkLeases({ leases: [lease({ revokeCall: 1700 })], gone: deleted(1600), ...settled }).early.count).toBe(3);
  });

  it('fails when the keys of one lease are deleted at more than one revision', () => {
    const result = checkLeases({ leases: [lease()], gone: deleted(3100, [50, 51, 50]), ...settled });
    expect(result.ok).toBe(false);
    expect(result.early.count).toBe(0);
    expect(result.splitRevision.sample).toEqual([{ lease: 7, revisions: [50, 51] }]);
  });

  it('fails when a lease never expires: keys left, the lease still listed, or a watched key never deleted', () => {
    expect(checkLeases({ leases: [lease()], gone: [], remainingKeys: ['p/7/k0'], remainingLeases: [] }).neverExpired.sample).toEqual(['key p/7/k0 still present']);
    expect(checkLeases({ leases: [lease()], gone: [], remainingKeys: [], remainingLeases: [7] }).ok).toBe(false);
    const partly = checkLeases({ leases: [lease()], gone: deleted(3100, [50, 50]), ...settled, watchedPuts: [0, 1, 2].map((k) => ({ lease: 7, key: `p/7/k${k}` })) });
    expect(partly.ok).toBe(false);
    expect(partly.neverExpired.sample).toEqual(['key p/7/k2 put but never deleted']);
  });
});

describe('leaseObservations', () => {
  let id = 0;
  const op = (f: string, call: number, ret: number | null, outcome: OpRecord['outcome'], fields: Partial<OpRecord> = {}): OpRecord => ({
    id: id++, workload: 'lease', worker: 'lease-0', endpoint: 'gateway', f, call, ret, outcome, ...fields,
  });

  it('finds a key that a linearizable read missed before the lease could expire', () => {
    const ops = [
      op('grant', 0, 10, 'ok', { args: { lease: 7, ttl: 2 }, output: { ttl: 3 } }),
      op('put', 20, 30, 'ok', { key: 'p/7/k0', args: { lease: 7 } }),
      op('put', 20, 30, 'ok', { key: 'p/7/k1', args: { lease: 7 } }),
      op('put', 25, null, 'unknown', { key: 'p/7/k2', args: { lease: 7 } }),
      op('keepalive', 1000, 1010, 'ok', { args: { lease: 7 }, output: { ttl: 3 } }),
      op('keepalive', 1500, 1510, 'ok', { args: { lease: 7 }, output: { ttl: 0 } }),
      op('read', 2000, 2010, 'ok', { args: { lease: 7 }, output: { keys: ['p/7/k0'] } }),
      // A revoke that certainly did nothing excuses nothing.
      op('revoke', 1900, 1950, 'fail', { args: { lease: 7 } }),
    ];
    const { leases, goneByRead } = leaseObservations(ops);
    expect(leases).toEqual([{ id: 7, ttlSeconds: 3, grantCall: 0, renewals: [{ call: 1000, ttlSeconds: 3 }] }]);
    // k2's put was never acknowledged, so its absence proves nothing.
    expect(goneByRead).toEqual([{ lease: 7, key: 'p/7/k1', at: 2010, source: 'read' }]);
    const result = checkLeases({ leases, gone: goneByRead, remainingKeys: [], remainingLeases: [] });
    expect(result.early).toMatchObject({ count: 1, sample: [{ key: 'p/7/k1', earliestExpiry: 4000, source: 'read' }] });
  });

  it('does not count a read that returned after the lease could expire', () => {
    const ops = [
      op('grant', 0, 10, 'ok', { args: { lease: 7, ttl: 2 }, output: { ttl: 2 } }),
      op('put', 20, 30, 'ok', { key: 'p/7/k0', args: { lease: 7 } }),
      op('read', 1900, 2100, 'ok', { args: { lease: 7 }, output: { keys: [] } }),
    ];
    const { leases, goneByRead } = leaseObservations(ops);
    expect(checkLeases({ leases, gone: goneByRead, remainingKeys: [], remainingLeases: [] }).ok).toBe(true);
  });
});
