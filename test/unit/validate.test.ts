import { describe, expect, it } from 'vitest';
import { validateDeleteRange, validatePut, validateRange, validateTxn } from '../../src/api/validate.js';
import { MAX_KEY_BYTES, MAX_TXN_OPS, MAX_VALUE_BYTES } from '../../src/api/limits.js';
import { InvalidArgumentError } from '../../src/errors.js';
import type { Compare__Output } from '../../src/gen/quorumkv/v1/Compare.js';
import type { RequestOp__Output } from '../../src/gen/quorumkv/v1/RequestOp.js';
import {
  b,
  deleteOp,
  deleteRangeRequest,
  EMPTY,
  putOp,
  putRequest,
  rangeOp,
  rangeRequest,
  txnRequest,
  versionCompare,
} from './requests.js';

/** Expects `run` to refuse with InvalidArgumentError whose message matches `message`. */
function refuses(run: () => void, message: RegExp): void {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(InvalidArgumentError);
  expect((thrown as Error).message).toMatch(message);
}

const ZERO = Buffer.from([0]);

describe('keys', () => {
  it('refuses an empty key in every request kind', () => {
    refuses(() => validateRange(rangeRequest({ key: EMPTY })), /^range: key is empty/);
    refuses(() => validatePut(putRequest({ key: EMPTY })), /^put: key is empty/);
    refuses(() => validateDeleteRange(deleteRangeRequest({ key: EMPTY })), /^delete: key is empty/);
    refuses(() => validateTxn(txnRequest({ success: [putOp(EMPTY)] })), /^txn success\[0\]: key is empty/);
    refuses(() => validateTxn(txnRequest({ compare: [versionCompare({ key: EMPTY })] })), /^txn compare\[0\]: key is empty/);
  });

  it('accepts a key of exactly MAX_KEY_BYTES and refuses one byte more', () => {
    expect(() => validatePut(putRequest({ key: Buffer.alloc(MAX_KEY_BYTES, 0x61) }))).not.toThrow();
    refuses(() => validatePut(putRequest({ key: Buffer.alloc(MAX_KEY_BYTES + 1, 0x61) })), new RegExp(`key is ${MAX_KEY_BYTES + 1} bytes`));
    refuses(() => validateRange(rangeRequest({ key: Buffer.alloc(MAX_KEY_BYTES + 1, 0x61) })), /^range: key is/);
    refuses(() => validateDeleteRange(deleteRangeRequest({ key: Buffer.alloc(MAX_KEY_BYTES + 1, 0x61) })), /^delete: key is/);
  });

  it('refuses a range_end over MAX_KEY_BYTES', () => {
    const rangeEnd = Buffer.alloc(MAX_KEY_BYTES + 1, 0x7a);
    refuses(() => validateRange(rangeRequest({ key: b('a'), rangeEnd })), /range_end is \d+ bytes/);
    refuses(() => validateDeleteRange(deleteRangeRequest({ key: b('a'), rangeEnd })), /range_end is \d+ bytes/);
  });
});

describe('values', () => {
  it('accepts a value of exactly MAX_VALUE_BYTES (and an empty value) and refuses one byte more', () => {
    expect(() => validatePut(putRequest({ value: Buffer.alloc(MAX_VALUE_BYTES) }))).not.toThrow();
    expect(() => validatePut(putRequest({ value: EMPTY }))).not.toThrow();
    refuses(() => validatePut(putRequest({ value: Buffer.alloc(MAX_VALUE_BYTES + 1) })), new RegExp(`value is ${MAX_VALUE_BYTES + 1} bytes`));
    refuses(() => validateTxn(txnRequest({ failure: [putOp('k', Buffer.alloc(MAX_VALUE_BYTES + 1))] })), /^txn failure\[0\]: value is/);
  });

  it('refuses a VALUE compare over MAX_VALUE_BYTES', () => {
    const compare: Compare__Output = { result: 'EQUAL', target: 'VALUE', key: b('k'), rangeEnd: EMPTY, value: Buffer.alloc(MAX_VALUE_BYTES + 1), targetUnion: 'value' };
    refuses(() => validateTxn(txnRequest({ compare: [compare] })), /compare value is over/);
    expect(() => validateTxn(txnRequest({ compare: [{ ...compare, value: Buffer.alloc(MAX_VALUE_BYTES) }] }))).not.toThrow();
  });
});

describe('range_end', () => {
  it('accepts a range_end after the key, an empty one (single key) and "\\0" (every key from key on)', () => {
    const accepted: Array<[string, Buffer]> = [
      ['a', b('b')],
      ['a', b('a\0')],
      ['a', EMPTY],
      ['zzz', ZERO],
    ];
    for (const [key, rangeEnd] of accepted) {
      expect(() => validateRange(rangeRequest({ key: b(key), rangeEnd }))).not.toThrow();
      expect(() => validateDeleteRange(deleteRangeRequest({ key: b(key), rangeEnd }))).not.toThrow();
      expect(() => validateTxn(txnRequest({ compare: [versionCompare({ key: b(key), rangeEnd })] }))).not.toThrow();
    }
  });

  it('refuses a range_end equal to or before the key', () => {
    refuses(() => validateRange(rangeRequest({ key: b('b'), rangeEnd: b('b') })), /range_end must sort after key/);
    refuses(() => validateRange(rangeRequest({ key: b('b'), rangeEnd: b('a') })), /range_end must sort after key/);
    refuses(() => validateRange(rangeRequest({ key: b('ab'), rangeEnd: b('a') })), /range_end must sort after key/);
    refuses(() => validateDeleteRange(deleteRangeRequest({ key: b('b'), rangeEnd: b('a') })), /^delete: range_end must sort after key/);
    refuses(() => validateTxn(txnRequest({ compare: [versionCompare({ key: b('b'), rangeEnd: b('a') })] })), /^txn compare\[0\]: range_end/);
  });

  it('treats a multi-byte range_end starting with zero as an ordinary bound', () => {
    // Only the one-byte "\0" means "to the end"; [0, 0] sorts before "a".
    refuses(() => validateRange(rangeRequest({ key: b('a'), rangeEnd: Buffer.from([0, 0]) })), /range_end must sort after key/);
  });

  it('compares keys as bytes, not as strings', () => {
    expect(() => validateRange(rangeRequest({ key: Buffer.from([0x7f]), rangeEnd: Buffer.from([0x80]) }))).not.toThrow();
    refuses(() => validateRange(rangeRequest({ key: Buffer.from([0xff]), rangeEnd: Buffer.from([0x80]) })), /range_end must sort after key/);
  });
});

describe('revisions and limits', () => {
  it('refuses a negative or non-integer revision or limit', () => {
    refuses(() => validateRange(rangeRequest({ revision: -1 })), /revision must be a non-negative integer, got -1/);
    refuses(() => validateRange(rangeRequest({ limit: -5 })), /limit must be a non-negative integer, got -5/);
    refuses(() => validateRange(rangeRequest({ revision: 1.5 })), /revision must be a non-negative integer/);
    refuses(() => validateRange(rangeRequest({ revision: 2 ** 53 })), /revision must be a non-negative integer/);
    refuses(() => validateTxn(txnRequest({ success: [rangeOp({ revision: -1 })] })), /^txn success\[0\]: revision/);
    expect(() => validateRange(rangeRequest({ revision: 0, limit: 0 }))).not.toThrow();
    expect(() => validateRange(rangeRequest({ revision: 12, limit: 3 }))).not.toThrow();
  });

  it('refuses a negative revision in a revision compare', () => {
    refuses(() => validateTxn(txnRequest({ compare: [versionCompare({ version: -1 })] })), /version must be a non-negative integer/);
    const mod: Compare__Output = { result: 'LESS', target: 'MOD', key: b('k'), rangeEnd: EMPTY, modRevision: -3, targetUnion: 'modRevision' };
    refuses(() => validateTxn(txnRequest({ compare: [mod] })), /modRevision must be a non-negative integer/);
  });
});

describe('transactions', () => {
  it('accepts MAX_TXN_OPS compares and MAX_TXN_OPS ops in each branch, as etcd does, and refuses one more in any', () => {
    const compares = Array.from({ length: MAX_TXN_OPS }, (_, i) => versionCompare({ key: b(`c${i}`) }));
    const success = Array.from({ length: MAX_TXN_OPS }, (_, i) => putOp(`s${i}`));
    const failure = Array.from({ length: MAX_TXN_OPS }, (_, i) => putOp(`f${i}`));
    expect(() => validateTxn(txnRequest({ compare: compares, success, failure }))).not.toThrow();
    refuses(
      () => validateTxn(txnRequest({ compare: compares, success, failure: [...failure, putOp('one-more')] })),
      new RegExp(`txn has ${MAX_TXN_OPS + 1} failure ops; the limit is ${MAX_TXN_OPS}`),
    );
    refuses(() => validateTxn(txnRequest({ compare: [...compares, versionCompare()] })), new RegExp(`txn has ${MAX_TXN_OPS + 1} compares`));
    refuses(() => validateTxn(txnRequest({ success: [...success, putOp('one-more')] })), new RegExp(`txn has ${MAX_TXN_OPS + 1} success ops`));
  });

  it('accepts every compare target with its matching field', () => {
    const base = { result: 'NOT_EQUAL', key: b('k'), rangeEnd: EMPTY } as const;
    const compares: Compare__Output[] = [
      { ...base, target: 'VERSION', version: 1, targetUnion: 'version' },
      { ...base, target: 'CREATE', createRevision: 2, targetUnion: 'createRevision' },
      { ...base, target: 'MOD', modRevision: 3, targetUnion: 'modRevision' },
      { ...base, target: 'VALUE', value: b('v'), targetUnion: 'value' },
    ];
    expect(() => validateTxn(txnRequest({ compare: compares }))).not.toThrow();
    for (const result of ['EQUAL', 'GREATER', 'LESS', 'NOT_EQUAL'] as const) {
      expect(() => validateTxn(txnRequest({ compare: [versionCompare({ result })] }))).not.toThrow();
    }
  });

  it('refuses a compare result or target that is an unknown enum number', () => {
    // An enum value outside the proto's range decodes as its number.
    const badResult = { ...versionCompare(), result: 7 } as unknown as Compare__Output;
    refuses(() => validateTxn(txnRequest({ compare: [badResult] })), /^txn compare\[0\]: unknown compare result 7/);
    const badTarget = { ...versionCompare(), target: 9 } as unknown as Compare__Output;
    refuses(() => validateTxn(txnRequest({ compare: [badTarget] })), /^txn compare\[0\]: unknown compare target 9/);
  });

  it('refuses a compare whose set field does not match its target', () => {
    refuses(
      () => validateTxn(txnRequest({ compare: [versionCompare({ target: 'MOD' })] })),
      /target MOD needs the modRevision field set, got version/,
    );
    const noField: Compare__Output = { result: 'EQUAL', target: 'VALUE', key: b('k'), rangeEnd: EMPTY };
    refuses(() => validateTxn(txnRequest({ compare: [noField] })), /target VALUE needs the value field set, got none/);
  });

  it('reports which compare or op is wrong', () => {
    refuses(
      () => validateTxn(txnRequest({ compare: [versionCompare(), versionCompare({ key: EMPTY })] })),
      /^txn compare\[1\]: key is empty/,
    );
    refuses(() => validateTxn(txnRequest({ success: [putOp('a'), deleteOp({ key: EMPTY })] })), /^txn success\[1\]: key is empty/);
  });

  it('refuses an op that sets none of request_range, request_put, request_delete_range', () => {
    const empty: RequestOp__Output = { requestRange: null, requestPut: null, requestDeleteRange: null };
    refuses(() => validateTxn(txnRequest({ success: [empty] })), /^txn success\[0\]: an op must set one of/);
    refuses(() => validateTxn(txnRequest({ failure: [putOp('a'), empty] })), /^txn failure\[1\]: an op must set one of/);
  });

  it('refuses two puts of one key in one branch', () => {
    refuses(() => validateTxn(txnRequest({ success: [putOp('a', '1'), rangeOp(), putOp('a', '2')] })), /txn success: key "a" is put twice/);
    refuses(() => validateTxn(txnRequest({ failure: [putOp('x'), putOp('x')] })), /txn failure: key "x" is put twice/);
  });

  it('accepts one put of a key in each branch, a put and a delete of one key, and puts of different keys', () => {
    expect(() => validateTxn(txnRequest({ success: [putOp('a')], failure: [putOp('a')] }))).not.toThrow();
    expect(() => validateTxn(txnRequest({ success: [putOp('a'), deleteOp({ key: b('a') })] }))).not.toThrow();
    // Keys that differ only in bytes beyond UTF-8 are distinct keys.
    expect(() => validateTxn(txnRequest({ success: [putOp(Buffer.from([0xff])), putOp(Buffer.from([0xfe]))] }))).not.toThrow();
  });

  it('accepts an empty transaction', () => {
    expect(() => validateTxn(txnRequest())).not.toThrow();
  });
});
