import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidArgumentError, OverloadedError, UnavailableError } from '../../src/errors.js';
import { ProposalTracker } from '../../src/storage/proposal-tracker.js';

/** Records how each wait settled, by name. */
function track<T>(waits: Record<string, Promise<T>>) {
  const outcomes: Record<string, { value: T } | { error: unknown }> = {};
  for (const [name, p] of Object.entries(waits)) p.then((value) => (outcomes[name] = { value }), (error) => (outcomes[name] = { error }));
  return outcomes;
}

const settle = () => Promise.resolve().then(() => Promise.resolve());

describe('ProposalTracker', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('hands out distinct ids that name the member', () => {
    const tracker = new ProposalTracker<number>('s1', 1000, 10);
    const ids = Array.from({ length: 1000 }, () => tracker.nextId().toString('latin1'));
    expect(new Set(ids).size).toBe(1000);
    expect(ids.every((id) => id.startsWith('s1/'))).toBe(true);
    const other = new ProposalTracker<number>('s2', 1000, 10);
    expect(ids).not.toContain(other.nextId().toString('latin1'));
  });

  it('resolves the waiter of the given id only', async () => {
    vi.useFakeTimers();
    const tracker = new ProposalTracker<string>('s1', 1000, 10);
    const [a, b] = [tracker.nextId(), tracker.nextId()];
    const outcomes = track({ a: tracker.wait(a), b: tracker.wait(b) });
    expect(tracker.pending).toBe(2);

    tracker.resolve(new Uint8Array(b), 'result-b'); // any byte array with the id's bytes
    await settle();
    expect(outcomes).toEqual({ b: { value: 'result-b' } });
    expect(tracker.pending).toBe(1);

    tracker.resolve(b, 'again'); // an id already settled: ignored
    tracker.resolve(Buffer.from('unknown'), 'x');
    tracker.resolve(a, 'result-a');
    await settle();
    expect(outcomes).toEqual({ a: { value: 'result-a' }, b: { value: 'result-b' } });
    expect(tracker.pending).toBe(0);
    // Settled waiters leave no timer behind.
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects the waiter of the given id with the given error only', async () => {
    const tracker = new ProposalTracker<string>('s1', 60_000, 10);
    const [a, b] = [tracker.nextId(), tracker.nextId()];
    const outcomes = track({ a: tracker.wait(a), b: tracker.wait(b) });
    const error = new InvalidArgumentError('refused');
    tracker.reject(a, error);
    await settle();
    expect(outcomes).toEqual({ a: { error } });
    expect(tracker.pending).toBe(1);
    tracker.resolve(b, 'ok');
    await settle();
    expect(outcomes.b).toEqual({ value: 'ok' });
  });

  it('rejects a waiter with UnavailableError once the timeout passes, and forgets it', async () => {
    vi.useFakeTimers();
    const tracker = new ProposalTracker<string>('s1', 1000, 10);
    const id = tracker.nextId();
    const outcomes = track({ a: tracker.wait(id) });
    await vi.advanceTimersByTimeAsync(999);
    expect(outcomes.a).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(outcomes.a).toEqual({ error: expect.any(UnavailableError) });
    expect(tracker.pending).toBe(0);
    tracker.resolve(id, 'late'); // a late apply changes nothing
    await settle();
    expect(outcomes.a).toEqual({ error: expect.any(UnavailableError) });
  });

  it('refuses a wait beyond maxPending with OverloadedError without tracking it', async () => {
    const tracker = new ProposalTracker<string>('s1', 60_000, 2);
    const [a, b, c] = [tracker.nextId(), tracker.nextId(), tracker.nextId()];
    const outcomes = track({ a: tracker.wait(a), b: tracker.wait(b) });
    await expect(tracker.wait(c)).rejects.toBeInstanceOf(OverloadedError);
    expect(tracker.pending).toBe(2);
    tracker.resolve(a, 'ok');
    await settle();
    expect(outcomes.a).toEqual({ value: 'ok' });
    // There is room again.
    const later = tracker.wait(c);
    tracker.resolve(c, 'c');
    expect(await later).toBe('c');
    tracker.rejectAll(new UnavailableError('done'));
  });

  it('rejectAll rejects every waiter with the error and leaves none pending', async () => {
    vi.useFakeTimers();
    const tracker = new ProposalTracker<string>('s1', 1000, 10);
    const ids = [tracker.nextId(), tracker.nextId(), tracker.nextId()];
    const outcomes = track(Object.fromEntries(ids.map((id, i) => [`p${i}`, tracker.wait(id)])));
    const error = new UnavailableError('shutting down');
    tracker.rejectAll(error);
    await settle();
    expect(outcomes).toEqual({ p0: { error }, p1: { error }, p2: { error } });
    expect(tracker.pending).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('ProposalTracker.full', () => {
  it('says the window is full exactly when maxPending waiters are pending', async () => {
    const tracker = new ProposalTracker<number>('s1', 60_000, 1);
    expect(tracker.full).toBe(false);
    const id = tracker.nextId();
    const waiting = tracker.wait(id);
    expect(tracker.full).toBe(true);
    tracker.resolve(id, 7);
    await expect(waiting).resolves.toBe(7);
    expect(tracker.full).toBe(false);
  });
});
