import { describe, expect, it } from 'vitest';
import { DEFECTS, type DefectName } from './defects.js';
import { formatFailure, simulate } from './simulator.js';

const SEEDS_PER_SIZE = 170; // 510 seeds in all

describe('simulator', () => {
  for (const voters of [3, 5, 6]) {
    it(`${voters} voters: ${SEEDS_PER_SIZE} seeds keep every invariant and stay live`, () => {
      const failures: string[] = [];
      for (let seed = 1; seed <= SEEDS_PER_SIZE; seed++) {
        const result = simulate({ seed: voters * 100_000 + seed, voters });
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
  });

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
  });

  it('reports a liveness failure when the quiet phase is too short to recover', () => {
    const result = simulate({ seed: 1, voters: 3, quietTicks: 1 });
    expect(result.ok).toBe(false);
    expect(result.violation?.invariant).toBe('liveness');
    expect(formatFailure(result)).toMatch(/replay: .*--seed 1 --voters 3/);
  });

  const expectedInvariant: Record<DefectName, RegExp> = {
    'commits-without-quorum': /durable-quorum|leader-completeness|state-machine-safety/,
    'votes-twice': /election-safety/,
    'counts-unsynced-leader-entries': /durable-quorum/,
  };

  // Counting the leader's unsynced entries is masked in this driver model: a leader's entries only
  // leave in a Ready sent after its own fsync, so followers cannot ack them earlier. The unit test
  // "the leader's unsynced entries do not count" covers that rule at the core's level.
  for (const defect of ['commits-without-quorum', 'votes-twice'] as const) {
    it(`catches a deliberately broken node: ${defect}`, () => {
      let caught: ReturnType<typeof simulate> | undefined;
      for (let seed = 1; seed <= 60 && caught === undefined; seed++) {
        const result = simulate({ seed, voters: [3, 5, 6][seed % 3]!, createNode: DEFECTS[defect] });
        if (!result.ok) caught = result;
      }
      expect(caught).toBeDefined();
      expect(caught!.violation!.invariant).toMatch(expectedInvariant[defect]);
      expect(caught!.recentEvents.length).toBeGreaterThan(0);
    });
  }
});
