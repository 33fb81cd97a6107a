import { assert } from './assert.js';

const INTEGER_TEXT = /^-?[0-9]+$/;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** The outcome of adding to a stored integer: the new value, or why the add cannot be applied. */
export type AddResult = { ok: true; value: number; text: Buffer } | { ok: false; problem: string };

/**
 * Adds `delta` to `stored`: decimal ASCII text of an integer (optional '-', digits; "-0" and
 * leading zeros are fine), or null for a missing key, which counts as 0. The sum must stay within
 * ±Number.MAX_SAFE_INTEGER, because AddResponse.value travels as a JS number.
 */
export function addToStored(key: Buffer, stored: Buffer | null, delta: number): AddResult {
  assert(Number.isSafeInteger(delta), `add delta ${delta} is not a safe integer`);
  let current = 0n;
  if (stored !== null) {
    const text = stored.toString('latin1');
    if (!INTEGER_TEXT.test(text)) return { ok: false, problem: `add to ${describeKey(key)}: its value is not a decimal integer` };
    current = BigInt(text);
  }
  const sum = current + BigInt(delta);
  if (sum > MAX_SAFE || sum < -MAX_SAFE) {
    return { ok: false, problem: `add to ${describeKey(key)}: the result ${sum} is beyond ±${MAX_SAFE}` };
  }
  const text = sum.toString();
  return { ok: true, value: Number(sum), text: Buffer.from(text, 'latin1') };
}

/** A key as a person reads it: quoted when printable ASCII, hex otherwise. */
export function describeKey(key: Buffer): string {
  const text = key.toString('latin1');
  return PRINTABLE_ASCII.test(text) ? `key ${JSON.stringify(text)}` : `key 0x${key.toString('hex')}`;
}
