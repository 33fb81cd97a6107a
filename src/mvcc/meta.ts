import { assert } from './assert.js';
import { decodeRevision, encodeRevision, REVISION_BYTES } from './key-encoding.js';

/** The store's own bookkeeping, written in the same batch as the state it describes. */
export interface StoreMeta {
  revision: number;
  appliedIndex: number;
  appliedTerm: number;
  compactRevision: number;
}

export const META_KEY = Buffer.from('meta');
const FIELDS = 4;

export const EMPTY_META: StoreMeta = { revision: 0, appliedIndex: 0, appliedTerm: 0, compactRevision: 0 };

export function encodeMeta(meta: StoreMeta): Buffer {
  assert(meta.compactRevision <= meta.revision, 'compact revision beyond store revision');
  return Buffer.concat([
    encodeRevision(meta.revision),
    encodeRevision(meta.appliedIndex),
    encodeRevision(meta.appliedTerm),
    encodeRevision(meta.compactRevision),
  ]);
}

export function decodeMeta(bytes: Buffer | undefined): StoreMeta {
  if (bytes === undefined) return { ...EMPTY_META };
  assert(bytes.length === FIELDS * REVISION_BYTES, `meta record has ${bytes.length} bytes`);
  return {
    revision: decodeRevision(bytes, 0),
    appliedIndex: decodeRevision(bytes, REVISION_BYTES),
    appliedTerm: decodeRevision(bytes, 2 * REVISION_BYTES),
    compactRevision: decodeRevision(bytes, 3 * REVISION_BYTES),
  };
}
