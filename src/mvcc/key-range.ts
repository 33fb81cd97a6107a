import { assert } from './assert.js';
import { keySuccessor } from './key-encoding.js';

/** A half-open interval of raw keys [start, end); `end` null means unbounded above. */
export interface KeyRange {
  start: Buffer;
  end: Buffer | null;
}

const EMPTY = Buffer.alloc(0);

function isZeroByte(bytes: Buffer): boolean {
  return bytes.length === 1 && bytes[0] === 0;
}

/**
 * Turns etcd-style (key, range_end) into an interval, or null if it selects nothing:
 * range_end empty -> the single key; "\0" -> every key >= key (every key at all when key is
 * also "\0"); otherwise [key, range_end), which is empty when range_end <= key.
 */
export function resolveRange(key: Buffer, rangeEnd: Buffer): KeyRange | null {
  if (rangeEnd.length === 0) return { start: key, end: keySuccessor(key) };
  if (isZeroByte(rangeEnd)) return { start: isZeroByte(key) ? EMPTY : key, end: null };
  if (Buffer.compare(rangeEnd, key) <= 0) return null;
  return { start: key, end: rangeEnd };
}

export function rangeContains(range: KeyRange, key: Buffer): boolean {
  if (Buffer.compare(key, range.start) < 0) return false;
  return range.end === null || Buffer.compare(key, range.end) < 0;
}

/** The part of `range` strictly after `key`, which must lie inside it. */
export function rangeAfter(range: KeyRange, key: Buffer): KeyRange {
  assert(rangeContains(range, key), 'rangeAfter: key outside range');
  return { start: keySuccessor(key), end: range.end };
}
