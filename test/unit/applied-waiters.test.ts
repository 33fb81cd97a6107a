import { afterEach, describe, expect, it, vi } from 'vitest';
import { OverloadedError, UnavailableError } from '../../src/errors.js';
import { AppliedWaiters } from '../../src/storage/applied-waiters.js';

describe('AppliedWaiters', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('answers a read once the applied index reaches its read index, at once if it already has', async () => {
    const waiters = new AppliedWaiters(1_000, 10);
    await waiters.wait(5, 5);
    let done = false;
    const waiting = waiters.wait(7, 5).then(() => (done = true));
    waiters.release(6);
    await Promise.resolve();
    expect(done).toBe(false);
    waiters.release(7);
    await waiting;
    expect(waiters.size).toBe(0);
  });

  it('gives up after its timeout with UNAVAILABLE instead of waiting for a write that may never come', async () => {
    vi.useFakeTimers();
    const waiters = new AppliedWaiters(3_000, 10);
    const waiting = waiters.wait(9, 4);
    const outcome = waiting.then(() => 'applied', (error: unknown) => error);
    vi.advanceTimersByTime(2_999);
    expect(waiters.size).toBe(1);
    vi.advanceTimersByTime(1);
    const error = await outcome;
    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as Error).message).toMatch(/did not apply index 9 within 3000 ms/);
    expect(waiters.size).toBe(0);
  });

  it('is bounded, and fails every waiter at shutdown', async () => {
    const waiters = new AppliedWaiters(60_000, 2);
    const outcomes = [waiters.wait(2, 1), waiters.wait(3, 1)].map((p) => p.then(() => 'applied', (error: unknown) => error));
    await expect(waiters.wait(4, 1)).rejects.toBeInstanceOf(OverloadedError);
    const stop = new UnavailableError('shutting down');
    waiters.failAll(stop);
    expect(await Promise.all(outcomes)).toEqual([stop, stop]);
  });
});
