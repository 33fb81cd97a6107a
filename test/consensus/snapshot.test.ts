import { describe, expect, it } from 'vitest';
import { encodeConfState } from '../../src/consensus/conf-change.js';
import { CompactedError, MemoryLogStorage } from '../../src/consensus/memory-storage.js';
import { RaftNode, snapshotMetadataOf } from '../../src/consensus/raft.js';
import { MessageType, type Message, type Snapshot } from '../../src/consensus/types.js';
import { encode, entry, TestCluster } from './cluster.js';

const VOTERS = ['a', 'b', 'c'];

function snapshotAt(index: number, term: number, voters = VOTERS, learners: string[] = []): Snapshot {
  return { metadata: { index, term, voters, learners } };
}

function storageUpTo(last: number, commit = last): MemoryLogStorage {
  const entries = Array.from({ length: last }, (_, i) => entry(i + 1, 1, `e${i + 1}`));
  return new MemoryLogStorage({ term: 1, vote: '', commit }, entries);
}

function snapMessage(from: string, to: string, term: number, index: number, logTerm: number): Message {
  return {
    type: MessageType.Snap, from, to, term, logTerm, index, entries: [], commit: index,
    reject: false, rejectHint: 0, context: encodeConfState({ voters: VOTERS, learners: [] }),
  };
}

/** a leads; c is cut off while ten entries commit; a then snapshots and compacts all of them. */
function clusterWithCompactedLeader(): { c: TestCluster; snapIndex: number } {
  const c = new TestCluster(VOTERS);
  c.campaign('a');
  c.isolate('c');
  for (let i = 0; i < 10; i++) c.raft('a').propose([encode(`v${i}`)]);
  c.stabilize();
  const snapIndex = c.snapshotAndCompact('a');
  return { c, snapIndex };
}

/** Persists and delivers until the leader's Snap to `to` is in flight; returns it, left in flight. */
function runUntilSnapshotSent(c: TestCluster, to: string): Message {
  for (let round = 0; round < 50; round++) {
    for (const id of c.members.keys()) while (c.persist(id) !== undefined);
    const snap = c.inFlight.find((m) => m.type === MessageType.Snap && m.to === to);
    if (snap !== undefined) return snap;
    if (c.deliverAll() === 0) c.raft('a').tick();
  }
  throw new Error('no snapshot was sent');
}

describe('log compaction (MemoryLogStorage)', () => {
  it('keeps the term of the compacted index and answers nothing below it', () => {
    const s = storageUpTo(10);
    s.append([entry(11, 2, 'x')]);
    s.createSnapshot(snapshotAt(8, 1));
    s.compact(6);
    expect(s.firstIndex()).toBe(7);
    expect(s.lastIndex()).toBe(11);
    expect(s.term(6)).toBe(1);
    expect(s.term(11)).toBe(2);
    expect(() => s.term(5)).toThrow(/out of range/);
    expect(() => s.entries(6, 8, 1 << 20)).toThrow(CompactedError);
    expect(s.entries(7, 9, 1 << 20).map((e) => e.index)).toEqual([7, 8]);
  });

  it('refuses to compact past the latest snapshot, and ignores a compaction already done', () => {
    const s = storageUpTo(10);
    expect(() => s.compact(3)).toThrow(/passes the latest snapshot \(0\)/);
    s.createSnapshot(snapshotAt(5, 1));
    s.compact(5);
    s.compact(2);
    expect(s.firstIndex()).toBe(6);
    expect(() => s.createSnapshot(snapshotAt(4, 1))).toThrow(/not newer/);
    expect(() => s.createSnapshot(snapshotAt(7, 3))).toThrow(/differs from the log's term/);
    expect(() => s.append([entry(5, 1)])).toThrow(/compacted prefix/);
  });

  it('refuses a snapshot beyond the durable commit', () => {
    const s = storageUpTo(10, 4);
    expect(() => s.createSnapshot(snapshotAt(6, 1))).toThrow(/beyond the durable commit 4/);
  });

  it('applySnapshot replaces the whole log and raises the commit', () => {
    const s = storageUpTo(3, 1);
    s.applySnapshot(snapshotAt(20, 4));
    expect([s.firstIndex(), s.lastIndex(), s.term(20), s.initialState().commit]).toEqual([21, 20, 4, 20]);
    expect(s.snapshot().metadata).toMatchObject({ index: 20, term: 4, voters: VOTERS });
    s.append([entry(21, 4)]);
    expect(s.lastIndex()).toBe(21);
    expect(() => s.applySnapshot(snapshotAt(10, 4))).toThrow(/older/);
  });
});

describe('snapshots', () => {
  it('the leader sends a snapshot to a follower that needs compacted entries, then replicates after it', () => {
    const { c, snapIndex } = clusterWithCompactedLeader();
    expect(snapIndex).toBe(11);
    c.heal();
    c.sent.length = 0;
    const snap = runUntilSnapshotSent(c, 'c');
    expect(snapshotMetadataOf(snap)).toEqual({ index: 11, term: 1, voters: VOTERS, learners: [] });
    expect(c.raft('a').status().progress!.c).toMatchObject({ state: 'snapshot', pendingSnapshot: 11 });
    // In snapshot state the leader sends c nothing more than heartbeats.
    c.raft('a').propose([encode('held')]);
    c.persist('a');
    expect(c.inFlight.filter((m) => m.to === 'c' && m.type === MessageType.App)).toEqual([]);
    c.deliverAll();
    // c's next Ready carries the snapshot to install, and nothing to apply.
    const rd = c.raft('c').ready();
    expect(rd.snapshot?.metadata.index).toBe(11);
    expect(rd.committedEntries).toEqual([]);
    c.complete('c', rd);
    expect(c.get('c').storage.firstIndex()).toBe(12);
    expect(c.raft('c').status()).toMatchObject({ commit: 11, applied: 11, snapshotIndex: 11 });
    c.stabilize();
    expect(c.raft('a').status().progress!.c!.state).toBe('replicate');
    c.raft('a').propose([encode('after')]);
    c.stabilize();
    expect(c.appliedData('c')).toEqual(['held', 'after']);
    expect(c.raft('c').status().commit).toBe(13);
    expect(c.sent.filter((m) => m.type === MessageType.Snap)).toHaveLength(1);
  });

  it('a follower right at the compaction point gets entries, not a snapshot', () => {
    const c = new TestCluster(VOTERS);
    c.campaign('a');
    c.raft('a').propose([encode('x')]);
    c.stabilize();
    c.isolate('c');
    c.snapshotAndCompact('a'); // c already has everything up to the snapshot
    c.raft('a').propose([encode('y')]);
    c.stabilize();
    c.heal();
    c.sent.length = 0;
    c.raft('a').tick();
    c.stabilize();
    expect(c.sent.some((m) => m.type === MessageType.Snap)).toBe(false);
    expect(c.appliedData('c')).toEqual(['x', 'y']);
  });

  it('reportSnapshot(false) returns the follower to probing, and the snapshot is sent again', () => {
    const { c } = clusterWithCompactedLeader();
    c.heal();
    c.sent.length = 0;
    const lost = runUntilSnapshotSent(c, 'c');
    c.inFlight = c.inFlight.filter((m) => m !== lost); // the stream fails
    expect(c.raft('a').status().progress!.c!.state).toBe('snapshot');
    c.raft('a').reportSnapshot('c', false);
    expect(c.raft('a').status().progress!.c).toMatchObject({ state: 'probe', pendingSnapshot: 0, next: 2 });
    c.raft('a').tick(); // heartbeat; its response unpauses the probe
    c.stabilize();
    expect(c.sent.filter((m) => m.type === MessageType.Snap && m.to === 'c').length).toBeGreaterThanOrEqual(2);
    expect(c.raft('c').status().commit).toBe(11);
    expect(c.raft('a').status().progress!.c!.state).toBe('replicate');
  });

  it('reportSnapshot(true) probes from after the snapshot', () => {
    const { c } = clusterWithCompactedLeader();
    c.heal();
    runUntilSnapshotSent(c, 'c');
    c.cut.add('c->a'); // c's acknowledgement is lost; only the application's report arrives
    c.stabilize();
    c.raft('a').reportSnapshot('c', true);
    expect(c.raft('a').status().progress!.c).toMatchObject({ state: 'probe', next: 12 });
    c.heal();
    c.raft('a').propose([encode('z')]);
    c.raft('a').tick();
    c.stabilize();
    expect(c.appliedData('c')).toEqual(['z']);
  });

  it('a stale snapshot is answered with the commit index and not installed', () => {
    const raft = new RaftNode({ id: 'b', voters: VOTERS, seed: 1 }, storageUpTo(10));
    raft.step(snapMessage('a', 'b', 2, 8, 1));
    const rd = raft.ready();
    expect(rd.snapshot).toBeUndefined();
    expect(rd.messages).toMatchObject([{ type: MessageType.AppResp, to: 'a', index: 10, reject: false }]);
  });

  it('a snapshot whose last entry the follower already has only moves the commit', () => {
    const raft = new RaftNode({ id: 'b', voters: VOTERS, seed: 1 }, storageUpTo(10, 2));
    raft.step(snapMessage('a', 'b', 2, 8, 1));
    const rd = raft.ready();
    expect(rd.snapshot).toBeUndefined();
    expect(rd.hardState?.commit).toBe(8);
    expect(rd.committedEntries.map((e) => e.index)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('a snapshot that conflicts with the follower log replaces it', () => {
    const raft = new RaftNode({ id: 'b', voters: VOTERS, seed: 1 }, storageUpTo(10, 2));
    raft.step(snapMessage('a', 'b', 3, 12, 3));
    expect(raft.termAt(12)).toBe(3);
    expect(raft.termAt(10)).toBeUndefined(); // the old log is no longer read
    expect(raft.status()).toMatchObject({ commit: 12, lastIndex: 12, firstIndex: 13 });
    const rd = raft.ready();
    expect(rd.snapshot?.metadata).toMatchObject({ index: 12, term: 3 });
    expect(() => raft.advance()).toThrow(/before the snapshot at 12 was applied to storage/);
  });

  it('ignores a Snap message whose configuration is malformed', () => {
    const raft = new RaftNode({ id: 'b', voters: VOTERS, seed: 1 }, storageUpTo(3));
    raft.step({ ...snapMessage('a', 'b', 2, 8, 1), context: encode('{"voters":[]}') });
    expect(raft.status()).toMatchObject({ commit: 3, lastIndex: 3 });
  });

  it('restarts from a snapshot: nothing before it is re-emitted and its configuration holds', () => {
    const storage = new MemoryLogStorage({ term: 2, vote: '', commit: 12 }, [entry(11, 2, 'x'), entry(12, 2, 'y')], snapshotAt(10, 2, ['a', 'b', 'd'], ['e']));
    const raft = new RaftNode({ id: 'a', voters: VOTERS, seed: 1 }, storage);
    expect(raft.status()).toMatchObject({ applied: 10, commit: 12, firstIndex: 11, snapshotIndex: 10, config: { voters: ['a', 'b', 'd'], learners: ['e'] } });
    expect(raft.ready().committedEntries.map((e) => e.index)).toEqual([11, 12]);
  });
});
