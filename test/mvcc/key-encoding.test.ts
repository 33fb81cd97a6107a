import { describe, expect, it } from 'vitest';
import {
  decodeHistoryKey,
  encodeHistoryKey,
  keyGroupEnd,
  keyGroupStart,
} from '../../src/mvcc/key-encoding.js';
import { resolveRange } from '../../src/mvcc/key-range.js';
import { seededFloats as seededRandom } from '../../src/consensus/random.js';

const tricky = [
  [], [0x00], [0x00, 0x00], [0x00, 0x01], [0x00, 0xff], [0x01], [0xff], [0xff, 0x00], [0xff, 0xff],
  [0x61], [0x61, 0x00], [0x61, 0x00, 0x00], [0x61, 0x01], [0x61, 0xff], [0x62],
].map((bytes) => Buffer.from(bytes));

describe('history key encoding', () => {
  it('round-trips keys with 0x00 and 0xFF bytes', () => {
    for (const key of tricky) {
      for (const revision of [0, 1, 255, 256, 2 ** 40, Number.MAX_SAFE_INTEGER]) {
        const decoded = decodeHistoryKey(encodeHistoryKey(key, revision));
        expect(decoded.key.equals(key)).toBe(true);
        expect(decoded.revision).toBe(revision);
      }
    }
  });

  it('orders by (key, revision) exactly like the raw keys, and groups bracket each key', () => {
    const random = seededRandom(7);
    const keys = [...tricky];
    for (let i = 0; i < 200; i++) {
      const length = Math.floor(random() * 4);
      keys.push(Buffer.from(Array.from({ length }, () => [0x00, 0x01, 0xff, 0x61][Math.floor(random() * 4)])));
    }
    const pairs = keys.flatMap((key) => [1, 2, 300].map((revision) => ({ key, revision })));
    const byRaw = [...pairs].sort((a, b) => Buffer.compare(a.key, b.key) || a.revision - b.revision);
    const byEncoded = [...pairs].sort((a, b) =>
      Buffer.compare(encodeHistoryKey(a.key, a.revision), encodeHistoryKey(b.key, b.revision)),
    );
    expect(byEncoded.map((p) => [p.key.toString('hex'), p.revision])).toEqual(
      byRaw.map((p) => [p.key.toString('hex'), p.revision]),
    );
    for (const a of keys) {
      for (const other of keys) {
        const encoded = encodeHistoryKey(other, 5);
        const inGroup = Buffer.compare(encoded, keyGroupStart(a)) >= 0 && Buffer.compare(encoded, keyGroupEnd(a)) < 0;
        expect(inGroup).toBe(other.equals(a));
      }
    }
  });
});

describe('resolveRange', () => {
  const b = (s: string) => Buffer.from(s);
  it('maps etcd range_end conventions to intervals', () => {
    expect(resolveRange(b('a'), b(''))).toEqual({ start: b('a'), end: Buffer.from([0x61, 0x00]) });
    expect(resolveRange(b('a'), Buffer.of(0))).toEqual({ start: b('a'), end: null });
    expect(resolveRange(Buffer.of(0), Buffer.of(0))).toEqual({ start: Buffer.alloc(0), end: null });
    expect(resolveRange(b('a'), b('c'))).toEqual({ start: b('a'), end: b('c') });
    expect(resolveRange(b('c'), b('a'))).toBeNull();
    expect(resolveRange(b('a'), b('a'))).toBeNull();
  });
});
