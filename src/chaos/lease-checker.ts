/**
 * The lease workload's checker. From what the clients saw (grants, acknowledged renewals, revokes,
 * and each time a key of a lease was seen gone: a watch DELETE with its revision, or a linearizable
 * read that no longer found an acknowledged key) and from the state after the run settled, it
 * decides three things:
 * - no key of a lease was gone before the lease could have expired, unless a revoke was sent first;
 * - the keys of one lease were deleted at one revision;
 * - every lease that nobody kept alive did expire, with all its keys, within the settle bound.
 */
import { DEFAULT_SAMPLE_SIZE, sampler, type Sampled } from './checkers.js';
import type { OpRecord } from './history.js';

/**
 * How much earlier than the bound a key may be seen gone without counting as early. The bound
 * compares the history's clock (performance.now in the chaos process) with the storage leader's
 * (Date.now in another process on the same host, so the same kernel clock): Date.now truncates to
 * whole milliseconds (1 ms), and NTP slews it by at most 500 ppm, 2 ms over a 4 s TTL. 25 ms covers
 * both with room; an expiry early by a whole tick of the expiry timer (100 ms) or more still shows.
 */
export const EARLY_EXPIRY_TOLERANCE_MS = 25;

export interface LeaseObservation {
  id: number;
  /** The TTL granted, in seconds (the asked one when the grant's answer was lost: a grant only raises it). */
  ttlSeconds: number;
  /** When the first grant of this id was sent: the leader cannot have started its clock earlier. */
  grantCall: number;
  /** Renewals answered with a TTL above 0 (the lease was alive): when each was sent, and the TTL. */
  renewals: Array<{ call: number; ttlSeconds: number }>;
  /** When the first revoke of it that may have applied was sent, if one was. */
  revokeCall?: number;
}

export interface KeyGone {
  lease: number;
  key: string;
  /** When the client learned it was gone (the deletion happened before). */
  at: number;
  /** The deleting revision, when a watch told it. */
  revision?: number;
  source: 'watch' | 'read';
}

export interface LeaseCheckInput {
  leases: LeaseObservation[];
  gone: KeyGone[];
  /** Keys of the workload still present once the settle bound passed. */
  remainingKeys: string[];
  /** Lease ids of the workload the storage leader still listed once the settle bound passed. */
  remainingLeases: number[];
  /** Keys seen put by the watch (so each must have a DELETE), when the watch saw everything up to the end. */
  watchedPuts?: Array<{ lease: number; key: string }>;
}

export interface LeaseCheck {
  ok: boolean;
  leases: number;
  renewals: number;
  revoked: number;
  /** Leases whose keys the watch saw deleted with no revoke sent: expiries. */
  expired: number;
  deletionsWatched: number;
  goneByRead: number;
  /** Of the keys gone with no revoke sent before, how long after its lease's earliest expiry the soonest was seen gone (null: none). */
  closestMarginMs: number | null;
  /** A key gone before its lease's earliest expiry, with no revoke sent before. */
  early: Sampled<{ lease: number; key: string; at: number; earliestExpiry: number; source: KeyGone['source'] }>;
  /** Leases whose keys were deleted at more than one revision. */
  splitRevision: Sampled<{ lease: number; revisions: number[] }>;
  /** Keys or leases still there after the settle bound, and watched keys never deleted. */
  neverExpired: Sampled<string>;
}

/** The earliest time lease `lease` could have expired: its grant, or its last acknowledged renewal, plus the TTL. */
export function earliestExpiry(lease: LeaseObservation): number {
  let earliest = lease.grantCall + lease.ttlSeconds * 1000;
  for (const r of lease.renewals) earliest = Math.max(earliest, r.call + r.ttlSeconds * 1000);
  return earliest;
}

export function checkLeases(input: LeaseCheckInput, options: { toleranceMs?: number; sampleSize?: number } = {}): LeaseCheck {
  const toleranceMs = options.toleranceMs ?? EARLY_EXPIRY_TOLERANCE_MS;
  const sampleSize = options.sampleSize ?? DEFAULT_SAMPLE_SIZE;
  const byId = new Map(input.leases.map((l) => [l.id, l]));
  const early = sampler<LeaseCheck['early']['sample'][number]>(sampleSize);
  const revisions = new Map<number, Set<number>>();
  const deleted = new Set<string>();
  let closestMarginMs: number | null = null;
  for (const g of input.gone) {
    const lease = byId.get(g.lease);
    if (lease === undefined) throw new Error(`checkLeases: key ${g.key} names lease ${g.lease}, which was never granted`);
    const bound = earliestExpiry(lease);
    const revokedBefore = lease.revokeCall !== undefined && lease.revokeCall <= g.at;
    if (!revokedBefore) closestMarginMs = Math.min(closestMarginMs ?? Infinity, Math.round(g.at - bound));
    if (!revokedBefore && g.at < bound - toleranceMs) early.add({ lease: g.lease, key: g.key, at: g.at, earliestExpiry: bound, source: g.source });
    if (g.revision !== undefined) {
      deleted.add(g.key);
      const seen = revisions.get(g.lease) ?? new Set<number>();
      seen.add(g.revision);
      revisions.set(g.lease, seen);
    }
  }
  const splitRevision = sampler<LeaseCheck['splitRevision']['sample'][number]>(sampleSize);
  for (const [lease, seen] of revisions) if (seen.size > 1) splitRevision.add({ lease, revisions: [...seen].sort((a, b) => a - b) });
  const neverExpired = sampler<string>(sampleSize);
  for (const key of input.remainingKeys) neverExpired.add(`key ${key} still present`);
  for (const id of input.remainingLeases) neverExpired.add(`lease ${id} still listed`);
  for (const put of input.watchedPuts ?? []) if (!deleted.has(put.key)) neverExpired.add(`key ${put.key} put but never deleted`);
  return {
    ok: early.count === 0 && splitRevision.count === 0 && neverExpired.count === 0,
    leases: input.leases.length,
    renewals: input.leases.reduce((n, l) => n + l.renewals.length, 0),
    revoked: input.leases.filter((l) => l.revokeCall !== undefined).length,
    expired: [...revisions.keys()].filter((id) => byId.get(id)!.revokeCall === undefined).length,
    deletionsWatched: input.gone.filter((g) => g.source === 'watch').length,
    goneByRead: input.gone.filter((g) => g.source === 'read').length,
    closestMarginMs,
    early: early.result(),
    splitRevision: splitRevision.result(),
    neverExpired: neverExpired.result(),
  };
}

/**
 * The leases as the lease workload's history tells them (ops of workload `lease`: grant, put,
 * keepalive, revoke, read), and the keys that its linearizable reads found gone: a key whose put
 * was acknowledged before the read was sent, missing from the read's answer.
 */
export function leaseObservations(ops: readonly OpRecord[]): { leases: LeaseObservation[]; goneByRead: KeyGone[] } {
  const leases = new Map<number, LeaseObservation>();
  const acked = new Map<number, Array<{ key: string; ret: number }>>();
  const reads: OpRecord[] = [];
  for (const op of ops) {
    if (op.workload !== 'lease') continue;
    const id = Number(op.args?.lease);
    if (op.f === 'grant') {
      const answered = op.outcome === 'ok' ? Number((op.output as { ttl: number }).ttl) : Number(op.args!.ttl);
      const known = leases.get(id);
      if (known === undefined) leases.set(id, { id, ttlSeconds: answered, grantCall: op.call, renewals: [] });
      else known.ttlSeconds = Math.max(known.ttlSeconds, answered);
      continue;
    }
    const lease = leases.get(id);
    if (lease === undefined) continue;
    if (op.f === 'keepalive' && op.outcome === 'ok') {
      const ttl = Number((op.output as { ttl: number }).ttl);
      if (ttl > 0) lease.renewals.push({ call: op.call, ttlSeconds: ttl });
    } else if (op.f === 'revoke' && op.outcome !== 'fail') {
      // A revoke that certainly did nothing (the lease was already gone) excuses nothing.
      lease.revokeCall = Math.min(lease.revokeCall ?? Infinity, op.call);
    } else if (op.f === 'put' && op.outcome === 'ok') {
      const keys = acked.get(id) ?? [];
      keys.push({ key: op.key!, ret: op.ret! });
      acked.set(id, keys);
    } else if (op.f === 'read' && op.outcome === 'ok') {
      reads.push(op);
    }
  }
  const goneByRead: KeyGone[] = [];
  for (const read of reads) {
    const id = Number(read.args!.lease);
    const present = new Set((read.output as { keys: string[] }).keys);
    for (const { key, ret } of acked.get(id) ?? []) {
      if (ret < read.call && !present.has(key)) goneByRead.push({ lease: id, key, at: read.ret!, source: 'read' });
    }
  }
  return { leases: [...leases.values()], goneByRead };
}
