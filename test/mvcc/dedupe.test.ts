import { afterEach, describe, expect, it } from 'vitest';
import type { AppliedEntry } from '../../src/mvcc/mvcc-store.js';
import type { TxnOutcome, TxnOutcome__Output } from '../../src/gen/quorumkv/internal/v1/TxnOutcome.js';
import { codecFor } from '../../src/proto/codec.js';
import {
  addOp, applyTxns, b, cmp, delOp, openHarness, putOp, txn, valueOf, withId, withReads, type Harness,
} from './helpers.js';

let h: Harness;
afterEach(async () => {
  await h.cleanup();
});

const withoutFlag = <T extends { deduplicated?: boolean }>(outcome: T) => ({ ...outcome, deduplicated: undefined });

describe('exactly once by request id', () => {
  it('a retry in a later call returns the first outcome and applies nothing', async () => {
    h = await openHarness();
    const [first] = await applyTxns(h, withId(txn([putOp('k', '1', true)]), 'r1'));
    expect(first).toMatchObject({ revision: 2 });
    expect(first.deduplicated).toBeUndefined();
    const hash = await h.store.stateHash();
    const [retry] = await applyTxns(h, withId(txn([putOp('k', '1', true)]), 'r1'));
    expect(retry.deduplicated).toBe(true);
    expect(withoutFlag(retry)).toEqual(withoutFlag(first));
    expect(await valueOf(h, 'k')).toBe('1');
    expect(h.store.revision).toBe(2);
    expect(await h.store.stateHash()).toBe(hash);
  });

  it('a retry later in the same call, even in the same entry, is deduplicated', async () => {
    h = await openHarness();
    const entries: AppliedEntry[] = [
      { index: 1, term: 1, txns: [withId(txn([addOp('n', 5)]), 'x'), withId(txn([addOp('n', 5)]), 'x')] },
      { index: 2, term: 1, txns: [withId(txn([addOp('n', 5)]), 'x'), txn([addOp('n', 1)])] },
    ];
    const [[a, b], [c, d]] = await h.store.apply(entries);
    expect(a).toEqual({ response: { header: null, succeeded: true, responses: [{ response: 'responseAdd', responseAdd: { header: null, value: 5 } }] }, revision: 2 });
    for (const retry of [b, c]) {
      expect(retry.deduplicated).toBe(true);
      expect(withoutFlag(retry)).toEqual(withoutFlag(a));
    }
    expect(d.revision).toBe(3);
    expect(await valueOf(h, 'n')).toBe('6');
  });

  it('survives close and reopen', async () => {
    h = await openHarness();
    const [first] = await applyTxns(h, withId(txn([putOp('k', '1')]), 'persisted'));
    await h.reopen();
    const [retry] = await applyTxns(h, withId(txn([putOp('k', '1')]), 'persisted'));
    expect(retry).toMatchObject({ deduplicated: true, revision: first.revision });
    const [reused] = await applyTxns(h, withId(txn([putOp('k', '2')]), 'persisted'));
    expect(reused.rejected).toBe('request id persisted was already used for a different request');
    expect(await valueOf(h, 'k')).toBe('1');
  });

  it('an empty request id is never deduplicated', async () => {
    h = await openHarness();
    await applyTxns(h, txn([addOp('n', 1)]), txn([addOp('n', 1)]));
    expect(await valueOf(h, 'n')).toBe('2');
  });

  it('the outcome recorded then carries the revision of then, not the current one', async () => {
    h = await openHarness();
    await applyTxns(h, withId(txn([putOp('k', 'v')]), 'old'), txn([putOp('z', '1')]), txn([putOp('z', '2')]));
    const [retry] = await applyTxns(h, withId(txn([putOp('k', 'v')]), 'old'));
    expect(retry).toMatchObject({ deduplicated: true, revision: 2 });
    expect(h.store.revision).toBe(4);
  });

  it('an aborted transaction retried with the same id returns the recorded abort', async () => {
    h = await openHarness();
    await applyTxns(h, txn([putOp('a', '1')]), txn([putOp('a', '2')])); // a written at 2 and 3
    const doomed = withId(withReads(txn([putOp('b', 'x')]), 2, 'a'), 'retry-me');
    const [aborted] = await applyTxns(h, doomed);
    expect(aborted.conflict).toEqual({ key: Buffer.from('a'), revision: 3 });
    const [retry] = await applyTxns(h, doomed);
    expect(retry).toMatchObject({ deduplicated: true, conflict: { key: Buffer.from('a'), revision: 3 }, revision: 3 });
    expect(await valueOf(h, 'b')).toBeNull();

    await applyTxns(h, txn([putOp('n', 'not a number')]));
    // Even a retry that would now pass gets the recorded rejection.
    const [rejected] = await applyTxns(h, withId(txn([addOp('n', 1)]), 'bad-add'));
    expect(rejected.rejected).toMatch(/"n"/);
    await applyTxns(h, txn([putOp('n', '1')]));
    const [again] = await applyTxns(h, withId(txn([addOp('n', 1)]), 'bad-add'));
    expect(again).toMatchObject({ deduplicated: true, rejected: rejected.rejected });
    expect(await valueOf(h, 'n')).toBe('1');
  });

  it('keeps at most dedupeMaxIds ids: recording number n forgets number n - max', async () => {
    h = await openHarness({ dedupeMaxIds: 3 });
    const add = (id: string) => withId(txn([addOp('n', 1)]), id);
    await applyTxns(h, add('a'), add('b'), add('c'));
    expect((await applyTxns(h, add('a')))[0].deduplicated).toBe(true); // a hit records nothing
    await applyTxns(h, add('d')); // #4 forgets #1 (a)
    const [a] = await applyTxns(h, add('a')); // applied again, as #5, which forgets #2 (b)
    expect(a.deduplicated).toBeUndefined();
    expect(await valueOf(h, 'n')).toBe('5');
    expect((await applyTxns(h, add('c')))[0].deduplicated).toBe(true);
    expect((await applyTxns(h, add('b')))[0].deduplicated).toBeUndefined(); // #6 forgets #3 (c)
    expect(await valueOf(h, 'n')).toBe('6');
    let kept = 0;
    for await (const _ of h.db.sublevel('ddid', { keyEncoding: 'buffer', valueEncoding: 'buffer' }).keys()) kept += 1;
    expect(kept).toBe(3);
  });

  it('expiry inside one call decides as it does across calls', async () => {
    const ids = ['a', 'b', 'a', 'c', 'd', 'a', 'b', 'e', 'b'];
    const log = ids.map((id) => withId(txn([addOp('n', 1)]), id));
    h = await openHarness({ dedupeMaxIds: 2 });
    const oneCall = (await h.store.apply(log.map((t, i) => ({ index: i + 1, term: 1, txns: [t] })))).flat();
    const hash = await h.store.stateHash();
    await h.cleanup();
    h = await openHarness({ dedupeMaxIds: 2 });
    const separate = await applyTxns(h, ...log);
    expect(oneCall).toEqual(separate);
    expect(await h.store.stateHash()).toBe(hash);
    // a #1, b #2, a (hit), c #3 forgets a, d #4 forgets b, a #5 forgets c, b #6 forgets d,
    // e #7 forgets a, b (hit: #6 is still kept).
    expect(separate.map((o) => o.deduplicated === true)).toEqual([false, false, true, false, false, false, false, false, true]);
  });

  describe('a reused id with a different request', () => {
    const reusedProblem = 'request id R was already used for a different request';

    it('is refused, whatever the request, and changes nothing', async () => {
      h = await openHarness();
      const [first] = await applyTxns(h, withId(txn([putOp('k', 'v1')]), 'R'));
      const hash = await h.store.stateHash();
      const others = [
        withId(txn([putOp('k', 'v2')]), 'R'),
        withId(txn([putOp('k', 'v1')], [cmp('k', 'VERSION', 'EQUAL', 1)]), 'R'),
        withId(txn([delOp('k')]), 'R'),
        withId(withReads(txn([putOp('k', 'v1')]), 2, 'k'), 'R'),
      ];
      for (const outcome of await applyTxns(h, ...others)) {
        expect(outcome).toEqual({ response: { header: null, succeeded: false, responses: [] }, revision: 2, rejected: reusedProblem });
      }
      expect(h.store.revision).toBe(2);
      expect(await h.store.stateHash()).toBe(hash);
      // The record is untouched: the original request still gets its own outcome.
      const [retry] = await applyTxns(h, withId(txn([putOp('k', 'v1')]), 'R'));
      expect(withoutFlag(retry)).toEqual(withoutFlag(first));
      expect(retry.deduplicated).toBe(true);
    });

    it('is refused later in the same call too, and records nothing', async () => {
      h = await openHarness({ dedupeMaxIds: 2 });
      const [[a, reused, c]] = await h.store.apply([
        { index: 1, term: 1, txns: [withId(txn([addOp('n', 1)]), 'R'), withId(txn([addOp('n', 2)]), 'R'), withId(txn([addOp('n', 4)]), 'S')] },
      ]);
      expect(a.revision).toBe(2);
      expect(reused.rejected).toBe(reusedProblem);
      expect(c.revision).toBe(3);
      expect(await valueOf(h, 'n')).toBe('5');
      h.nextIndex = 2;
      // Only R and S were numbered: with room for two ids, R is still recorded.
      const [retry] = await applyTxns(h, withId(txn([addOp('n', 1)]), 'R'));
      expect(retry.deduplicated).toBe(true);
    });

    it('a record kept without a digest (an older store) answers any request with its outcome', async () => {
      h = await openHarness();
      const [first] = await applyTxns(h, withId(txn([putOp('k', 'v1')]), 'old'));
      const ids = h.db.sublevel<Buffer, Buffer>('ddid', { keyEncoding: 'buffer', valueEncoding: 'buffer' });
      const record = (await ids.get(b('old')))!;
      const outcomes = codecFor<TxnOutcome, TxnOutcome__Output>('quorumkv.internal.v1.TxnOutcome');
      const withoutDigest = { ...outcomes.decode(record.subarray(8)), requestDigest: Buffer.alloc(0) };
      await ids.put(b('old'), Buffer.concat([record.subarray(0, 8), outcomes.encode(withoutDigest)]));
      await h.reopen();
      const [retry] = await applyTxns(h, withId(txn([putOp('k', 'v2')]), 'old'));
      expect(retry).toMatchObject({ deduplicated: true, revision: first.revision });
      expect(await valueOf(h, 'k')).toBe('v1');
    });
  });
});
