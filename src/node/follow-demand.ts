// Whether a node's cache should follow the log: following costs every write a message to the
// node, so it pays only while one-key reads come often. The follow starts after a second with
// `followAt` reads, and stops once the last `idlePeriods` seconds have fewer than that together.

export const DEMAND_PERIOD_MS = 1_000;
export const IDLE_PERIODS = 10;

export class FollowDemand {
  private readsThisPeriod = 0;
  /** One-key reads seen in each of the last periods, oldest first. */
  private readonly readsPerPeriod: number[] = [];

  constructor(
    private readonly followAt: number,
    private readonly idlePeriods = IDLE_PERIODS,
  ) {}

  read(): void {
    this.readsThisPeriod++;
  }

  /** Closes a period; says whether to start or stop following, given whether the cache follows now. */
  endPeriod(following: boolean): 'start' | 'stop' | 'keep' {
    this.readsPerPeriod.push(this.readsThisPeriod);
    this.readsThisPeriod = 0;
    if (this.readsPerPeriod.length > this.idlePeriods) this.readsPerPeriod.shift();
    if (!following) return this.readsPerPeriod.at(-1)! >= this.followAt ? 'start' : 'keep';
    const recent = this.readsPerPeriod.reduce((sum, reads) => sum + reads, 0);
    return this.readsPerPeriod.length === this.idlePeriods && recent < this.followAt ? 'stop' : 'keep';
  }
}
