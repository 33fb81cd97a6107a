// Linearizable reads on a node share confirmation rounds with the storage leader: one round asks
// the leader for the revision of its state once a ReadIndex has confirmed it (a count-only
// linearizable read), and every read that arrived while no round was in flight waits for that
// round. A read never joins a round that began before it arrived: that round's revision may
// predate a write acknowledged before the read began.

interface Waiting {
  resolve(revision: number): void;
  reject(error: Error): void;
}

export class ConfirmationRounds {
  private waiting: Waiting[] = [];
  private inFlight = false;

  /** `confirm` resolves with a revision at least as new as every write acknowledged before it was called. */
  constructor(
    private readonly confirm: () => Promise<number>,
    private readonly maxWaiting: number,
  ) {}

  /** A revision at least as new as every write acknowledged before this call, or undefined when too many wait. */
  next(): Promise<number> | undefined {
    if (this.waiting.length >= this.maxWaiting) return undefined;
    const promise = new Promise<number>((resolve, reject) => this.waiting.push({ resolve, reject }));
    this.startRound();
    return promise;
  }

  private startRound(): void {
    if (this.inFlight || this.waiting.length === 0) return;
    const round = this.waiting;
    this.waiting = [];
    this.inFlight = true;
    this.confirm().then(
      (revision) => {
        for (const read of round) read.resolve(revision);
      },
      (error: Error) => {
        for (const read of round) read.reject(error);
      },
    ).finally(() => {
      this.inFlight = false;
      this.startRound();
    });
  }
}
