import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Compare__Output } from '../../src/gen/quorumkv/v1/Compare.js';
import type { RequestOp__Output } from '../../src/gen/quorumkv/v1/RequestOp.js';
import type { TxnRequest__Output } from '../../src/gen/quorumkv/v1/TxnRequest.js';
import { MvccStore, type AppliedEntry, type TxnOutcome } from '../../src/mvcc/mvcc-store.js';
import { delOp, openHarness, putOp, rangeOp, rangeReq, type Harness } from './helpers.js';
import { ReferenceModel } from './model.js';
import { seededFloats as seededRandom } from '../../src/consensus/random.js';

const SEEDS = 40;
const TXNS_PER_SEED = 60;

// Few, short keys with 0x00 and 0xFF in them, so txns collide, ranges overlap and ordering matters.
const ALPHABET = [0x00, 0x01, 0x61, 0x62, 0xff];

class Generator {
  constructor(private readonly random: () => number) {}
  int(n: number): number {
    return Math.floor(this.random() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  key(): Buffer {
    return Buffer.from(Array.from({ length: 1 + this.int(3) }, () => this.pick(ALPHABET)));
  }
  rangeEnd(key: Buffer): Buffer {
    const roll = this.int(6);
    if (roll === 0) return Buffer.alloc(0);
    if (roll === 1) return Buffer.of(0);
    return this.key(); // may be <= key: an empty range
  }
  compare(): Compare__Output {
    const key = this.int(5) === 0 ? Buffer.of(0) : this.key();
    const target = this.pick(['VERSION', 'CREATE', 'MOD', 'VALUE'] as const);
    const result = this.pick(['EQUAL', 'GREATER', 'LESS', 'NOT_EQUAL'] as const);
    const base = { key, target, result, rangeEnd: this.int(3) === 0 ? this.rangeEnd(key) : Buffer.alloc(0) };
    if (target === 'VALUE') return { ...base, targetUnion: 'value', value: Buffer.of(this.pick([0x00, 0x61, 0x62])) };
    const field = ({ VERSION: 'version', CREATE: 'createRevision', MOD: 'modRevision' } as const)[target];
    return { ...base, targetUnion: field, [field]: this.int(6) };
  }
  op(revision: number): RequestOp__Output {
    const roll = this.int(10);
    const key = this.key();
    if (roll < 5) return putOp(key, Buffer.of(this.pick([0x00, 0x61, 0x62])), this.int(2) === 0);
    if (roll < 7) return delOp(key, this.rangeEnd(key), this.int(2) === 0);
    const readRoll = this.int(12);
    // Mostly latest reads, some at older revisions, a few beyond the store revision (rejected).
    const atRevision = readRoll < 7 ? 0 : readRoll < 11 ? this.int(revision + 1) : revision + 1 + this.int(2);
    return rangeOp(key, {
      rangeEnd: this.rangeEnd(key), limit: this.int(4), revision: atRevision,
      keysOnly: this.int(4) === 0, countOnly: this.int(6) === 0,
    });
  }
  txn(revision: number): TxnRequest__Output {
    const ops = (n: number) => Array.from({ length: n }, () => this.op(revision));
    return {
      compare: Array.from({ length: this.int(3) }, () => this.compare()),
      success: ops(this.int(4)),
      failure: ops(this.int(3)),
      requestId: '',
      readRevision: 0,
      readSet: [],
    };
  }
}

/** The same log cut into apply calls at random points (each entry holds 0..3 txns). */
function entriesFor(txns: TxnRequest__Output[], random: () => number): AppliedEntry[] {
  const entries: AppliedEntry[] = [];
  for (let i = 0; i < txns.length; ) {
    const n = Math.floor(random() * 4);
    entries.push({ index: entries.length + 1, term: 1, txns: txns.slice(i, i + n) });
    i += n;
  }
  return entries;
}

function chunks<T>(items: T[], random: () => number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; ) {
    const n = 1 + Math.floor(random() * 6);
    out.push(items.slice(i, i + n));
    i += n;
  }
  return out;
}

const normalise = (o: TxnOutcome) => ({ response: o.response, revision: o.revision, rejected: o.rejected !== undefined });

let one: Harness;
let many: Harness;
beforeAll(async () => {
  [one, many] = [await openHarness(), await openHarness()];
});
afterAll(async () => {
  await one.cleanup();
  await many.cleanup();
});

describe('determinism and agreement with a reference model', () => {
  it(`${SEEDS} seeds x ${TXNS_PER_SEED} random txns: same outcomes, same stateHash, same history`, async () => {
    const seen = { rejected: 0, failed: 0, writes: 0, historyReads: 0 };
    for (let seed = 1; seed <= SEEDS; seed++) {
      const random = seededRandom(seed);
      const gen = new Generator(random);
      const model = new ReferenceModel();
      const txns: TxnRequest__Output[] = [];
      const expected = [];
      for (let i = 0; i < TXNS_PER_SEED; i++) {
        const t = gen.txn(model.revision);
        txns.push(t);
        expected.push(model.apply(t));
      }
      for (const [i, e] of expected.entries()) {
        if (e.rejected) seen.rejected += 1;
        else if (!e.response.succeeded) seen.failed += 1;
        if (e.revision > (expected[i - 1]?.revision ?? 0)) seen.writes += 1;
        const ops = [...txns[i].success, ...txns[i].failure];
        if (ops.some((op) => (op.requestRange?.revision ?? 0) > 0)) seen.historyReads += 1;
      }
      // Fresh stores per seed, in sublevels of the shared databases.
      const name = `seed-${seed}`;
      const opts = { keyEncoding: 'buffer', valueEncoding: 'buffer' } as const;
      const a = await MvccStore.open(one.db.sublevel<Buffer, Buffer>(name, opts));
      const b = await MvccStore.open(many.db.sublevel<Buffer, Buffer>(name, opts));
      const entries = entriesFor(txns, random);

      const outcomesA: TxnOutcome[] = [];
      for (const entry of entries) outcomesA.push(...(await a.apply([entry])).flat());
      const outcomesB: TxnOutcome[] = [];
      for (const group of chunks(entries, random)) outcomesB.push(...(await b.apply(group)).flat());

      const context = `seed ${seed}`;
      expect(outcomesA.map(normalise), context).toEqual(expected);
      expect(outcomesB.map(normalise), context).toEqual(expected);
      expect(a.revision, context).toBe(model.revision);
      expect(await a.stateHash(), context).toBe(await b.stateHash());
      for (let revision = 1; revision <= model.revision; revision++) {
        const everything = rangeReq(Buffer.of(0), { rangeEnd: Buffer.of(0), revision });
        const { revision: storeRevision, ...result } = await b.range(everything);
        expect(result, `${context} at revision ${revision}`).toEqual(model.range(everything));
        expect(storeRevision, context).toBe(model.revision);
      }
    }
    // The generator must actually reach every path it is meant to test.
    expect(Math.min(seen.rejected, seen.failed, seen.writes, seen.historyReads)).toBeGreaterThan(20);
  }, 60_000);
});
