import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Compare__Output } from '../../src/gen/quorumkv/v1/Compare.js';
import type { TxnRequest__Output } from '../../src/gen/quorumkv/v1/TxnRequest.js';
import { applyTxns, b, cmp, delOp, keysOf, openHarness, putOp, rangeOp, rangeReq, txn, type Harness } from './helpers.js';

let h: Harness;
beforeEach(async () => {
  h = await openHarness();
  // k: create 2, mod 3, version 2, value "m". other: create 2, mod 2, version 1, value "z".
  await applyTxns(h, txn([putOp('k', 'a'), putOp('other', 'z')]), txn([putOp('k', 'm')]));
});
afterEach(async () => {
  await h.cleanup();
});

async function holds(...compare: Compare__Output[]): Promise<boolean> {
  const [out] = await applyTxns(h, txn([], compare));
  return out.response.succeeded;
}

describe('txn compares', () => {
  const table: [Compare__Output['target'], number | string, number | string, number | string][] = [
    // target, below the key's value, the key's value, above it
    ['VERSION', 1, 2, 3],
    ['CREATE', 1, 2, 3],
    ['MOD', 2, 3, 4],
    ['VALUE', 'l', 'm', 'n'],
  ];
  for (const [target, below, equal, above] of table) {
    it(`${target}: EQUAL, NOT_EQUAL, GREATER, LESS on an existing key`, async () => {
      expect(await holds(cmp('k', target, 'EQUAL', equal))).toBe(true);
      expect(await holds(cmp('k', target, 'EQUAL', above))).toBe(false);
      expect(await holds(cmp('k', target, 'NOT_EQUAL', above))).toBe(true);
      expect(await holds(cmp('k', target, 'NOT_EQUAL', equal))).toBe(false);
      expect(await holds(cmp('k', target, 'GREATER', below))).toBe(true);
      expect(await holds(cmp('k', target, 'GREATER', equal))).toBe(false);
      expect(await holds(cmp('k', target, 'LESS', above))).toBe(true);
      expect(await holds(cmp('k', target, 'LESS', equal))).toBe(false);
    });
  }

  it('a missing key compares as version/create/mod 0', async () => {
    for (const target of ['VERSION', 'CREATE', 'MOD'] as const) {
      expect(await holds(cmp('missing', target, 'EQUAL', 0))).toBe(true);
      expect(await holds(cmp('missing', target, 'LESS', 1))).toBe(true);
      expect(await holds(cmp('missing', target, 'GREATER', 0))).toBe(false);
      expect(await holds(cmp('missing', target, 'NOT_EQUAL', 0))).toBe(false);
    }
  });

  it('a VALUE compare on a missing key is false whatever the result', async () => {
    for (const result of ['EQUAL', 'NOT_EQUAL', 'GREATER', 'LESS'] as const) {
      expect(await holds(cmp('missing', 'VALUE', result, ''))).toBe(false);
    }
  });

  it('a deleted key compares as missing', async () => {
    await applyTxns(h, txn([delOp('k')]));
    expect(await holds(cmp('k', 'VERSION', 'EQUAL', 0))).toBe(true);
    expect(await holds(cmp('k', 'CREATE', 'EQUAL', 0))).toBe(true);
  });

  it('an operand of the wrong union member counts as zero, as in etcd', async () => {
    const wrongUnion: Compare__Output = {
      key: b('k'), target: 'VERSION', result: 'GREATER', rangeEnd: Buffer.alloc(0),
      targetUnion: 'modRevision', modRevision: 100,
    };
    expect(await holds(wrongUnion)).toBe(true);
  });

  it('with rangeEnd, the compare must hold for every key in the range', async () => {
    await applyTxns(h, txn([putOp('r1', 'x'), putOp('r2', 'x'), putOp('r3', 'y')]));
    expect(await holds(cmp('r1', 'VALUE', 'EQUAL', 'x', 'r3'))).toBe(true);
    expect(await holds(cmp('r1', 'VALUE', 'EQUAL', 'x', 'r4'))).toBe(false);
    expect(await holds(cmp('r', 'VERSION', 'EQUAL', 1, '\0'))).toBe(true); // r1..r3
    expect(await holds(cmp('\0', 'VERSION', 'GREATER', 0, '\0'))).toBe(true); // every key
    expect(await holds(cmp('\0', 'VERSION', 'EQUAL', 1, '\0'))).toBe(false); // k has version 2
    // An empty range compares as a missing key.
    expect(await holds(cmp('s', 'VERSION', 'EQUAL', 0, 't'))).toBe(true);
    expect(await holds(cmp('s', 'VALUE', 'EQUAL', '', 't'))).toBe(false);
  });

  it('all compares must hold', async () => {
    expect(await holds(cmp('k', 'VERSION', 'EQUAL', 2), cmp('other', 'VALUE', 'EQUAL', 'z'))).toBe(true);
    expect(await holds(cmp('k', 'VERSION', 'EQUAL', 2), cmp('other', 'VALUE', 'EQUAL', 'no'))).toBe(false);
  });
});

describe('txn branches', () => {
  it('runs success ops when compares hold, failure ops otherwise', async () => {
    const guarded = (version: number) =>
      txn([putOp('k', 'won')], [cmp('k', 'VERSION', 'EQUAL', version)], [putOp('lost', '1'), rangeOp('k')]);
    const [failed] = await applyTxns(h, guarded(99));
    expect(failed.response.succeeded).toBe(false);
    expect(failed.response.responses.map((r) => r.response)).toEqual(['responsePut', 'responseRange']);
    expect(keysOf(failed.response.responses[1].responseRange!.kvs)).toEqual(['k']);
    expect((await h.store.range(rangeReq('lost'))).count).toBe(1);
    expect((await h.store.range(rangeReq('k'))).kvs[0].value).toEqual(b('m'));

    const [ok] = await applyTxns(h, guarded(2));
    expect(ok.response.succeeded).toBe(true);
    expect(ok.response.header).toBeNull();
    expect((await h.store.range(rangeReq('k'))).kvs[0].value).toEqual(b('won'));
  });

  it('an empty failure branch writes nothing and keeps the revision', async () => {
    const before = h.store.revision;
    const [out] = await applyTxns(h, txn([putOp('k', 'x')], [cmp('k', 'VERSION', 'EQUAL', 7)]));
    expect(out).toEqual({ response: { header: null, succeeded: false, responses: [] }, revision: before });
  });
});

describe('read-your-own-writes', () => {
  it('ranges and compares in a txn see its earlier writes', async () => {
    const [out] = await applyTxns(
      h,
      txn([putOp('n1', 'a'), putOp('n1', 'b'), rangeOp('n', { rangeEnd: b('o') }), delOp('n1'), rangeOp('n1')]),
    );
    const [first, , seen, , after] = out.response.responses;
    expect(first.responsePut!.prevKv).toBeNull();
    expect(seen.responseRange!.kvs).toEqual([{ key: b('n1'), value: b('b'), createRevision: 4, modRevision: 4, version: 2, lease: 0 }]);
    expect(after.responseRange!.count).toBe(0);
  });

  it('later txns of one apply call see earlier ones, and ranges merge them with stored keys', async () => {
    const txns: TxnRequest__Output[] = [
      txn([putOp('j', '1'), delOp('other')]),
      txn([putOp('l', '1')], [cmp('j', 'VERSION', 'EQUAL', 1), cmp('other', 'VERSION', 'EQUAL', 0)]),
      txn([rangeOp('\0', { rangeEnd: b('\0') }), rangeOp('\0', { rangeEnd: b('\0'), limit: 2 })]),
      txn([putOp('k', 'x', true)]),
    ];
    const [outcomes] = await h.store.apply([{ index: h.nextIndex++, term: 2, txns }]);
    expect(outcomes.map((o) => o.revision)).toEqual([4, 5, 5, 6]);
    expect(outcomes[1].response.succeeded).toBe(true);
    const all = outcomes[2].response.responses[0].responseRange!;
    expect(keysOf(all.kvs)).toEqual(['j', 'k', 'l']);
    expect(outcomes[2].response.responses[1].responseRange).toMatchObject({ more: true, count: 3 });
    expect(outcomes[3].response.responses[0].responsePut!.prevKv!.version).toBe(2);
    expect(h.store.appliedTerm).toBe(2);
  });

  it('a range at an older revision inside the apply call sees the state as of that revision', async () => {
    // Store is at revision 3. Revision 4 and 5 are written by this same call.
    const txns = [
      txn([putOp('k', 'v3')]),
      txn([putOp('k', 'v4')]),
      txn([rangeOp('k', { revision: 2 }), rangeOp('k', { revision: 3 }), rangeOp('k', { revision: 4 }), rangeOp('k')]),
    ];
    const [outcomes] = await h.store.apply([{ index: h.nextIndex++, term: 1, txns }]);
    const values = outcomes[2].response.responses.map((r) => r.responseRange!.kvs[0].value.toString());
    expect(values).toEqual(['a', 'm', 'v3', 'v4']);
  });
});

describe('malformed transactions are rejected whole, the same way everywhere', () => {
  it('rejects unknown enums, empty ops and unreadable revisions without applying anything', async () => {
    const before = { revision: h.store.revision, hash: await h.store.stateHash() };
    const badCompare = { ...cmp('k', 'VERSION', 'EQUAL', 2), result: 9 as unknown as 'EQUAL' };
    const rejected = await applyTxns(
      h,
      txn([putOp('x', '1')], [badCompare]),
      txn([putOp('x', '1'), {}]),
      txn([putOp('x', '1')], [], [rangeOp('k', { revision: 50 })]),
      txn([putOp('x', '1'), { request: 'requestPut', requestPut: null }]),
    );
    for (const out of rejected) {
      expect(out.rejected).toMatch(/./);
      expect(out.response).toEqual({ header: null, succeeded: false, responses: [] });
      expect(out.revision).toBe(before.revision);
    }
    expect(rejected[0].rejected).toMatch(/unknown compare result/);
    expect(rejected[2].rejected).toMatch(/future/);
    expect(h.store.appliedIndex).toBe(h.nextIndex - 1);
    expect(await h.store.stateHash()).toBe(before.hash);
  });
});
