import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RequestOp__Output } from '../../src/gen/quorumkv/v1/RequestOp.js';
import { decodeHistoryKey, decodeRevision, REVISION_BYTES } from '../../src/mvcc/key-encoding.js';
import { decodeHistoryRecord } from '../../src/mvcc/kv-encoding.js';
import { addOp, delOp, openHarness, putOp, rangeOp, rangeReq, txn, type Harness } from './helpers.js';

// History compaction against a store that never compacts: every read it still allows answers the
// same, and what it keeps is exactly what those reads can reach — whatever the interleaving of
// compactions (to any revision, running while the log is applied) and writes.

const Z = Buffer.of(0);
const BUFFERS = { keyEncoding: 'buffer', valueEncoding: 'buffer' } as const;
const key = fc.constantFrom('a', 'b', 'bc', 'c');
const op: fc.Arbitrary<RequestOp__Output> = fc.oneof(
  fc.record({ k: key, v: fc.constantFrom('1', '2', 'x') }).map(({ k, v }) => putOp(k, v)),
  fc.record({ k: key, v: fc.constantFrom('1', '2', 'x') }).map(({ k, v }) => putOp(k, v)),
  fc.record({ k: key, end: fc.constantFrom('', 'c', '\0') }).map(({ k, end }) => delOp(k, end)),
  fc.record({ k: key, d: fc.integer({ min: -3, max: 3 }) }).map(({ k, d }) => addOp(k, d)),
);
/** A step: a transaction of 1..3 ops, sometimes with a compaction to a fraction of the way to the current revision. */
const step = fc.record({ ops: fc.array(op, { minLength: 1, maxLength: 3 }), compactTo: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { freq: 3 }) });

async function* entriesOf(h: Harness, sublevel: string): AsyncGenerator<[Buffer, Buffer]> {
  yield* h.db.sublevel<Buffer, Buffer>(sublevel, BUFFERS).iterator();
}

/** The history records a store that never compacted keeps, reduced to those reads at or above `compactRevision` reach. */
async function reachableHistory(plain: Harness, compactRevision: number): Promise<string[]> {
  const byKey = new Map<string, { revision: number; deleted: boolean }[]>();
  for await (const [encoded, record] of entriesOf(plain, 'hist')) {
    const { key: k, revision } = decodeHistoryKey(encoded);
    const list = byKey.get(k.toString()) ?? [];
    list.push({ revision, deleted: decodeHistoryRecord(k, record) === null });
    byKey.set(k.toString(), list);
  }
  const kept: string[] = [];
  for (const [k, records] of byKey) {
    const atOrBelow = records.filter((r) => r.revision <= compactRevision).at(-1);
    if (atOrBelow && !atOrBelow.deleted) kept.push(`${k}@${atOrBelow.revision}`);
    for (const r of records) if (r.revision > compactRevision) kept.push(`${k}@${r.revision}`);
  }
  return kept.sort();
}

async function historyOf(h: Harness): Promise<string[]> {
  const kept: string[] = [];
  for await (const [encoded] of entriesOf(h, 'hist')) {
    const { key: k, revision } = decodeHistoryKey(encoded);
    kept.push(`${k.toString()}@${revision}`);
  }
  return kept.sort();
}

describe('history compaction', () => {
  it('keeps every read at or above the compact revision and exactly the records those reads reach', async () => {
    let compactions = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 30 }), async (steps) => {
        const plain = await openHarness();
        const compacted = await openHarness();
        try {
          let running: Promise<void> = Promise.resolve();
          let index = 0;
          for (const { ops, compactTo } of steps) {
            if (compactTo !== null) {
              const target = Math.max(1, Math.floor(compacted.store.revision * compactTo));
              // The never-compacting store applies an empty entry at the same log index.
              index += 1;
              await plain.store.apply([{ index, term: 1, txns: [] }]);
              await compacted.store.apply([{ index, term: 1, txns: [], compactRevision: target }]);
              // Not awaited: the next applies take turns with its batches.
              running = running.then(() => compacted.store.purgeCompacted());
              compactions += 1;
            }
            index += 1;
            const entry = { index, term: 1, txns: [txn(ops)] };
            await plain.store.apply([entry]);
            await compacted.store.apply([entry]);
          }
          await running;
          // One more purge: it only finishes what is left.
          await compacted.store.purgeCompacted();
          const floor = compacted.store.compactRevision;
          expect(compacted.store.revision).toBe(plain.store.revision);
          for (let revision = Math.max(1, floor); revision <= plain.store.revision; revision++) {
            const read = (h: Harness) => h.store.range(rangeReq(Z, { rangeEnd: Z, revision }));
            expect(await read(compacted), `revision ${revision}`).toEqual(await read(plain));
            expect((await compacted.store.hashAt(revision)).hash).toBe((await plain.store.hashAt(revision)).hash);
          }
          expect(await historyOf(compacted)).toEqual(await reachableHistory(plain, floor));
          for await (const [listed] of entriesOf(compacted, 'sup')) {
            expect(decodeRevision(listed.subarray(0, REVISION_BYTES))).toBeGreaterThan(floor);
          }
        } finally {
          await plain.cleanup();
          await compacted.cleanup();
        }
      }),
      { numRuns: 60 },
    );
    expect(compactions).toBeGreaterThan(0);
  }, 60_000);

  it('deletes in bounded batches that take turns with applies', async () => {
    const h = await openHarness();
    try {
      // 3,000 overwrites of one key: 2,999 superseded records, three batches' worth.
      for (let i = 0; i < 3_000; i += 100) {
        await h.store.apply(Array.from({ length: 100 }, (_, j) => ({ index: i + j + 1, term: 1, txns: [txn([putOp('k', String(i + j))])] })));
      }
      await h.store.apply([{ index: 3_001, term: 1, txns: [], compactRevision: 3_001 }]);
      const compaction = h.store.purgeCompacted();
      // Queued behind the compaction's first turn, ahead of its later batches.
      const applied = h.store.apply([{ index: 3_002, term: 1, txns: [txn([putOp('k', 'last')])] }]);
      let finishedFirst: string | undefined;
      await Promise.race([compaction.then(() => (finishedFirst ??= 'compaction')), applied.then(() => (finishedFirst ??= 'apply'))]);
      expect(finishedFirst).toBe('apply');
      await compaction;
      expect(await historyOf(h)).toEqual(['k@3001', 'k@3002']);
    } finally {
      await h.cleanup();
    }
  });

  it('is decided in the log: members that purge at different times decide every transaction alike', async () => {
    const eager = await openHarness();
    const lazy = await openHarness();
    try {
      const log = [
        ...['1', '2', '3', '4', '5'].map((v, i) => ({ index: i + 1, term: 1, txns: [txn([putOp('a', v)])] })),
        { index: 6, term: 1, txns: [], compactRevision: 5 },
        // Beyond the store revision (6): ignored, alike everywhere.
        { index: 7, term: 1, txns: [], compactRevision: 99 },
        { index: 8, term: 1, txns: [txn([rangeOp('a', { revision: 4 }), putOp('below', 'x')])] },
        { index: 9, term: 1, txns: [txn([rangeOp('a', { revision: 5 }), putOp('at', 'x')])] },
      ];
      for (const entry of log) {
        const [eagerOutcomes, lazyOutcomes] = [await eager.store.apply([entry]), await lazy.store.apply([entry])];
        expect(eagerOutcomes).toEqual(lazyOutcomes);
        // Only one of them deletes what compaction made unreachable, at once.
        await eager.store.purgeCompacted();
      }
      for (const h of [eager, lazy]) {
        expect(h.store.compactRevision).toBe(5);
        expect(h.store.revision).toBe(7);
        const [[below]] = await h.store.apply([{ index: 10, term: 1, txns: [txn([rangeOp('a', { revision: 4 })])] }]);
        expect(below.rejected).toMatch(/compacted/);
      }
      expect(await eager.store.stateHash()).toBe(await lazy.store.stateHash());
      expect((await historyOf(eager)).length).toBeLessThan((await historyOf(lazy)).length);
    } finally {
      await eager.cleanup();
      await lazy.cleanup();
    }
  });
});
