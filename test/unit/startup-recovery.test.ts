import { describe, expect, it } from 'vitest';
import { MemoryLogStorage } from '../../src/consensus/memory-storage.js';
import { RaftNode } from '../../src/consensus/raft.js';
import type { Entry } from '../../src/consensus/types.js';
import { recoverCommit } from '../../src/storage/startup-recovery.js';

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
