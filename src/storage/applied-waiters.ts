import { OverloadedError, UnavailableError } from '../errors.js';

// Reads that wait for this member to apply up to an index (a linearizable read's read index).
// Each waits at most `timeoutMs`: a member that stopped applying (cut off from its leader, or
// idle after a snapshot install that nothing announced) answers UNAVAILABLE instead of hanging.

interface Waiter {
  index: number;
  resolve(): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export class AppliedWaiters {
  private waiters: Waiter[] = [];

  constructor(
    private readonly timeoutMs: number,
    private readonly maxWaiters: number,
  ) {}

  get size(): number {
    return this.waiters.length;
  }

  /** Resolves once `release` reports an applied index of at least `index`. */
  wait(index: number, applied: number): Promise<void> {
    if (applied >= index) return Promise.resolve();
    if (this.waiters.length >= this.maxWaiters) {
      return Promise.reject(new OverloadedError('too many reads are waiting for this member to catch up; retry later'));
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        index,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          reject(new UnavailableError(`this storage member did not apply index ${index} within ${this.timeoutMs} ms; retry, or read from another member`));
        }, this.timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  /** The member has applied up to `applied` (by entries or by a snapshot install). */
  release(applied: number): void {
    if (!this.waiters.some((w) => w.index <= applied)) return;
    const still: Waiter[] = [];
    for (const waiter of this.waiters) {
      if (waiter.index > applied) {
        still.push(waiter);
        continue;
      }
      clearTimeout(waiter.timer);
      waiter.resolve();
    }
    this.waiters = still;
  }

  failAll(error: Error): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
  }
}
