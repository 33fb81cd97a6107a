import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, OverloadedError, UnavailableError } from '../../src/errors.js';
import type { TxnRequest__Output } from '../../src/gen/quorumkv/v1/TxnRequest.js';
import type { TxnResponse__Output } from '../../src/gen/quorumkv/v1/TxnResponse.js';
import { approximateBytes, GroupCommitter, type GroupCommitLimits } from '../../src/node/group-commit.js';
import { codecFor } from '../../src/proto/codec.js';
import { putOp, txnRequest, txnResponse } from './requests.js';

interface Call {
  names: string[];
  resolve(results: Array<TxnResponse__Output | Error>): void;
  reject(error: unknown): void;
}

/** An append function whose every call stays pending until the test settles it. */
function controllableAppend() {
  const calls: Call[] = [];
  let outstanding = 0;
  let maxOutstanding = 0;
  const append = (txns: TxnRequest__Output[]) =>
    new Promise<Array<TxnResponse__Output | Error>>((resolve, reject) => {
      outstanding++;
      maxOutstanding = Math.max(maxOutstanding, outstanding);
      const done = () => outstanding--;
      calls.push({
        names: txns.map(nameOf),
        resolve: (results) => (done(), resolve(results)),
        reject: (error) => (done(), reject(error)),
      });
    });
  return {
    append,
    calls,
    get outstanding() {
      return outstanding;
    },
    get maxOutstanding() {
      return maxOutstanding;
    },
  };
}

/** A transaction that puts one key; its name is the key. */
function txn(name: string, valueBytes = 1): TxnRequest__Output {
  return txnRequest({ success: [putOp(name, Buffer.alloc(valueBytes, 0x61))] });
}

function nameOf(t: TxnRequest__Output): string {
  return t.success[0].requestPut!.key.toString();
}

/** A response per transaction whose revision identifies it: revision = 100 + position in the batch. */
function responsesFor(call: Call): TxnResponse__Output[] {
  return call.names.map((_, i) => txnResponse(100 + i));
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

function limits(overrides: Partial<GroupCommitLimits>): GroupCommitLimits {
  return { maxBatchTxns: 1000, maxBatchBytes: 1 << 30, maxInFlightAppends: 1, maxQueuedTxns: 1000, ...overrides };
}

/** Records how each commit settled, by name. */
function track(promises: Record<string, Promise<TxnResponse__Output>>) {
  const outcomes: Record<string, { ok: TxnResponse__Output } | { error: unknown }> = {};
  for (const [name, p] of Object.entries(promises)) p.then((ok) => (outcomes[name] = { ok }), (error) => (outcomes[name] = { error }));
  return outcomes;
}

describe('GroupCommitter batching', () => {
  it('batches commits that arrive while an append is in flight into one append', async () => {
    const fake = controllableAppend();
    const batches: number[] = [];
    const committer = new GroupCommitter(fake.append, limits({ maxInFlightAppends: 1 }), (n) => batches.push(n));
    const first = committer.commit(txn('a'));
    expect(fake.calls.map((c) => c.names)).toEqual([['a']]);

    const rest = ['b', 'c', 'd'].map((n) => committer.commit(txn(n)));
    expect(fake.calls).toHaveLength(1);
    expect(committer.queued).toBe(3);

    fake.calls[0].resolve(responsesFor(fake.calls[0]));
    await settle();
    expect(fake.calls.map((c) => c.names)).toEqual([['a'], ['b', 'c', 'd']]);
    expect(committer.queued).toBe(0);
    expect(batches).toEqual([1, 3]);

    fake.calls[1].resolve(responsesFor(fake.calls[1]));
    expect((await first).header!.revision).toBe(100);
    // Each transaction gets the response at its own position in the batch.
    expect((await Promise.all(rest)).map((r) => r.header!.revision)).toEqual([100, 101, 102]);
  });

  it('puts at most maxBatchTxns transactions in one append', async () => {
    const fake = controllableAppend();
    const committer = new GroupCommitter(fake.append, limits({ maxBatchTxns: 2, maxInFlightAppends: 1 }));
    const all = ['a', 'b', 'c', 'd', 'e', 'f'].map((n) => committer.commit(txn(n)));
    for (let i = 0; i < 4; i++) {
      fake.calls[i].resolve(responsesFor(fake.calls[i]));
      await settle();
    }
    await Promise.all(all);
    expect(fake.calls.map((c) => c.names)).toEqual([['a'], ['b', 'c'], ['d', 'e'], ['f']]);
  });

  it('keeps each append under maxBatchBytes, but never holds back a single oversized transaction', async () => {
    const fake = controllableAppend();
    // A txn putting a 1-byte key with a 100-byte value counts 16 + 16 + 1 + 100 = 133 bytes:
    // two fit in 300 bytes, three do not.
    const committer = new GroupCommitter(fake.append, limits({ maxBatchBytes: 300, maxInFlightAppends: 1 }));
    const all = [
      committer.commit(txn('a', 100)),
      committer.commit(txn('b', 100)),
      committer.commit(txn('c', 100)),
      committer.commit(txn('d', 100)),
      committer.commit(txn('e', 100)),
      committer.commit(txn('X', 1000)),
      committer.commit(txn('f', 100)),
    ];
    for (let i = 0; fake.calls.length > i; i++) {
      fake.calls[i].resolve(responsesFor(fake.calls[i]));
      await settle();
    }
    await Promise.all(all);
    expect(fake.calls.map((c) => c.names)).toEqual([['a'], ['b', 'c'], ['d', 'e'], ['X'], ['f']]);
  });

  it('has at most maxInFlightAppends appends outstanding, and starts the next as one completes', async () => {
    const fake = controllableAppend();
    const committer = new GroupCommitter(fake.append, limits({ maxBatchTxns: 1, maxInFlightAppends: 2 }));
    const all = ['a', 'b', 'c', 'd', 'e'].map((n) => committer.commit(txn(n)));
    expect(fake.calls.map((c) => c.names)).toEqual([['a'], ['b']]);
    expect(committer.queued).toBe(3);

    fake.calls[1].resolve(responsesFor(fake.calls[1])); // the second completes first
    await settle();
    expect(fake.calls.map((c) => c.names)).toEqual([['a'], ['b'], ['c']]);
    expect(fake.outstanding).toBe(2);

    for (let i = 0; i < fake.calls.length; i++) {
      fake.calls[i].resolve(responsesFor(fake.calls[i]));
      await settle();
    }
    await Promise.all(all);
    expect(fake.calls.map((c) => c.names).flat()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(fake.maxOutstanding).toBe(2);
  });
});

describe('GroupCommitter overload', () => {
  it('refuses a commit beyond maxQueuedTxns with OverloadedError, and the refused one is never appended', async () => {
    const fake = controllableAppend();
    const batches: number[] = [];
    const committer = new GroupCommitter(fake.append, limits({ maxInFlightAppends: 1, maxQueuedTxns: 2 }), (n) => batches.push(n));
    const accepted = [committer.commit(txn('a')), committer.commit(txn('b')), committer.commit(txn('c'))];
    expect(committer.queued).toBe(2);

    await expect(committer.commit(txn('refused'))).rejects.toBeInstanceOf(OverloadedError);
    expect(committer.queued).toBe(2);
    expect(fake.calls).toHaveLength(1);

    fake.calls[0].resolve(responsesFor(fake.calls[0]));
    await settle();
    fake.calls[1].resolve(responsesFor(fake.calls[1]));
    await Promise.all(accepted);
    await settle();
    expect(fake.calls.map((c) => c.names)).toEqual([['a'], ['b', 'c']]);
    expect(batches).toEqual([1, 2]);
    expect(committer.queued).toBe(0);

    // Once the queue has drained, commits are accepted again.
    const later = committer.commit(txn('later'));
    expect(fake.calls[2].names).toEqual(['later']);
    fake.calls[2].resolve(responsesFor(fake.calls[2]));
    expect((await later).header!.revision).toBe(100);
  });
});

describe('GroupCommitter failures', () => {
  it('rejects only the transaction whose result is an Error; the rest of the batch resolves', async () => {
    const fake = controllableAppend();
    const committer = new GroupCommitter(fake.append, limits({ maxInFlightAppends: 1 }));
    const first = committer.commit(txn('first'));
    const outcomes = track({ a: committer.commit(txn('a')), b: committer.commit(txn('b')), c: committer.commit(txn('c')) });
    fake.calls[0].resolve(responsesFor(fake.calls[0]));
    await first;
    await settle();

    const refusal = new InvalidArgumentError('transaction refused, nothing applied: compacted');
    fake.calls[1].resolve([txnResponse(7), refusal, txnResponse(9)]);
    await settle();
    expect(outcomes.a).toEqual({ ok: txnResponse(7) });
    expect(outcomes.b).toEqual({ error: refusal });
    expect(outcomes.c).toEqual({ ok: txnResponse(9) });
  });

  it('rejects every transaction of a batch whose append fails, and keeps committing later ones', async () => {
    const fake = controllableAppend();
    const committer = new GroupCommitter(fake.append, limits({ maxInFlightAppends: 1 }));
    const first = committer.commit(txn('first'));
    const outcomes = track({ a: committer.commit(txn('a')), b: committer.commit(txn('b')) });
    fake.calls[0].resolve(responsesFor(fake.calls[0]));
    await first;
    await settle();

    const failure = new UnavailableError('storage leader unreachable');
    fake.calls[1].reject(failure);
    await settle();
    expect(outcomes).toEqual({ a: { error: failure }, b: { error: failure } });

    // The failed append no longer counts as in flight.
    const next = committer.commit(txn('next'));
    expect(fake.calls).toHaveLength(3);
    expect(fake.calls[2].names).toEqual(['next']);
    fake.calls[2].resolve([txnResponse(42)]);
    expect((await next).header!.revision).toBe(42);
  });

  it('rejects with UnavailableError the transactions the append returned no result for', async () => {
    const fake = controllableAppend();
    const committer = new GroupCommitter(fake.append, limits({ maxInFlightAppends: 1 }));
    const first = committer.commit(txn('first'));
    const outcomes = track({ a: committer.commit(txn('a')), b: committer.commit(txn('b')) });
    fake.calls[0].resolve(responsesFor(fake.calls[0]));
    await first;
    await settle();

    fake.calls[1].resolve([txnResponse(5)]);
    await settle();
    expect(outcomes.a).toEqual({ ok: txnResponse(5) });
    expect(outcomes.b).toEqual({ error: expect.any(UnavailableError) });
  });

  it('counts every variable-length field of a transaction, so its size estimate never falls short of its encoding', () => {
    const codec = codecFor<TxnRequest__Output, TxnRequest__Output>('quorumkv.v1.TxnRequest');
    const big = (byte: number) => Buffer.alloc(200_000, byte);
    const id = 'i'.repeat(128);
    const heavy: Record<string, TxnRequest__Output> = {
      readSet: txnRequest({ success: [putOp('k')], readRevision: 5, readSet: [{ key: big(1), rangeEnd: big(2) }] }),
      addKey: txnRequest({ success: [{ request: 'requestAdd', requestAdd: { key: big(3), delta: 1 }, requestPut: null, requestRange: null, requestDeleteRange: null }] }),
      rangeEnds: txnRequest({
        success: [{ request: 'requestDeleteRange', requestDeleteRange: { key: Buffer.from('a'), rangeEnd: big(4), prevKv: false, requestId: id }, requestPut: null, requestRange: null }],
        failure: [{ request: 'requestRange', requestRange: { key: Buffer.from('a'), rangeEnd: big(5), limit: 0, revision: 0, serializable: false, keysOnly: false, countOnly: false, minRevision: 0, maxStalenessMs: 0 }, requestPut: null, requestDeleteRange: null }],
        compare: [{ key: Buffer.from('a'), rangeEnd: big(6), target: 'VERSION', result: 'EQUAL', targetUnion: 'version', version: 1 }],
      }),
      requestIds: txnRequest({ success: [putOp('k')], requestId: id }),
    };
    for (const [name, t] of Object.entries(heavy)) {
      expect(approximateBytes(t), name).toBeGreaterThanOrEqual(codec.encode(t).length);
    }
  });
});
