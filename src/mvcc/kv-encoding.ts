import type { KeyValue, KeyValue__Output } from '../gen/quorumkv/v1/KeyValue.js';
import { codecFor } from '../proto/codec.js';
import { assert } from './assert.js';

const kvCodec = codecFor<KeyValue, KeyValue__Output>('quorumkv.v1.KeyValue');
const EMPTY = Buffer.alloc(0);

// History records start with a tag byte so a deletion (tombstone) is distinguishable from a
// put whose stored KeyValue happens to encode to zero bytes.
const TOMBSTONE_TAG = 0x00;
const PUT_TAG = 0x01;

/** Encodes a KeyValue without its key: the key is already the LevelDB key that maps to it. */
export function encodeStoredKv(kv: KeyValue__Output): Buffer {
  assert(kv.version >= 1 && kv.modRevision >= kv.createRevision, 'stored kv is not live');
  return kvCodec.encode({ ...kv, key: EMPTY });
}

export function decodeStoredKv(key: Buffer, bytes: Buffer): KeyValue__Output {
  return { ...kvCodec.decode(bytes), key };
}

/** A full KeyValue, key included (for change-log events, which have no key of their own). */
export function encodeFullKv(kv: KeyValue__Output): Buffer {
  return kvCodec.encode(kv);
}

export function decodeFullKv(bytes: Buffer): KeyValue__Output {
  return kvCodec.decode(bytes);
}

/** A history record: the key's state as of one revision, or null if it was deleted then. */
export function encodeHistoryRecord(kv: KeyValue__Output | null): Buffer {
  if (kv === null) return Buffer.of(TOMBSTONE_TAG);
  return Buffer.concat([Buffer.of(PUT_TAG), encodeStoredKv(kv)]);
}

export function decodeHistoryRecord(key: Buffer, bytes: Buffer): KeyValue__Output | null {
  assert(bytes.length >= 1, 'empty history record');
  if (bytes[0] === TOMBSTONE_TAG) return null;
  assert(bytes[0] === PUT_TAG, `unknown history record tag ${bytes[0]}`);
  return decodeStoredKv(key, bytes.subarray(1));
}
