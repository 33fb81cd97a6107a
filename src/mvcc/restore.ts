import type { KeyValue__Output } from '../gen/quorumkv/v1/KeyValue.js';
import { assert } from './assert.js';
import { encodeHistoryKey } from './key-encoding.js';
import type { Keyspace } from './keyspace.js';
import { encodeHistoryRecord, encodeStoredKv } from './kv-encoding.js';
import { encodeLeaseRecord, encodeLeaseId, leaseKeyEntry, type LeaseRecord } from './lease-table.js';
import { encodeMeta, META_KEY } from './meta.js';

// Builds an MVCC state from a snapshot's key-values (see MvccStore for the layout): each key's
// latest state in `cur` and in `hist` at its mod revision, so reads at the snapshot's revision and
// later see it, and the meta record. Reads below `compactRevision` are refused, as after a
// compaction: the history before the snapshot is not in it. With `leases`, keys stay attached to
// theirs and the lease records and the lease→key index are written too; without (a file that
// holds no leases), keys come back detached (lease 0) rather than attached to leases that are gone.

const BUFFERS = { keyEncoding: 'buffer', valueEncoding: 'buffer' } as const;
const BATCH_KEYS = 1_000;

export interface RestoredState {
  revision: number;
  compactRevision: number;
  /** The raft index and term the state counts as applied through. */
  appliedIndex: number;
  appliedTerm: number;
}

/**
 * Writes the state into `db`, which must be empty. `leases`, asked once every key-value was read,
 * gives the lease records, which must include every lease a key-value names. Returns how many
 * keys were written.
 */
export async function writeRestoredState(db: Keyspace, kvs: AsyncIterable<KeyValue__Output>, state: RestoredState, leases?: () => readonly LeaseRecord[]): Promise<number> {
  assert(state.compactRevision <= state.revision, 'compact revision above the store revision');
  for await (const _ of db.keys({ limit: 1 })) throw new Error('the state to restore into is not empty');
  const current = db.sublevel<Buffer, Buffer>('cur', BUFFERS);
  const history = db.sublevel<Buffer, Buffer>('hist', BUFFERS);
  const meta = db.sublevel<Buffer, Buffer>('meta', BUFFERS);
  const leaseSpace = db.sublevel<Buffer, Buffer>('lease', BUFFERS);
  const leaseIndex = db.sublevel<Buffer, Buffer>('lkey', BUFFERS);
  const attached = new Set<number>();
  let batch = db.batch();
  let keys = 0;
  let previous: Buffer | undefined;
  for await (const kv of kvs) {
    assert(previous === undefined || Buffer.compare(previous, kv.key) < 0, 'snapshot key-values are not in key order');
    assert(kv.modRevision <= state.revision, `key-value at revision ${kv.modRevision} is above the snapshot revision ${state.revision}`);
    previous = kv.key;
    const restored = leases ? kv : { ...kv, lease: 0 };
    batch.put(kv.key, encodeStoredKv(restored), { ...BUFFERS, sublevel: current });
    batch.put(encodeHistoryKey(kv.key, kv.modRevision), encodeHistoryRecord(restored), { ...BUFFERS, sublevel: history });
    if (restored.lease !== 0) {
      attached.add(restored.lease);
      batch.put(leaseKeyEntry(restored.lease, kv.key), Buffer.alloc(0), { ...BUFFERS, sublevel: leaseIndex });
    }
    if (++keys % BATCH_KEYS === 0) {
      await batch.write();
      batch = db.batch();
    }
  }
  const records = leases?.() ?? [];
  for (const record of records) {
    batch.put(encodeLeaseId(record.id), encodeLeaseRecord(record), { ...BUFFERS, sublevel: leaseSpace });
    attached.delete(record.id);
  }
  assert(attached.size === 0, `key-values name lease(s) ${[...attached].slice(0, 5).join(', ')} that the snapshot does not hold`);
  batch.put(META_KEY, encodeMeta({ ...state, dedupeSequence: 0 }), { ...BUFFERS, sublevel: meta });
  await batch.write({ sync: true });
  return keys;
}
