import { assert } from './assert.js';
import { decodeRevision, encodeRevision, REVISION_BYTES } from './key-encoding.js';

/** The store's own bookkeeping, written in the same batch as the state it describes. */
export interface StoreMeta {
  revision: number;
  appliedIndex: number;
  appliedTerm: number;
  compactRevision: number;
  /** How many request ids were ever recorded for exactly-once transactions (the last id's number). */
  dedupeSequence: number;
}

export const META_KEY = Buffer.from('meta');
const FIELDS = 5;
/** Stores written before request ids were recorded have no dedupe sequence: it reads as 0. */
const LEGACY_FIELDS = 4;

export const EMPTY_META: StoreMeta = {
  revision: 1,
  appliedIndex: 0,
  appliedTerm: 0,
  compactRevision: 0,
  dedupeSequence: 0,
};

export function encodeMeta(meta: StoreMeta): Buffer {
  assert(meta.compactRevision <= meta.revision, 'compact revision beyond store revision');
  return Buffer.concat([
    encodeRevision(meta.revision),
    encodeRevision(meta.appliedIndex),
    encodeRevision(meta.appliedTerm),
    encodeRevision(meta.compactRevision),
    encodeRevision(meta.dedupeSequence),
  ]);
}

export function decodeMeta(bytes: Buffer | undefined): StoreMeta {
  if (bytes === undefined) return { ...EMPTY_META };
  const fields = bytes.length / REVISION_BYTES;
  assert(fields === FIELDS || fields === LEGACY_FIELDS, `meta record has ${bytes.length} bytes`);
  return {
    revision: decodeRevision(bytes, 0),
    appliedIndex: decodeRevision(bytes, REVISION_BYTES),
    appliedTerm: decodeRevision(bytes, 2 * REVISION_BYTES),
    compactRevision: decodeRevision(bytes, 3 * REVISION_BYTES),
    dedupeSequence: fields === FIELDS ? decodeRevision(bytes, 4 * REVISION_BYTES) : 0,
  };
}
