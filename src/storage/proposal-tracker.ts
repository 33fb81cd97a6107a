import { OverloadedError, UnavailableError } from '../errors.js';

// Waiters for this member's own proposals, keyed by proposal id. A waiter resolves when the
// entry carrying its id is applied here, and fails when it is not applied in time: the entry may
// have been lost with a leader change, so its outcome is unknown to the caller.

interface Waiter<T> {
  resolve(value: T): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export class ProposalTracker<T> {
  private readonly waiters = new Map<string, Waiter<T>>();
  private sequence = 0;

  constructor(
    private readonly memberId: string,
    private readonly timeoutMs: number,
    private readonly maxPending: number,
  ) {}

  get pending(): number {
    return this.waiters.size;
  }

  get full(): boolean {
    return this.waiters.size >= this.maxPending;
  }

  /** A fresh id, unique across restarts of this member (the boot time is part of it). */
  nextId(): Buffer {
    this.sequence++;
    return Buffer.from(`${this.memberId}/${BOOT_NONCE}/${this.sequence}`, 'utf8');
  }

  wait(id: Buffer): Promise<T> {
    if (this.waiters.size >= this.maxPending) {
      return Promise.reject(new OverloadedError(`${this.waiters.size} proposals are in flight on this member; retry later`));
    }
    const key = id.toString('latin1');
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(key);
        reject(new UnavailableError(`not committed within ${this.timeoutMs} ms (leader change or lost quorum); outcome unknown`));
      }, this.timeoutMs);
      this.waiters.set(key, { resolve, reject, timer });
    });
  }

  resolve(id: Uint8Array, value: T): void {
    const key = Buffer.from(id).toString('latin1');
    const waiter = this.waiters.get(key);
    if (!waiter) return;
    this.waiters.delete(key);
    clearTimeout(waiter.timer);
    waiter.resolve(value);
  }

  reject(id: Buffer, error: Error): void {
    const key = id.toString('latin1');
    const waiter = this.waiters.get(key);
    if (!waiter) return;
    this.waiters.delete(key);
    clearTimeout(waiter.timer);
    waiter.reject(error);
  }

  rejectAll(error: Error): void {
    for (const waiter of this.waiters.values()) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
    this.waiters.clear();
  }
}

const BOOT_NONCE = `${process.pid}-${Date.now().toString(36)}`;
