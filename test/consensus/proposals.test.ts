import { describe, expect, it } from 'vitest';
import { MemoryLogStorage } from '../../src/consensus/memory-storage.js';
import { RaftNode } from '../../src/consensus/raft.js';
import { MessageType } from '../../src/consensus/types.js';
import { encode, TestCluster } from './cluster.js';

describe('proposals', () => {
  it('appends one Normal entry per data item on the leader', () => {
    const c = new TestCluster(['a', 'b', 'c']);
    c.campaign('a');
    expect(c.raft('a').propose([encode('x'), encode('y')])).toEqual({ ok: true });
    c.stabilize();
    expect(c.appliedData('c')).toEqual(['x', 'y']);
    expect(c.get('c').applied.slice(1).map((e) => [e.index, e.term])).toEqual([[2, 1], [3, 1]]);
  });

  it('a follower forwards proposals to the leader as Prop, and they commit everywhere', () => {
    const c = new TestCluster(['a', 'b', 'c']);
    c.campaign('a');
    expect(c.raft('b').propose([encode('fwd')])).toEqual({ ok: true });
    const rd = c.raft('b').ready();
    expect(rd.messages.map((m) => [m.type, m.to, m.term])).toEqual([[MessageType.Prop, 'a', 1]]);
    c.complete('b', rd);
    c.stabilize();
    for (const id of c.ids) expect(c.appliedData(id)).toEqual(['fwd']);
  });

  it('a leader drops a forwarded proposal from another term: one held across a leader change never lands', () => {
    const c = new TestCluster(['a', 'b', 'c']);
    c.campaign('a');
    expect(c.raft('b').propose([encode('held')])).toEqual({ ok: true });
    // b's Ready waits (b is paused) while c takes over in a new term.
    const rd = c.raft('b').ready();
    const held = rd.messages.filter((m) => m.type === MessageType.Prop);
    expect(held.map((m) => m.term)).toEqual([1]);
    c.complete('b', { ...rd, messages: rd.messages.filter((m) => m.type !== MessageType.Prop) });
    c.isolate('a');
    // c's election timer fires first; b, not hearing a either, grants its vote.
    for (let i = 0; i < 30 && c.raft('c').status().role !== 'leader'; i++) c.raft('c').tick(), i % 2 === 0 && c.raft('b').tick(), c.stabilize();
    c.heal();
    c.stabilize();
    const leader = 'c';
    expect(c.raft(leader).status().role).toBe('leader');
    const term = c.raft(leader).status().term;
    expect(term).toBeGreaterThan(1);
    const before = c.raft(leader).status().lastIndex;
    // Late, to the new leader: it does not append it, nor change its term for it.
    c.raft(leader).step({ ...held[0], to: leader });
    c.stabilize();
    expect(c.raft(leader).status()).toMatchObject({ term, lastIndex: before });
    for (const id of c.ids) expect(c.appliedData(id)).not.toContain('held');
    // A proposal forwarded in the current term lands; one with no term (an older sender) too.
    c.raft(leader).step({ ...held[0], to: leader, term });
    c.raft(leader).step({ ...held[0], to: leader, term: 0, entries: [{ ...held[0].entries[0], data: encode('termless') }] });
    c.stabilize();
    expect(c.appliedData('b')).toEqual(expect.arrayContaining(['held', 'termless']));
  });

  it('refuses proposals when no leader is known', () => {
    const raft = new RaftNode({ id: 'a', voters: ['a', 'b', 'c'], seed: 1 }, new MemoryLogStorage());
    expect(raft.propose([encode('x')])).toEqual({ ok: false, reason: 'no-leader' });
    expect(raft.hasReady()).toBe(false);
  });

  it('refuses proposals beyond maxUncommittedBytes and accepts again once entries commit', () => {
    const c = new TestCluster(['a', 'b', 'c'], { maxUncommittedBytes: 100 });
    c.campaign('a');
    c.isolate('a');
    const a = c.raft('a');
    const sixty = new Uint8Array(60);
    expect(a.propose([sixty])).toEqual({ ok: true });
    expect(a.propose([sixty])).toEqual({ ok: false, reason: 'overloaded' });
    expect(a.propose([new Uint8Array(40)])).toEqual({ ok: true });
    expect(a.propose([new Uint8Array(1)])).toEqual({ ok: false, reason: 'overloaded' });
    c.stabilize();
    c.heal();
    a.tick();
    c.stabilize();
    expect(a.status().commit).toBe(3);
    expect(a.propose([sixty])).toEqual({ ok: true });
  });

  it('drops forwarded proposals that would exceed the leader limit', () => {
    const c = new TestCluster(['a', 'b', 'c'], { maxUncommittedBytes: 10 });
    c.campaign('a');
    c.isolate('c');
    c.cut.add('b->a');
    c.raft('a').propose([new Uint8Array(10)]);
    c.stabilize();
    c.cut.delete('b->a');
    c.cut.add('a->b');
    c.raft('b').propose([new Uint8Array(5)]);
    c.stabilize();
    expect(c.raft('a').status().lastIndex).toBe(2);
  });
});
