import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Level } from 'level';
import type { Compare__Output } from '../../src/gen/quorumkv/v1/Compare.js';
import type { RangeRequest__Output } from '../../src/gen/quorumkv/v1/RangeRequest.js';
import type { RequestOp__Output } from '../../src/gen/quorumkv/v1/RequestOp.js';
import type { TxnRequest__Output } from '../../src/gen/quorumkv/v1/TxnRequest.js';
import type { MvccLimits } from '../../src/mvcc/limits.js';
import { MvccStore, type AppliedEntry, type TxnOutcome } from '../../src/mvcc/mvcc-store.js';

export const b = (text: string): Buffer => Buffer.from(text);
const EMPTY = Buffer.alloc(0);

/** A store on a fresh LevelDB in a temp dir; `cleanup` closes it and removes the dir. */
export interface Harness {
  dir: string;
  db: Level<Buffer, Buffer>;
  store: MvccStore;
  nextIndex: number;
  reopen(): Promise<void>;
  cleanup(): Promise<void>;
}

/** `limits` shrink the store's dedupe and conflict-window limits (kept across reopen). */
export async function openHarness(limits: Partial<MvccLimits> = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'quorumkv-mvcc-'));
  const open = async () => {
    const db = new Level<Buffer, Buffer>(join(dir, 'db'), { keyEncoding: 'buffer', valueEncoding: 'buffer' });
    await db.open();
    return db;
  };
  const db = await open();
  const harness: Harness = {
    dir,
    db,
    store: await MvccStore.open(db, limits),
    nextIndex: 1,
    async reopen() {
      await harness.db.close();
      harness.db = await open();
      harness.store = await MvccStore.open(harness.db, limits);
    },
    async cleanup() {
      await harness.db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return harness;
}

/** Applies each txn as its own log entry; returns the outcomes in order. */
export async function applyTxns(h: Harness, ...txns: TxnRequest__Output[]): Promise<TxnOutcome[]> {
  const entries: AppliedEntry[] = txns.map((txn) => ({ index: h.nextIndex++, term: 1, txns: [txn] }));
  return (await h.store.apply(entries)).flat();
}

/** Commits a compaction entry to `revision` as the next log entry, then purges what it made unreachable. */
export async function compactTo(h: Harness, revision: number): Promise<void> {
  await h.store.apply([{ index: h.nextIndex++, term: 1, txns: [], compactRevision: revision }]);
  await h.store.purgeCompacted();
}

export function txn(
  success: RequestOp__Output[],
  compare: Compare__Output[] = [],
  failure: RequestOp__Output[] = [],
): TxnRequest__Output {
  return { compare, success, failure, requestId: '', readRevision: 0, readSet: [] };
}

export function putOp(key: string | Buffer, value: string | Buffer, prevKv = false): RequestOp__Output {
  const k = typeof key === 'string' ? b(key) : key;
  const v = typeof value === 'string' ? b(value) : value;
  return { request: 'requestPut', requestPut: { key: k, value: v, prevKv, requestId: '', lease: 0, ignoreLease: false } };
}

export function delOp(key: string | Buffer, rangeEnd: string | Buffer = EMPTY, prevKv = false): RequestOp__Output {
  const k = typeof key === 'string' ? b(key) : key;
  const e = typeof rangeEnd === 'string' ? b(rangeEnd) : rangeEnd;
  return { request: 'requestDeleteRange', requestDeleteRange: { key: k, rangeEnd: e, prevKv, requestId: '' } };
}

export function rangeReq(key: string | Buffer, options: Partial<RangeRequest__Output> = {}): RangeRequest__Output {
  const k = typeof key === 'string' ? b(key) : key;
  return {
    key: k,
    rangeEnd: EMPTY,
    limit: 0,
    revision: 0,
    serializable: false,
    keysOnly: false,
    countOnly: false,
    minRevision: 0,
    maxStalenessMs: 0,
    ...options,
  };
}

export function rangeOp(key: string | Buffer, options: Partial<RangeRequest__Output> = {}): RequestOp__Output {
  return { request: 'requestRange', requestRange: rangeReq(key, options) };
}

export function cmp(
  key: string,
  target: Compare__Output['target'],
  result: Compare__Output['result'],
  operand: number | string,
  rangeEnd = '',
): Compare__Output {
  const base: Compare__Output = { key: b(key), target, result, rangeEnd: b(rangeEnd) };
  switch (target) {
    case 'VERSION':
      return { ...base, targetUnion: 'version', version: Number(operand) };
    case 'CREATE':
      return { ...base, targetUnion: 'createRevision', createRevision: Number(operand) };
    case 'MOD':
      return { ...base, targetUnion: 'modRevision', modRevision: Number(operand) };
    case 'VALUE':
      return { ...base, targetUnion: 'value', value: b(String(operand)) };
    case 'LEASE':
      return { ...base, targetUnion: 'lease', lease: Number(operand) };
  }
}

/** Keys of a range result as strings, for compact assertions. */
export const keysOf = (kvs: { key: Buffer }[]): string[] => kvs.map((kv) => kv.key.toString());

export function addOp(key: string | Buffer, delta: number): RequestOp__Output {
  const k = typeof key === 'string' ? b(key) : key;
  return { request: 'requestAdd', requestAdd: { key: k, delta } };
}

/** `t` with a request id, for exactly-once tests. */
export function withId(t: TxnRequest__Output, requestId: string): TxnRequest__Output {
  return { ...t, requestId };
}

/** `t` with a read set read at `readRevision`: each entry is a key, or [key, rangeEnd]. */
export function withReads(
  t: TxnRequest__Output,
  readRevision: number,
  ...reads: (string | [string | Buffer, string | Buffer])[]
): TxnRequest__Output {
  const toBuf = (x: string | Buffer) => (typeof x === 'string' ? b(x) : x);
  const readSet = reads.map((r) =>
    typeof r === 'string' ? { key: b(r), rangeEnd: EMPTY } : { key: toBuf(r[0]), rangeEnd: toBuf(r[1]) },
  );
  return { ...t, readRevision, readSet };
}

/** The stored value of one key as a string, or null. */
export async function valueOf(h: Harness, key: string): Promise<string | null> {
  const r = await h.store.range(rangeReq(key));
  return r.kvs.length === 0 ? null : r.kvs[0].value.toString();
}
