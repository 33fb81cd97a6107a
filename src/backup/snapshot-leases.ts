import { MIN_LEASE_TTL_SECONDS } from '../mvcc/lease-table.js';
import type { SnapshotLease } from './snapshot-format.js';

// Which leases a snapshot keeps. Leases have no revisions, so they are listed once the key-values
// at the snapshot's revision have been read: a lease granted since is kept, with no keys; a lease
// a key-value names that was revoked since existed at that revision, so it is kept too, at the
// shortest TTL: after a restore its keys go soon, as they went here.

const PARALLEL_LOOKUPS = 16;

export interface LeaseSource {
  /** The ids of every lease now. */
  list(): Promise<number[]>;
  /** The TTL lease `id` was granted, in seconds; undefined if it is gone. */
  grantedTtl(id: number): Promise<number | undefined>;
}

export async function snapshotLeases(referenced: ReadonlySet<number>, source: LeaseSource): Promise<SnapshotLease[]> {
  const listed = await source.list();
  const leases = new Map<number, number>();
  for (let i = 0; i < listed.length; i += PARALLEL_LOOKUPS) {
    const ids = listed.slice(i, i + PARALLEL_LOOKUPS);
    const ttls = await Promise.all(ids.map((id) => source.grantedTtl(id)));
    ids.forEach((id, j) => {
      const ttl = ttls[j];
      if (ttl !== undefined) leases.set(id, ttl);
    });
  }
  for (const id of referenced) if (!leases.has(id)) leases.set(id, MIN_LEASE_TTL_SECONDS);
  return [...leases].map(([id, ttl]) => ({ id, ttl })).sort((a, b) => a.id - b.id);
}
