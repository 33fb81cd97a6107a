import type { RangeRequest__Output as EtcdRangeRequest } from '../gen/etcd/etcdserverpb/RangeRequest.js';
import type { RangeResponse as EtcdRangeResponse } from '../gen/etcd/etcdserverpb/RangeResponse.js';
import type { KeyValue__Output } from '../gen/quorumkv/v1/KeyValue.js';
import type { RangeRequest__Output } from '../gen/quorumkv/v1/RangeRequest.js';
import type { RangeResponse__Output } from '../gen/quorumkv/v1/RangeResponse.js';
import { MAX_RANGE_KEYS } from '../api/limits.js';
import { OverloadedError } from '../errors.js';
import { etcdHeader, etcdKv, int64 } from './convert.js';
import { ETCD_ERRORS } from './errors.js';

// etcd's Range on top of quorumkv's: limit 0 means every key (read in pages of MAX_RANGE_KEYS,
// all at one revision), sort order and target, the min/max mod/create revision filters,
// keys_only and count_only, with etcd's rules for `more` and `count` (apply.go): with a sort or
// a filter everything is read, filtered, sorted and then cut to the limit; `count` is every key
// in the range, whatever the filters and the limit.

/** Most bytes of key-values one etcd Range gathers before it is refused (use limit and page). */
export const MAX_RANGE_RESPONSE_BYTES = 48 * 1024 * 1024;

/** An etcd range, parsed: numbers instead of strings, and the sort etcd implies. */
export interface EtcdRange {
  key: Buffer;
  rangeEnd: Buffer;
  limit: number;
  revision: number;
  serializable: boolean;
  keysOnly: boolean;
  countOnly: boolean;
  order: 'NONE' | 'ASCEND' | 'DESCEND';
  target: 'KEY' | 'VERSION' | 'CREATE' | 'MOD' | 'VALUE';
  minMod: number;
  maxMod: number;
  minCreate: number;
  maxCreate: number;
}

export function parseRange(request: EtcdRangeRequest): EtcdRange {
  if (request.key.length === 0) throw ETCD_ERRORS.emptyKey;
  const target = request.sortTarget;
  // etcd: a sort target other than KEY with no order sorts ascending (keys come sorted already).
  const order = request.sortOrder === 'NONE' && target !== 'KEY' ? 'ASCEND' : request.sortOrder;
  return {
    key: request.key,
    rangeEnd: request.rangeEnd,
    limit: Math.max(0, int64(request.limit, 'limit')),
    revision: int64(request.revision, 'revision'),
    serializable: request.serializable,
    keysOnly: request.keysOnly,
    countOnly: request.countOnly,
    order,
    target,
    minMod: int64(request.minModRevision, 'min_mod_revision'),
    maxMod: int64(request.maxModRevision, 'max_mod_revision'),
    minCreate: int64(request.minCreateRevision, 'min_create_revision'),
    maxCreate: int64(request.maxCreateRevision, 'max_create_revision'),
  };
}

/** Whether etcd reads the whole range for this request (a sort other than by key ascending, or a filter). */
function readsEverything(range: EtcdRange): boolean {
  const sorted = range.order !== 'NONE' && !(range.order === 'ASCEND' && range.target === 'KEY');
  return sorted || range.minMod !== 0 || range.maxMod !== 0 || range.minCreate !== 0 || range.maxCreate !== 0;
}

/** quorumkv's range request for (one page of) an etcd range. */
export function internalRange(range: EtcdRange, fields: Partial<RangeRequest__Output> = {}): RangeRequest__Output {
  const everything = readsEverything(range);
  return {
    key: range.key,
    rangeEnd: range.rangeEnd,
    limit: everything ? 0 : range.limit,
    revision: range.revision,
    serializable: range.serializable,
    // Values are needed to sort by them, and dropped afterwards.
    keysOnly: range.keysOnly && range.target !== 'VALUE',
    countOnly: range.countOnly,
    minRevision: 0,
    maxStalenessMs: 0,
    ...fields,
  };
}

/** Filters, sorts and cuts what was read as etcd does, and shapes the answer. */
export function finishRange(range: EtcdRange, read: { kvs: KeyValue__Output[]; more: boolean; count: number }, header: RangeResponse__Output['header']): EtcdRangeResponse {
  if (range.countOnly) return { header: etcdHeader(header), kvs: [], more: false, count: read.count };
  let kvs = read.kvs;
  let more = read.more;
  if (readsEverything(range)) {
    kvs = kvs.filter(
      (kv) =>
        (range.minMod === 0 || kv.modRevision >= range.minMod) &&
        (range.maxMod === 0 || kv.modRevision <= range.maxMod) &&
        (range.minCreate === 0 || kv.createRevision >= range.minCreate) &&
        (range.maxCreate === 0 || kv.createRevision <= range.maxCreate),
    );
    if (range.order !== 'NONE') kvs = sortKvs(kvs, range.target, range.order === 'DESCEND');
    more = false;
  }
  if (range.limit > 0 && kvs.length > range.limit) {
    kvs = kvs.slice(0, range.limit);
    more = true;
  }
  return { header: etcdHeader(header), kvs: kvs.map((kv) => etcdKv(kv, range.keysOnly)), more, count: read.count };
}

function sortKvs(kvs: KeyValue__Output[], target: EtcdRange['target'], descending: boolean): KeyValue__Output[] {
  const by: Record<EtcdRange['target'], (a: KeyValue__Output, b: KeyValue__Output) => number> = {
    KEY: (a, b) => Buffer.compare(a.key, b.key),
    VERSION: (a, b) => a.version - b.version,
    CREATE: (a, b) => a.createRevision - b.createRevision,
    MOD: (a, b) => a.modRevision - b.modRevision,
    VALUE: (a, b) => Buffer.compare(a.value, b.value),
  };
  const compare = by[target];
  // Array.prototype.sort is stable: ties keep key order.
  return [...kvs].sort(descending ? (a, b) => compare(b, a) : compare);
}

/**
 * Reads an etcd range whole: one page, or, when more keys match than one read returns, every
 * page at one revision (the first read's, if the request named none), so the answer is one
 * consistent snapshot.
 */
export async function readRange(
  read: (request: RangeRequest__Output) => Promise<RangeResponse__Output>,
  range: EtcdRange,
): Promise<EtcdRangeResponse> {
  const request = internalRange(range);
  const first = await read(request);
  const wanted = request.limit === 0 ? Infinity : request.limit;
  if (!first.more || range.countOnly || first.kvs.length >= wanted) return finishRange(range, first, first.header);
  const revision = request.revision > 0 ? request.revision : first.header!.revision;
  const kvs: KeyValue__Output[] = request.revision > 0 ? [...first.kvs] : [];
  let bytes = 0;
  let count = first.count;
  let more = true;
  let from = request.revision > 0 ? nextKey(first.kvs[first.kvs.length - 1].key) : range.key;
  while (more && kvs.length < wanted) {
    const page = await read({ ...request, key: from, revision, limit: Math.min(MAX_RANGE_KEYS, wanted - kvs.length) });
    if (from === range.key) count = page.count;
    for (const kv of page.kvs) bytes += kv.key.length + kv.value.length;
    if (bytes > MAX_RANGE_RESPONSE_BYTES) {
      throw new OverloadedError(`etcdserver: the range holds over ${MAX_RANGE_RESPONSE_BYTES} bytes; read it in pages (limit, then from the last key + "\\0" at the same revision)`);
    }
    kvs.push(...page.kvs);
    more = page.more;
    if (page.kvs.length === 0) break;
    from = nextKey(page.kvs[page.kvs.length - 1].key);
  }
  return finishRange(range, { kvs, more, count }, { ...first.header!, revision: first.header!.revision });
}

/** The first key after `key`. */
function nextKey(key: Buffer): Buffer {
  return Buffer.concat([key, Buffer.of(0)]);
}
