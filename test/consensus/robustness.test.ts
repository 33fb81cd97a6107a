import { describe, expect, it } from 'vitest';
import { MemoryLogStorage } from '../../src/consensus/memory-storage.js';
import { RaftNode } from '../../src/consensus/raft.js';
import { EntryType, MessageType, type Message } from '../../src/consensus/types.js';
import { entry, TestCluster } from './cluster.js';

function msg(fields: Partial<Message>): Message {
  return {
    type: MessageType.App, from: 'b', to: 'a', term: 1, logTerm: 0, index: 0,
    entries: [], commit: 0, reject: false, rejectHint: 0, context: new Uint8Array(0), ...fields,
  };
}

describe('robustness', () => {
  it('drops malformed or misaddressed peer messages without throwing or changing state', () => {
    const raft = new RaftNode({ id: 'a', voters: ['a', 'b', 'c'], seed: 1 }, new MemoryLogStorage());
    const bad: Message[] = [
      msg({ type: 99 as MessageType }),
      msg({ from: '' }),
      msg({ type: MessageType.VoteResp, from: 'stranger', term: 0 }),
      msg({ from: 'a' }),
      msg({ to: 'c' }),
      msg({ term: -1 }),
      msg({ term: 1.5 }),
      msg({ entries: [entry(2, 1)] }), // not contiguous after index 0
      msg({ entries: [entry(1, 5)] }), // entry term above message term
      msg({ entries: [{ index: 1, term: 1, type: 7 as EntryType, data: new Uint8Array(0) }] }),
      msg({ type: MessageType.Prop, term: 3 }), // routed messages carry no term
      msg({ type: MessageType.Heartbeat, term: 0 }),
      msg({ context: 'x' as unknown as Uint8Array }),
      null as unknown as Message,
    ];
    for (const m of bad) expect(() => raft.step(m)).not.toThrow();
    expect(raft.status()).toMatchObject({ term: 0, lastIndex: 0, leader: '' });
    expect(raft.hasReady()).toBe(false);
  });

  it('ignores an AppResp that claims entries the leader never had', () => {
    const c = new TestCluster(['a', 'b', 'c']);
    c.campaign('a');
    c.raft('a').step(msg({ type: MessageType.AppResp, from: 'b', to: 'a', index: 50 }));
    expect(c.raft('a').status().progress!.b!.match).toBe(1);
  });

  it('never puts a message to self in a Ready', () => {
    const c = new TestCluster(['a', 'b', 'c']);
    c.campaign('a');
    for (const m of c.sent) expect(m.to).not.toBe(m.from);
  });

  it('asserts the Ready contract: one outstanding Ready, advance only after ready', () => {
    const raft = new RaftNode({ id: 'a', voters: ['a'], seed: 1 }, new MemoryLogStorage());
    expect(() => raft.advance()).toThrow(/advance\(\) without an outstanding ready\(\)/);
    while (raft.status().role !== 'leader') raft.tick();
    raft.ready();
    expect(raft.hasReady()).toBe(false);
    expect(() => raft.ready()).toThrow(/ready\(\) called again before advance\(\)/);
    expect(() => raft.advance()).toThrow(/before the Ready entries were appended/);
  });

  it('keeps unstable entries in the core until advance, then reads them from storage', () => {
    const storage = new MemoryLogStorage();
    const raft = new RaftNode({ id: 'a', voters: ['a'], seed: 1 }, storage);
    while (raft.status().role !== 'leader') raft.tick();
    raft.propose([new Uint8Array([1])]);
    expect(storage.lastIndex()).toBe(0);
    expect(raft.termAt(2)).toBe(1);
    const rd = raft.ready();
    expect(rd.entries.map((e) => e.index)).toEqual([1, 2]);
    storage.append(rd.entries);
    raft.advance();
    expect(raft.status().commit).toBe(2);
    expect(raft.ready().committedEntries.map((e) => e.index)).toEqual([1, 2]);
  });
});
