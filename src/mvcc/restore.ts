import type { KeyValue__Output } from '../gen/quorumkv/v1/KeyValue.js';
import { assert } from './assert.js';
import { encodeHistoryKey } from './key-encoding.js';
import type { Keyspace } from './keyspace.js';
import { encodeHistoryRecord, encodeStoredKv } from './kv-encoding.js';
import { encodeMeta, META_KEY } from './meta.js';

// Builds an MVCC state from a snapshot's key-values (see MvccStore for the layout): each key's
// latest state in `cur` and in `hist` at its mod revision, so reads at the snapshot's revision and
// later see it, and the meta record. Reads below `compactRevision` are refused, as after a
// compaction: the history before the snapshot is not in it. A snapshot file holds no lease records,
// so keys come back detached from their leases (lease 0) rather than attached to leases that are gone.

const BUFFERS = { keyEncoding: 'buffer', valueEncoding: 'buffer' } as const;
const BATCH_KEYS = 1_000;

export interface RestoredState {
  revision: number;
  compactRevision: number;
  /** The raft index and term the state counts as applied through. */
  appliedIndex: number;
  appliedTerm: number;
}

/** Writes the state into `db`, which must be empty. Returns how many keys were written. */
export async function writeRestoredState(db: Keyspace, kvs: AsyncIterable<KeyValue__Output>, state: RestoredState): Promise<number> {
  assert(state.compactRevision <= state.revision, 'compact revision above the store revision');
  for await (const _ of db.keys({ limit: 1 })) throw new Error('the state to restore into is not empty');
  const current = db.sublevel<Buffer, Buffer>('cur', BUFFERS);
  const history = db.sublevel<Buffer, Buffer>('hist', BUFFERS);
  const meta = db.sublevel<Buffer, Buffer>('meta', BUFFERS);
  let batch = db.batch();
  let keys = 0;
  let previous: Buffer | undefined;
  for await (const kv of kvs) {
    assert(previous === undefined || Buffer.compare(previous, kv.key) < 0, 'snapshot key-values are not in key order');
    assert(kv.modRevision <= state.revision, `key-value at revision ${kv.modRevision} is above the snapshot revision ${state.revision}`);
    previous = kv.key;
    const detached = { ...kv, lease: 0 };
    batch.put(kv.key, encodeStoredKv(detached), { ...BUFFERS, sublevel: current });
    batch.put(encodeHistoryKey(kv.key, kv.modRevision), encodeHistoryRecord(detached), { ...BUFFERS, sublevel: history });
    if (++keys % BATCH_KEYS === 0) {
      await batch.write();
      batch = db.batch();
    }
  }
  batch.put(META_KEY, encodeMeta({ ...state, dedupeSequence: 0 }), { ...BUFFERS, sublevel: meta });
  await batch.write({ sync: true });
  return keys;
}
