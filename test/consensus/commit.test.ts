import { describe, expect, it } from 'vitest';
import { MessageType, type Message } from '../../src/consensus/types.js';
import { encode, storageWith, TestCluster } from './cluster.js';

function appResp(from: string, to: string, term: number, index: number): Message {
  return {
    type: MessageType.AppResp, from, to, term, index, logTerm: 0,
    entries: [], commit: 0, reject: false, rejectHint: 0, context: new Uint8Array(0),
  };
}

describe('commit rules', () => {
  it("the leader's unsynced entries do not count toward the quorum", () => {
    const c = new TestCluster(['a', 'b', 'c']);
    c.campaign('a');
    c.isolate('c'); // a quorum is now a + b, so a's own copy is needed
    c.raft('a').propose([encode('x')]);
    const leaderReady = c.raft('a').ready(); // handed over, not yet persisted
    expect(leaderReady.entries.map((e) => e.index)).toEqual([2]);
    c.queue(leaderReady.messages); // even if the driver sent early, b's ack must not be enough
    c.deliverAll();
    c.persist('b');
    c.deliverAll(); // b's AppResp reaches a
    expect(c.raft('b').status().lastIndex).toBe(2);
    expect(c.raft('a').status().commit).toBe(1);
    c.complete('a', leaderReady); // fsync done, advance()
    expect(c.raft('a').status().commit).toBe(2);
  });

  it('does not commit an entry of an earlier term by counting replicas (Raft §5.4.2)', () => {
    // a and b hold (2, term 2) from a term-2 leader that never committed it; c lacks it.
    const hs = { term: 2, vote: '', commit: 1 };
    const c = new TestCluster(['a', 'b', 'c'], {}, {
      a: storageWith(hs, [1, 2]),
      b: storageWith(hs, [1, 2]),
      c: storageWith(hs, [1]),
    });
    c.isolate('c');
    const a = c.raft('a');
    while (a.status().role === 'follower') a.tick();
    for (let i = 0; i < 10 && a.status().role !== 'leader'; i++) c.persist('a'), c.persist('b'), c.deliverAll();
    expect(a.status()).toMatchObject({ role: 'leader', term: 3, lastIndex: 3 });
    // Drop the leader's real Apps and script b's acks: first only the term-2 entry.
    c.isolate('b');
    c.stabilize();
    const before = a.status().commit;
    a.step(appResp('b', 'a', 3, 1));
    a.step(appResp('b', 'a', 3, 2));
    expect(a.status().progress!.b!.match).toBe(2);
    expect(a.status().commit).toBe(before);
    a.step(appResp('b', 'a', 3, 3));
    expect(a.status().commit).toBe(3);
  });

  it('a follower commits no further than the entries it has verified from this leader', () => {
    const c = new TestCluster(['a', 'b', 'c']);
    c.campaign('a');
    c.raft('a').propose([encode('1'), encode('2')]);
    c.stabilize();
    // A heartbeat claiming a commit past b's log is clamped, not trusted.
    const b = c.raft('b');
    b.step({
      type: MessageType.Heartbeat, from: 'a', to: 'b', term: 1, logTerm: 0, index: 0,
      entries: [], commit: 99, reject: false, rejectHint: 0, context: new Uint8Array(0),
    });
    expect(b.status().commit).toBe(3);
    // An App whose prev matches but that carries fewer entries than b has commits only up to its end.
    b.step({
      type: MessageType.App, from: 'a', to: 'b', term: 1, logTerm: 1, index: 3,
      entries: [], commit: 3, reject: false, rejectHint: 0, context: new Uint8Array(0),
    });
    expect(b.status().commit).toBe(3);
  });

  it('commit never moves backwards and applies in order on every node', () => {
    const c = new TestCluster(['a', 'b', 'c']);
    c.campaign('a');
    const commits: number[] = [];
    for (let i = 0; i < 20; i++) {
      c.raft('a').propose([encode(`v${i}`)]);
      c.stabilize();
      commits.push(c.raft('b').status().commit);
    }
    expect(commits).toEqual([...commits].sort((x, y) => x - y));
    for (const id of c.ids) {
      expect(c.appliedData(id)).toEqual(Array.from({ length: 20 }, (_, i) => `v${i}`));
      expect(c.get(id).applied.map((e) => e.index)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
    }
  });
});
