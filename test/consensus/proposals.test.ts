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
    expect(rd.messages.map((m) => [m.type, m.to, m.term])).toEqual([[MessageType.Prop, 'a', 0]]);
    c.complete('b', rd);
    c.stabilize();
    for (const id of c.ids) expect(c.appliedData(id)).toEqual(['fwd']);
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
