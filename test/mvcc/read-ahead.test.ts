import { afterEach, describe, expect, it } from 'vitest';
import type { TxnRequest__Output } from '../../src/gen/quorumkv/v1/TxnRequest.js';
import { PREFETCH_MAX_REVISIONS } from '../../src/mvcc/limits.js';
import type { MvccLimits } from '../../src/mvcc/limits.js';
import type { TxnOutcome } from '../../src/mvcc/mvcc-store.js';
import { planReads } from '../../src/mvcc/read-plan.js';
import {
  addOp, applyTxns, b, cmp, delOp, openHarness, putOp, txn, valueOf, withId, withReads, type Harness,
} from './helpers.js';

// An apply call reads ahead what its transactions will look up (read-plan.ts). These tests pin the
// cases where what was read ahead is stale by the time a transaction reads it, because an earlier
// transaction of the same call wrote, recorded or expired it: the call's own state must win.

let harnesses: Harness[] = [];
afterEach(async () => {
  for (const h of harnesses) await h.cleanup();
  harnesses = [];
});

async function open(limits: Partial<MvccLimits> = {}): Promise<Harness> {
  const h = await openHarness(limits);
  harnesses.push(h);
  return h;
}

/** Applies `calls` (each a list of entries, each a list of txns) in order; returns the outcomes flat. */
async function applyCalls(h: Harness, calls: TxnRequest__Output[][][]): Promise<TxnOutcome[]> {
  const outcomes: TxnOutcome[] = [];
  for (const call of calls) {
    const entries = call.map((txns) => ({ index: h.nextIndex++, term: 1, txns }));
    outcomes.push(...(await h.store.apply(entries)).flat());
  }
  return outcomes;
}

/**
 * Applies `calls` as given to one store and one txn per call to another: both must decide every
 * txn alike and end with the same state. Returns the outcomes of the grouped store.
 */
async function expectSameAsOneByOne(calls: TxnRequest__Output[][][], limits: Partial<MvccLimits> = {}) {
  const grouped = await open(limits);
  const single = await open(limits);
  const outcomes = await applyCalls(grouped, calls);
  const reference = await applyTxns(single, ...calls.flat(2));
  expect(outcomes).toEqual(reference);
  expect(grouped.store.revision).toBe(single.store.revision);
  expect(await grouped.store.stateHash()).toBe(await single.store.stateHash());
  return { outcomes, store: grouped };
}

describe('reads ahead of an apply call', () => {
  it('a key written earlier in the call is read as written, not as read ahead', async () => {
    const { outcomes, store } = await expectSameAsOneByOne([
      [[txn([putOp('a', 'base')])]],
      [
        [txn([putOp('a', '1')]), txn([putOp('a', '2', true)], [cmp('a', 'VALUE', 'EQUAL', '1')])],
        [txn([delOp('a')]), txn([putOp('a', '3', true)]), txn([addOp('n', 2)]), txn([addOp('n', 3)])],
      ],
    ]);
    expect(outcomes[2].response.succeeded).toBe(true);
    expect(outcomes[2].response.responses[0]).toMatchObject({ responsePut: { prevKv: { value: b('1'), version: 2 } } });
    expect(outcomes[4].response.responses[0]).toMatchObject({ responsePut: { prevKv: null } });
    expect(outcomes[6].response.responses[0]).toMatchObject({ responseAdd: { value: 5 } });
    expect(await valueOf(store, 'a')).toBe('3');
  });

  it('a request id repeated within a call, and one recorded by an earlier call, are deduplicated', async () => {
    const once = (id: string, delta: number) => withId(txn([addOp('n', delta)]), id);
    const { outcomes, store } = await expectSameAsOneByOne([
      [[once('old', 1)]],
      [[once('x', 10), once('x', 10), once('old', 1)], [once('y', 5), once('x', 10)]],
    ]);
    expect(outcomes.map((outcome) => outcome.deduplicated ?? false)).toEqual([false, false, true, true, false, true]);
    expect(await valueOf(store, 'n')).toBe('16');
  });

  it('ids expire across the call boundary and within the call, as if applied one by one', async () => {
    const once = (id: string) => withId(txn([addOp('n', 1)]), id);
    // With 2 ids kept: c expires a and d expires b (both recorded by the earlier call); then the
    // retried a runs again and expires c, e expires d, and c runs again (all recorded in this call).
    const { outcomes, store } = await expectSameAsOneByOne(
      [[[once('a'), once('b')]], [[once('c'), once('d')], [once('a'), once('e'), once('e'), once('c')]]],
      { dedupeMaxIds: 2 },
    );
    expect(outcomes.map((outcome) => outcome.deduplicated ?? false)).toEqual([
      false, false, false, false, false, false, true, false,
    ]);
    expect(await valueOf(store, 'n')).toBe('7');
  });

  it('expiring the id recorded just before, in the same call, with one id kept', async () => {
    const once = (id: string) => withId(txn([addOp('n', 1)]), id);
    const { outcomes } = await expectSameAsOneByOne(
      [[[once('a')]], [[once('a'), once('b'), once('a'), once('a')]]],
      { dedupeMaxIds: 1 },
    );
    expect(outcomes.map((outcome) => outcome.deduplicated ?? false)).toEqual([false, true, false, false, true]);
  });

  it('read sets are checked against the change log read ahead, the part beyond it, and the call', async () => {
    const filler = (i: number) => txn([putOp(`f${i % 7}`, String(i))]);
    const writes = Array.from({ length: PREFETCH_MAX_REVISIONS + 40 }, (_, i) => [filler(i)]);
    // Revision 11 wrote "old"; the last revision before the checking call wrote "recent".
    const history = [
      writes.slice(0, 9),
      [[txn([putOp('old', 'x')])]],
      writes.slice(9),
      [[txn([putOp('recent', 'y')])]],
    ];
    const last = PREFETCH_MAX_REVISIONS + 43;
    const checks = [
      withReads(txn([putOp('c1', '1')]), 6, 'old', 'recent'),
      withReads(txn([putOp('c2', '1')]), last - 5, 'recent'),
      withReads(txn([putOp('c3', '1')]), last, 'c1', 'zzz'),
      withReads(txn([putOp('c4', '1')]), 10, ['o', 'p']),
      withReads(txn([putOp('c5', '1')]), last, 'c3'),
    ];
    const { outcomes, store } = await expectSameAsOneByOne([...history, [checks]]);
    expect(outcomes.slice(-checks.length).map((outcome) => outcome.conflict)).toEqual([
      { key: b('old'), revision: 11 },
      { key: b('recent'), revision: last },
      undefined,
      { key: b('old'), revision: 11 },
      { key: b('c3'), revision: last + 1 },
    ]);
    expect(store.store.revision).toBe(last + 1);
  });
});

describe('planReads', () => {
  it('plans every id, each once, the point keys of both branches and single-key compares', () => {
    const t = withReads(
      withId(txn([putOp('p', '1'), delOp('d'), addOp('n', 1)], [cmp('c', 'VERSION', 'EQUAL', 0), cmp('r', 'VERSION', 'EQUAL', 0, 's')], [putOp('f', '1')]), 'id'),
      4,
      'read',
    );
    const plan = planReads([t, withId(txn([putOp('p', '2')]), 'id'), txn([putOp('q', '1')])], 0, 10);
    expect(plan.keys.map(String)).toEqual(['c', 'p', 'n', 'f', 'q']);
    expect(plan.requestIds).toEqual(['id']);
    expect(plan.expiringSequences).toEqual([]);
    expect(plan.readSetsAfter).toBe(4);
  });

  it('plans the ids recorded before the call that recording its ids may expire', () => {
    const ids = ['a', 'b', 'c'].map((id) => withId(txn([]), id));
    expect(planReads(ids, 10, 8).expiringSequences).toEqual([3, 4, 5]);
    expect(planReads(ids, 10, 2).expiringSequences).toEqual([9, 10]);
    expect(planReads(ids, 10, 1).expiringSequences).toEqual([10]);
    expect(planReads(ids, 1, 3).expiringSequences).toEqual([1]);
    expect(planReads(ids, 10, 100).expiringSequences).toEqual([]);
    expect(planReads([txn([])], 10, 1).expiringSequences).toEqual([]);
  });
});
