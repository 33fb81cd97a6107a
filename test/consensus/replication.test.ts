import { describe, expect, it } from 'vitest';
import { MessageType } from '../../src/consensus/types.js';
import { encode, storageWith, TestCluster } from './cluster.js';

const termsOf = (c: TestCluster, id: string): number[] => {
  const s = c.get(id).storage;
  return Array.from({ length: s.lastIndex() }, (_, i) => s.term(i + 1));
};

describe('log replication', () => {
  it('repairs a follower log that diverged, overwriting its uncommitted suffix', () => {
    const hs = { term: 3, vote: '', commit: 2 };
    const c = new TestCluster(['a', 'b', 'c'], {}, {
      a: storageWith(hs, [1, 1, 2, 3, 3]),
      b: storageWith(hs, [1, 1, 2, 2, 2, 2, 2]),
      c: storageWith(hs, [1, 1]),
    });
    c.campaign('a');
    expect(c.raft('a').status()).toMatchObject({ role: 'leader', term: 4 });
    for (const id of c.ids) expect(termsOf(c, id)).toEqual([1, 1, 2, 3, 3, 4]);
    expect(c.raft('b').status().commit).toBe(6);
  });

  it('backs off fast on reject: a far-behind follower costs one rejection, not one per entry', () => {
    const hs = { term: 2, vote: '', commit: 0 };
    const c = new TestCluster(['a', 'b', 'c'], {}, {
      a: storageWith(hs, Array.from({ length: 100 }, () => 2)),
      b: storageWith(hs, Array.from({ length: 100 }, () => 2)),
      c: storageWith(hs, []),
    });
    c.campaign('a');
    const rejects = c.sent.filter((m) => m.type === MessageType.AppResp && m.from === 'c' && m.reject);
    expect(rejects).toHaveLength(1);
    expect(termsOf(c, 'c')).toHaveLength(101);
  });

  it('batches many entries per App, bounded by maxBytesPerMsg', () => {
    const c = new TestCluster(['a', 'b', 'c'], { maxBytesPerMsg: 10 });
    c.campaign('a');
    c.isolate('b');
    c.isolate('c');
    for (let i = 0; i < 10; i++) c.raft('a').propose([encode('xxxx')]); // 4 bytes each
    c.stabilize();
    c.heal();
    c.sent.length = 0;
    c.raft('a').tick();
    c.stabilize();
    const apps = c.sent.filter((m) => m.type === MessageType.App && m.to === 'b' && m.entries.length > 0);
    expect(Math.max(...apps.map((m) => m.entries.length))).toBe(2);
    for (const m of apps) expect(m.entries.reduce((n, e) => n + e.data.byteLength, 0)).toBeLessThanOrEqual(10);
    expect(c.appliedData('b')).toHaveLength(10);
  });

  it('sends many entries in one App when the limit allows', () => {
    const c = new TestCluster(['a', 'b', 'c']);
    c.campaign('a');
    c.isolate('b');
    for (let i = 0; i < 10; i++) c.raft('a').propose([encode(`v${i}`)]);
    c.stabilize();
    c.heal();
    c.sent.length = 0;
    c.raft('a').tick();
    c.stabilize();
    const apps = c.sent.filter((m) => m.type === MessageType.App && m.to === 'b' && m.entries.length > 0);
    expect(apps[0]!.entries.length).toBe(10);
  });

  it('bounds the in-flight window per follower (maxInflightMsgs)', () => {
    const c = new TestCluster(['a', 'b', 'c'], { maxInflightMsgs: 2 });
    c.campaign('a');
    expect(c.raft('a').status().progress!.b!.state).toBe('replicate');
    c.cut.add('b->a'); // b receives but its acks are lost
    c.sent.length = 0;
    for (let i = 0; i < 10; i++) {
      c.raft('a').propose([encode(`v${i}`)]);
      c.stabilize();
    }
    const appsToB = c.sent.filter((m) => m.type === MessageType.App && m.to === 'b' && m.entries.length > 0);
    const appsToC = c.sent.filter((m) => m.type === MessageType.App && m.to === 'c' && m.entries.length > 0);
    expect(appsToB).toHaveLength(2);
    expect(appsToC.length).toBeGreaterThanOrEqual(10);
    // Once acks flow again the window refills and b catches up.
    c.heal();
    c.raft('a').tick();
    c.stabilize();
    expect(c.appliedData('b')).toHaveLength(10);
  });

  it('a follower that lost its acks falls back to probing and still converges', () => {
    const c = new TestCluster(['a', 'b', 'c'], { maxInflightMsgs: 1 });
    c.campaign('a');
    c.cut.add('a->b');
    for (let i = 0; i < 5; i++) c.raft('a').propose([encode(`v${i}`)]), c.stabilize();
    c.heal();
    for (let i = 0; i < 5; i++) c.raft('a').tick(), c.stabilize();
    expect(c.appliedData('b')).toEqual(['v0', 'v1', 'v2', 'v3', 'v4']);
  });
});
