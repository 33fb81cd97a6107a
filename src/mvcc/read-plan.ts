import type { TxnRequest__Output } from '../gen/quorumkv/v1/TxnRequest.js';
import { assert } from './assert.js';

/**
 * The point reads an apply call can make, known before any of its transactions runs, so they can
 * be fetched from LevelDB together (one getMany per sublevel) instead of one round trip each.
 * Reading more than the call ends up needing is harmless: LevelDB does not change during the call,
 * and what a transaction reads still goes through the call's own writes first. Range reads (range
 * compares, ranges, delete-ranges) are not planned: they iterate.
 */
export interface ReadPlan {
  /** Keys of the latest state: put and add targets of either branch, single-key compares. */
  keys: Buffer[];
  /** The non-empty request ids, each once. */
  requestIds: string[];
  /** Dedupe sequences the call may expire that were recorded before it, ascending. */
  expiringSequences: number[];
  /** The lowest read revision of a read set (the change log after it is checked), or null. */
  readSetsAfter: number | null;
}

/**
 * Plans the reads of `txns`, to be applied in order after dedupe sequence `dedupeSequence`. Every
 * id may be recorded, so the ids that may expire are those `maxIds` numbers before each of
 * dedupeSequence + 1 .. dedupeSequence + (txns with an id); only the ones recorded before the call
 * are read from LevelDB.
 */
export function planReads(txns: readonly TxnRequest__Output[], dedupeSequence: number, maxIds: number): ReadPlan {
  assert(Number.isSafeInteger(maxIds) && maxIds >= 1, `dedupe limit ${maxIds} is not a positive integer`);
  const keys: Buffer[] = [];
  const seenKeys = new Set<string>();
  const addKey = (key: Buffer | undefined): void => {
    if (key === undefined) return;
    const id = key.toString('latin1');
    if (seenKeys.has(id)) return;
    seenKeys.add(id);
    keys.push(key);
  };
  const requestIds = new Set<string>();
  let recordable = 0;
  let readSetsAfter: number | null = null;
  for (const txn of txns) {
    const readRevision = txn.readRevision;
    if (txn.readSet.length > 0 && Number.isSafeInteger(readRevision) && readRevision >= 0) {
      readSetsAfter = Math.min(readSetsAfter ?? readRevision, readRevision);
    }
    if (txn.requestId !== '') {
      requestIds.add(txn.requestId);
      recordable += 1;
    }
    for (const compare of txn.compare) if (compare.rangeEnd.length === 0) addKey(compare.key);
    for (const ops of [txn.success, txn.failure]) {
      for (const op of ops) {
        // A malformed op (no request) is rejected by checkTxn before anything reads.
        if (op.request === 'requestPut') addKey(op.requestPut?.key);
        else if (op.request === 'requestAdd') addKey(op.requestAdd?.key);
      }
    }
  }
  const expiringSequences: number[] = [];
  const first = Math.max(1, dedupeSequence + 1 - maxIds);
  const last = Math.min(dedupeSequence, dedupeSequence + recordable - maxIds);
  for (let sequence = first; sequence <= last; sequence++) expiringSequences.push(sequence);
  assert(expiringSequences.length <= recordable, 'more expiries planned than ids the call can record');
  return { keys, requestIds: [...requestIds], expiringSequences, readSetsAfter };
}
