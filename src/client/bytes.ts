// Keys and values as callers give them (strings are utf-8), and the range ends requests need.

export type Bytes = string | Buffer | Uint8Array;

/** The smallest key greater than every key that starts with `prefix` ("\0" if there is none). */
export function prefixEnd(prefix: Buffer): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i] < 0xff) {
      end[i]++;
      return end.subarray(0, i + 1);
    }
  }
  return Buffer.from([0]);
}

export function bytes(value: Bytes): Buffer {
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value);
}

/** The range_end a request needs for `prefix` or an explicit `rangeEnd`; empty for one key. */
export function rangeEndFor(key: Buffer, options: { prefix?: boolean; rangeEnd?: Bytes }): Buffer {
  if (options.prefix) return prefixEnd(key);
  return options.rangeEnd === undefined ? Buffer.alloc(0) : bytes(options.rangeEnd);
}
