import type { Level } from 'level';
import { MemoryLevel } from 'memory-level';
import { describe, expect, it } from 'vitest';
import { MemoryLogStorage } from '../../src/consensus/memory-storage.js';
import { RaftNode } from '../../src/consensus/raft.js';
import type { Entry, SnapshotMetadata } from '../../src/consensus/types.js';
import { MvccStore } from '../../src/mvcc/mvcc-store.js';
import { RaftLogStore, type StoredLog } from '../../src/storage/raft-log-store.js';
import { StateSlots } from '../../src/storage/state-slots.js';
import { finishInstall, recoverCommit } from '../../src/storage/startup-recovery.js';

const entry = (index: number): Entry => ({ term: 1, index, type: 0, data: new Uint8Array() });
const snapshotAt = (index: number) => ({ index, term: index > 0 ? 1 : 0, voters: ['a'], learners: [] });

describe('recoverCommit', () => {
  it('raises a commit index that a power loss set behind the applied state when the log holds the applied entries', () => {
    // Entries 1..8 survived, the state applied up to 6, the commit index on disk says 3.
    const stored = { hardState: { term: 1, vote: 'a', commit: 3 }, entries: [1, 2, 3, 4, 5, 6, 7, 8].map(entry), snapshot: snapshotAt(0) };
    const { hardState, raisedFrom } = recoverCommit(stored, 6);
    expect(hardState).toEqual({ term: 1, vote: 'a', commit: 6 });
    expect(raisedFrom).toBe(3);
    // The core starts from it; with the commit index found on disk it refuses to.
    const open = (commit: number) => () =>
      new RaftNode({ id: 'a', voters: ['a'], seed: 1, applied: 6 }, new MemoryLogStorage({ ...stored.hardState, commit }, stored.entries));
    expect(open(hardState.commit)).not.toThrow();
    expect(open(3)).toThrow(/applied 6 is beyond commit 3/);
  });

  it('changes nothing when the commit index covers the applied state', () => {
    const stored = { hardState: { term: 2, vote: '', commit: 5 }, entries: [4, 5].map(entry), snapshot: snapshotAt(3) };
    expect(recoverCommit(stored, 5)).toEqual({ hardState: stored.hardState });
  });

  it('cannot vouch for a state ahead of the whole log (a snapshot install cut short)', () => {
    const stored = { hardState: { term: 1, vote: 'a', commit: 3 }, entries: [1, 2, 3].map(entry), snapshot: snapshotAt(0) };
    expect(recoverCommit(stored, 9)).toEqual({ hardState: stored.hardState });
  });
});

describe('finishInstall', () => {
  const SOURCE_TERM = 2;
  const installedAt: SnapshotMetadata = { index: 8, term: SOURCE_TERM, voters: ['a', 'b', 'f'], learners: ['l'] };

  /** A follower with entries 1..3 that stages the leader's state at 8 and activates it. */
  async function diskAfterActivation(): Promise<MemoryLevel<Buffer, Buffer>> {
    const db = new MemoryLevel<Buffer, Buffer>({ keyEncoding: 'buffer', valueEncoding: 'buffer' });
    await db.open();
    const raftLog = await RaftLogStore.open(raftSpace(db));
    await raftLog.save({ term: 1, vote: 'a', commit: 3 }, [1, 2, 3].map(entry));
    const slots = await StateSlots.open(db as unknown as Level<Buffer, Buffer>);
    // The leader's state, as the transfer stages it: applied up to the snapshot's index.
    const staged = await MvccStore.open(await slots.emptyStaging());
    await staged.apply([1, 2, 3, 4, 5, 6, 7, 8].map((index) => ({ index, term: SOURCE_TERM, txns: [] })));
    await slots.activateStaging(installedAt);
    // The crash: the raft log never records the snapshot.
    return db;
  }

  function raftSpace(db: MemoryLevel<Buffer, Buffer>) {
    return db.sublevel<Buffer, Buffer>('raft', { keyEncoding: 'buffer', valueEncoding: 'buffer' });
  }

  /** The start-up sequence of a storage member, up to the consensus core. */
  async function start(db: MemoryLevel<Buffer, Buffer>, finish: boolean): Promise<{ raft: RaftNode; stored: StoredLog }> {
    const raftLog = await RaftLogStore.open(raftSpace(db));
    const slots = await StateSlots.open(db as unknown as Level<Buffer, Buffer>);
    const state = await MvccStore.open(slots.activeSpace());
    const loaded = await raftLog.load();
    const { stored } = finish ? await finishInstall(raftLog, loaded, slots.installedSnapshot(), state.appliedIndex) : { stored: loaded };
    const { hardState } = recoverCommit(stored, state.appliedIndex);
    const memory = new MemoryLogStorage(hardState, stored.entries, stored.snapshot.index > 0 ? { metadata: stored.snapshot } : undefined);
    return { raft: new RaftNode({ id: 'f', voters: ['a', 'b', 'f'], seed: 1, applied: state.appliedIndex }, memory), stored };
  }

  it('finishes an install cut short after the state switched: the log restarts after the snapshot, with its configuration', async () => {
    const db = await diskAfterActivation();
    // Without finishing it, the state is ahead of the log and the core refuses to start, at every start.
    await expect(start(db, false)).rejects.toThrow(/applied 8 is beyond commit 3/);
    const { raft, stored } = await start(db, true);
    expect(stored.snapshot).toEqual(installedAt);
    expect(stored.entries).toEqual([]);
    const status = raft.status();
    expect(status).toMatchObject({ commit: 8, snapshotIndex: 8, firstIndex: 9, config: { voters: ['a', 'b', 'f'], learners: ['l'] } });
    // Durable: the next start needs no finishing and sees the same log.
    const again = await start(db, true);
    expect(again.stored.snapshot).toEqual(installedAt);
    await db.close();
  });

  it('leaves a log whose snapshot is as new as the installed one, or newer, alone', async () => {
    const raftLogOf = { reset: () => Promise.reject(new Error('must not reset')) } as unknown as RaftLogStore;
    const stored = { hardState: { term: 3, vote: 'a', commit: 12 }, entries: [11, 12].map(entry), snapshot: { ...installedAt, index: 10 } };
    expect(await finishInstall(raftLogOf, stored, installedAt, 12)).toEqual({ stored });
    expect(await finishInstall(raftLogOf, stored, { ...installedAt, index: 10 }, 12)).toEqual({ stored });
    expect(await finishInstall(raftLogOf, stored, undefined, 12)).toEqual({ stored });
  });
});
