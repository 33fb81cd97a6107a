import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, rmdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Level } from 'level';
import { NONE } from '../consensus/types.js';
import { MvccStore } from '../mvcc/mvcc-store.js';
import { writeRestoredState } from '../mvcc/restore.js';
import { AddressBook } from '../storage/address-book.js';
import { recordCluster } from '../storage/cluster-identity.js';
import { Incarnations, newIncarnation } from '../storage/incarnations.js';
import { RaftLogStore } from '../storage/raft-log-store.js';
import { makeWritesDurable } from '../storage/durable-barrier.js';
import { renameDurably } from '../storage/durable-files.js';
import { StateSlots } from '../storage/state-slots.js';
import { SnapshotReader, type SnapshotSummary } from './snapshot-format.js';

// `quorumkv snapshot restore`: the data directories of the storage members of a new cluster,
// as etcd's `snapshot restore` writes a new member's WAL and database. Each member starts from a
// raft snapshot at index 1 whose configuration is the new members, and from the MVCC state of
// the file at its revision, leases included (their TTLs start in full when the new cluster elects
// its first leader). The cluster gets a fresh name, recorded in each directory.
//
// Each member also gets a new incarnation, and each directory records every member's: a restored
// member's log is not empty, so it counts only peers whose incarnation it knows
// (src/storage/incarnations.ts), and restore is the one place that knows them all. Without them
// every restored member refused every other, and the new cluster never elected a leader.

const RESTORED_INDEX = 1;
const RESTORED_TERM = 1;
const OPTIONS = { keyEncoding: 'buffer', valueEncoding: 'buffer' } as const;

export interface RestoreOptions {
  file: string;
  /** Each member's data goes to DATA_DIR/ID. */
  dataDir: string;
  /** The new cluster's storage members: id → peer address. */
  members: ReadonlyMap<string, string>;
  /** The new cluster's name; a fresh one when not given. */
  cluster?: string;
}

export interface RestoreResult {
  cluster: string;
  snapshot: SnapshotSummary;
  /** Every restored member's state hash at the snapshot's revision (all equal). */
  hash: string;
  dirs: Map<string, string>;
}

export function freshClusterName(): string {
  return `restored-${randomBytes(6).toString('hex')}`;
}

export async function restoreSnapshot(options: RestoreOptions): Promise<RestoreResult> {
  if (options.members.size === 0) throw new Error('give the new cluster at least one storage member');
  const cluster = options.cluster ?? freshClusterName();
  const dirs = new Map([...options.members.keys()].map((id) => [id, join(options.dataDir, id)]));
  for (const dir of dirs.values()) {
    if (existsSync(dir) && readdirSync(dir).length > 0) throw new Error(`${dir} is not empty: restore writes new data directories only`);
  }
  const incarnations = new Map([...options.members.keys()].map((id) => [id, newIncarnation()]));
  let snapshot: SnapshotSummary | undefined;
  let hash: string | undefined;
  try {
    for (const [id, dir] of dirs) {
      const reader = await SnapshotReader.open(options.file);
      const restored = await restoreMember(id, dir, reader, options.members, incarnations, cluster);
      if (hash !== undefined && restored.hash !== hash) throw new Error(`member ${id} restored to hash ${restored.hash}, another to ${hash}`);
      hash = restored.hash;
      snapshot = restored.snapshot;
    }
  } catch (error) {
    for (const dir of dirs.values()) for (const written of [dir, stagingDirOf(dir)]) rmSync(written, { recursive: true, force: true });
    throw error;
  }
  return { cluster, snapshot: snapshot!, hash: hash!, dirs };
}

/**
 * Member `id`'s directory, written whole in a sibling directory first and renamed into place once
 * durable: a crash or power cut during restore leaves no half-written member, which would start
 * with holes in its state. A leftover of an interrupted restore is removed first.
 */
async function restoreMember(
  id: string,
  dir: string,
  reader: SnapshotReader,
  members: ReadonlyMap<string, string>,
  incarnations: ReadonlyMap<string, string>,
  cluster: string,
): Promise<{ snapshot: SnapshotSummary; hash: string }> {
  const staging = stagingDirOf(dir);
  rmSync(staging, { recursive: true, force: true });
  const db = new Level<Buffer, Buffer>(staging, OPTIONS);
  let restored: { snapshot: SnapshotSummary; hash: string };
  try {
    await db.open();
    restored = await writeMember(db, id, reader, members, incarnations);
  } finally {
    await reader.close();
    await db.close();
  }
  recordCluster(staging, cluster);
  if (existsSync(dir)) rmdirSync(dir);
  renameDurably(staging, dir);
  return restored;
}

/** Writes a restored member into `db` and makes all of it durable: its state, raft log, address book and incarnations. */
export async function writeMember(
  db: Level<Buffer, Buffer>,
  id: string,
  reader: SnapshotReader,
  members: ReadonlyMap<string, string>,
  incarnations: ReadonlyMap<string, string>,
): Promise<{ snapshot: SnapshotSummary; hash: string }> {
  const raftSpace = db.sublevel<Buffer, Buffer>('raft', OPTIONS);
  const slots = await StateSlots.open(db);
  const { revision, compactRevision } = reader.header;
  const leases = reader.holdsLeases ? () => reader.leases : undefined;
  await writeRestoredState(slots.activeSpace(), reader.records(), { revision, compactRevision, appliedIndex: RESTORED_INDEX, appliedTerm: RESTORED_TERM }, leases);
  // The checksum is known once the whole file was read: nothing of a bad file is kept.
  const snapshot = await reader.finish();
  const log = await RaftLogStore.open(raftSpace);
  await log.saveSnapshot({ index: RESTORED_INDEX, term: RESTORED_TERM, voters: [...members.keys()], learners: [] });
  await log.save({ term: RESTORED_TERM, vote: NONE, commit: RESTORED_INDEX }, []);
  await (await AddressBook.open(raftSpace, members)).replace(members);
  await Incarnations.seed(raftSpace, id, incarnations);
  // The state was written in unsynced batches, which a synced write after them does not vouch for.
  await makeWritesDurable(db);
  const state = await MvccStore.open(slots.activeSpace());
  const { hash } = await state.hashAt(revision);
  return { snapshot, hash };
}

/** Where a member's directory is written before it is renamed into place. */
function stagingDirOf(dir: string): string {
  return `${dir}.restoring`;
}
