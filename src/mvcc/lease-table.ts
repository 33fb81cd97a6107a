import { assert } from './assert.js';
import { encodeRevision, decodeRevision, REVISION_BYTES } from './key-encoding.js';
import { scanKeys, type BatchOp, type Keyspace, type Snapshot, type Sublevel } from './keyspace.js';

// The leases of the replicated state: one record per lease (its id and granted TTL) and an index
// from each lease to the keys attached to it (each key's KeyValue also names its lease). Both are
// written in the apply call's one batch, so they are in snapshots and equal on every member. How
// long a lease has left is not here: only the storage leader's clock decides that (src/lease/).

const BUFFERS = { keyEncoding: 'buffer', valueEncoding: 'buffer' } as const;
const EMPTY = Buffer.alloc(0);

/** The shortest TTL granted, in seconds, as etcd's with its default election timeout (a shorter one is raised to it). */
export const MIN_LEASE_TTL_SECONDS = 2;
/** The longest TTL granted, in seconds (etcd's MaxLeaseTTL). */
export const MAX_LEASE_TTL_SECONDS = 9_000_000_000;
/** How many ids a grant without one tries before it gives up (each taken id moves to the next). */
export const LEASE_ID_PROBES = 16;

export interface LeaseRecord {
  id: number;
  /** The TTL granted, in seconds. */
  ttl: number;
}

export function checkLeaseId(id: number): boolean {
  return Number.isSafeInteger(id) && id > 0;
}

export function encodeLeaseId(id: number): Buffer {
  assert(checkLeaseId(id), `lease id ${id} is not a positive safe integer`);
  return encodeRevision(id);
}

/** The lease→key index entry: u64be lease id ++ raw key. */
export function leaseKeyEntry(id: number, key: Buffer): Buffer {
  return Buffer.concat([encodeLeaseId(id), key]);
}

export function encodeLeaseRecord(record: LeaseRecord): Buffer {
  return encodeRevision(record.ttl);
}

function decodeLeaseRecord(id: number, bytes: Buffer): LeaseRecord {
  assert(bytes.length === REVISION_BYTES, `lease record of ${bytes.length} bytes`);
  return { id, ttl: decodeRevision(bytes) };
}

/** The lease record `id` in `leases` (at `snapshot` if given), or null. */
export async function readLease(leases: Keyspace, id: number, snapshot?: Snapshot): Promise<LeaseRecord | null> {
  if (!checkLeaseId(id)) return null;
  const bytes = await leases.get<Buffer, Buffer>(encodeLeaseId(id), snapshot ? { ...BUFFERS, snapshot } : BUFFERS);
  return bytes === undefined ? null : decodeLeaseRecord(id, bytes);
}

/** Every lease record, in id order. Memory: one record per lease. */
export async function readLeases(leases: Keyspace, snapshot?: Snapshot): Promise<LeaseRecord[]> {
  const found: LeaseRecord[] = [];
  const iterator = leases.iterator<Buffer, Buffer>(snapshot ? { ...BUFFERS, snapshot } : BUFFERS);
  try {
    for await (const [key, value] of iterator) found.push(decodeLeaseRecord(decodeRevision(key), value));
  } finally {
    await iterator.close();
  }
  return found;
}

/** The keys the index attaches to lease `id`, in key order. */
export async function* leaseKeys(index: Keyspace, id: number, snapshot?: Snapshot): AsyncGenerator<Buffer> {
  const prefix = encodeLeaseId(id);
  const end = id + 1 <= Number.MAX_SAFE_INTEGER ? encodeRevision(id + 1) : null;
  for await (const entry of scanKeys(index, { gte: prefix, lt: end, ...(snapshot ? { snapshot } : {}) })) {
    yield entry.subarray(REVISION_BYTES);
  }
}

/**
 * The lease records as one apply call sees them: LevelDB as of the start of the call plus the
 * call's grants and revocations, which can be undone back to the last checkpoint (a transaction
 * that turns out not to apply). Its size is bounded by the call's lease ops.
 */
export class LeaseTable {
  /** The call's writes and the committed records it has read (null: no such lease). */
  private readonly known = new Map<number, { record: LeaseRecord | null; written: boolean }>();
  private journal: Array<{ id: number; before: { record: LeaseRecord | null; written: boolean } | undefined }> = [];

  constructor(private readonly leases: Sublevel) {}

  async get(id: number): Promise<LeaseRecord | null> {
    if (!checkLeaseId(id)) return null;
    const seen = this.known.get(id);
    if (seen !== undefined) return seen.record;
    const record = await readLease(this.leases, id);
    this.known.set(id, { record, written: false });
    return record;
  }

  grant(record: LeaseRecord): void {
    assert(checkLeaseId(record.id), `lease id ${record.id} granted`);
    this.set(record.id, record);
  }

  revoke(id: number): void {
    this.set(id, null);
  }

  checkpoint(): void {
    this.journal = [];
  }

  rollback(): void {
    for (let undo = this.journal.pop(); undo !== undefined; undo = this.journal.pop()) {
      if (undo.before === undefined) this.known.delete(undo.id);
      else this.known.set(undo.id, undo.before);
    }
  }

  /** The call's grants (put) and revocations (del) of lease records. */
  batchOps(): BatchOp[] {
    const ops: BatchOp[] = [];
    for (const [id, { record, written }] of this.known) {
      if (!written) continue;
      if (record === null) ops.push({ type: 'del', sublevel: this.leases, key: encodeLeaseId(id) });
      else ops.push({ type: 'put', sublevel: this.leases, key: encodeLeaseId(id), value: encodeLeaseRecord(record) });
    }
    return ops;
  }

  private set(id: number, record: LeaseRecord | null): void {
    this.journal.push({ id, before: this.known.get(id) });
    this.known.set(id, { record, written: true });
  }
}

/**
 * The index entries that move a key from the lease it had when the call began (`before`) to the
 * one it has at the end (`after`; 0: none, and a deleted key has none).
 */
export function leaseIndexOps(index: Sublevel, key: Buffer, before: number, after: number): BatchOp[] {
  if (before === after) return [];
  const ops: BatchOp[] = [];
  if (before !== 0) ops.push({ type: 'del', sublevel: index, key: leaseKeyEntry(before, key) });
  if (after !== 0) ops.push({ type: 'put', sublevel: index, key: leaseKeyEntry(after, key), value: EMPTY });
  return ops;
}
