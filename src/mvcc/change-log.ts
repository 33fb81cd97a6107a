import type { KeyValue__Output } from '../gen/quorumkv/v1/KeyValue.js';
import { assert } from './assert.js';
import { decodeFullKv, encodeFullKv } from './kv-encoding.js';

/**
 * One event of a writing transaction, in the order the transaction made it. A delete carries
 * the deleted key with mod_revision set to the deleting revision (as etcd's tombstones do).
 * Watches read these per revision; they are what the history keyspace cannot tell apart when a
 * transaction touches one key twice.
 */
export interface Change {
  kind: 'put' | 'delete';
  kv: KeyValue__Output;
}

const KIND_PUT = 0x00;
const KIND_DELETE = 0x01;
const HEADER_BYTES = 5; // kind (1) + length (4)

export function encodeChanges(changes: readonly Change[]): Buffer {
  assert(changes.length > 0, 'a revision with no changes is never logged');
  const parts: Buffer[] = [];
  for (const change of changes) {
    const body = encodeFullKv(change.kv);
    const header = Buffer.alloc(HEADER_BYTES);
    header[0] = change.kind === 'put' ? KIND_PUT : KIND_DELETE;
    header.writeUInt32BE(body.length, 1);
    parts.push(header, body);
  }
  return Buffer.concat(parts);
}

export function decodeChanges(bytes: Buffer): Change[] {
  const changes: Change[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    assert(offset + HEADER_BYTES <= bytes.length, 'truncated change header');
    const tag = bytes[offset];
    assert(tag === KIND_PUT || tag === KIND_DELETE, `unknown change kind ${tag}`);
    const length = bytes.readUInt32BE(offset + 1);
    const start = offset + HEADER_BYTES;
    assert(start + length <= bytes.length, 'truncated change body');
    const kv = decodeFullKv(bytes.subarray(start, start + length));
    changes.push({ kind: tag === KIND_PUT ? 'put' : 'delete', kv });
    offset = start + length;
  }
  return changes;
}

/** The event a deletion of `key` at `revision` leaves in the change log. */
export function deletionOf(key: Buffer, revision: number): Change {
  const kv = { key, createRevision: 0, modRevision: revision, version: 0, value: Buffer.alloc(0), lease: 0 };
  return { kind: 'delete', kv };
}
