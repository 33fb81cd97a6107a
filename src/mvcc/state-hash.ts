import { createHash } from 'node:crypto';
import { encodeRevision } from './key-encoding.js';
import type { KvSource } from './kv-source.js';

const EVERY_KEY = { start: Buffer.alloc(0), end: null };

/**
 * sha256 over every live key-value of `source` (key, value, create, mod, version, lease) in key order,
 * then `revision`. Fields are length-prefixed so no two different states hash the same input
 * stream. Streams the source; memory does not depend on the number of keys.
 */
export async function hashState(source: KvSource, revision: number): Promise<string> {
  const hash = createHash('sha256');
  for await (const kv of source.scan(EVERY_KEY)) {
    hash.update(lengthPrefix(kv.key.length));
    hash.update(kv.key);
    hash.update(lengthPrefix(kv.value.length));
    hash.update(kv.value);
    hash.update(encodeRevision(kv.createRevision));
    hash.update(encodeRevision(kv.modRevision));
    hash.update(encodeRevision(kv.version));
    hash.update(encodeRevision(kv.lease));
  }
  hash.update('revision');
  hash.update(encodeRevision(revision));
  return hash.digest('hex');
}

function lengthPrefix(length: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(length);
  return bytes;
}
