import { describe, expect, it } from 'vitest';
import { DEFECTS, type DefectName } from './defects.js';
import { formatFailure, scenarioForSeed, simulate, type Scenario, type SimStats } from './simulator.js';

const SEEDS_PER_SIZE = 170; // 510 seeds in all, spread over the scenarios

describe('simulator', () => {
  for (const voters of [3, 5, 6]) {
    it(`${voters} voters: ${SEEDS_PER_SIZE} seeds (base, snapshot, membership, full) keep every invariant and stay live`, () => {
      const failures: string[] = [];
      for (let i = 1; i <= SEEDS_PER_SIZE; i++) {
        const seed = voters * 100_000 + i;
        const result = simulate({ seed, voters, scenario: scenarioForSeed(seed) });
        if (!result.ok) failures.push(formatFailure(result));
        else expect(result.stats.commitIndex).toBeGreaterThan(0);
      }
      expect(failures).toEqual([]);
    }, 60_000);
  }

  it('one seed reproduces one run exactly', () => {
    const a = simulate({ seed: 4242, voters: 5 });
    const b = simulate({ seed: 4242, voters: 5 });
    expect(a.ok).toBe(true);
    expect(b).toEqual(a);
    expect(simulate({ seed: 4243, voters: 5 }).stats).not.toEqual(a.stats);
  }, 60_000);

  it('exercises the faults it claims to: leader changes, crashes, commits and reads', () => {
    const totals = { leaderTerms: 0, crashes: 0, readsAnswered: 0, commitIndex: 0 };
    for (let seed = 1; seed <= 30; seed++) {
      const { stats } = simulate({ seed, voters: 5 });
      totals.leaderTerms += stats.leaderTerms;
      totals.crashes += stats.crashes;
      totals.readsAnswered += stats.readsAnswered;
      totals.commitIndex += stats.commitIndex;
    }
    expect(totals.leaderTerms).toBeGreaterThan(60);
    expect(totals.crashes).toBeGreaterThan(60);
    expect(totals.readsAnswered).toBeGreaterThan(500);
    expect(totals.commitIndex).toBeGreaterThan(3000);
  }, 60_000);

  function totalsOver(scenario: Scenario, seeds: number): SimStats {
    const totals = simulate({ seed: 0, voters: 3, faultTicks: 0, quietTicks: 0 }).stats;
    for (const key of Object.keys(totals) as (keyof SimStats)[]) totals[key] = 0;
    for (let seed = 1; seed <= seeds; seed++) {
      const { stats } = simulate({ seed, voters: [3, 5, 6][seed % 3]!, scenario });
      for (const key of Object.keys(totals) as (keyof SimStats)[]) totals[key] += stats[key];
    }
    return totals;
  }

  it('snapshot scenario: nodes compact their logs and lagging nodes catch up from snapshots', () => {
    const totals = totalsOver('snapshot', 20);
    expect(totals.compactions).toBeGreaterThan(200);
    expect(totals.snapshotsInstalled).toBeGreaterThan(20);
    expect(totals.snapshotsSent).toBeGreaterThanOrEqual(totals.snapshotsInstalled);
    expect(totals.crashes).toBeGreaterThan(40);
  }, 60_000);

  it('membership scenario: learners are added, promoted and voters removed, under faults', () => {
    const totals = totalsOver('membership', 20);
    expect(totals.confChanges).toBeGreaterThan(80);
    expect(totals.leaderRemovals).toBeGreaterThan(0);
    expect(totals.crashes).toBeGreaterThan(40);
  }, 60_000);

  it('full scenario: membership changes and snapshot installs in the same runs', () => {
    const totals = totalsOver('full', 20);
    expect(totals.confChanges).toBeGreaterThan(80);
    expect(totals.snapshotsInstalled).toBeGreaterThan(20);
  }, 60_000);

  it('reports a liveness failure when the quiet phase is too short to recover', () => {
    const result = simulate({ seed: 1, voters: 3, quietTicks: 1 });
    expect(result.ok).toBe(false);
    expect(result.violation?.invariant).toBe('liveness');
    expect(formatFailure(result)).toMatch(/replay: .*--seed 1 --voters 3/);
  }, 60_000);

  const expectedInvariant: Record<DefectName, RegExp> = {
    'commits-without-quorum': /durable-quorum|leader-completeness|state-machine-safety/,
    'votes-twice': /election-safety/,
    'counts-unsynced-leader-entries': /durable-quorum/,
    'counts-learners-as-voters': /durable-quorum|election-safety|leader-completeness|state-machine-safety/,
  };

  // Counting the leader's unsynced entries is masked in this driver model: a leader's entries only
  // leave in a Ready sent after its own fsync, so followers cannot ack them earlier. The unit test
  // "the leader's unsynced entries do not count" covers that rule at the core's level.
  const defectScenario: Partial<Record<DefectName, Scenario>> = { 'counts-learners-as-voters': 'membership' };
  for (const defect of ['commits-without-quorum', 'votes-twice', 'counts-learners-as-voters'] as const) {
    it(`catches a deliberately broken node: ${defect}`, () => {
      let caught: ReturnType<typeof simulate> | undefined;
      for (let seed = 1; seed <= 60 && caught === undefined; seed++) {
        const result = simulate({ seed, voters: [3, 5, 6][seed % 3]!, scenario: defectScenario[defect], createNode: DEFECTS[defect] });
        if (!result.ok) caught = result;
      }
      expect(caught).toBeDefined();
      expect(caught!.violation!.invariant).toMatch(expectedInvariant[defect]);
      expect(caught!.recentEvents.length).toBeGreaterThan(0);
    }, 60_000);
  }
});
