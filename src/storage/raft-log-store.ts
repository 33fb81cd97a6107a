import type { AbstractSublevel } from 'abstract-level';
import type { Entry, EntryType, HardState, SnapshotMetadata } from '../consensus/types.js';
import { NONE } from '../consensus/types.js';

// The durable half of the raft log in LevelDB: entries keyed by index, plus the hard state.
// Every save is one batch written with sync:true, so a save that resolved survives a crash.

type Db = AbstractSublevel<any, any, Buffer, Buffer>;

const ENTRY_PREFIX = 0x65; // 'e'
const HARD_STATE_KEY = Buffer.from('h');
const SNAPSHOT_KEY = Buffer.from('s');
/** Entries deleted per batch when the log is compacted or reset, so no batch is unbounded. */
const DELETE_BATCH_ENTRIES = 1_000;
const ENTRY_HEADER_BYTES = 7; // term (6) + type (1)

export function entryKey(index: number): Buffer {
  const key = Buffer.alloc(7);
  key[0] = ENTRY_PREFIX;
  key.writeUIntBE(index, 1, 6);
  return key;
}

export function encodeEntry(entry: Entry): Buffer {
  const bytes = Buffer.allocUnsafe(ENTRY_HEADER_BYTES + entry.data.length);
  bytes.writeUIntBE(entry.term, 0, 6);
  bytes[6] = entry.type;
  bytes.set(entry.data, ENTRY_HEADER_BYTES);
  return bytes;
}

export function decodeEntry(index: number, bytes: Buffer): Entry {
  return {
    index,
    term: bytes.readUIntBE(0, 6),
    type: bytes[6] as EntryType,
    data: bytes.subarray(ENTRY_HEADER_BYTES),
  };
}

function snapshotRecord(metadata: SnapshotMetadata): Buffer {
  return Buffer.from(JSON.stringify(metadata), 'utf8');
}

export interface StoredLog {
  hardState: HardState;
  entries: Entry[];
  /** The latest snapshot's metadata; index 0 when there is none. */
  snapshot: SnapshotMetadata;
}

const NO_SNAPSHOT: SnapshotMetadata = { index: 0, term: 0, voters: [], learners: [] };

export class RaftLogStore {
  private lastIndex = 0;
  private firstIndex = 1;
  private saved: HardState = { term: 0, vote: NONE, commit: 0 };

  private constructor(private readonly db: Db) {}

  static async open(db: Db): Promise<RaftLogStore> {
    const store = new RaftLogStore(db);
    for await (const key of db.keys({ gt: entryKey(0), lt: entryKey(2 ** 48 - 1), reverse: true, limit: 1 })) {
      store.lastIndex = key.readUIntBE(1, 6);
    }
    // Compaction restarts from the oldest entry still stored (a crash may have left some behind).
    for await (const key of db.keys({ gt: entryKey(0), lt: entryKey(2 ** 48 - 1), limit: 1 })) {
      store.firstIndex = key.readUIntBE(1, 6);
    }
    return store;
  }

  async load(): Promise<StoredLog> {
    const raw = await this.db.get(HARD_STATE_KEY);
    const hardState: HardState = raw ? JSON.parse(raw.toString('utf8')) : { term: 0, vote: NONE, commit: 0 };
    this.saved = hardState;
    const rawSnapshot = await this.db.get(SNAPSHOT_KEY);
    const snapshot: SnapshotMetadata = rawSnapshot ? JSON.parse(rawSnapshot.toString('utf8')) : NO_SNAPSHOT;
    const entries: Entry[] = [];
    // Entries at or below the snapshot may linger after a crash during compaction: skip them.
    for await (const [key, value] of this.db.iterator({ gt: entryKey(snapshot.index), lte: entryKey(this.lastIndex) })) {
      const entry = decodeEntry(key.readUIntBE(1, 6), value);
      const expected = entries.length > 0 ? entries[entries.length - 1].index + 1 : snapshot.index + 1;
      if (entry.index !== expected) throw new Error(`raft log on disk has a gap before index ${entry.index}`);
      entries.push(entry);
    }
    return { hardState, entries, snapshot };
  }

  /** Durably records the latest snapshot's metadata (the log behind it may then be compacted). */
  async saveSnapshot(metadata: SnapshotMetadata): Promise<void> {
    const batch = this.db.batch();
    batch.put(SNAPSHOT_KEY, snapshotRecord(metadata));
    await batch.write({ sync: true });
  }

  /** Deletes entries up to and including `index`, in bounded batches. */
  async compact(index: number): Promise<void> {
    for (let from = this.firstIndex; from <= index; from += DELETE_BATCH_ENTRIES) {
      const batch = this.db.batch();
      for (let i = from; i <= Math.min(index, from + DELETE_BATCH_ENTRIES - 1); i++) batch.del(entryKey(i));
      await batch.write();
    }
    this.firstIndex = Math.max(this.firstIndex, index + 1);
  }

  /**
   * Replaces the log with an installed snapshot: every entry goes, the metadata stays. The entries
   * above the snapshot are deleted in the batch that records it: once the snapshot is recorded,
   * load reads whatever follows it as the log, so none of the old log may come back there. One
   * batch survives a power cut whole or not at all; deletes written before it might not, because
   * a synced write after LevelDB starts a new log file vouches for nothing in the old one. A crash
   * before the record leaves the old log, and the install is finished at the next start
   * (startup-recovery.ts). Entries at or below the snapshot go after, in bounded batches.
   */
  async reset(metadata: SnapshotMetadata): Promise<void> {
    const batch = this.db.batch();
    for (let i = this.lastIndex; i > metadata.index; i--) batch.del(entryKey(i));
    batch.put(SNAPSHOT_KEY, snapshotRecord(metadata));
    await batch.write({ sync: true });
    this.lastIndex = Math.min(this.lastIndex, metadata.index);
    await this.compact(metadata.index);
    this.lastIndex = metadata.index;
    this.firstIndex = metadata.index + 1;
  }

  /** Whether `hardState` differs from the saved one in more than the commit index. */
  changesTermOrVote(hardState: HardState | undefined): boolean {
    return hardState !== undefined && (hardState.term !== this.saved.term || hardState.vote !== this.saved.vote);
  }

  /**
   * Writes the hard state and entries; the promise resolves once they are durable. Entries may
   * overwrite a conflicting suffix: any stored entry after the last one written is deleted in the
   * same batch. A change of the commit index alone is written without fsync: safety never depends
   * on it (a restarted member relearns it from the leader), and it changes on every commit.
   */
  async save(hardState: HardState | undefined, entries: Entry[]): Promise<void> {
    if (!hardState && entries.length === 0) return;
    const batch = this.db.batch();
    if (hardState) batch.put(HARD_STATE_KEY, Buffer.from(JSON.stringify(hardState), 'utf8'));
    for (const entry of entries) batch.put(entryKey(entry.index), encodeEntry(entry));
    const newLast = entries.length > 0 ? entries[entries.length - 1].index : this.lastIndex;
    for (let index = newLast + 1; index <= this.lastIndex; index++) batch.del(entryKey(index));
    await batch.write({ sync: entries.length > 0 || this.changesTermOrVote(hardState) });
    if (entries.length > 0) this.lastIndex = newLast;
    if (hardState) this.saved = hardState;
  }
}
