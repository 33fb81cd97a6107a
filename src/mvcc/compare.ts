import type { Compare__Output } from '../gen/quorumkv/v1/Compare.js';
import type { KeyValue__Output } from '../gen/quorumkv/v1/KeyValue.js';
import { resolveRange } from './key-range.js';
import type { KvSource } from './kv-source.js';

/** The latest state as a transaction sees it: a stream for ranges, a cached lookup for one key. */
export interface LatestView extends KvSource {
  get(key: Buffer): Promise<KeyValue__Output | null>;
}

const RESULTS = new Set<string>(['EQUAL', 'GREATER', 'LESS', 'NOT_EQUAL']);
const TARGETS = new Set<string>(['VERSION', 'CREATE', 'MOD', 'VALUE', 'LEASE']);

/** Why a compare cannot be evaluated (an enum value this build does not know), or null. */
export function checkCompare(compare: Compare__Output): string | null {
  if (!RESULTS.has(String(compare.result))) return `unknown compare result ${String(compare.result)}`;
  if (!TARGETS.has(String(compare.target))) return `unknown compare target ${String(compare.target)}`;
  return null;
}

const MISSING: KeyValue__Output = {
  key: Buffer.alloc(0),
  createRevision: 0,
  modRevision: 0,
  version: 0,
  value: Buffer.alloc(0),
  lease: 0,
};

/**
 * Evaluates one compare against the latest view, as etcd does: with a range_end it must hold for
 * every key in the range; a missing key (or an empty range) compares as version, create and mod
 * revision 0 and lease 0, and a VALUE compare against it is false, since "no value" is not the
 * empty value.
 */
export async function compareHolds(view: LatestView, compare: Compare__Output): Promise<boolean> {
  if (compare.rangeEnd.length === 0) {
    const kv = await view.get(compare.key);
    if (kv !== null) return compareKv(compare, kv);
    return compare.target !== 'VALUE' && compareKv(compare, MISSING);
  }
  const range = resolveRange(compare.key, compare.rangeEnd);
  let seen = false;
  if (range !== null) {
    for await (const kv of view.scan(range)) {
      seen = true;
      if (!compareKv(compare, kv)) return false;
    }
  }
  if (seen) return true;
  return compare.target !== 'VALUE' && compareKv(compare, MISSING);
}

function compareKv(compare: Compare__Output, kv: KeyValue__Output): boolean {
  const order = targetOrder(compare, kv);
  switch (compare.result) {
    case 'EQUAL':
      return order === 0;
    case 'NOT_EQUAL':
      return order !== 0;
    case 'GREATER':
      return order > 0;
    case 'LESS':
      return order < 0;
  }
}

/** Sign of (kv's target - compare's operand). An operand of the wrong union member counts as 0 / empty. */
function targetOrder(compare: Compare__Output, kv: KeyValue__Output): number {
  switch (compare.target) {
    case 'VERSION':
      return Math.sign(kv.version - operand(compare, 'version'));
    case 'CREATE':
      return Math.sign(kv.createRevision - operand(compare, 'createRevision'));
    case 'MOD':
      return Math.sign(kv.modRevision - operand(compare, 'modRevision'));
    case 'VALUE': {
      const value = compare.targetUnion === 'value' && compare.value ? compare.value : Buffer.alloc(0);
      return Buffer.compare(kv.value, value);
    }
    case 'LEASE':
      return Math.sign(kv.lease - operand(compare, 'lease'));
  }
}

function operand(compare: Compare__Output, field: 'version' | 'createRevision' | 'modRevision' | 'lease'): number {
  return compare.targetUnion === field ? (compare[field] ?? 0) : 0;
}
