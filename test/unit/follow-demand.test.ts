import { describe, expect, it } from 'vitest';
import { FollowDemand } from '../../src/node/follow-demand.js';

function period(demand: FollowDemand, reads: number, following: boolean) {
  for (let i = 0; i < reads; i++) demand.read();
  return demand.endPeriod(following);
}

describe('when a node cache follows the log', () => {
  it('starts after one period with enough one-key reads, not before', () => {
    const demand = new FollowDemand(50, 10);
    expect(period(demand, 49, false)).toBe('keep');
    expect(period(demand, 0, false)).toBe('keep');
    expect(period(demand, 50, false)).toBe('start');
  });

  it('keeps following while the last ten periods have enough together, and stops once they do not', () => {
    const demand = new FollowDemand(50, 10);
    expect(period(demand, 60, false)).toBe('start');
    // Five reads a period: ten such periods hold 50 together, so the follow is kept.
    for (let i = 0; i < 9; i++) expect(period(demand, 5, true)).toBe('keep');
    expect(period(demand, 5, true)).toBe('keep');
    // The 60 have left the window: ten periods of 5 hold 50; one period of 4 in place of a 5 makes 49.
    expect(period(demand, 4, true)).toBe('stop');
  });

  it('does not stop in the first periods after it started, however quiet', () => {
    const demand = new FollowDemand(50, 10);
    expect(period(demand, 50, false)).toBe('start');
    // The starting period counts until it leaves the window, ten periods on.
    for (let i = 0; i < 9; i++) expect(period(demand, 0, true)).toBe('keep');
    expect(period(demand, 0, true)).toBe('stop');
  });
});
