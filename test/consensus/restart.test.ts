import { describe, expect, it } from 'vitest';
import { RaftNode } from '../../src/consensus/raft.js';
import { encode, TestCluster } from './cluster.js';

describe('restart from storage', () => {
  function runCluster(): TestCluster {
    const c = new TestCluster(['a', 'b', 'c']);
    c.campaign('a');
    for (let i = 0; i < 5; i++) c.raft('a').propose([encode(`v${i}`)]);
    c.stabilize();
    return c;
  }

  it('comes back as a follower with the persisted term, vote and commit', () => {
    const c = runCluster();
    const before = c.raft('b').status();
    const restarted = new RaftNode({ id: 'b', voters: c.ids, seed: 9 }, c.get('b').storage);
    expect(restarted.status()).toMatchObject({ role: 'follower', term: before.term, vote: before.vote, commit: 6, lastIndex: 6, leader: '' });
  });

  it('re-emits committed entries after `applied` only', () => {
    const c = runCluster();
    const fresh = new RaftNode({ id: 'b', voters: c.ids, seed: 9 }, c.get('b').storage);
    expect(fresh.ready().committedEntries.map((e) => e.index)).toEqual([1, 2, 3, 4, 5, 6]);
    const resumed = new RaftNode({ id: 'b', voters: c.ids, seed: 9, applied: 4 }, c.get('b').storage);
    expect(resumed.ready().committedEntries.map((e) => e.index)).toEqual([5, 6]);
    const upToDate = new RaftNode({ id: 'b', voters: c.ids, seed: 9, applied: 6 }, c.get('b').storage);
    expect(upToDate.hasReady()).toBe(false);
  });

  it('refuses an applied index beyond the durable commit', () => {
    const c = runCluster();
    expect(() => new RaftNode({ id: 'b', voters: c.ids, seed: 9, applied: 7 }, c.get('b').storage)).toThrow(/applied 7 is beyond commit 6/);
  });

  it('resumes in the cluster: the restarted leader rejoins and new entries commit', () => {
    const c = runCluster();
    const m = c.get('a');
    m.raft = new RaftNode({ id: 'a', voters: c.ids, seed: 42, applied: 6 }, m.storage);
    for (let i = 0; i < 30 && !c.ids.some((id) => c.raft(id).status().role === 'leader'); i++) c.tickAll(1), c.stabilize();
    const leader = c.ids.find((id) => c.raft(id).status().role === 'leader')!;
    expect(c.raft(leader).status().term).toBeGreaterThan(1);
    c.raft(leader).propose([encode('after')]);
    c.stabilize();
    for (const id of c.ids) expect(c.appliedData(id).at(-1)).toBe('after');
  });
});
