import { describe, expect, it } from 'vitest';
import { DEFECTS, type DefectName } from './defects.js';
import { formatFailure, scenarioForSeed, simulate, type GlueDefect, type Scenario, type SimStats } from './simulator.js';

// 510 seeds in all, spread over the scenarios: a few tens of seconds a size, each seed running the
// storage member's start-up recovery, Ready driver, durable log, applier and snapshots over a
// LevelDB that loses what a power cut loses.
const SEEDS_PER_SIZE = 170;

describe('simulator', async () => {
  for (const voters of [3, 5, 6]) {
    it(`${voters} voters: ${SEEDS_PER_SIZE} seeds (base, snapshot, membership, full) keep every invariant and stay live`, async () => {
      const failures: string[] = [];
      for (let i = 1; i <= SEEDS_PER_SIZE; i++) {
        const seed = voters * 100_000 + i;
        const result = await simulate({ seed, voters, scenario: scenarioForSeed(seed) });
        if (!result.ok) failures.push(formatFailure(result));
        else expect(result.stats.commitIndex).toBeGreaterThan(0);
      }
      expect(failures).toEqual([]);
    }, 300_000);
  }

  it('one seed reproduces one run exactly', async () => {
    const a = await simulate({ seed: 4242, voters: 5 });
    const b = await simulate({ seed: 4242, voters: 5 });
    expect(a.ok).toBe(true);
    expect(b).toEqual(a);
    expect((await simulate({ seed: 4243, voters: 5 })).stats).not.toEqual(a.stats);
  }, 60_000);

  it('exercises the faults it claims to: leader changes, crashes, commits and reads', async () => {
    const totals = { leaderTerms: 0, crashes: 0, readsAnswered: 0, commitIndex: 0 };
    for (let seed = 1; seed <= 30; seed++) {
      const { stats } = await simulate({ seed, voters: 5 });
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

  async function totalsOver(scenario: Scenario, seeds: number): Promise<SimStats> {
    const totals = (await simulate({ seed: 0, voters: 3, faultTicks: 0, quietTicks: 0 })).stats;
    for (const key of Object.keys(totals) as (keyof SimStats)[]) totals[key] = 0;
    for (let seed = 1; seed <= seeds; seed++) {
      const { stats } = await simulate({ seed, voters: [3, 5, 6][seed % 3]!, scenario });
      for (const key of Object.keys(totals) as (keyof SimStats)[]) totals[key] += stats[key];
    }
    return totals;
  }

  it('snapshot scenario: nodes compact their logs and lagging nodes catch up from snapshots', async () => {
    const totals = await totalsOver('snapshot', 20);
    expect(totals.compactions).toBeGreaterThan(200);
    expect(totals.snapshotsInstalled).toBeGreaterThan(20);
    expect(totals.snapshotsSent).toBeGreaterThanOrEqual(totals.snapshotsInstalled);
    expect(totals.crashes).toBeGreaterThan(40);
  }, 60_000);

  it('membership scenario: learners are added, promoted and voters removed, under faults', async () => {
    const totals = await totalsOver('membership', 20);
    expect(totals.confChanges).toBeGreaterThan(80);
    expect(totals.leaderRemovals).toBeGreaterThan(0);
    expect(totals.crashes).toBeGreaterThan(40);
  }, 60_000);

  it('full scenario: membership changes and snapshot installs in the same runs', async () => {
    const totals = await totalsOver('full', 20);
    expect(totals.confChanges).toBeGreaterThan(80);
    expect(totals.snapshotsInstalled).toBeGreaterThan(20);
  }, 60_000);

  it('reports a liveness failure when the quiet phase is too short to recover', async () => {
    const result = await simulate({ seed: 1, voters: 3, quietTicks: 1 });
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

  // The storage member's Ready driver sends a leader's appends while its own copy is being written,
  // so a leader that counted its unsynced entries would commit what a crash can take back.
  const defectScenario: Partial<Record<DefectName, Scenario>> = { 'counts-learners-as-voters': 'membership' };
  const glueDefects: Array<{ defect: GlueDefect; scenario: Scenario; invariant: RegExp }> = [
    // The staged state is at a later index than the snapshot says: its install refuses it.
    { defect: 'snapshot-reads-live-state', scenario: 'snapshot', invariant: /storage-glue/ },
    { defect: 'forgets-applied-conf', scenario: 'full', invariant: /config-matches-log/ },
  ];
  for (const { defect, scenario, invariant } of glueDefects) {
    it(`catches deliberately broken storage glue: ${defect}`, async () => {
      let caught: Awaited<ReturnType<typeof simulate>> | undefined;
      for (let seed = 1; seed <= 60 && caught === undefined; seed++) {
        const result = await simulate({ seed, voters: [3, 5, 6][seed % 3]!, scenario, glueDefect: defect });
        if (!result.ok) caught = result;
      }
      expect(caught).toBeDefined();
      expect(caught!.violation!.invariant).toMatch(invariant);
    }, 60_000);
  }

  for (const defect of Object.keys(DEFECTS) as DefectName[]) {
    it(`catches a deliberately broken node: ${defect}`, async () => {
      let caught: Awaited<ReturnType<typeof simulate>> | undefined;
      for (let seed = 1; seed <= 60 && caught === undefined; seed++) {
        const result = await simulate({ seed, voters: [3, 5, 6][seed % 3]!, scenario: defectScenario[defect], createNode: DEFECTS[defect] });
        if (!result.ok) caught = result;
      }
      expect(caught).toBeDefined();
      expect(caught!.violation!.invariant).toMatch(expectedInvariant[defect]);
      expect(caught!.recentEvents.length).toBeGreaterThan(0);
    }, 60_000);
  }
});
