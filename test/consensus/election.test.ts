import { describe, expect, it } from 'vitest';
import { MemoryLogStorage } from '../../src/consensus/memory-storage.js';
import { RaftNode } from '../../src/consensus/raft.js';
import { EntryType, MessageType, type Message } from '../../src/consensus/types.js';
import { TestCluster } from './cluster.js';

function ticksUntilCampaign(seed: number): number {
  const raft = new RaftNode({ id: 'a', voters: ['a', 'b', 'c'], seed }, new MemoryLogStorage());
  for (let t = 1; t < 100; t++) {
    raft.tick();
    if (raft.status().role !== 'follower') return t;
  }
  throw new Error('never campaigned');
}

describe('elections', () => {
  it('randomizes the election timeout in [electionTicks, 2*electionTicks) from the seed', () => {
    const timeouts = Array.from({ length: 50 }, (_, seed) => ticksUntilCampaign(seed));
    for (const t of timeouts) expect(t).toBeGreaterThanOrEqual(10), expect(t).toBeLessThan(20);
    expect(new Set(timeouts).size).toBeGreaterThan(3);
    expect(ticksUntilCampaign(7)).toBe(ticksUntilCampaign(7));
  });

  it('elects a leader that appends an empty entry in its term, committed everywhere', () => {
    const c = new TestCluster(['a', 'b', 'c']);
    c.campaign('a');
    const s = c.raft('a').status();
    expect(s.role).toBe('leader');
    expect(s.term).toBe(1);
    expect(c.raft('b').status().leader).toBe('a');
    for (const id of c.ids) {
      expect(c.get(id).applied).toEqual([{ index: 1, term: 1, type: EntryType.Normal, data: new Uint8Array(0) }]);
      expect(c.raft(id).status().commit).toBe(1);
    }
  });

  it('a single voter elects itself but commits only after its entry is persisted', () => {
    const storage = new MemoryLogStorage();
    const raft = new RaftNode({ id: 'a', voters: ['a'], seed: 1 }, storage);
    for (let i = 0; i < 20; i++) raft.tick();
    expect(raft.status().role).toBe('leader');
    expect(raft.status().commit).toBe(0);
    const rd = raft.ready();
    storage.append(rd.entries);
    expect(raft.status().commit).toBe(0);
    raft.advance();
    expect(raft.status().commit).toBe(1);
  });

  it('pre-vote: a partitioned node does not raise the term or disrupt the leader', () => {
    const c = new TestCluster(['a', 'b', 'c']);
    c.campaign('a');
    c.isolate('c');
    for (let i = 0; i < 100; i++) c.raft('c').tick(), c.stabilize();
    expect(c.raft('c').status().term).toBe(1);
    c.heal();
    c.tickAll(1);
    c.stabilize();
    expect(c.raft('a').status()).toMatchObject({ role: 'leader', term: 1 });
    expect(c.raft('c').status()).toMatchObject({ role: 'follower', leader: 'a', term: 1 });
  });

  it('without pre-vote the same partition raises the term (the behaviour pre-vote prevents)', () => {
    const c = new TestCluster(['a', 'b', 'c'], { preVote: false, checkQuorum: false });
    c.campaign('a');
    c.isolate('c');
    for (let i = 0; i < 100; i++) c.raft('c').tick(), c.stabilize();
    expect(c.raft('c').status().term).toBeGreaterThan(1);
  });

  it('check-quorum: a leader that hears from no quorum within an election timeout steps down', () => {
    const c = new TestCluster(['a', 'b', 'c']);
    c.campaign('a');
    c.isolate('a');
    for (let i = 0; i < 9; i++) c.raft('a').tick();
    expect(c.raft('a').status().role).toBe('leader');
    for (let i = 0; i < 11; i++) c.raft('a').tick();
    expect(c.raft('a').status()).toMatchObject({ role: 'follower', leader: '' });
  });

  it('check-quorum off: an isolated leader stays leader', () => {
    const c = new TestCluster(['a', 'b', 'c'], { checkQuorum: false });
    c.campaign('a');
    c.isolate('a');
    for (let i = 0; i < 50; i++) c.raft('a').tick();
    expect(c.raft('a').status().role).toBe('leader');
  });

  it('leader lease: a follower that heard from the leader ignores a higher-term vote request', () => {
    const c = new TestCluster(['a', 'b', 'c']);
    c.campaign('a');
    const vote: Message = {
      type: MessageType.Vote, from: 'c', to: 'b', term: 5, logTerm: 1, index: 1,
      entries: [], commit: 0, reject: false, rejectHint: 0, context: new Uint8Array(0),
    };
    c.raft('b').step(vote);
    expect(c.raft('b').status()).toMatchObject({ term: 1, vote: 'a', leader: 'a' });
    expect(c.raft('b').hasReady()).toBe(false);
    // Once the lease has run out, the same request is considered.
    for (let i = 0; i < 10; i++) c.raft('b').tick();
    c.raft('b').step(vote);
    expect(c.raft('b').status()).toMatchObject({ term: 5, vote: 'c' });
  });

  it('votes at most once per term and only for an up-to-date log', () => {
    const raft = new RaftNode({ id: 'a', voters: ['a', 'b', 'c'], seed: 1, checkQuorum: false }, new MemoryLogStorage());
    const ask = (from: string, logTerm: number, index: number): Message => ({
      type: MessageType.Vote, from, to: 'a', term: 2, logTerm, index,
      entries: [], commit: 0, reject: false, rejectHint: 0, context: new Uint8Array(0),
    });
    raft.step(ask('b', 0, 0));
    raft.step(ask('c', 0, 0));
    const responses = raft.ready().messages;
    expect(responses.map((m) => [m.to, m.type, m.reject])).toEqual([
      ['b', MessageType.VoteResp, false],
      ['c', MessageType.VoteResp, true],
    ]);
    expect(raft.status().vote).toBe('b');
  });

  it('a stale-term leader learns the new term from a follower and steps down', () => {
    const c = new TestCluster(['a', 'b', 'c']);
    c.campaign('a');
    c.isolate('a');
    for (let i = 0; i < 30; i++) c.raft('b').tick(), c.raft('c').tick(), c.stabilize();
    const newLeader = ['b', 'c'].find((id) => c.raft(id).status().role === 'leader');
    expect(newLeader).toBeDefined();
    c.heal();
    c.raft('a').tick(); // a heartbeat at the old term: answered with the new term
    c.stabilize();
    const term = c.raft(newLeader!).status().term;
    expect(c.raft('a').status()).toMatchObject({ role: 'follower', term });
    c.raft(newLeader!).tick();
    c.stabilize();
    expect(c.raft('a').status()).toMatchObject({ role: 'follower', leader: newLeader, term });
  });
});
