import { describe, expect, it } from 'vitest';
import { MemoryLogStorage } from '../../src/consensus/memory-storage.js';
import { RaftNode } from '../../src/consensus/raft.js';
import { MessageType } from '../../src/consensus/types.js';
import { decode, encode, TestCluster } from './cluster.js';

const contexts = (c: TestCluster, id: string): string[] => c.get(id).readStates.map((rs) => decode(rs.context));

describe('read index', () => {
  it('the leader answers after a quorum acks a heartbeat round, with its commit index', () => {
    const c = new TestCluster(['a', 'b', 'c']);
    c.campaign('a');
    c.raft('a').propose([encode('x')]);
    c.stabilize();
    expect(c.raft('a').readIndex(encode('r1'))).toEqual({ ok: true });
    expect(c.get('a').readStates).toHaveLength(0);
    c.stabilize();
    expect(c.get('a').readStates).toEqual([{ index: 2, context: encode('r1') }]);
  });

  it('an isolated leader never answers', () => {
    const c = new TestCluster(['a', 'b', 'c']);
    c.campaign('a');
    c.isolate('a');
    expect(c.raft('a').readIndex(encode('r1'))).toEqual({ ok: true });
    for (let i = 0; i < 5; i++) c.raft('a').tick(), c.stabilize();
    expect(c.get('a').readStates).toHaveLength(0);
  });

  it('one ack plus the leader is a quorum of three', () => {
    const c = new TestCluster(['a', 'b', 'c']);
    c.campaign('a');
    c.isolate('c');
    c.raft('a').readIndex(encode('r1'));
    c.stabilize();
    expect(contexts(c, 'a')).toEqual(['r1']);
  });

  it('waits until the leader has committed an entry of its own term', () => {
    const c = new TestCluster(['a', 'b', 'c']);
    const a = c.raft('a');
    while (a.status().role === 'follower') a.tick();
    for (let i = 0; i < 10 && a.status().role !== 'leader'; i++) c.persist('a'), c.persist('b'), c.persist('c'), c.deliverAll();
    expect(a.status()).toMatchObject({ role: 'leader', commit: 0 });
    expect(a.readIndex(encode('early'))).toEqual({ ok: true });
    c.stabilize();
    expect(c.get('a').readStates).toEqual([{ index: 1, context: encode('early') }]);
  });

  it('a follower forwards ReadIndex and emits the ReadState from the response', () => {
    const c = new TestCluster(['a', 'b', 'c']);
    c.campaign('a');
    expect(c.raft('b').readIndex(encode('rb'))).toEqual({ ok: true });
    const rd = c.raft('b').ready();
    expect(rd.messages.map((m) => [m.type, m.to])).toEqual([[MessageType.ReadIndex, 'a']]);
    c.complete('b', rd);
    c.stabilize();
    expect(c.get('b').readStates).toEqual([{ index: 1, context: encode('rb') }]);
    expect(c.get('a').readStates).toHaveLength(0);
  });

  it('answers many outstanding contexts once each, in request order', () => {
    const c = new TestCluster(['a', 'b', 'c', 'd', 'e']);
    c.campaign('a');
    const names = Array.from({ length: 20 }, (_, i) => `r${i}`);
    for (const [i, name] of names.entries()) {
      c.raft('a').readIndex(encode(name));
      if (i % 3 === 0) c.raft('a').propose([encode(`w${i}`)]);
      if (i % 4 === 0) c.persist('a');
    }
    c.stabilize();
    expect(contexts(c, 'a')).toEqual(names);
    const indexes = c.get('a').readStates.map((rs) => rs.index);
    expect(indexes).toEqual([...indexes].sort((x, y) => x - y));
  });

  it('a leader with a full read queue refuses: locally as overloaded, a forwarded read with an overloaded read state', () => {
    const c = new TestCluster(['a', 'b', 'c'], { maxPendingReads: 1 });
    c.campaign('a');
    c.isolate('c');
    c.isolate('b');
    expect(c.raft('a').readIndex(encode('first'))).toEqual({ ok: true });
    expect(c.raft('a').readIndex(encode('second'))).toEqual({ ok: false, reason: 'overloaded' });
    c.heal();
    // b's read reaches a while `first` still waits for its heartbeat round's acks.
    expect(c.raft('b').readIndex(encode('rb'))).toEqual({ ok: true });
    const rd = c.raft('b').ready();
    c.complete('b', rd);
    const toLeader = rd.messages.filter((m) => m.type === MessageType.ReadIndex);
    c.raft('a').step(toLeader[0]);
    const refusal = c.raft('a').ready().messages.find((m) => m.type === MessageType.ReadIndexResp && m.to === 'b')!;
    expect(refusal.reject).toBe(true);
    c.raft('b').step(refusal);
    expect(c.raft('b').ready().readStates).toEqual([{ index: 0, context: encode('rb'), overloaded: true }]);
  });

  it('refuses when no leader is known; a single voter answers immediately', () => {
    const follower = new RaftNode({ id: 'a', voters: ['a', 'b'], seed: 1 }, new MemoryLogStorage());
    expect(follower.readIndex(encode('x'))).toEqual({ ok: false, reason: 'no-leader' });
    const storage = new MemoryLogStorage();
    const single = new RaftNode({ id: 'a', voters: ['a'], seed: 1 }, storage);
    while (single.status().role !== 'leader') single.tick();
    const rd = single.ready();
    storage.append(rd.entries);
    single.advance();
    expect(single.readIndex(encode('now'))).toEqual({ ok: true });
    expect(single.ready().readStates).toEqual([{ index: 1, context: encode('now') }]);
  });
});
