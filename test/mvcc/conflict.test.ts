import { afterEach, describe, expect, it } from 'vitest';
import {
  addOp, applyTxns, b, compactTo, delOp, openHarness, putOp, rangeOp, txn, valueOf, withReads, type Harness,
} from './helpers.js';

let h: Harness;
afterEach(async () => {
  await h.cleanup();
});

const Z = Buffer.of(0);

/** Applies `t` and checks that it was aborted without changing revision or state. */
async function expectAborted(t: Parameters<typeof withReads>[0]) {
  const revision = h.store.revision;
  const hash = await h.store.stateHash();
  const [outcome] = await applyTxns(h, t);
  expect(outcome.response).toEqual({ header: null, succeeded: false, responses: [] });
  expect(outcome.revision).toBe(revision);
  expect(h.store.revision).toBe(revision);
  expect(await h.store.stateHash()).toBe(hash);
  return outcome;
}

describe('read sets: first committer wins', () => {
  it('a write to a read key after the read revision aborts, naming the key and the first winning revision', async () => {
    h = await openHarness();
    await applyTxns(h, txn([putOp('a', '1')]), txn([putOp('a', '2')]), txn([putOp('a', '3')]));
    const write = txn([putOp('out', 'x')]);
    expect((await expectAborted(withReads(write, 2, 'a'))).conflict).toEqual({ key: b('a'), revision: 3 });
    expect((await expectAborted(withReads(write, 3, 'a'))).conflict).toEqual({ key: b('a'), revision: 4 });
    const [ok] = await applyTxns(h, withReads(write, 4, 'a'));
    expect(ok).toMatchObject({ revision: 5, response: { succeeded: true } });
    expect(ok.conflict).toBeUndefined();
  });

  it('within one revision the lowest key is named', async () => {
    h = await openHarness();
    await applyTxns(h, txn([putOp('x', '0')]), txn([putOp('c', '1'), putOp('b', '1')]));
    const outcome = await expectAborted(withReads(txn([putOp('out', 'x')]), 2, ['a', 'd']));
    expect(outcome.conflict).toEqual({ key: b('b'), revision: 3 });
  });

  it('a range catches a key inserted into it after the read (a phantom)', async () => {
    h = await openHarness();
    await applyTxns(h, txn([putOp('k/a', '1'), putOp('k0', 'outside')]));
    await applyTxns(h, txn([putOp('k/b', 'phantom')]));
    const outcome = await expectAborted(withReads(txn([putOp('out', 'x')]), 2, ['k/', 'k0']));
    expect(outcome.conflict).toEqual({ key: b('k/b'), revision: 3 });
  });

  it('a range catches a delete, and "\\0" as range end reaches every later key', async () => {
    h = await openHarness();
    await applyTxns(h, txn([putOp('k/a', '1'), putOp('m', '1')]));
    await applyTxns(h, txn([delOp('m')]), txn([delOp('k/', 'k0')]));
    expect((await expectAborted(withReads(txn([putOp('out', 'x')]), 3, ['k/', 'k0']))).conflict).toEqual({ key: b('k/a'), revision: 4 });
    expect((await expectAborted(withReads(txn([putOp('out', 'x')]), 2, ['l', Z]))).conflict).toEqual({ key: b('m'), revision: 3 });
    expect((await expectAborted(withReads(txn([putOp('out', 'x')]), 2, [Z, Z]))).conflict).toEqual({ key: b('m'), revision: 3 });
    const [ok] = await applyTxns(h, withReads(txn([putOp('out', 'x')]), 2, ['n', Z]));
    expect(ok.revision).toBe(5);
  });

  it('a write by an earlier transaction of the same apply call conflicts', async () => {
    h = await openHarness();
    await applyTxns(h, txn([putOp('a', '0')]));
    const outcomes = (
      await h.store.apply([
        { index: h.nextIndex++, term: 1, txns: [txn([putOp('a', '1')])] },
        { index: h.nextIndex++, term: 1, txns: [txn([addOp('c', 1)]), withReads(txn([putOp('b', 'x')]), 2, 'a')] },
      ])
    ).flat();
    expect(outcomes.map((o) => o.revision)).toEqual([3, 4, 4]);
    expect(outcomes[2].conflict).toEqual({ key: b('a'), revision: 3 });
    expect(await valueOf(h, 'b')).toBeNull();
  });

  it('writes before the read revision and writes outside the read set do not conflict', async () => {
    h = await openHarness();
    await applyTxns(h, txn([putOp('a', '1'), putOp('k/a', '1')]), txn([putOp('a', '2')]));
    await applyTxns(h, txn([putOp('k0', 'x'), putOp('k.', 'x'), putOp('ab', 'x'), delOp('k/missing')]));
    const [outcome] = await applyTxns(h, withReads(txn([putOp('out', 'x')]), 3, 'a', ['k/', 'k0']));
    expect(outcome).toMatchObject({ revision: 5, response: { succeeded: true } });
    expect(outcome.conflict).toBeUndefined();
  });

  it('adds conflict with read sets like any write', async () => {
    h = await openHarness();
    await applyTxns(h, txn([addOp('n', 1)]), txn([addOp('n', 1)]));
    expect((await expectAborted(withReads(txn([putOp('out', 'x')]), 2, 'n'))).conflict).toEqual({ key: b('n'), revision: 3 });
  });

  it('an aborted transaction applies nothing, its compares and ranges included', async () => {
    h = await openHarness();
    await applyTxns(h, txn([putOp('a', '1')]), txn([putOp('a', '2')]));
    const t = withReads(txn([putOp('b', 'x'), addOp('n', 5), delOp('a'), rangeOp('a')], [], [putOp('f', 'y')]), 2, 'a');
    await expectAborted(t);
    expect(await valueOf(h, 'a')).toBe('2');
  });

  it('refuses read revisions older than the conflict window as too old', async () => {
    h = await openHarness({ conflictWindowRevisions: 3 });
    for (let i = 1; i <= 5; i++) await applyTxns(h, txn([putOp('w', String(i))]));
    const outcome = await expectAborted(withReads(txn([putOp('out', 'x')]), 2, 'a'));
    expect(outcome.tooOld).toEqual({ readRevision: 2, oldestRevision: 3 });
    expect(outcome.conflict).toBeUndefined();
    const [ok] = await applyTxns(h, withReads(txn([putOp('out', 'x')]), 3, 'a'));
    expect(ok).toMatchObject({ revision: 7, response: { succeeded: true } });
  });

  it('compaction keeps the change log of the window, and the check still sees it', async () => {
    h = await openHarness({ conflictWindowRevisions: 3 });
    for (let i = 1; i <= 6; i++) await applyTxns(h, txn([putOp(`k${i}`, String(i))]));
    await compactTo(h, 7);
    expect(await h.store.changesAt(4)).toEqual([]);
    expect(await h.store.changesAt(5)).toHaveLength(1);
    const outcome = await expectAborted(withReads(txn([putOp('out', 'x')]), 4, 'k4'));
    expect(outcome.conflict).toEqual({ key: b('k4'), revision: 5 });
    expect((await expectAborted(withReads(txn([putOp('out', 'x')]), 3, 'k4'))).tooOld).toEqual({ readRevision: 3, oldestRevision: 4 });
  });

  it('rejects a read revision in the future, or a negative one', async () => {
    h = await openHarness();
    await applyTxns(h, txn([putOp('a', '1')]));
    expect((await expectAborted(withReads(txn([putOp('out', 'x')]), 3, 'a'))).rejected).toMatch(/read set at revision 3 is in the future.*store at 2/);
    expect((await expectAborted(withReads(txn([putOp('out', 'x')]), -1, 'a'))).rejected).toMatch(/read revision -1/);
  });

  it('without a read set, the read revision is not checked (blind writes, last writer wins)', async () => {
    h = await openHarness({ conflictWindowRevisions: 1 });
    await applyTxns(h, txn([putOp('a', '1')]), txn([putOp('a', '2')]), txn([putOp('a', '3')]));
    const [outcome] = await applyTxns(h, { ...txn([putOp('a', '4')]), readRevision: 99 });
    expect(outcome.revision).toBe(5);
  });
});
