import { describe, expect, it } from 'vitest';
import { decodeConfChange, decodeConfState, encodeConfChange, encodeConfState } from '../../src/consensus/conf-change.js';
import { RaftConfigError } from '../../src/consensus/config.js';
import { MemoryLogStorage } from '../../src/consensus/memory-storage.js';
import { RaftNode } from '../../src/consensus/raft.js';
import { EntryType, MessageType, type Message } from '../../src/consensus/types.js';
import { encode, TestCluster } from './cluster.js';

const VOTERS = ['a', 'b', 'c'];

/** a leads a, b, c; d has started and is added as a learner. */
function clusterWithLearner(): TestCluster {
  const c = new TestCluster(VOTERS);
  c.campaign('a');
  c.addNode('d');
  expect(c.raft('a').proposeConfChange({ type: 'add-learner', node: 'd', context: 'd.example:7100' })).toEqual({ ok: true });
  c.stabilize();
  return c;
}

function voteResp(from: string, to: string, term: number): Message {
  return {
    type: MessageType.VoteResp, from, to, term, logTerm: 0, index: 0,
    entries: [], commit: 0, reject: false, rejectHint: 0, context: new Uint8Array(0),
  };
}

describe('conf change encoding', () => {
  it('round-trips changes and configurations as documented JSON', () => {
    const data = encodeConfChange({ type: 'add-learner', node: 'n4', context: 'addr' });
    expect(new TextDecoder().decode(data)).toBe('{"type":"add-learner","node":"n4","context":"addr"}');
    expect(decodeConfChange(data)).toEqual({ type: 'add-learner', node: 'n4', context: 'addr' });
    const cs = { voters: ['a', 'b'], learners: ['c'] };
    expect(decodeConfState(encodeConfState(cs))).toEqual(cs);
  });

  it.each([
    ['not json', 'nope'],
    ['unknown type', '{"type":"add-voter","node":"x"}'],
    ['unknown field', '{"type":"remove-node","node":"x","extra":1}'],
    ['empty node', '{"type":"remove-node","node":""}'],
    ['bad context', '{"type":"remove-node","node":"x","context":7}'],
  ])('rejects a malformed change: %s', (_name, text) => {
    expect(decodeConfChange(encode(text))).toBeUndefined();
  });

  it('rejects a configuration without voters or with a member listed twice', () => {
    expect(decodeConfState(encode('{"voters":[],"learners":[]}'))).toBeUndefined();
    expect(decodeConfState(encode('{"voters":["a"],"learners":["a"]}'))).toBeUndefined();
  });
});

describe('membership changes', () => {
  it('adds a learner: it receives the whole log and applies it, but never campaigns', () => {
    const c = clusterWithLearner();
    c.raft('a').propose([encode('x')]);
    c.stabilize();
    expect(c.raft('a').status().config).toEqual({ voters: VOTERS, learners: ['d'] });
    expect(c.raft('a').status().progress!.d).toMatchObject({ learner: true, state: 'replicate' });
    expect(c.raft('d').status().config).toEqual({ voters: VOTERS, learners: ['d'] });
    expect(c.appliedData('d')).toEqual([
      '{"type":"add-learner","node":"d","context":"d.example:7100"}',
      'x',
    ]);
    expect(c.get('d').applied.find((e) => e.type === EntryType.ConfChange)).toBeDefined();
    c.isolate('a');
    c.sent.length = 0;
    for (let i = 0; i < 100; i++) c.raft('d').tick();
    c.stabilize();
    expect(c.raft('d').status().role).toBe('follower');
    expect(c.sent.filter((m) => m.from === 'd')).toEqual([]);
  });

  it('reports the new configuration once, in the Ready after the change applied', () => {
    const c = new TestCluster(VOTERS);
    c.campaign('a');
    c.addNode('d');
    c.raft('a').proposeConfChange({ type: 'add-learner', node: 'd' });
    const seen = [];
    for (let i = 0; i < 20; i++) {
      for (const id of VOTERS) {
        const rd = c.persist(id);
        if (id === 'a' && rd?.confState) seen.push(rd.confState);
      }
      c.deliverAll();
    }
    expect(seen).toEqual([{ voters: VOTERS, learners: ['d'] }]);
  });

  it('a learner is not counted toward a commit', () => {
    const c = clusterWithLearner();
    c.cut.add('a->b');
    c.cut.add('a->c');
    c.raft('a').propose([encode('needs-a-voter')]);
    c.stabilize();
    expect(c.raft('d').status().lastIndex).toBe(c.raft('a').status().lastIndex); // d has it durably
    expect(c.appliedData('a')).not.toContain('needs-a-voter');
    c.heal();
    c.raft('a').tick();
    c.stabilize();
    expect(c.appliedData('a')).toContain('needs-a-voter');
  });

  it("a learner's vote is not counted", () => {
    const b = new RaftNode({ id: 'b', voters: VOTERS, learners: ['d'], preVote: false, seed: 1 }, new MemoryLogStorage());
    while (b.status().role !== 'candidate') b.tick();
    const { term } = b.status();
    expect(b.ready().messages.map((m) => m.to).sort()).toEqual(['a', 'c']); // no vote request to the learner
    b.advance();
    b.step(voteResp('d', 'b', term)); // with the learner counted, 2 of 3 would win
    expect(b.status().role).toBe('candidate');
    b.step(voteResp('c', 'b', term));
    expect(b.status().role).toBe('leader');
  });

  it('promotes a learner: it then votes, counts toward commits and may lead', () => {
    const c = clusterWithLearner();
    expect(c.raft('a').proposeConfChange({ type: 'promote-learner', node: 'd' })).toEqual({ ok: true });
    c.stabilize();
    for (const id of [...VOTERS, 'd']) expect(c.raft(id).status().config).toEqual({ voters: ['a', 'b', 'c', 'd'], learners: [] });
    // Four voters: a quorum is three, so a, b and d can commit without c...
    c.isolate('c');
    c.raft('a').propose([encode('three-of-four')]);
    c.stabilize();
    expect(c.appliedData('d')).toContain('three-of-four');
    // ...but a and d alone cannot.
    c.isolate('b');
    c.raft('a').propose([encode('two-of-four')]);
    c.stabilize();
    expect(c.appliedData('a')).not.toContain('two-of-four');
    // d now campaigns when it stops hearing from a leader, asking every other voter.
    c.heal();
    c.isolate('a');
    c.sent.length = 0;
    for (let i = 0; i < 100 && c.raft('d').status().role === 'follower'; i++) c.raft('d').tick();
    c.persist('d');
    expect(c.sent.filter((m) => m.from === 'd' && m.type === MessageType.PreVote).map((m) => m.to).sort()).toEqual(['a', 'b', 'c']);
  });

  it('removes a voter: the quorum shrinks and the removed node is no longer replicated to', () => {
    const c = new TestCluster(VOTERS);
    c.campaign('a');
    expect(c.raft('a').proposeConfChange({ type: 'remove-node', node: 'c' })).toEqual({ ok: true });
    c.stabilize();
    expect(c.raft('a').status().config).toEqual({ voters: ['a', 'b'], learners: [] });
    expect(Object.keys(c.raft('a').status().progress!)).toEqual(['a', 'b']);
    c.sent.length = 0;
    c.raft('a').propose([encode('two-of-two')]);
    c.raft('a').tick();
    c.stabilize();
    expect(c.appliedData('b')).toContain('two-of-two');
    expect(c.sent.filter((m) => m.to === 'c')).toEqual([]);
  });

  it('removes a learner', () => {
    const c = clusterWithLearner();
    c.raft('a').proposeConfChange({ type: 'remove-node', node: 'd' });
    c.stabilize();
    expect(c.raft('a').status().config).toEqual({ voters: VOTERS, learners: [] });
  });

  it('a leader that removes itself steps down once the change commits, and the rest elect a leader', () => {
    const c = new TestCluster(VOTERS);
    c.campaign('a');
    expect(c.raft('a').proposeConfChange({ type: 'remove-node', node: 'a' })).toEqual({ ok: true });
    expect(c.raft('a').status().role).toBe('leader'); // until the change is committed and applied
    c.stabilize();
    expect(c.raft('a').status()).toMatchObject({ role: 'follower', config: { voters: ['b', 'c'], learners: [] } });
    for (const id of ['b', 'c']) expect(c.raft(id).status().config.voters).toEqual(['b', 'c']);
    for (let i = 0; i < 100 && c.leaders().length === 0; i++) c.tickAll(1), c.stabilize();
    expect(c.leaders()).toHaveLength(1);
    expect(c.leaders()[0]).not.toBe('a');
    for (let i = 0; i < 50; i++) c.tickAll(1), c.stabilize();
    expect(c.raft('a').status().role).toBe('follower'); // a non-voter never campaigns
  });

  it('allows one pending change at a time', () => {
    const c = new TestCluster(VOTERS);
    c.campaign('a');
    c.addNode('d');
    c.addNode('e');
    const a = c.raft('a');
    expect(a.proposeConfChange({ type: 'add-learner', node: 'd' })).toEqual({ ok: true });
    expect(a.proposeConfChange({ type: 'add-learner', node: 'e' })).toMatchObject({ ok: false, reason: 'pending-conf-change' });
    c.stabilize();
    expect(a.proposeConfChange({ type: 'add-learner', node: 'e' })).toEqual({ ok: true });
    c.stabilize();
    expect(a.status().config.learners).toEqual(['d', 'e']);
  });

  it('a new leader accepts no change before it has applied its own first entry', () => {
    const c = new TestCluster(VOTERS);
    const a = c.raft('a');
    while (a.status().role !== 'leader') {
      a.tick();
      for (const id of VOTERS) c.persist(id);
      c.deliverAll();
    }
    expect(a.proposeConfChange({ type: 'remove-node', node: 'c' })).toMatchObject({ ok: false, reason: 'pending-conf-change' });
    c.stabilize();
    expect(a.proposeConfChange({ type: 'remove-node', node: 'c' })).toEqual({ ok: true });
  });

  it('refuses changes that do not apply to the current configuration', () => {
    const c = new TestCluster(['a']);
    c.campaign('a');
    const a = c.raft('a');
    expect(a.proposeConfChange({ type: 'add-learner', node: 'a' })).toMatchObject({ ok: false, reason: 'invalid', detail: 'a is already a voter' });
    expect(a.proposeConfChange({ type: 'promote-learner', node: 'x' })).toMatchObject({ ok: false, reason: 'invalid' });
    expect(a.proposeConfChange({ type: 'remove-node', node: 'a' })).toMatchObject({ ok: false, reason: 'invalid', detail: 'a is the last voter' });
    expect(a.proposeConfChange({ type: 'remove-node', node: '' })).toMatchObject({ ok: false, reason: 'invalid' });
    const follower = new RaftNode({ id: 'b', voters: ['a', 'b'], seed: 1 }, c.get('a').storage);
    expect(follower.proposeConfChange({ type: 'remove-node', node: 'a' })).toMatchObject({ ok: false, reason: 'no-leader' });
  });

  it('a follower forwards a change to the leader', () => {
    const c = new TestCluster(VOTERS);
    c.campaign('a');
    expect(c.raft('b').proposeConfChange({ type: 'remove-node', node: 'c' })).toEqual({ ok: true });
    c.stabilize();
    expect(c.raft('a').status().config.voters).toEqual(['a', 'b']);
  });

  it('rebuilds the configuration at restart from the log up to applied', () => {
    const c = clusterWithLearner();
    c.raft('a').proposeConfChange({ type: 'promote-learner', node: 'd' });
    c.stabilize();
    c.raft('a').proposeConfChange({ type: 'remove-node', node: 'c' });
    c.stabilize();
    const { storage } = c.get('b');
    const applied = c.raft('b').status().applied;
    const resumed = new RaftNode({ id: 'b', voters: VOTERS, seed: 5, applied }, storage);
    expect(resumed.status().config).toEqual({ voters: ['a', 'b', 'd'], learners: [] });
    // From scratch (applied 0) it starts with the bootstrap config and re-applies the changes.
    const replayed = new RaftNode({ id: 'b', voters: VOTERS, seed: 5 }, storage);
    expect(replayed.status().config).toEqual({ voters: VOTERS, learners: [] });
    const rd = replayed.ready();
    expect(rd.committedEntries.filter((e) => e.type === EntryType.ConfChange)).toHaveLength(3);
    replayed.advance();
    expect(replayed.status().config).toEqual({ voters: ['a', 'b', 'd'], learners: [] });
    // A joined node restarts too.
    const d = new RaftNode({ id: 'd', voters: VOTERS, joining: true, seed: 5, applied: c.raft('d').status().applied }, c.get('d').storage);
    expect(d.status().config.voters).toContain('d');
  });

  it('a node with committed changes it has not applied does not campaign', () => {
    const c = clusterWithLearner();
    const replayed = new RaftNode({ id: 'b', voters: VOTERS, seed: 5 }, c.get('b').storage);
    for (let i = 0; i < 100; i++) replayed.tick();
    expect(replayed.status().role).toBe('follower');
    expect(replayed.ready().messages).toEqual([]);
  });

  it('a node outside the bootstrap voters must say it is joining', () => {
    const c = new TestCluster(VOTERS);
    expect(() => new RaftNode({ id: 'z', voters: VOTERS, seed: 1 }, c.get('a').storage)).toThrow(RaftConfigError);
  });
});
