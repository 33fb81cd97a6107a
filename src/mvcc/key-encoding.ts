import { assert } from './assert.js';

// History keys are (user key, revision) pairs flattened into one LevelDB key. LevelDB orders keys
// bytewise, so the user key is escaped (0x00 -> 0x00 0xFF) and terminated (0x00 0x01): the result
// orders exactly like the raw keys and no key's encoding is a prefix of another's, so every
// revision of one key sorts together, in revision order, before the next key.
const ZERO = 0x00;
const ESCAPED_ZERO = 0xff;
const TERMINATOR = 0x01;
const AFTER_TERMINATOR = 0x02;

export const REVISION_BYTES = 8;

export function encodeRevision(revision: number): Buffer {
  assert(Number.isSafeInteger(revision) && revision >= 0, `revision ${revision} is not a uint`);
  const bytes = Buffer.alloc(REVISION_BYTES);
  bytes.writeBigUInt64BE(BigInt(revision));
  return bytes;
}

export function decodeRevision(bytes: Buffer, offset = 0): number {
  const revision = Number(bytes.readBigUInt64BE(offset));
  assert(Number.isSafeInteger(revision), `stored revision at ${offset} is not a safe integer`);
  return revision;
}

/** The escaped, terminated key: the common prefix of every history record of `key`. */
export function keyGroupStart(key: Buffer): Buffer {
  return escapeKey(key, TERMINATOR, 0);
}

/** A bound just past every history record of `key` and before those of any greater key. */
export function keyGroupEnd(key: Buffer): Buffer {
  return escapeKey(key, AFTER_TERMINATOR, 0);
}

export function encodeHistoryKey(key: Buffer, revision: number): Buffer {
  const encoded = escapeKey(key, TERMINATOR, REVISION_BYTES);
  encodeRevision(revision).copy(encoded, encoded.length - REVISION_BYTES);
  return encoded;
}

export function decodeHistoryKey(encoded: Buffer): { key: Buffer; revision: number } {
  const raw: number[] = [];
  let i = 0;
  for (;;) {
    assert(i < encoded.length, 'history key has no terminator');
    const byte = encoded[i];
    if (byte !== ZERO) {
      raw.push(byte);
      i += 1;
      continue;
    }
    const next = encoded[i + 1];
    if (next === TERMINATOR) break;
    assert(next === ESCAPED_ZERO, `history key has a bad escape 0x00 0x${String(next)}`);
    raw.push(ZERO);
    i += 2;
  }
  const revisionOffset = i + 2;
  assert(encoded.length === revisionOffset + REVISION_BYTES, 'history key has a bad length');
  return { key: Buffer.from(raw), revision: decodeRevision(encoded, revisionOffset) };
}

/** The smallest key greater than `key` in byte order: `key` followed by one zero byte. */
export function keySuccessor(key: Buffer): Buffer {
  return Buffer.concat([key, Buffer.of(ZERO)]);
}

function escapeKey(key: Buffer, terminator: number, extraBytes: number): Buffer {
  let zeros = 0;
  for (const byte of key) if (byte === ZERO) zeros += 1;
  const out = Buffer.alloc(key.length + zeros + 2 + extraBytes);
  let o = 0;
  for (const byte of key) {
    out[o++] = byte;
    if (byte === ZERO) out[o++] = ESCAPED_ZERO;
  }
  out[o++] = ZERO;
  out[o++] = terminator;
  assert(o === out.length - extraBytes, 'escaped key length mismatch');
  return out;
}
