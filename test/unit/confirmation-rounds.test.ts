import { describe, expect, it } from 'vitest';
import { ConfirmationRounds } from '../../src/node/confirmation-rounds.js';

/** A confirm function whose rounds the test answers one by one. */
function controlled() {
  const rounds: { resolve(revision: number): void; reject(error: Error): void }[] = [];
  const confirm = () => new Promise<number>((resolve, reject) => rounds.push({ resolve, reject }));
  return { rounds, confirm };
}

describe('ConfirmationRounds', () => {
  it('answers the reads that arrived before a round with that round, and later ones with the next', async () => {
    const { rounds, confirm } = controlled();
    const batcher = new ConfirmationRounds(confirm, 100);
    const first = batcher.next()!;
    expect(rounds).toHaveLength(1);
    // Arrives while round 1 is in flight: round 1 may predate its write, so it waits for round 2.
    const second = batcher.next()!;
    const third = batcher.next()!;
    expect(rounds).toHaveLength(1);
    rounds[0]!.resolve(10);
    expect(await first).toBe(10);
    await Promise.resolve();
    expect(rounds).toHaveLength(2);
    rounds[1]!.resolve(12);
    expect(await Promise.all([second, third])).toEqual([12, 12]);
  });

  it('fails every read of a failed round, then starts the next round for the ones waiting', async () => {
    const { rounds, confirm } = controlled();
    const batcher = new ConfirmationRounds(confirm, 100);
    const first = batcher.next()!;
    const second = batcher.next()!;
    rounds[0]!.reject(new Error('no leader'));
    await expect(first).rejects.toThrow('no leader');
    await new Promise((resolve) => setImmediate(resolve));
    rounds[1]!.resolve(3);
    expect(await second).toBe(3);
  });

  it('refuses a read past its bound of waiting reads', () => {
    const { confirm } = controlled();
    const batcher = new ConfirmationRounds(confirm, 2);
    batcher.next();
    batcher.next();
    batcher.next();
    expect(batcher.next()).toBeUndefined();
  });
});
