import type { KeyValue__Output } from '../gen/quorumkv/v1/KeyValue.js';
import type { RangeRequest__Output } from '../gen/quorumkv/v1/RangeRequest.js';
import { assert } from './assert.js';
import { rangeAfter, resolveRange, type KeyRange } from './key-range.js';
import type { KvSource } from './kv-source.js';
import { MAX_RANGE_KEYS } from './limits.js';

export interface RangeResult {
  kvs: KeyValue__Output[];
  more: boolean;
  count: number;
}

/** How many kvs a request may get back: its limit, capped by MAX_RANGE_KEYS (0 or less: the cap). */
export function effectiveLimit(limit: number): number {
  return limit > 0 ? Math.min(limit, MAX_RANGE_KEYS) : MAX_RANGE_KEYS;
}

/**
 * Runs a range request against a source, etcd style: `count` is the number of keys that match,
 * `more` whether more matched than were returned. Values beyond the limit are never read into
 * memory: the remainder is counted with a keys-only scan.
 */
export async function executeRange(source: KvSource, request: RangeRequest__Output): Promise<RangeResult> {
  const range = resolveRange(request.key, request.rangeEnd);
  if (range === null) return { kvs: [], more: false, count: 0 };
  if (request.countOnly) return { kvs: [], more: false, count: await countKeys(source, range) };

  const limit = effectiveLimit(request.limit);
  const kvs: KeyValue__Output[] = [];
  for await (const kv of source.scan(range)) {
    if (kvs.length === limit) break;
    kvs.push(request.keysOnly ? { ...kv, value: Buffer.alloc(0) } : kv);
  }
  assert(kvs.length <= limit, 'range returned more than its limit');
  if (kvs.length < limit) return { kvs, more: false, count: kvs.length };
  const rest = await countKeys(source, rangeAfter(range, kvs[kvs.length - 1].key));
  return { kvs, more: rest > 0, count: kvs.length + rest };
}

async function countKeys(source: KvSource, range: KeyRange): Promise<number> {
  let count = 0;
  for await (const _key of source.scanKeys(range)) count += 1;
  return count;
}
