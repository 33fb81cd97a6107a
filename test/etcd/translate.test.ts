import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { CompactedRevisionError, FutureRevisionError } from '../../src/mvcc/errors.js';
import { InvalidArgumentError, NotLeaderError } from '../../src/errors.js';
import { int64 } from '../../src/etcd/convert.js';
import { ETCD_ERRORS, toEtcdStatus } from '../../src/etcd/errors.js';
import { corruptAlarms } from '../../src/etcd/maintenance-service.js';
import { finishRange, parseRange } from '../../src/etcd/range.js';
import { stringField } from '../../src/etcd/request-id.js';
import { MAX_ETCD_TXN_OPS, translateTxn } from '../../src/etcd/txn.js';
import type { RangeRequest__Output } from '../../src/gen/etcd/etcdserverpb/RangeRequest.js';
import type { RequestOp__Output } from '../../src/gen/etcd/etcdserverpb/RequestOp.js';
import type { KeyValue__Output } from '../../src/gen/quorumkv/v1/KeyValue.js';
import type { MemberStatus__Output } from '../../src/gen/quorumkv/v1/MemberStatus.js';
import { numericId } from '../../src/ids.js';

const b = (s: string) => Buffer.from(s);
const range = (fields: Partial<RangeRequest__Output>): RangeRequest__Output => ({
  key: b('a'), rangeEnd: b('z'), limit: '0', revision: '0', sortOrder: 'NONE', sortTarget: 'KEY', serializable: false, keysOnly: false, countOnly: false,
  minModRevision: '0', maxModRevision: '0', minCreateRevision: '0', maxCreateRevision: '0', ...fields,
});
const kv = (key: string, value: string, create: number, mod: number, version: number): KeyValue__Output => ({ key: b(key), value: b(value), createRevision: create, modRevision: mod, version, lease: 0 });
const kvs = [kv('a', 'z', 2, 9, 3), kv('b', 'x', 3, 3, 1), kv('c', 'y', 4, 7, 2)];
const keys = (response: ReturnType<typeof finishRange>) => response.kvs!.map((k) => (k.key as Buffer).toString());

describe("etcd's range options", () => {
  it('sorts by any target in either order; a target with no order sorts ascending', () => {
    const read = { kvs, more: false, count: 3 };
    expect(keys(finishRange(parseRange(range({ sortTarget: 'VALUE' })), read, null))).toEqual(['b', 'c', 'a']);
    expect(keys(finishRange(parseRange(range({ sortTarget: 'MOD', sortOrder: 'DESCEND' })), read, null))).toEqual(['a', 'c', 'b']);
    expect(keys(finishRange(parseRange(range({ sortTarget: 'CREATE', sortOrder: 'DESCEND' })), read, null))).toEqual(['c', 'b', 'a']);
    expect(keys(finishRange(parseRange(range({ sortTarget: 'VERSION', sortOrder: 'ASCEND' })), read, null))).toEqual(['b', 'c', 'a']);
    expect(keys(finishRange(parseRange(range({ sortTarget: 'KEY', sortOrder: 'DESCEND' })), read, null))).toEqual(['c', 'b', 'a']);
  });

  it('filters by mod and create revision, then cuts to the limit with more set; count stays the whole range', () => {
    const read = { kvs, more: false, count: 3 };
    const filtered = finishRange(parseRange(range({ minModRevision: '4', maxCreateRevision: '3' })), read, null);
    expect(keys(filtered)).toEqual(['a']);
    expect(filtered.count).toBe(3);
    const limited = finishRange(parseRange(range({ sortTarget: 'MOD', limit: '2' })), read, null);
    expect(keys(limited)).toEqual(['b', 'c']);
    expect(limited.more).toBe(true);
  });

  it('keys_only drops values, count_only drops the key-values', () => {
    const read = { kvs, more: false, count: 3 };
    expect(finishRange(parseRange(range({ keysOnly: true })), read, null).kvs!.every((k) => (k.value as Buffer).length === 0)).toBe(true);
    expect(finishRange(parseRange(range({ countOnly: true })), read, null)).toMatchObject({ kvs: [], count: 3, more: false });
  });

  it('refuses an empty key with etcd\'s error, and integers a number cannot hold', () => {
    expect(() => parseRange(range({ key: Buffer.alloc(0) }))).toThrow(ETCD_ERRORS.emptyKey);
    expect(() => int64('9223372036854775807', 'lease')).toThrow(/lease 9223372036854775807 is out of range/);
  });
});

describe("etcd's txn rules", () => {
  const put = (key: string): RequestOp__Output => ({ request: 'requestPut', requestPut: { key: b(key), value: b('v'), lease: '0', prevKv: false, ignoreValue: false, ignoreLease: false } });
  const del = (key: string, rangeEnd = ''): RequestOp__Output => ({ request: 'requestDeleteRange', requestDeleteRange: { key: b(key), rangeEnd: b(rangeEnd), prevKv: false } });
  const txn = (success: RequestOp__Output[], failure: RequestOp__Output[] = []) => ({ compare: [], success, failure });

  it('allows 128 ops in each branch and refuses 129 in one', () => {
    const many = (n: number, p: string) => Array.from({ length: n }, (_, i) => put(`${p}${i}`));
    expect(translateTxn(txn(many(MAX_ETCD_TXN_OPS, 's'), many(MAX_ETCD_TXN_OPS, 'f')), 'id').txn.success).toHaveLength(128);
    expect(() => translateTxn(txn(many(MAX_ETCD_TXN_OPS + 1, 's')), '')).toThrow(ETCD_ERRORS.tooManyOps);
  });

  it('refuses a key put twice, or put inside a range the branch deletes; other branches are separate', () => {
    expect(() => translateTxn(txn([put('a'), put('a')]), '')).toThrow(ETCD_ERRORS.duplicateKey);
    expect(() => translateTxn(txn([del('a', 'c'), put('b')]), '')).toThrow(ETCD_ERRORS.duplicateKey);
    expect(() => translateTxn(txn([put('a')], [put('a')]), '')).not.toThrow();
    expect(() => translateTxn(txn([del('a', 'c'), put('c')]), '')).not.toThrow();
  });

  it('refuses what it does not serve by naming the field', () => {
    expect(() => translateTxn(txn([{ request: 'requestTxn', requestTxn: txn([]) }]), '')).toThrow(/request_txn is not supported/);
    expect(() => translateTxn(txn([put('')]), '')).toThrow(ETCD_ERRORS.emptyKey);
  });

  it('keeps the request id', () => {
    expect(translateTxn(txn([put('a')]), 'g.abc.1').txn.requestId).toBe('g.abc.1');
  });
});

describe("etcd's error codes and strings", () => {
  it('maps quorumkv errors onto the statuses etcd clients match on', () => {
    expect(toEtcdStatus(new CompactedRevisionError(3, 5))).toMatchObject({ code: grpc.status.OUT_OF_RANGE, details: 'etcdserver: mvcc: required revision has been compacted' });
    expect(toEtcdStatus(new FutureRevisionError(9, 5))).toMatchObject({ code: grpc.status.OUT_OF_RANGE, details: 'etcdserver: mvcc: required revision is a future revision' });
    expect(toEtcdStatus(new NotLeaderError('no leader yet', ''))).toMatchObject({ code: grpc.status.UNAVAILABLE, details: 'etcdserver: no leader' });
    expect(toEtcdStatus(new InvalidArgumentError('transaction refused, nothing applied: range at revision 2 is compacted (oldest 4)'))).toMatchObject({ details: 'etcdserver: mvcc: required revision has been compacted' });
    expect(toEtcdStatus(ETCD_ERRORS.leaseNotFound)).toMatchObject({ code: grpc.status.NOT_FOUND, details: 'etcdserver: requested lease not found' });
    expect(toEtcdStatus(new Error('boom'))).toMatchObject({ code: grpc.status.INTERNAL });
  });
});

describe('the request id field', () => {
  it('reads field 16 from the bytes, whatever comes before it', () => {
    const id = b('g.x.7');
    const bytes = Buffer.concat([Buffer.from([0x0a, 0x01, 0x61, 0x18, 0x96, 0x01, 0x82, 0x01, id.length]), id]);
    expect(stringField(bytes, 16)).toEqual(id);
    expect(stringField(Buffer.from([0x0a, 0x01, 0x61]), 16)).toBeUndefined();
    expect(stringField(Buffer.from([0x82, 0x01, 0x09, 0x61]), 16)).toBeUndefined();
  });
});

describe('the CORRUPT alarm', () => {
  const member = (id: string, hash: string) => ({ id, hash, hashRevision: 7 }) as MemberStatus__Output;
  it('names the members whose hash differs from the majority, and none when all agree', () => {
    expect(corruptAlarms([member('s1', 'aa'), member('s2', 'aa'), member('s3', 'aa')])).toEqual([]);
    expect(corruptAlarms([member('s1', 'aa'), member('s2', 'bb'), member('s3', 'aa')])).toEqual([{ memberID: numericId('s2'), alarm: 'CORRUPT' }]);
  });
});
