import { afterEach, describe, expect, it, vi } from 'vitest';
import { OverloadedError, UnavailableError } from '../../src/errors.js';
import type { ReadIndexResult } from '../../src/consensus/raft.js';
import { ReadIndexBatcher, type ReadIndexSource } from '../../src/storage/read-index-batcher.js';

/** A source that records every round it is asked for and accepts while `accept` is true. */
function fakeSource() {
  const rounds: Buffer[] = [];
  const source: ReadIndexSource & { rounds: Buffer[]; accept: boolean; refusal: 'no-leader' | 'overloaded' } = {
    rounds,
    accept: true,
    refusal: 'no-leader',
    requestReadIndex(context): ReadIndexResult {
      rounds.push(Buffer.from(context));
      return this.accept ? { ok: true } : { ok: false, reason: this.refusal };
    },
  };
  return source;
}

/** Records how each read settled, by name. */
function track(reads: Record<string, Promise<number>>) {
  const outcomes: Record<string, { index: number } | { error: unknown }> = {};
  for (const [name, p] of Object.entries(reads)) p.then((index) => (outcomes[name] = { index }), (error) => (outcomes[name] = { error }));
  return outcomes;
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('ReadIndexBatcher', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('answers every read of one round with that round\'s index', async () => {
    const source = fakeSource();
    const batcher = new ReadIndexBatcher(source, 10_000, 100);
    const first = batcher.readIndex();
    expect(source.rounds).toHaveLength(1);
    batcher.onReadState(source.rounds[0], 10);
    expect(await first).toBe(10);

    // Reads waiting behind a round in flight share the next round: one request answers all.
    const inFlight = batcher.readIndex();
    const waiting = [batcher.readIndex(), batcher.readIndex(), batcher.readIndex()];
    expect(source.rounds).toHaveLength(2);
    batcher.onReadState(source.rounds[1], 11);
    expect(await inFlight).toBe(11);
    expect(source.rounds).toHaveLength(3);
    batcher.onReadState(source.rounds[2], 12);
    expect(await Promise.all(waiting)).toEqual([12, 12, 12]);
    expect(source.rounds).toHaveLength(3);
  });

  it('never lets a read join a round that started before it arrived', async () => {
    const source = fakeSource();
    const batcher = new ReadIndexBatcher(source, 10_000, 100);
    const early = batcher.readIndex();
    expect(source.rounds).toHaveLength(1); // `early` started round 1
    const outcomes = track({ early, late: batcher.readIndex() });
    const late = () => outcomes.late;

    batcher.onReadState(source.rounds[0], 5);
    await settle();
    expect(outcomes.early).toEqual({ index: 5 });
    expect(late()).toBeUndefined(); // still waiting: round 1 may predate its write
    expect(source.rounds).toHaveLength(2);
    expect(source.rounds[1].equals(source.rounds[0])).toBe(false);

    batcher.onReadState(source.rounds[1], 6);
    await settle();
    expect(late()).toEqual({ index: 6 });
  });

  it('ignores a read state for a round that is not in flight', async () => {
    const source = fakeSource();
    const batcher = new ReadIndexBatcher(source, 10_000, 100);
    const first = batcher.readIndex();
    batcher.onReadState(source.rounds[0], 1);
    await first;
    const outcomes = track({ second: batcher.readIndex() });
    batcher.onReadState(source.rounds[0], 999); // a duplicate answer to the finished round
    batcher.onReadState(Buffer.from('unrelated'), 999);
    await settle();
    expect(outcomes.second).toBeUndefined();
    batcher.onReadState(source.rounds[1], 2);
    await settle();
    expect(outcomes.second).toEqual({ index: 2 });
  });

  it('abortRound rejects the reads of the round in flight with UnavailableError and starts the next round', async () => {
    const source = fakeSource();
    const batcher = new ReadIndexBatcher(source, 10_000, 100);
    const outcomes = track({ a: batcher.readIndex(), b: batcher.readIndex() });
    // `a` is in round 1; `b` waits for round 2.
    batcher.abortRound('leader changed');
    await settle();
    expect(outcomes.a).toEqual({ error: expect.any(UnavailableError) });
    expect((outcomes.a as { error: Error }).error.message).toBe('leader changed');
    expect(outcomes.b).toBeUndefined();
    expect(source.rounds).toHaveLength(2);

    // An answer to the aborted round no longer counts.
    batcher.onReadState(source.rounds[0], 3);
    await settle();
    expect(outcomes.b).toBeUndefined();
    batcher.onReadState(source.rounds[1], 4);
    await settle();
    expect(outcomes.b).toEqual({ index: 4 });
  });

  it('abortRound with no round in flight does nothing', async () => {
    const source = fakeSource();
    const batcher = new ReadIndexBatcher(source, 10_000, 100);
    batcher.abortRound('nothing to abort');
    expect(source.rounds).toHaveLength(0);
    const read = batcher.readIndex();
    batcher.onReadState(source.rounds[0], 8);
    expect(await read).toBe(8);
  });

  it('rejects with UnavailableError when the source cannot start a round, and recovers when it can', async () => {
    const source = fakeSource();
    source.accept = false;
    const batcher = new ReadIndexBatcher(source, 10_000, 100);
    await expect(batcher.readIndex()).rejects.toBeInstanceOf(UnavailableError);

    source.accept = true;
    const read = batcher.readIndex();
    expect(source.rounds).toHaveLength(2);
    batcher.onReadState(source.rounds[1], 21);
    expect(await read).toBe(21);
  });

  it('rejects the reads waiting for the next round when the source refuses it', async () => {
    const source = fakeSource();
    const batcher = new ReadIndexBatcher(source, 10_000, 100);
    const outcomes = track({ a: batcher.readIndex(), b: batcher.readIndex() });
    source.accept = false;
    batcher.onReadState(source.rounds[0], 1);
    await settle();
    expect(outcomes.a).toEqual({ index: 1 });
    expect(outcomes.b).toEqual({ error: expect.any(UnavailableError) });
  });

  it('refuses a read with OverloadedError when maxWaiting reads are already waiting', async () => {
    const source = fakeSource();
    const batcher = new ReadIndexBatcher(source, 10_000, 2);
    const inFlight = batcher.readIndex(); // in flight, not waiting
    const waiting = [batcher.readIndex(), batcher.readIndex()];
    await expect(batcher.readIndex()).rejects.toBeInstanceOf(OverloadedError);
    expect(source.rounds).toHaveLength(1);

    batcher.onReadState(source.rounds[0], 1);
    expect(await inFlight).toBe(1);
    // The refused read did not join the next round, and there is room again.
    const again = batcher.readIndex();
    batcher.onReadState(source.rounds[1], 2);
    expect(await Promise.all(waiting)).toEqual([2, 2]);
    batcher.onReadState(source.rounds[2], 3);
    expect(await again).toBe(3);
  });

  it('fails a round not confirmed within the timeout with UnavailableError and moves on', async () => {
    vi.useFakeTimers();
    const source = fakeSource();
    const batcher = new ReadIndexBatcher(source, 500, 100);
    const outcomes = track({ a: batcher.readIndex(), b: batcher.readIndex() });

    await vi.advanceTimersByTimeAsync(499);
    expect(outcomes.a).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(outcomes.a).toEqual({ error: expect.any(UnavailableError) });
    expect(outcomes.b).toBeUndefined();
    expect(source.rounds).toHaveLength(2);

    // The next round has its own full timeout, and an answer in time resolves it.
    await vi.advanceTimersByTimeAsync(499);
    batcher.onReadState(source.rounds[1], 30);
    await vi.advanceTimersByTimeAsync(1000);
    expect(outcomes.b).toEqual({ index: 30 });
  });

  it('an answered round does not time out later', async () => {
    vi.useFakeTimers();
    const source = fakeSource();
    const batcher = new ReadIndexBatcher(source, 500, 100);
    const read = batcher.readIndex();
    batcher.onReadState(source.rounds[0], 1);
    expect(await read).toBe(1);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('failAll rejects the round in flight as unavailable', async () => {
    const source = fakeSource();
    const batcher = new ReadIndexBatcher(source, 10_000, 100);
    const outcomes = track({ a: batcher.readIndex() });
    batcher.failAll(new UnavailableError('shutting down'));
    await settle();
    expect(outcomes.a).toEqual({ error: expect.any(UnavailableError) });
    expect((outcomes.a as { error: Error }).error.message).toBe('shutting down');
  });

  it('hears a source that confirms the round within the request (a single-voter leader)', async () => {
    let batcher: ReadIndexBatcher | undefined;
    const synchronous: ReadIndexSource = {
      requestReadIndex(context) {
        batcher!.onReadState(context, 7);
        return { ok: true };
      },
    };
    batcher = new ReadIndexBatcher(synchronous, 50, 100);
    expect(await batcher.readIndex()).toBe(7);
    expect(await batcher.readIndex()).toBe(7);
  });

  it('reports a full read queue on the leader as overloaded, not as a missing leader', async () => {
    const source = fakeSource();
    source.accept = false;
    source.refusal = 'overloaded';
    const batcher = new ReadIndexBatcher(source, 10_000, 100);
    await expect(batcher.readIndex()).rejects.toBeInstanceOf(OverloadedError);
    // A follower hears the leader's refusal of a forwarded round as an overloaded read state.
    source.accept = true;
    const outcomes = track({ forwarded: batcher.readIndex() });
    batcher.onReadState(source.rounds[1], 0, true);
    await settle();
    expect(outcomes.forwarded).toEqual({ error: expect.any(OverloadedError) });
    expect((outcomes.forwarded as { error: Error }).error.message).toMatch(/too many linearizable reads/);
  });

  it('gives every batcher its own round contexts, so a restarted member never takes an old answer', () => {
    const [first, second] = [fakeSource(), fakeSource()];
    const batchers = [new ReadIndexBatcher(first, 10_000, 100), new ReadIndexBatcher(second, 10_000, 100)];
    for (const batcher of batchers) batcher.readIndex().catch(() => undefined);
    expect(first.rounds[0].toString()).toMatch(/^[\w-]{8}\.r1$/);
    expect(first.rounds[0]).not.toEqual(second.rounds[0]);
    // An answer to the other batcher's round is not this one's.
    batchers[0].onReadState(second.rounds[0], 5);
    for (const batcher of batchers) batcher.failAll(new UnavailableError('done'));
  });
});
