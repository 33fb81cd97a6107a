import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Compare__Output } from '../../src/gen/quorumkv/v1/Compare.js';
import type { KeyRange__Output } from '../../src/gen/quorumkv/v1/KeyRange.js';
import type { RequestOp__Output } from '../../src/gen/quorumkv/v1/RequestOp.js';
import type { TxnRequest__Output } from '../../src/gen/quorumkv/v1/TxnRequest.js';
import type { MvccLimits } from '../../src/mvcc/limits.js';
import type { AppliedEntry, TxnOutcome } from '../../src/mvcc/mvcc-store.js';
import { addOp, delOp, openHarness, putOp, rangeOp, type Harness } from './helpers.js';

// Small limits, so that dedupe expiry and the edge of the conflict window happen in short logs.
const LIMITS: MvccLimits = { dedupeMaxIds: 3, conflictWindowRevisions: 5 };
const NUM_RUNS = 100;
const MAX = Number.MAX_SAFE_INTEGER;
const EMPTY = Buffer.alloc(0);
const Z = Buffer.of(0);

// Few keys, so transactions collide; integer and non-integer values, so adds both apply and fail.
const key = fc.constantFrom(...['a', 'ab', 'b', 'c', 'c\0'].map((k) => Buffer.from(k)));
const rangeEnd = fc.oneof(fc.constant(EMPTY), fc.constant(EMPTY), fc.constant(Z), key);
const value = fc.constantFrom('0', '1', '-7', '42', '9007199254740990', 'x', '');
const delta = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constantFrom(MAX, -MAX));
/** How far a range reads behind the store revision: 0 = latest, -1 = one revision in the future. */
const lag = fc.oneof(fc.constant(0), fc.constant(-1), fc.integer({ min: 1, max: 8 }));

type OpPlan = { op: RequestOp__Output } | { rangeKey: Buffer; rangeEnd: Buffer; lag: number };
const op: fc.Arbitrary<OpPlan> = fc.oneof(
  fc.record({ k: key, v: value, prev: fc.boolean() }).map(({ k, v, prev }) => ({ op: putOp(k, v, prev) })),
  fc.record({ k: key, end: rangeEnd }).map(({ k, end }) => ({ op: delOp(k, end, true) })),
  fc.record({ k: key, d: delta }).map(({ k, d }) => ({ op: addOp(k, d) })),
  fc.record({ rangeKey: key, rangeEnd, lag }),
);

const compare: fc.Arbitrary<Compare__Output> = fc
  .record({
    key,
    rangeEnd: fc.oneof(fc.constant(EMPTY), rangeEnd),
    result: fc.constantFrom('EQUAL', 'GREATER', 'LESS', 'NOT_EQUAL' as const),
    target: fc.constantFrom('VERSION', 'MOD', 'VALUE' as const),
    n: fc.integer({ min: 0, max: 6 }),
    v: value,
  })
  .map(({ key: k, rangeEnd: end, result, target, n, v }): Compare__Output => {
    const base = { key: k, rangeEnd: end, result, target };
    if (target === 'VALUE') return { ...base, targetUnion: 'value', value: Buffer.from(v) };
    return target === 'VERSION' ? { ...base, targetUnion: 'version', version: n } : { ...base, targetUnion: 'modRevision', modRevision: n };
  });

const txnPlan = fc.record({
  compare: fc.array(compare, { maxLength: 2 }),
  success: fc.array(op, { maxLength: 3 }),
  failure: fc.array(op, { maxLength: 2 }),
  requestId: fc.constantFrom('', '', '', 'r1', 'r2', 'r3', 'r4', 'r5'),
  readLag: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: -1, max: 9 })),
  readSet: fc.oneof(fc.constant<{ key: Buffer; rangeEnd: Buffer }[]>([]), fc.array(fc.record({ key, rangeEnd }), { minLength: 1, maxLength: 2 })),
  /** Resend the request recorded for this id, as a client retry does, instead of a new one. */
  retry: fc.boolean(),
});
type TxnPlan = typeof txnPlan extends fc.Arbitrary<infer T> ? T : never;

/**
 * Turns a plan into a transaction for a store at `revision`: read revisions lag it by the plan's
 * lag (-1: one revision in the future), so some are too old, a few in the future, most in between.
 */
function materialise(plan: TxnPlan, revision: number): TxnRequest__Output {
  const at = (lag: number) => Math.max(0, revision - lag);
  const ops = (list: OpPlan[]) =>
    list.map((p) => ('op' in p ? p.op : rangeOp(p.rangeKey, { rangeEnd: p.rangeEnd, revision: p.lag === 0 ? 0 : at(p.lag) })));
  const readSet: KeyRange__Output[] = plan.readSet;
  return {
    compare: plan.compare,
    success: ops(plan.success),
    failure: ops(plan.failure),
    requestId: plan.requestId,
    readRevision: at(plan.readLag),
    readSet,
  };
}

/** The log as entries of 0..3 txns (never two empty ones in a row), applied in calls of 1..5 entries; sizes cycle through `sizes`. */
async function applySplit(h: Harness, txns: TxnRequest__Output[], sizes: number[]): Promise<TxnOutcome[]> {
  const size = (i: number) => sizes[i % sizes.length];
  const entries: AppliedEntry[] = [];
  for (let i = 0, n = 0; i < txns.length; n++) {
    // Empty entries happen, but never two in a row, so the split always makes progress.
    const previousEmpty = entries.length > 0 && entries[entries.length - 1].txns.length === 0;
    const count = size(n) % 4 === 0 && previousEmpty ? 1 : size(n) % 4;
    entries.push({ index: entries.length + 1, term: 1, txns: txns.slice(i, i + count) });
    i += count;
  }
  const outcomes: TxnOutcome[] = [];
  for (let i = 0, n = 0; i < entries.length; n++) {
    const count = 1 + (size(n + 7) % 5);
    outcomes.push(...(await h.store.apply(entries.slice(i, i + count))).flat());
    i += count;
  }
  return outcomes;
}

/** Whether two transactions are the same request, their ids aside (the model of the store's digest). */
const sameRequest = (a: TxnRequest__Output, b: TxnRequest__Output) => JSON.stringify({ ...a, requestId: '' }) === JSON.stringify({ ...b, requestId: '' });

const aborted = (o: TxnOutcome) => o.rejected !== undefined || o.conflict !== undefined || o.tooOld !== undefined;

describe('properties of deciding a log', () => {
  it('two stores with different batch splits decide identically; aborts, dedupe hits and reused ids change nothing', async () => {
    const started = Date.now();
    const counts = { conflict: 0, tooOld: 0, rejected: 0, deduplicated: 0, committed: 0, reusedId: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.array(txnPlan, { minLength: 1, maxLength: 40, size: 'max' }),
        fc.array(fc.nat(11), { minLength: 1, maxLength: 8 }),
        async (plans, sizes) => {
          const batched = await openHarness(LIMITS);
          const single = await openHarness(LIMITS);
          try {
            // One txn per call, checking each outcome against the state before and after it.
            const txns: TxnRequest__Output[] = [];
            const outcomesB: TxnOutcome[] = [];
            const recordedIds: string[] = [];
            const firstOutcome = new Map<string, TxnOutcome>();
            const firstRequest = new Map<string, TxnRequest__Output>();
            for (const [i, plan] of plans.entries()) {
              const revision = single.store.revision;
              const t = (plan.retry ? firstRequest.get(plan.requestId) : undefined) ?? materialise(plan, revision);
              txns.push(t);
              const hash = await single.store.stateHash();
              const [outcome] = (await single.store.apply([{ index: i + 1, term: 1, txns: [t] }])).flat();
              outcomesB.push(outcome);
              if (aborted(outcome) || outcome.deduplicated) {
                expect(single.store.revision).toBe(revision);
                expect(await single.store.stateHash()).toBe(hash);
              }
              if (!outcome.deduplicated && !aborted(outcome)) expect(outcome.revision).toBe(single.store.revision);
              // Exactly once, with expiry after dedupeMaxIds later recordings (an independent model).
              if (t.requestId === '') {
                expect(outcome.deduplicated).toBeUndefined();
                continue;
              }
              const live = recordedIds.slice(-LIMITS.dedupeMaxIds).includes(t.requestId);
              if (live && sameRequest(t, firstRequest.get(t.requestId)!)) {
                expect(outcome.deduplicated).toBe(true);
                expect({ ...outcome, deduplicated: undefined }).toEqual(firstOutcome.get(t.requestId));
              } else if (live) {
                expect(outcome.rejected).toBe(`request id ${t.requestId} was already used for a different request`);
                counts.reusedId++;
              } else {
                expect(outcome.deduplicated).toBeUndefined();
                recordedIds.push(t.requestId);
                firstOutcome.set(t.requestId, outcome);
                firstRequest.set(t.requestId, t);
              }
            }

            // The same log, cut into entries and calls at random points.
            const outcomesA = await applySplit(batched, txns, sizes);
            expect(outcomesA).toEqual(outcomesB);
            expect(batched.store.revision).toBe(single.store.revision);
            const [hashA, hashB] = [await batched.store.hashAt(0), await single.store.hashAt(0)];
            expect(hashA).toEqual(hashB);
            const middle = Math.floor(hashA.revision / 2);
            if (middle > 0) expect((await batched.store.hashAt(middle)).hash).toBe((await single.store.hashAt(middle)).hash);
            for (const o of outcomesB) {
              if (o.deduplicated) counts.deduplicated++;
              else if (o.conflict) counts.conflict++;
              else if (o.tooOld) counts.tooOld++;
              else if (o.rejected) counts.rejected++;
              else counts.committed++;
            }
          } finally {
            await batched.cleanup();
            await single.cleanup();
          }
        },
      ),
      { numRuns: NUM_RUNS },
    );
    console.log(`decided ${JSON.stringify(counts)} in ${Date.now() - started} ms`);
    // The generators must reach every outcome, or the property says little.
    for (const [kind, n] of Object.entries(counts)) expect(n, kind).toBeGreaterThan(0);
  }, 60_000);
});
