// Linearizable reads on a node share confirmation rounds with the storage leader: one round asks
// the leader for the revision of its state once a ReadIndex has confirmed it (a count-only
// linearizable read), and every read that arrived while no round was in flight waits for that
// round. A read never joins a round that began before it arrived: that round's revision may
// predate a write acknowledged before the read began.

interface Waiting<T> {
  resolve(confirmation: T): void;
  reject(error: Error): void;
}

/** `T`: what a round answers, for example the leader's response header with its revision. */
export class ConfirmationRounds<T> {
  private waiting: Waiting<T>[] = [];
  private inFlight = false;

  /** `confirm` resolves with a revision at least as new as every write acknowledged before it was called. */
  constructor(
    private readonly confirm: () => Promise<T>,
    private readonly maxWaiting: number,
  ) {}

  /** A revision at least as new as every write acknowledged before this call, or undefined when too many wait. */
  next(): Promise<T> | undefined {
    if (this.waiting.length >= this.maxWaiting) return undefined;
    const promise = new Promise<T>((resolve, reject) => this.waiting.push({ resolve, reject }));
    this.startRound();
    return promise;
  }

  private startRound(): void {
    if (this.inFlight || this.waiting.length === 0) return;
    const round = this.waiting;
    this.waiting = [];
    this.inFlight = true;
    this.confirm().then(
      (confirmation) => {
        for (const read of round) read.resolve(confirmation);
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
