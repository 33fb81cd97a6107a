import { describe, expect, it } from 'vitest';
import { clusterState } from '../../src/console/cluster-state.js';
import { History, MAX_EVENTS, changes, type Picture } from '../../src/console/history.js';
import type { EndpointView, NodeView, StorageView } from '../../src/console/web/model.js';

const member = (id: string, fields: Partial<StorageView> = {}): StorageView => ({
  id, address: '', zone: 'zone-a', membership: 'voter', leader: false, healthy: true, error: '', term: 2, commitIndex: 10, appliedIndex: 10, revision: 5, ...fields,
});
const picture = (leader: string, down: string[] = [], extra: Partial<Picture> = {}): Picture => ({
  leader,
  term: 2,
  storage: ['s1', 's2', 's3'].map((id) => ({ id, healthy: !down.includes(id), membership: 'voter' })),
  nodes: [{ id: 'w1', role: 'writer', healthy: true }],
  ...extra,
});

describe('recent history', () => {
  it('calls a new leader after the old one went down a failover, across looks with no leader', () => {
    const history = new History();
    history.observe(picture('s1'), 1);
    history.observe(picture('', ['s1']), 2);
    history.observe(picture('s2', ['s1']), 3);
    expect(history.list().map((e) => e.kind)).toEqual(['failover', 'no-leader', 'down', 'started']);
    expect(history.list()[0].text).toContain('s2 took over from s1');
  });

  it('tells a leader moving between healthy members from a failover', () => {
    expect(changes(picture('s1'), picture('s2'), 1).map((e) => e.kind)).toEqual(['leader']);
  });

  it('lists membership changes and nodes that join, go down or leave', () => {
    const before = picture('s1');
    const after = picture('s1', [], {
      storage: [...before.storage.filter((s) => s.id !== 's3'), { id: 's4', healthy: true, membership: 'learner' }],
      nodes: [{ id: 'w1', role: 'writer', healthy: false }, { id: 'r1', role: 'reader', healthy: true }],
    });
    expect(changes(before, after, 1).map((e) => e.text)).toEqual(['s4 added as learner', 's3 removed from the storage tier', 'writer w1 is down', 'reader r1 joined']);
    const promoted = { ...after, storage: after.storage.map((s) => ({ ...s, membership: 'voter' })) };
    expect(changes(after, promoted, 2).map((e) => e.text)).toEqual(['s4 promoted to voter']);
    expect(changes(promoted, { ...promoted, nodes: [] }, 3).map((e) => e.text)).toEqual(['writer w1 left', 'reader r1 left']);
  });

  it(`keeps the last ${MAX_EVENTS} events`, () => {
    const history = new History();
    for (let i = 0; i < MAX_EVENTS + 50; i++) history.observe(picture(i % 2 === 0 ? 's1' : 's2'), i);
    expect(history.list()).toHaveLength(MAX_EVENTS);
    expect(history.list()[0].at).toBe(MAX_EVENTS + 49);
  });
});

describe('the cluster state', () => {
  const endpoints = (writers: string[]): EndpointView[] => [{ name: 'cluster', address: 'x', balancesOver: writers, over: writers.length ? 'writers' : 'nothing', relayedPerSecond: 0 }];
  const writer: NodeView = { id: 'w1', role: 'writer', address: '', zone: '', healthy: true };
  const storage = [member('s1', { leader: true }), member('s2'), member('s3')];

  it('is healthy with a leader, every member up and readers close behind', () => {
    expect(clusterState(storage, [writer, { ...writer, id: 'r1', role: 'reader', lagMs: 20 }], endpoints(['w1']))).toEqual({ state: 'healthy', reasons: [] });
  });

  it('is degraded with a member down or a reader lagging', () => {
    expect(clusterState([storage[0], storage[1], member('s3', { healthy: false, error: 'unreachable' })], [writer], endpoints(['w1']))).toEqual({ state: 'degraded', reasons: ['storage member s3 down (unreachable)'] });
    expect(clusterState(storage, [writer, { ...writer, id: 'r1', role: 'reader', lagMs: 2_500 }], endpoints(['w1'])).reasons).toEqual(['reader r1 lags 2.5 s behind the log']);
  });

  it('is broken without a leader or without a writer', () => {
    expect(clusterState(storage.map((s) => ({ ...s, leader: false })), [writer], endpoints(['w1'])).state).toBe('broken');
    expect(clusterState(storage, [{ ...writer, healthy: false }], endpoints([])).reasons).toEqual(['no healthy writer behind the cluster endpoint', 'writer w1 down']);
  });
});
