import { describe, expect, it } from 'vitest';
import { prefixEnd } from '../../src/client/client.js';

const hex = (bytes: number[]) => Buffer.from(bytes);

describe('prefixEnd', () => {
  it('increments the last byte', () => {
    expect(prefixEnd(Buffer.from('abc'))).toEqual(Buffer.from('abd'));
    expect(prefixEnd(hex([0x00]))).toEqual(hex([0x01]));
    expect(prefixEnd(hex([0x61, 0xfe]))).toEqual(hex([0x61, 0xff]));
  });

  it('drops trailing 0xff bytes and increments the byte before them', () => {
    expect(prefixEnd(hex([0x61, 0xff]))).toEqual(hex([0x62]));
    expect(prefixEnd(hex([0x61, 0x62, 0xff, 0xff, 0xff]))).toEqual(hex([0x61, 0x63]));
    expect(prefixEnd(hex([0x00, 0xff]))).toEqual(hex([0x01]));
    expect(prefixEnd(hex([0xff, 0x10, 0xff]))).toEqual(hex([0xff, 0x11]));
  });

  it('returns "\\0" (every key from the prefix on) when every byte is 0xff', () => {
    expect(prefixEnd(hex([0xff]))).toEqual(hex([0x00]));
    expect(prefixEnd(hex([0xff, 0xff, 0xff]))).toEqual(hex([0x00]));
  });

  it('returns "\\0" for an empty prefix', () => {
    expect(prefixEnd(Buffer.alloc(0))).toEqual(hex([0x00]));
  });

  it('does not modify the prefix it is given', () => {
    const prefix = hex([0x61, 0xff]);
    prefixEnd(prefix);
    expect(prefix).toEqual(hex([0x61, 0xff]));
  });

  it('sorts after every key with the prefix and before the next key without it', () => {
    const prefix = hex([0x61, 0xff]);
    const end = prefixEnd(prefix);
    for (const key of [hex([0x61, 0xff]), hex([0x61, 0xff, 0x00]), hex([0x61, 0xff, 0xff, 0xff])]) {
      expect(Buffer.compare(key, end)).toBe(-1);
    }
    expect(Buffer.compare(hex([0x62]), end)).toBe(0); // "b" is the first key outside the prefix
    expect(Buffer.compare(hex([0x61, 0xfe, 0xff]), prefix)).toBe(-1);
  });
});
